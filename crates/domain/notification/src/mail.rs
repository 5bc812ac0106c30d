//! E-mail: rendering from the templates kept in `templates/`, and delivery over SMTP, into
//! `.eml` files (no SMTP configured), or as the reference's wire message to the
//! `alkemio-notifications` queue for the reference's notification service to render.

use std::collections::HashMap;
use std::path::PathBuf;

use alkemio_events::rabbit::Publisher;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Mutex;

use crate::model::EmailDelivery;
use crate::values::NotificationEvent;

/// How SMTP connections are secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption (local relays and tests only).
    None,
}

/// An SMTP server to send through.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Connection security.
    pub security: SmtpSecurity,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
}

/// Where e-mails go.
pub enum Mailer {
    /// Sent over SMTP.
    Smtp {
        /// The transport (pooled connections).
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        /// The sender.
        from: Mailbox,
    },
    /// Written as `<id>.eml` files into a directory.
    Files {
        /// The directory.
        dir: PathBuf,
        /// The sender.
        from: Mailbox,
    },
    /// Handed to the reference's notification service through its queue.
    ReferenceQueue {
        /// A publisher on the broker.
        publisher: Box<Mutex<Publisher>>,
        /// The queue (`alkemio-notifications` in the reference).
        queue: String,
    },
}

impl Mailer {
    /// SMTP delivery.
    pub fn smtp(settings: &SmtpSettings, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("sender address: {e}"))?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| format!("TLS parameters: {e}"))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        builder = match settings.security {
            SmtpSecurity::StartTls => builder.tls(Tls::Required(tls(&settings.host)?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls(&settings.host)?)),
            SmtpSecurity::None => builder.tls(Tls::None),
        };
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self::Smtp {
            transport: Box::new(builder.build()),
            from,
        })
    }

    /// `.eml` files in `dir`.
    pub fn files(dir: PathBuf, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("sender address: {e}"))?;
        Ok(Self::Files { dir, from })
    }

    /// The reference's notification service, through the broker.
    pub fn reference_queue(publisher: Publisher, queue: String) -> Self {
        Self::ReferenceQueue {
            publisher: Box::new(Mutex::new(publisher)),
            queue,
        }
    }

    /// Sends one e-mail.
    pub async fn send(&self, email: &EmailDelivery) -> Result<(), String> {
        match self {
            Self::Smtp { transport, from } => {
                let message = build(email, from)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("SMTP: {e}"))
            }
            Self::Files { dir, from } => {
                let message = build(email, from)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let path = dir.join(format!("{}.eml", email.id));
                let tmp = dir.join(format!(".{}.eml.tmp", email.id));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .map_err(|e| format!("writing {}: {e}", tmp.display()))?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| format!("renaming to {}: {e}", path.display()))
            }
            Self::ReferenceQueue { publisher, queue } => {
                let body = serde_json::to_vec(&email.envelope)
                    .map_err(|e| format!("encoding the envelope: {e}"))?;
                publisher.lock().await.send_to_queue(queue, &body).await
            }
        }
    }
}

fn build(email: &EmailDelivery, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = email
        .recipient
        .parse()
        .map_err(|e| format!("recipient address: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}@alkemio>", email.id)))
        .multipart(MultiPart::alternative_plain_html(
            email.text_body.clone(),
            email.html_body.clone(),
        ))
        .map_err(|e| format!("building the message: {e}"))
}

/// A rendered e-mail: subject, text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// HTML.
    pub html: String,
}

const LAYOUT: &str = include_str!("../templates/layout.html");

