//! Changes to the platform-wide settings: the URLs Markdown may embed in iframes and the
//! addresses that never receive notification e-mails, each checked before it is stored.
//!
//! Where the reference is loose, this is strict (pinned by tests): an iframe URL must be an
//! absolute http(s) URL, a blacklisted address a valid one without wildcards, and a whole
//! list given to `updatePlatformSettings` is checked the same way (the reference stores it as
//! given); adding what is already there is BAD_USER_INPUT for addresses (as in the reference)
//! and a no-op for URLs, removing what is not there is BAD_USER_INPUT for both.

use alkemio_kernel::{AppError, AppResult};

use crate::model::IntegrationSettings;

/// The most addresses the blacklist holds (the reference's limit).
pub const BLACKLIST_LIMIT: usize = 250;

/// An absolute http(s) URL, trimmed.
pub fn iframe_url(url: &str) -> AppResult<String> {
    let url = url.trim();
    let parsed = url::Url::parse(url)
        .map_err(|_| AppError::bad_input(format!("Not an absolute URL: {url}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(AppError::bad_input(format!(
            "An iframe URL must be an http(s) URL with a host: {url}"
        )));
    }
    Ok(url.to_owned())
}

/// A full e-mail address, trimmed and lower-cased; wildcards are refused.
pub fn blacklisted_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    if email.contains('*') || email.contains('?') {
        return Err(AppError::bad_input(
            "Wildcard characters are not allowed in email addresses",
        ));
    }
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        return Err(AppError::bad_input(format!(
            "Not a valid email address: {email}"
        )));
    }
    Ok(email)
}

impl IntegrationSettings {
    /// Replaces the iframe URLs (each checked, duplicates dropped).
    pub fn set_iframe_urls(&mut self, urls: &[String]) -> AppResult<()> {
        let mut out: Vec<String> = Vec::new();
        for u in urls {
            let u = iframe_url(u)?;
            if !out.contains(&u) {
                out.push(u);
            }
        }
        self.iframe_allowed_urls = out;
        Ok(())
    }

    /// Replaces the blacklist (each address checked, duplicates dropped, within the limit).
    pub fn set_blacklist(&mut self, emails: &[String]) -> AppResult<()> {
        let mut out: Vec<String> = Vec::new();
        for e in emails {
            let e = blacklisted_email(e)?;
            if !out.contains(&e) {
                out.push(e);
            }
        }
        if out.len() > BLACKLIST_LIMIT {
            return Err(AppError::bad_input(format!(
                "The blacklist holds at most {BLACKLIST_LIMIT} addresses"
            )));
        }
        self.notification_email_blacklist = out;
        Ok(())
    }

    /// Adds an iframe URL (nothing changes when it is there already).
    pub fn add_iframe_url(&mut self, url: &str) -> AppResult<()> {
        let url = iframe_url(url)?;
        if !self.iframe_allowed_urls.contains(&url) {
            self.iframe_allowed_urls.push(url);
        }
        Ok(())
    }

    /// Removes an iframe URL; one that is not there is BAD_USER_INPUT.
    pub fn remove_iframe_url(&mut self, url: &str) -> AppResult<()> {
        let url = url.trim();
        let before = self.iframe_allowed_urls.len();
        self.iframe_allowed_urls.retain(|u| u != url);
        if self.iframe_allowed_urls.len() == before {
            return Err(AppError::bad_input(format!(
                "Not an allowed iframe URL: {url}"
            )));
        }
        Ok(())
    }

    /// Adds an address to the blacklist; one already there, or a full list, is BAD_USER_INPUT.
    pub fn add_blacklisted(&mut self, email: &str) -> AppResult<()> {
        let email = blacklisted_email(email)?;
        if self.notification_email_blacklist.contains(&email) {
            return Err(AppError::bad_input(format!(
                "Email {email} is already in the blacklist"
            )));
        }
        if self.notification_email_blacklist.len() >= BLACKLIST_LIMIT {
            return Err(AppError::bad_input(format!(
                "Blacklist limit of {BLACKLIST_LIMIT} entries reached. Remove entries before adding new ones."
            )));
        }
        self.notification_email_blacklist.push(email);
        Ok(())
    }

    /// Removes an address from the blacklist; one that is not there is BAD_USER_INPUT.
    pub fn remove_blacklisted(&mut self, email: &str) -> AppResult<()> {
        let email = email.trim().to_lowercase();
        let before = self.notification_email_blacklist.len();
        self.notification_email_blacklist.retain(|e| *e != email);
        if self.notification_email_blacklist.len() == before {
            return Err(AppError::bad_input(format!(
                "Email {email} is not in the blacklist"
            )));
        }
        Ok(())
    }

    /// Whether notification e-mails to this address are blocked.
    pub fn blocks(&self, email: &str) -> bool {
        let email = email.trim().to_lowercase();
        self.notification_email_blacklist.contains(&email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_canonical_and_checked() {
        let mut s = IntegrationSettings::default();
        s.add_blacklisted(" Spam@Example.org ").unwrap();
        assert_eq!(s.notification_email_blacklist, ["spam@example.org"]);
        assert!(s.blocks("SPAM@example.org"));
        assert!(s.add_blacklisted("spam@EXAMPLE.org").is_err());
        for bad in [
            "*@example.org",
            "no-at.example.org",
            "a@b",
            "a b@example.org",
            "a@@example.org",
        ] {
            assert!(s.add_blacklisted(bad).is_err(), "{bad}");
        }
        s.remove_blacklisted("SPAM@example.org").unwrap();
        assert!(s.remove_blacklisted("spam@example.org").is_err());
        let many: Vec<String> = (0..=BLACKLIST_LIMIT)
            .map(|i| format!("u{i}@example.org"))
            .collect();
        assert!(s.set_blacklist(&many).is_err());
        s.set_blacklist(&many[..BLACKLIST_LIMIT]).unwrap();
        assert!(s.add_blacklisted("one-more@example.org").is_err());
    }

    #[test]
    fn iframe_urls_are_absolute_http() {
        let mut s = IntegrationSettings::default();
        s.add_iframe_url("https://www.youtube.com/embed").unwrap();
        s.add_iframe_url("https://www.youtube.com/embed").unwrap();
        assert_eq!(s.iframe_allowed_urls, ["https://www.youtube.com/embed"]);
        for bad in [
            "youtube.com",
            "javascript:alert(1)",
            "ftp://files.example.org",
        ] {
            assert!(s.add_iframe_url(bad).is_err(), "{bad}");
        }
        assert!(s.remove_iframe_url("https://vimeo.com").is_err());
        s.remove_iframe_url("https://www.youtube.com/embed")
            .unwrap();
        assert!(s.iframe_allowed_urls.is_empty());
    }
}
