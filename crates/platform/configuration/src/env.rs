//! Reading typed values from a snapshot of the environment, with errors that name the variable.

use std::collections::HashMap;
use std::str::FromStr;

/// A configuration error: the variable and what is wrong with its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid configuration: {var}: {message}")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub var: String,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    /// An error for one variable.
    pub fn new(var: &str, message: impl Into<String>) -> Self {
        Self {
            var: var.to_owned(),
            message: message.into(),
        }
    }
}

/// A snapshot of environment variables. Settings are built from a snapshot, never from the
/// live process environment, so tests can build any configuration side by side.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// The process environment.
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    /// An environment made of the given pairs only.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// Sets one variable (builder style).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.vars.insert(key.to_owned(), value.into());
        self
    }

    /// The value of a variable; an empty value counts as unset.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// The value of a variable, or a default.
    pub fn string(&self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_owned()
    }

    /// A parsed value, or a default when unset.
    pub fn parse<T: FromStr>(&self, key: &str, default: T) -> Result<T, ConfigError> {
        match self.get(key) {
            None => Ok(default),
            Some(raw) => raw.trim().parse().map_err(|_| {
                ConfigError::new(
                    key,
                    format!("cannot parse {raw:?} as {}", std::any::type_name::<T>()),
                )
            }),
        }
    }

    /// A parsed value when set.
    pub fn parse_opt<T: FromStr>(&self, key: &str) -> Result<Option<T>, ConfigError> {
        self.get(key)
            .map(|raw| {
                raw.trim().parse().map_err(|_| {
                    ConfigError::new(
                        key,
                        format!("cannot parse {raw:?} as {}", std::any::type_name::<T>()),
                    )
                })
            })
            .transpose()
    }

    /// A boolean: `true`/`false` (any case), `1`/`0`, `yes`/`no`.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no") => Ok(false),
            Some(v) => Err(ConfigError::new(
                key,
                format!("expected true or false, got {v:?}"),
            )),
        }
    }

    /// A comma-separated list; empty items are dropped.
    pub fn list(&self, key: &str, default: &str) -> Vec<String> {
        self.get(key)
            .unwrap_or(default)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A size in bytes: a plain number or a number with a `kb`, `mb` or `gb` suffix (as the
    /// reference's `64mb`).
    pub fn byte_size(&self, key: &str, default: u64) -> Result<u64, ConfigError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        parse_byte_size(raw).ok_or_else(|| {
            ConfigError::new(key, format!("cannot parse {raw:?} as a size (e.g. 64mb)"))
        })
    }
}

/// Parses `123`, `10kb`, `64mb`, `1gb` (case-insensitive) into bytes.
pub fn parse_byte_size(raw: &str) -> Option<u64> {
    let s = raw.trim().to_ascii_lowercase();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().ok()?;
    let factor = match unit.trim() {
        "" | "b" => 1,
        "kb" | "k" => 1024,
        "mb" | "m" => 1024 * 1024,
        "gb" | "g" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_variable() {
        let env = Env::from_pairs([("GRAPHQL_PORT", "abc")]);
        let err = env.parse::<u16>("GRAPHQL_PORT", 4000).unwrap_err();
        assert_eq!(err.var, "GRAPHQL_PORT");
        assert!(
            err.to_string()
                .starts_with("invalid configuration: GRAPHQL_PORT:")
        );
    }

    #[test]
    fn sizes_and_booleans() {
        assert_eq!(parse_byte_size("64mb"), Some(64 * 1024 * 1024));
        assert_eq!(parse_byte_size("100"), Some(100));
        assert_eq!(parse_byte_size("lots"), None);
        let env = Env::from_pairs([("A", "TRUE"), ("B", "maybe")]);
        assert!(env.bool("A", false).unwrap());
        assert!(env.bool("B", false).is_err());
        assert!(!env.bool("C", false).unwrap());
    }
}
