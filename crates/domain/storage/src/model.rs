//! Storage data: aggregators (one per platform, account, user, organization, space), buckets
//! (one per aggregator and per profile), documents (uploaded files).

use alkemio_kernel::stored_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

stored_enum! {
    /// What a storage aggregator belongs to.
    StorageAggregatorType {
        Account => ("ACCOUNT", "account"),
        Organization => ("ORGANIZATION", "organization"),
        Platform => ("PLATFORM", "platform"),
        Space => ("SPACE", "space"),
        User => ("USER", "user"),
    }
}

macro_rules! mime_types {
    ($($variant:ident => ($graphql:literal, $mime:literal),)*) => {
        /// The file types storage accepts, by their GraphQL names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
        pub enum MimeType {
            $(
                #[doc = $mime]
                #[graphql(name = $graphql)]
                $variant,
            )*
        }

        impl MimeType {
            /// Every type, in the reference's default order.
            pub const ALL: &'static [MimeType] = &[$(MimeType::$variant,)*];

            /// The MIME string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(MimeType::$variant => $mime,)*
                }
            }

            /// The type of a MIME string.
            pub fn parse(mime: &str) -> Option<Self> {
                match mime {
                    $($mime => Some(MimeType::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

mime_types! {
    Pdf => ("PDF", "application/pdf"),
    Xls => ("XLS", "application/vnd.ms-excel"),
    Xlsx => ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Ods => ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    Csv => ("CSV", "text/csv"),
    Ics => ("ICS", "text/calendar"),
    Doc => ("DOC", "application/msword"),
    Docx => ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Odt => ("ODT", "application/vnd.oasis.opendocument.text"),
    Rtf => ("RTF", "application/rtf"),
    Ppt => ("PPT", "application/vnd.ms-powerpoint"),
    Pptx => ("PPTX", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    Odp => ("ODP", "application/vnd.oasis.opendocument.presentation"),
    Pptm => ("PPTM", "application/vnd.ms-powerpoint.presentation.macroEnabled.12"),
    Ppsx => ("PPSX", "application/vnd.openxmlformats-officedocument.presentationml.slideshow"),
    Ppsm => ("PPSM", "application/vnd.ms-powerpoint.slideshow.macroEnabled.12"),
    Potx => ("POTX", "application/vnd.openxmlformats-officedocument.presentationml.template"),
    Potm => ("POTM", "application/vnd.ms-powerpoint.template.macroEnabled.12"),
    Odg => ("ODG", "application/vnd.oasis.opendocument.graphics"),
    Bmp => ("BMP", "image/bmp"),
    Jpg => ("JPG", "image/jpg"),
    Jpeg => ("JPEG", "image/jpeg"),
    Xpng => ("XPNG", "image/x-png"),
    Png => ("PNG", "image/png"),
    Gif => ("GIF", "image/gif"),
    Webp => ("WEBP", "image/webp"),
    Svg => ("SVG", "image/svg+xml"),
    Avif => ("AVIF", "image/avif"),
    Heic => ("HEIC", "image/heic"),
    Heif => ("HEIF", "image/heif"),
}

/// Largest file a bucket accepts unless configured otherwise (15 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 15_728_640;

/// The MIME types every bucket accepts by default.
pub fn default_mime_types() -> Vec<String> {
    MimeType::ALL
        .iter()
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// A storage aggregator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageAggregator {
    /// Its id.
    pub id: Uuid,
    /// What it belongs to.
    pub aggregator_type: StorageAggregatorType,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// The aggregator above it (a subspace's is its parent space's).
    pub parent_id: Option<Uuid>,
    /// The bucket for files stored on the aggregator itself.
    pub direct_bucket_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// A storage bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageBucket {
    /// Its id.
    pub id: Uuid,
    /// Accepted MIME types.
    pub allowed_mime_types: Vec<String>,
    /// Largest accepted file.
    pub max_file_size: u64,
    /// The aggregator it belongs to.
    pub aggregator_id: Option<Uuid>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was created.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its id.
    pub id: Uuid,
    /// The uploaded file name.
    pub display_name: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// The content hash naming its bytes in the blob store.
    pub external_id: String,
    /// The actor who uploaded it.
    pub created_by: Option<Uuid>,
    /// Whether it waits to be moved to its final bucket.
    pub temporary_location: bool,
    /// Its bucket.
    pub bucket_id: Uuid,
    /// Tags.
    pub tags: Vec<String>,
    /// Its policy.
    pub authorization_id: Option<Uuid>,
    /// When it was uploaded.
    pub created_date: DateTime<Utc>,
    /// When it last changed.
    pub updated_date: DateTime<Utc>,
}

/// The type a file's first bytes show, for the types that can be recognised.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"BM") {
        Some("image/bmp")
    } else {
        None
    }
}

/// Whether the declared type agrees with what the content shows (types that cannot be
/// recognised from their bytes are taken as declared).
pub fn content_matches(declared: &str, bytes: &[u8]) -> bool {
    fn family(m: &str) -> &str {
        match m {
            "image/jpg" | "image/jpeg" => "image/jpeg",
            "image/x-png" | "image/png" => "image/png",
            other => other,
        }
    }
    match sniff(bytes) {
        Some(actual) => family(actual) == family(declared),
        // A recognisable declared type must show its signature.
        None => !matches!(
            family(declared),
            "image/png"
                | "image/jpeg"
                | "image/gif"
                | "image/webp"
                | "application/pdf"
                | "image/bmp"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_is_the_references() {
        assert_eq!(MimeType::ALL.len(), 30);
        assert_eq!(default_mime_types()[0], "application/pdf");
        assert_eq!(MimeType::parse("image/x-png"), Some(MimeType::Xpng));
    }

    #[test]
    fn declared_types_must_match_recognisable_content() {
        assert!(content_matches("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(content_matches("image/x-png", b"\x89PNG\r\n\x1a\n...."));
        assert!(!content_matches("image/png", b"%PDF-1.7"));
        assert!(!content_matches("image/jpeg", b"plain text"));
        assert!(content_matches("text/csv", b"a,b\n1,2"));
        assert!(content_matches("image/jpg", &[0xFF, 0xD8, 0xFF, 0xE0]));
    }
}
