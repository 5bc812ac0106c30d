//! Visual types (avatar, banner, card, …) and the image constraints of each, as the reference
//! defines them.

use async_graphql::Enum;

/// The kinds of visual an entity's profile can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
#[graphql(name = "VisualType")]
pub enum VisualType {
    /// Square portrait.
    Avatar,
    /// Page header.
    Banner,
    /// Wide page header.
    BannerWide,
    /// Card image in lists.
    Card,
    /// Image in a media gallery.
    MediaGalleryImage,
    /// Video in a media gallery.
    MediaGalleryVideo,
    /// Preview image of a whiteboard.
    WhiteboardPreview,
}

/// Image MIME types accepted for every visual but gallery videos.
pub const IMAGE_MIME_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/svg+xml",
    "image/webp",
    "image/gif",
    "image/avif",
    "image/heic",
    "image/heif",
];

/// Video MIME types accepted for gallery videos.
pub const VIDEO_MIME_TYPES: &[&str] = &["video/mp4", "video/webm", "video/ogg", "video/quicktime"];

/// Size, ratio and type constraints of a visual.
#[derive(Debug, Clone, PartialEq)]
pub struct VisualConstraints {
    /// MIME types accepted.
    pub allowed_types: Vec<String>,
    /// Width divided by height.
    pub aspect_ratio: f64,
    /// Largest height in pixels.
    pub max_height: f64,
    /// Largest width in pixels.
    pub max_width: f64,
    /// Smallest height in pixels.
    pub min_height: f64,
    /// Smallest width in pixels.
    pub min_width: f64,
}

impl VisualType {
    /// The stored value (the reference's).
    pub fn as_str(self) -> &'static str {
        match self {
            VisualType::Avatar => "avatar",
            VisualType::Banner => "banner",
            VisualType::BannerWide => "bannerWide",
            VisualType::Card => "card",
            VisualType::MediaGalleryImage => "mediaGalleryImage",
            VisualType::MediaGalleryVideo => "mediaGalleryVideo",
            VisualType::WhiteboardPreview => "whiteboardPreview",
        }
    }

    /// The type of a stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [
            VisualType::Avatar,
            VisualType::Banner,
            VisualType::BannerWide,
            VisualType::Card,
            VisualType::MediaGalleryImage,
            VisualType::MediaGalleryVideo,
            VisualType::WhiteboardPreview,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// The default constraints of this visual type.
    pub fn constraints(self) -> VisualConstraints {
        // (min_width, max_width, min_height, max_height, aspect_ratio)
        let (min_w, max_w, min_h, max_h, ratio) = match self {
            VisualType::Avatar => (190.0, 410.0, 190.0, 410.0, 1.0),
            VisualType::Banner => (384.0, 1536.0, 64.0, 256.0, 6.0),
            VisualType::BannerWide => (640.0, 2560.0, 64.0, 256.0, 10.0),
            VisualType::Card => (307.0, 410.0, 192.0, 256.0, 1.6),
            VisualType::MediaGalleryImage | VisualType::MediaGalleryVideo => {
                (1.0, 8000.0, 1.0, 8000.0, 1.0)
            }
            VisualType::WhiteboardPreview => (500.0, 1800.0, 200.0, 720.0, 2.5),
        };
        let types = if self == VisualType::MediaGalleryVideo {
            VIDEO_MIME_TYPES
        } else {
            IMAGE_MIME_TYPES
        };
        VisualConstraints {
            allowed_types: types.iter().map(|s| (*s).to_owned()).collect(),
            aspect_ratio: ratio,
            max_height: max_h,
            max_width: max_w,
            min_height: min_h,
            min_width: min_w,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn videos_take_video_types_and_images_image_types() {
        assert_eq!(
            VisualType::MediaGalleryVideo.constraints().allowed_types[0],
            "video/mp4"
        );
        let avatar = VisualType::Avatar.constraints();
        assert_eq!(avatar.allowed_types.len(), 9);
        assert!((avatar.aspect_ratio - 1.0).abs() < f64::EPSILON);
        assert!((VisualType::Card.constraints().aspect_ratio - 1.6).abs() < f64::EPSILON);
    }
}