fn template(event: NotificationEvent) -> Option<&'static str> {
    use NotificationEvent as E;
    Some(match event {
        E::PlatformAdminUserProfileCreated => {
            include_str!("../templates/PLATFORM_ADMIN_USER_PROFILE_CREATED.txt")
        }
        E::PlatformAdminUserProfileRemoved => {
            include_str!("../templates/PLATFORM_ADMIN_USER_PROFILE_REMOVED.txt")
        }
        E::PlatformAdminGlobalRoleChanged => {
            include_str!("../templates/PLATFORM_ADMIN_GLOBAL_ROLE_CHANGED.txt")
        }
        E::PlatformAdminSpaceCreated => {
            include_str!("../templates/PLATFORM_ADMIN_SPACE_CREATED.txt")
        }
        E::PlatformForumDiscussionCreated => {
            include_str!("../templates/PLATFORM_FORUM_DISCUSSION_CREATED.txt")
        }
        E::SpaceAdminCommunityApplication => {
            include_str!("../templates/SPACE_ADMIN_COMMUNITY_APPLICATION.txt")
        }
        E::SpaceAdminCommunityNewMember => {
            include_str!("../templates/SPACE_ADMIN_COMMUNITY_NEW_MEMBER.txt")
        }
        E::UserSpaceCommunityJoined => include_str!("../templates/USER_SPACE_COMMUNITY_JOINED.txt"),
        E::UserMessage => include_str!("../templates/USER_MESSAGE.txt"),
        E::OrganizationAdminMessage => {
            include_str!("../templates/ORGANIZATION_ADMIN_MESSAGE.txt")
        }
        E::OrganizationMessageSender => {
            include_str!("../templates/ORGANIZATION_MESSAGE_SENDER.txt")
        }
        E::SpaceLeadCommunicationMessage => {
            include_str!("../templates/SPACE_LEAD_COMMUNICATION_MESSAGE.txt")
        }
        E::SpaceCommunicationUpdate => {
            include_str!("../templates/SPACE_COMMUNICATION_UPDATE.txt")
        }
        E::SpaceCollaborationCalloutPublished => {
            include_str!("../templates/SPACE_COLLABORATION_CALLOUT_PUBLISHED.txt")
        }
        E::SpaceCollaborationCalloutContribution => {
            include_str!("../templates/SPACE_COLLABORATION_CALLOUT_CONTRIBUTION.txt")
        }
        E::SpaceAdminCollaborationCalloutContribution => {
            include_str!("../templates/SPACE_ADMIN_COLLABORATION_CALLOUT_CONTRIBUTION.txt")
        }
        E::UserSpaceCommunityInvitation => {
            include_str!("../templates/USER_SPACE_COMMUNITY_INVITATION.txt")
        }
        E::SpaceCommunityInvitationUserPlatform => {
            include_str!("../templates/SPACE_COMMUNITY_INVITATION_USER_PLATFORM.txt")
        }
        E::UserSpaceCommunityApplicationDeclined => {
            include_str!("../templates/USER_SPACE_COMMUNITY_APPLICATION_DECLINED.txt")
        }
        _ => return None,
    })
}

fn substitute(text: &str, values: &HashMap<&str, String>, escape: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                let value = values.get(key).map(String::as_str).unwrap_or("");
                if escape {
                    out.push_str(&html_escape(value));
                } else {
                    out.push_str(value);
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the template of `event` with `values` (`{{name}}` placeholders; `link` is the
/// call to action). A template starts with a `subject:` line, then `---`, then the text.
pub fn render(event: NotificationEvent, values: &HashMap<&str, String>) -> Option<Rendered> {
    let source = template(event)?;
    let (head, body) = source.split_once("\n---\n")?;
    let subject = substitute(head.trim().strip_prefix("subject:")?.trim(), values, false);
    let text = substitute(body.trim(), values, false);
    let paragraphs: String = body
        .trim()
        .split("\n\n")
        .map(|p| {
            let escaped = substitute(p.trim(), values, true).replace('\n', "<br>");
            format!("<p>{escaped}</p>\n")
        })
        .collect();
    let link = values.get("link").cloned().unwrap_or_default();
    let mut layout_values: HashMap<&str, String> = HashMap::new();
    layout_values.insert("subject", subject.clone());
    layout_values.insert("link", link);
    layout_values.insert(
        "action",
        values
            .get("action")
            .cloned()
            .unwrap_or_else(|| "Open Alkemio".to_owned()),
    );
    // The body is HTML already: it goes in after the layout's own placeholders are filled.
    const BODY: &str = "\u{0}body\u{0}";
    let html = substitute(&LAYOUT.replace("{{{body}}}", BODY), &layout_values, true)
        .replace(BODY, &paragraphs);
    Some(Rendered {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_subject_text_and_escaped_html() {
        let values: HashMap<&str, String> = [
            ("recipient", "Ann".to_owned()),
            ("applicant", "Bob <b>".to_owned()),
            ("space", "Green & Co".to_owned()),
            ("link", "https://alkem.io/green/community".to_owned()),
            ("action", "Review".to_owned()),
        ]
        .into_iter()
        .collect();
        let r = render(NotificationEvent::SpaceAdminCommunityApplication, &values).unwrap();
        assert!(r.subject.contains("Bob <b>"), "{}", r.subject);
        assert!(r.subject.contains("Green & Co"));
        assert!(r.text.contains("https://alkem.io/green/community"));
        assert!(r.html.contains("Bob &lt;b&gt;"));
        // the body's paragraphs are in the HTML part, escaped, with no placeholder left
        assert!(r.html.contains("<p>Hello Ann,</p>"), "{}", r.html);
        assert!(
            r.html.contains("has asked to join Green &amp; Co"),
            "{}",
            r.html
        );
        assert!(
            !r.html.contains('\u{0}') && !r.html.contains('}'),
            "{}",
            r.html
        );
        assert!(r.html.contains("Green &amp; Co"));
        assert!(!r.html.contains("{{"));
        assert!(r.html.contains("href=\"https://alkem.io/green/community\""));
    }

    #[test]
    fn every_template_has_a_subject() {
        for event in NotificationEvent::ALL {
            if template(*event).is_some() {
                let r = render(*event, &HashMap::new()).unwrap();
                assert!(!r.subject.is_empty(), "{event:?}");
            }
        }
    }
}
