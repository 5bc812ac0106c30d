//! The reference's custom GraphQL scalars: `UUID`, `NameID`, `DateTime`, `Markdown`, `Emoji`
//! and `MessageID`.
//!
//! Input is validated here, at the edge, so that nothing past a resolver argument ever holds
//! a malformed id or slug. The rules (lengths, characters, lower-casing) are the reference's.

use std::fmt;
use std::sync::LazyLock;

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{SecondsFormat, Utc};
use regex::Regex;
use uuid::Uuid;

/// Length of every `UUID` value.
pub const UUID_LENGTH: usize = 36;
/// Shortest accepted `NameID`.
pub const NAME_ID_MIN_LENGTH: usize = 3;
/// Longest accepted `NameID`: 25 generated characters plus a `-NN` de-duplication suffix.
pub const NAME_ID_MAX_LENGTH: usize = 28;

static UUID_CHARS: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "constant pattern")]
    Regex::new(r"^[a-zA-Z0-9.\-_]+$").unwrap()
});
static NAME_ID_CHARS: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "constant pattern")]
    Regex::new(r"^[a-zA-Z0-9-]+$").unwrap()
});
static EMOJI: LazyLock<Regex> = LazyLock::new(|| {
    #[expect(clippy::unwrap_used, reason = "constant pattern")]
    Regex::new(r"\p{Emoji}").unwrap()
});

fn expect_string<T: async_graphql::InputType>(
    value: Value,
    what: &str,
) -> Result<String, InputValueError<T>> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(InputValueError::custom(format!(
            "{what} must be a string, got {other}"
        ))),
    }
}

/// The `UUID` scalar: a 36-character identifier, lower-cased on input.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct UuidScalar(pub Uuid);

impl UuidScalar {
    /// Parses a `UUID` the way the scalar does.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.len() != UUID_LENGTH || !UUID_CHARS.is_match(input) {
            return Err(format!("UUID not valid: {input}"));
        }
        Uuid::parse_str(&input.to_ascii_lowercase())
            .map(Self)
            .map_err(|_| format!("UUID not valid: {input}"))
    }
}

#[Scalar(name = "UUID")]
/// An identifier of exactly 36 characters, in UUID form.
impl ScalarType for UuidScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "ID")?;
        UuidScalar::parse(&s).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.hyphenated().to_string())
    }
}

impl From<Uuid> for UuidScalar {
    fn from(value: Uuid) -> Self {
        Self(value)
    }
}

impl fmt::Display for UuidScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The `NameID` scalar: a URL slug of 3 to 28 characters from `a-z`, `0-9` and `-`.
///
/// The reference rejects upper-case input rather than folding it, and so do we.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(String);

impl NameId {
    /// Validates a `NameID` as the scalar does.
    pub fn parse(input: &str) -> Result<Self, String> {
        let len = input.chars().count();
        if !(NAME_ID_MIN_LENGTH..=NAME_ID_MAX_LENGTH).contains(&len)
            || !NAME_ID_CHARS.is_match(input)
        {
            return Err(format!("NameID value format is not valid: {input}"));
        }
        if input.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(format!("NameID is not lowercase: {input}"));
        }
        Ok(Self(input.to_owned()))
    }

    /// Wraps a value the server generated or read back from its own store.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[Scalar(name = "NameID")]
/// A readable identifier used in URLs: 3 to 28 characters from a-z, 0-9 and '-'.
impl ScalarType for NameId {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "NameID")?;
        NameId::parse(&s).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

impl fmt::Display for NameId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `DateTime` scalar: an ISO-8601 instant in UTC, written with millisecond precision and a
/// `Z` suffix as JavaScript's `toISOString` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime(pub chrono::DateTime<Utc>);

#[Scalar(name = "DateTime")]
/// An instant in UTC in ISO-8601 form, e.g. 2026-01-31T09:30:00.000Z.
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "DateTime")?;
        chrono::DateTime::parse_from_rfc3339(&s)
            .map(|dt| DateTime(dt.with_timezone(&Utc)))
            .map_err(|_| InputValueError::custom(format!("DateTime not valid: {s}")))
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(value: chrono::DateTime<Utc>) -> Self {
        Self(value)
    }
}

/// The `Markdown` scalar: any string, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Markdown(pub String);

