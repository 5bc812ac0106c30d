//! Enums whose GraphQL name (SCREAMING_CASE) and stored value (the reference's kebab-case
//! string, used in the database and by other services) differ. `stored_enum!` declares one with
//! both, and serde uses the stored value.

#[macro_export]
macro_rules! stored_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => ($graphql:literal, $stored:literal),)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::async_graphql::Enum)]
        $(#[$meta])*
        pub enum $name {
            $(
                #[doc = $stored]
                #[graphql(name = $graphql)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in GraphQL name order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The stored (kebab-case) value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $stored,)*
                }
            }

            /// The GraphQL name.
            pub fn graphql_name(self) -> &'static str {
                match self {
                    $($name::$variant => $graphql,)*
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::stored_enum::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($stored => Ok($name::$variant),)*
                    other => Err($crate::stored_enum::UnknownValue { kind: stringify!($name), value: other.to_owned() }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

/// A stored value no variant has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The enum.
    pub kind: &'static str,
    /// The value.
    pub value: String,
}

impl ::std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        write!(f, "unknown {} value {:?}", self.kind, self.value)
    }
}
