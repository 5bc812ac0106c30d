//! The `Config` GraphQL type: what a client needs to know before it logs in. Served without
//! authentication, also on the public endpoint.

use async_graphql::{Enum, Object, SimpleObject, Union};

use alkemio_common::visual::VisualType;

use alkemio_configuration::settings::{ClientConfig, FeatureFlag};

/// Client-facing configuration, built from [`ClientConfig`].
#[derive(Debug, Clone)]
pub struct Config(pub ClientConfig);

#[Object(name = "Config")]
impl Config {
    /// Real-user monitoring settings.
    async fn apm(&self) -> Apm {
        Apm {
            endpoint: self.0.apm_endpoint.clone(),
            rum_enabled: self.0.apm_rum_enabled,
        }
    }

    /// The identity providers a client can log in with.
    async fn authentication(&self) -> AuthenticationConfig {
        AuthenticationConfig {
            providers: vec![AuthenticationProviderConfig {
                config: AuthenticationProviderConfigUnion::Ory(OryConfig {
                    issuer: self.0.kratos_issuer.clone(),
                    kratos_public_base_url: self.0.kratos_public_base_url.clone(),
                }),
                enabled: true,
                icon: String::new(),
                label: "Ory Kratos Config".to_owned(),
                name: "Ory Kratos Config".to_owned(),
            }],
        }
    }

    /// Size, ratio and file-type limits for a kind of visual.
    async fn default_visual_type_constraints(&self, r#type: VisualType) -> VisualConstraints {
        r#type.constraints().into()
    }

    /// Which platform features are switched on.
    async fn feature_flags(&self) -> Vec<PlatformFeatureFlag> {
        self.0
            .feature_flags
            .iter()
            .map(|(flag, enabled)| PlatformFeatureFlag {
                enabled: *enabled,
                name: (*flag).into(),
            })
            .collect()
    }

    /// Geo lookup service.
    async fn geo(&self) -> Geo {
        Geo {
            enabled: self.0.geo_enabled,
            endpoint: self.0.geo_endpoint.clone(),
        }
    }

    /// Links to the platform's pages and policies.
    async fn locations(&self) -> PlatformLocations {
        let l = &self.0.locations;
        PlatformLocations {
            about: l.about.clone(),
            aup: l.aup.clone(),
            blog: l.blog.clone(),
            community: l.community.clone(),
            contactsupport: l.contactsupport.clone(),
            documentation: l.documentation.clone(),
            domain: l.domain.clone(),
            environment: l.environment.clone(),
            feedback: l.feedback.clone(),
            forumreleases: l.forumreleases.clone(),
            foundation: l.foundation.clone(),
            help: l.help.clone(),
            impact: l.impact.clone(),
            innovation_library: l.innovation_library.clone(),
            inspiration: l.inspiration.clone(),
            landing: l.landing.clone(),
            newuser: l.newuser.clone(),
            opensource: l.opensource.clone(),
            privacy: l.privacy.clone(),
            releases: l.releases.clone(),
            security: l.security.clone(),
            support: l.support.clone(),
            switchplan: l.switchplan.clone(),
            terms: l.terms.clone(),
            tips: l.tips.clone(),
        }
    }

    /// Error-reporting settings for the client.
    async fn sentry(&self) -> Sentry {
        let s = &self.0.sentry;
        Sentry {
            enabled: s.enabled,
            endpoint: s.endpoint.clone(),
            environment: s.environment.clone(),
            submit_pii: s.submit_pii,
        }
    }

    /// Upload limits.
    async fn storage(&self) -> StorageConfig {
        StorageConfig {
            file: FileStorageConfig {
                max_file_size: self.0.max_file_size as f64,
            },
        }
    }
}

/// Real-user monitoring.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(name = "APM")]
pub struct Apm {
    /// Where monitoring events go.
    pub endpoint: String,
    /// Whether real-user monitoring runs.
    pub rum_enabled: bool,
}

/// Identity providers.
#[derive(Debug, Clone, SimpleObject)]
pub struct AuthenticationConfig {
    /// The configured providers.
    pub providers: Vec<AuthenticationProviderConfig>,
}

/// One identity provider.
#[derive(Debug, Clone, SimpleObject)]
pub struct AuthenticationProviderConfig {
    /// Provider-specific settings.
    pub config: AuthenticationProviderConfigUnion,
    /// Whether it can be used.
    pub enabled: bool,
    /// Icon for its login button.
    pub icon: String,
    /// Label for its login button.
    pub label: String,
    /// Its name.
    pub name: String,
}

/// Settings of a provider, by kind.
#[derive(Debug, Clone, Union)]
pub enum AuthenticationProviderConfigUnion {
    /// Ory Kratos.
    Ory(OryConfig),
}

