//! Who is calling: the actor context of a request, built from its headers.
//!
//! Authentication strategies (bearer tokens, sessions) are not built yet; until they are, a
//! request is anonymous, or a guest when it carries `x-guest-name` (the display name, base64
//! encoded, as the web client sends it).

use alkemio_authorization::ActorContext;
use axum::http::HeaderMap;
use base64::Engine as _;

/// The header a guest's display name arrives in.
pub const GUEST_NAME_HEADER: &str = "x-guest-name";

/// Decodes the guest name: base64 of UTF-8, trimmed; `None` when absent, malformed or empty.
pub fn guest_name(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get(GUEST_NAME_HEADER)?.to_str().ok()?.trim();
    if raw.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
    let name = String::from_utf8(bytes).ok()?.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

/// The actor context of a request.
pub fn actor_context(headers: &HeaderMap) -> ActorContext {
    match guest_name(headers) {
        Some(name) => ActorContext::guest(name),
        None => ActorContext::anonymous(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alkemio_authorization::ActorKind;

    #[test]
    fn guest_names_are_base64_utf8() {
        let mut h = HeaderMap::new();
        h.insert(GUEST_NAME_HEADER, "5p2O5piO".parse().unwrap()); // 李明
        assert_eq!(
            actor_context(&h).kind,
            ActorKind::Guest {
                name: "李明".into()
            }
        );
        h.insert(GUEST_NAME_HEADER, "not base64!".parse().unwrap());
        assert_eq!(actor_context(&h), ActorContext::anonymous());
        h.insert(GUEST_NAME_HEADER, "ICA=".parse().unwrap()); // spaces only
        assert_eq!(actor_context(&h), ActorContext::anonymous());
        assert_eq!(actor_context(&HeaderMap::new()), ActorContext::anonymous());
    }
}
