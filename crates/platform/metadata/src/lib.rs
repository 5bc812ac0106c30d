//! Metadata about the running services: `platform.metadata { services { name version } }`.

/// The name this server reports for itself, as the reference does.
pub const SERVICE_NAME: &str = "alkemio-server";

/// Metadata about the platform's services.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// One entry per service.
    pub services: Vec<ServiceMetadata>,
}

/// One service's name and version.
#[derive(Debug, Clone)]
pub struct ServiceMetadata {
    /// Service name.
    pub name: Option<String>,
    /// Semantic version of the running build.
    pub version: Option<String>,
}

impl Metadata {
    /// Metadata of this build.
    pub fn current() -> Self {
        Self {
            services: vec![ServiceMetadata {
                name: Some(SERVICE_NAME.to_owned()),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_this_build() {
        let m = Metadata::current();
        assert_eq!(m.services[0].name.as_deref(), Some("alkemio-server"));
        assert_eq!(
            m.services[0].version.as_deref(),
            Some(env!("CARGO_PKG_VERSION"))
        );
    }
}