/// Ory Kratos settings.
#[derive(Debug, Clone, SimpleObject)]
pub struct OryConfig {
    /// Token issuer.
    pub issuer: String,
    /// Kratos' public URL, for browser flows.
    #[graphql(name = "kratosPublicBaseURL")]
    pub kratos_public_base_url: String,
}

/// A feature flag and its state.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformFeatureFlag {
    /// On or off.
    pub enabled: bool,
    /// Which feature.
    pub name: PlatformFeatureFlagName,
}

/// Names of the platform feature flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PlatformFeatureFlagName {
    /// Messaging.
    Communications,
    /// Forum discussions.
    CommunicationsDiscussions,
    /// The guidance engine (the reference's spelling).
    #[graphql(name = "GUIDENCE_ENGINE")]
    GuidenceEngine,
    /// The landing page.
    LandingPage,
    /// Memos.
    Memo,
    /// Notifications.
    Notifications,
    /// GraphQL subscriptions.
    Subscriptions,
    /// Whiteboards.
    Whiteboards,
}

impl From<FeatureFlag> for PlatformFeatureFlagName {
    fn from(flag: FeatureFlag) -> Self {
        match flag {
            FeatureFlag::Communications => Self::Communications,
            FeatureFlag::CommunicationsDiscussions => Self::CommunicationsDiscussions,
            FeatureFlag::Subscriptions => Self::Subscriptions,
            FeatureFlag::Notifications => Self::Notifications,
            FeatureFlag::Whiteboards => Self::Whiteboards,
            FeatureFlag::Memo => Self::Memo,
            FeatureFlag::LandingPage => Self::LandingPage,
            FeatureFlag::GuidanceEngine => Self::GuidenceEngine,
        }
    }
}

/// Geo lookup.
#[derive(Debug, Clone, SimpleObject)]
pub struct Geo {
    /// Whether it is available.
    pub enabled: bool,
    /// Where to ask.
    pub endpoint: String,
}

/// Platform links.
#[derive(Debug, Clone, SimpleObject)]
pub struct PlatformLocations {
    /// About the platform.
    pub about: String,
    /// Acceptable use policy.
    pub aup: String,
    /// Blog.
    pub blog: String,
    /// Community forum.
    pub community: String,
    /// Contact and support, also for enterprise plans.
    pub contactsupport: String,
    /// Documentation site.
    pub documentation: String,
    /// The platform's domain.
    pub domain: String,
    /// Deployment environment name.
    pub environment: String,
    /// Feedback form.
    pub feedback: String,
    /// Latest release discussion.
    pub forumreleases: String,
    /// Foundation.
    pub foundation: String,
    /// Help.
    pub help: String,
    /// Impact.
    pub impact: String,
    /// Innovation library.
    pub innovation_library: String,
    /// Inspiration.
    pub inspiration: String,
    /// Landing page.
    pub landing: String,
    /// Onboarding for new users.
    pub newuser: String,
    /// Open source.
    pub opensource: String,
    /// Privacy policy.
    pub privacy: String,
    /// Release notes.
    pub releases: String,
    /// Security policy.
    pub security: String,
    /// Support.
    pub support: String,
    /// Switching plans.
    pub switchplan: String,
    /// Terms of use.
    pub terms: String,
    /// Tips and tricks.
    pub tips: String,
}

/// Client error reporting.
#[derive(Debug, Clone, SimpleObject)]
pub struct Sentry {
    /// Whether the client reports errors.
    pub enabled: bool,
    /// Where to.
    pub endpoint: String,
    /// Under which environment name.
    pub environment: String,
    /// Whether personal data may be included.
    #[graphql(name = "submitPII")]
    pub submit_pii: bool,
}

/// Storage limits.
#[derive(Debug, Clone, SimpleObject)]
pub struct StorageConfig {
    /// File uploads.
    pub file: FileStorageConfig,
}

/// File upload limits.
#[derive(Debug, Clone, SimpleObject)]
pub struct FileStorageConfig {
    /// Largest file in bytes.
    pub max_file_size: f64,
}

/// Size, ratio and file-type limits of a kind of visual.
#[derive(Debug, Clone, SimpleObject)]
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

impl From<alkemio_common::visual::VisualConstraints> for VisualConstraints {
    fn from(c: alkemio_common::visual::VisualConstraints) -> Self {
        Self {
            allowed_types: c.allowed_types,
            aspect_ratio: c.aspect_ratio,
            max_height: c.max_height,
            max_width: c.max_width,
            min_height: c.min_height,
            min_width: c.min_width,
        }
    }
}
