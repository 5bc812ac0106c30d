//! Mentions in message text: the client writes `[@Name](https://host/user/<nameID>)` (or
//! `/organization/<nameID>`, `/vc/<nameID>`).

use std::sync::LazyLock;

use regex::Regex;

/// What a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// A user (`/user/…`).
    User,
    /// An organization (`/organization/…`).
    Organization,
    /// A virtual contributor (`/vc/…`).
    VirtualContributor,
}

/// One mention: whom it names, by NameID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The kind of contributor.
    pub kind: MentionKind,
    /// Its NameID.
    pub name_id: String,
}

static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[@[^\]]*\]\(https?://[^)]*/(user|organization|vc)/([^)/?#]+)[^)]*\)")
        .unwrap_or_else(|e| unreachable!("the mention pattern compiles: {e}"))
});

/// The mentions in a text, in order, each contributor once.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for c in MENTION.captures_iter(text) {
        let kind = match &c[1] {
            "user" => MentionKind::User,
            "organization" => MentionKind::Organization,
            _ => MentionKind::VirtualContributor,
        };
        let m = Mention {
            kind,
            name_id: c[2].to_owned(),
        };
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_found_in_markdown_links() {
        let text = "Hi [@Guide Bot](https://alkem.io/vc/guidebot) and [@Ada](http://localhost:3000/user/ada), \
                    again [@Guide Bot](https://alkem.io/vc/guidebot); not [Ada](https://alkem.io/user/ada)";
        assert_eq!(
            mentions(text),
            vec![
                Mention {
                    kind: MentionKind::VirtualContributor,
                    name_id: "guidebot".into()
                },
                Mention {
                    kind: MentionKind::User,
                    name_id: "ada".into()
                },
            ]
        );
        assert!(mentions("no mentions here").is_empty());
    }
}