#[Scalar(name = "Markdown")]
/// Text in Markdown.
impl ScalarType for Markdown {
    fn parse(value: Value) -> InputValueResult<Self> {
        expect_string(value, "Markdown").map(Markdown)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// The `Emoji` scalar: a string that contains an emoji, lower-cased on input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emoji(pub String);

impl Emoji {
    /// Validates an `Emoji` as the scalar does.
    pub fn parse(input: &str) -> Result<Self, String> {
        if EMOJI.is_match(input) {
            Ok(Self(input.to_lowercase()))
        } else {
            Err(format!("Emoji not valid: {input}"))
        }
    }
}

#[Scalar(name = "Emoji")]
/// A string holding an emoji.
impl ScalarType for Emoji {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "Emoji")?;
        Emoji::parse(&s).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// Length of every `MessageID` value.
pub const MESSAGE_ID_LENGTH: usize = 44;

/// The `MessageID` scalar: the 44-character id of a message, reply or reaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageId(pub String);

impl MessageId {
    /// Validates a `MessageID` as the scalar does: exactly 44 characters.
    pub fn parse(input: &str) -> Result<Self, String> {
        if input.chars().count() == MESSAGE_ID_LENGTH {
            Ok(Self(input.to_owned()))
        } else {
            Err(format!(
                "MessageID must be {MESSAGE_ID_LENGTH} characters long: {input}"
            ))
        }
    }
}

#[Scalar(name = "MessageID")]
/// The id of a message, reply or reaction in a room.
impl ScalarType for MessageId {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "MessageID")?;
        MessageId::parse(&s).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_is_lower_cased_and_checked() {
        let upper = "A1B2C3D4-0000-4000-8000-00000000000F";
        let parsed = <UuidScalar as ScalarType>::parse(Value::String(upper.into())).unwrap();
        assert_eq!(parsed.to_value(), Value::String(upper.to_lowercase()));
        for bad in [
            "",
            "abc",
            "a1b2c3d4-0000-4000-8000-00000000000f0",
            "a1b2c3d4 0000-4000-8000-00000000000f",
        ] {
            assert!(UuidScalar::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(<UuidScalar as ScalarType>::parse(Value::Number(4.into())).is_err());
    }

    #[test]
    fn name_id_follows_the_reference_rules() {
        assert!(NameId::parse("abc").is_ok());
        assert!(NameId::parse("my-space-2").is_ok());
        assert!(NameId::parse(&"a".repeat(28)).is_ok());
        assert!(NameId::parse(&"a".repeat(29)).is_err());
        assert!(NameId::parse("ab").is_err());
        assert!(NameId::parse("with space").is_err());
        assert!(NameId::parse("under_score").is_err());
        assert_eq!(
            NameId::parse("Upper").unwrap_err(),
            "NameID is not lowercase: Upper"
        );
    }

    #[test]
    fn date_time_round_trips_in_utc_with_millis() {
        let v = <DateTime as ScalarType>::parse(Value::String("2019-12-03T10:54:33+01:00".into()))
            .unwrap();
        assert_eq!(
            v.to_value(),
            Value::String("2019-12-03T09:54:33.000Z".into())
        );
        assert!(<DateTime as ScalarType>::parse(Value::String("yesterday".into())).is_err());
    }

    #[test]
    fn emoji_must_contain_an_emoji() {
        assert!(Emoji::parse("👍").is_ok());
        assert!(Emoji::parse("ok").is_err());
    }
}

/// Longest whiteboard content accepted, in characters.
pub const WHITEBOARD_CONTENT_MAX_LENGTH: usize = 8_388_608;

/// The `WhiteboardContent` scalar: an Excalidraw scene as a JSON string, an object with an
/// `elements` array of objects and optionally a `source` string and an `appState` object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhiteboardContent(pub String);

impl WhiteboardContent {
    /// Validates content as the scalar does.
    pub fn parse(input: &str) -> Result<Self, String> {
        let invalid =
            |why: &str| format!("Value is not valid excalidraw content definition: {why}");
        if input.chars().count() >= WHITEBOARD_CONTENT_MAX_LENGTH {
            return Err(invalid("it is too long"));
        }
        let value: serde_json::Value =
            serde_json::from_str(input).map_err(|_| invalid("it is not JSON"))?;
        let object = value
            .as_object()
            .ok_or_else(|| invalid("it is not an object"))?;
        let elements = object
            .get("elements")
            .and_then(|e| e.as_array())
            .ok_or_else(|| invalid("'elements' must be an array"))?;
        if !elements.iter().all(|e| e.is_object()) {
            return Err(invalid("every element must be an object"));
        }
        if object.get("source").is_some_and(|s| !s.is_string()) {
            return Err(invalid("'source' must be a string"));
        }
        if object.get("appState").is_some_and(|s| !s.is_object()) {
            return Err(invalid("'appState' must be an object"));
        }
        Ok(Self(input.to_owned()))
    }
}

#[Scalar(name = "WhiteboardContent")]
/// The content of a whiteboard: an Excalidraw scene as a JSON string.
impl ScalarType for WhiteboardContent {
    fn parse(value: Value) -> InputValueResult<Self> {
        let s = expect_string(value, "WhiteboardContent")?;
        WhiteboardContent::parse(&s).map_err(InputValueError::custom)
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}
