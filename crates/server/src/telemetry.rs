//! Logging: human-readable lines by default, one JSON object per line with
//! `LOGGING_FORMAT_JSON=true`. Levels use the reference's names.

use alkemio_configuration::settings::LoggingSettings;
use tracing_subscriber::EnvFilter;

/// Maps the reference's level names (`verbose` sits between info and debug) to a filter;
/// anything else is taken as a `tracing` filter directive.
pub fn filter_directive(level: &str) -> String {
    let base = match level.trim().to_ascii_lowercase().as_str() {
        "error" => "error",
        "warn" | "warning" => "warn",
        "info" => "info",
        "verbose" | "debug" => "debug",
        "trace" | "silly" => "trace",
        other => return other.to_owned(),
    };
    // Library internals stay quiet unless asked for explicitly.
    format!("{base},sqlx=warn,sea_orm=warn,hyper=warn,h2=warn,tower_http=info")
}

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(settings: &LoggingSettings) {
    let filter = EnvFilter::try_new(filter_directive(&settings.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if settings.json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.try_init()
    };
    // An error means a subscriber is already installed (tests start many servers).
    drop(result);
}
