//! The server's settings, built once from the environment at start-up and passed down.
//!
//! Variable names and defaults are the reference server's where it has them; the rest are
//! prefixed `ALKEMIO_`. `docs/configuration.md` lists every key.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::env::{ConfigError, Env};

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Deployment environment name (`ENVIRONMENT`, default `local`).
    pub environment: String,
    /// Directory for the embedded database, local files and generated keys.
    pub data_dir: PathBuf,
    /// HTTP host settings.
    pub http: HttpSettings,
    /// Where the data lives.
    pub database: DatabaseSettings,
    /// Logging.
    pub logging: LoggingSettings,
    /// GraphQL execution limits.
    pub graphql: GraphqlSettings,
    /// What `platform.configuration` tells clients.
    pub client: ClientConfig,
    /// What the first start creates.
    pub bootstrap: BootstrapSettings,
    /// Authentication.
    pub identity: IdentitySettings,
    /// Redis, when configured (`REDIS_HOST`); otherwise caches live in process.
    pub redis: Option<RedisSettings>,
    /// An S3-compatible store for file bytes, when configured (`STORAGE_S3_ENDPOINT`);
    /// otherwise they live under `data_dir/storage`.
    pub s3: Option<S3Settings>,
    /// Domain events: the broker, when configured (`RABBITMQ_HOST`), and retries.
    pub events: EventsSettings,
    /// Notifications: the worker, e-mail delivery and in-app retention.
    pub notifications: NotificationSettings,
    /// The key sealing secrets at rest (`ENCRYPTION_KEY`, 32 bytes in base64); without one a
    /// key is generated into `data_dir` (fine for one instance; several must share one).
    pub encryption_key: Option<SecretKey>,
    /// How many messages of a thread a virtual contributor's engine gets as history
    /// (`VC_HISTORY_LENGTH`, default 30).
    pub vc_history_length: usize,
    /// Search.
    pub search: SearchSettings,
}

/// Search settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchSettings {
    /// The most results one search may ask for over all categories (`SEARCH_MAX_RESULTS`,
    /// default 40).
    pub max_results: usize,
    /// How often the index is rebuilt even when this instance changed nothing, to take in what
    /// other instances changed (`SEARCH_REFRESH_S`, default 300).
    pub refresh: Duration,
}

/// Key bytes that never show in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(pub Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

fn encryption_key(env: &Env) -> Result<Option<SecretKey>, ConfigError> {
    use base64::Engine as _;
    let Some(raw) = env
        .get("ENCRYPTION_KEY")
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|_| ConfigError::new("ENCRYPTION_KEY", "not base64"))?;
    if key.len() != 32 {
        return Err(ConfigError::new(
            "ENCRYPTION_KEY",
            format!("must be 32 bytes, not {}", key.len()),
        ));
    }
    Ok(Some(SecretKey(key)))
}

/// Domain event delivery.
#[derive(Debug, Clone)]
pub struct EventsSettings {
    /// The broker, when `RABBITMQ_HOST` is set; otherwise events go to in-process consumers.
    pub rabbitmq: Option<RabbitSettings>,
    /// Deliveries tried before an event is dead-lettered (`EVENTS_MAX_ATTEMPTS`, default 5).
    pub max_attempts: i32,
    /// Wait after a first failure, doubled after each further one (`EVENTS_RETRY_BASE_MS`,
    /// default 1000), at most `EVENTS_RETRY_MAX_MS` (default 60000).
    pub retry_base: Duration,
    /// Longest wait between attempts.
    pub retry_max: Duration,
}

/// RabbitMQ connection.
#[derive(Clone, PartialEq, Eq)]
pub struct RabbitSettings {
    /// `amqp://user:password@host:port/vhost?heartbeat=…` from `RABBITMQ_HOST`, `RABBITMQ_PORT`
    /// (5672), `RABBITMQ_USER` and `RABBITMQ_PASSWORD` (the reference's defaults
    /// `alkemio-admin` / `alkemio!`), `RABBITMQ_VHOST` (`/`) and `RABBITMQ_HEARTBEAT_S` (30).
    pub uri: String,
    /// Prefix of our exchange and queues (`RABBITMQ_NAMESPACE`, default `alkemio`).
    pub namespace: String,
    /// Prefix of the AI engines' exchange and result queues (`RABBITMQ_EVENT_BUS_PREFIX`,
    /// default none: the reference's `event-bus` and `virtual-contributor-…` names).
    pub event_bus_prefix: String,
}

impl std::fmt::Debug for RabbitSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URI carries the password.
        f.write_str("RabbitSettings { uri: <redacted> }")
    }
}

/// How e-mail leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub enum EmailTransport {
    /// Through an SMTP server (`SMTP_HOST`).
    Smtp {
        /// Host.
        host: String,
        /// `SMTP_PORT` (default 587).
        port: u16,
        /// `SMTP_SECURITY`: `starttls` (default), `tls` or `none`.
        security: String,
        /// `SMTP_USER` and `SMTP_PASSWORD`, when set.
        credentials: Option<(String, String)>,
    },
    /// As `.eml` files in `data_dir/mail` (no SMTP configured).
    Files(PathBuf),
    /// As the reference's messages on its notification queue (`NOTIFICATIONS_REFERENCE_QUEUE`,
    /// default `alkemio-notifications`), for the reference's notification service
    /// (`NOTIFICATIONS_EMAIL_VIA=reference-service`; needs RabbitMQ).
    ReferenceQueue(String),
}

impl std::fmt::Debug for EmailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp {
                host,
                port,
                security,
                ..
            } => {
                write!(
                    f,
                    "Smtp {{ host: {host}, port: {port}, security: {security} }}"
                )
            }
            Self::Files(dir) => write!(f, "Files({})", dir.display()),
            Self::ReferenceQueue(q) => write!(f, "ReferenceQueue({q})"),
        }
    }
}

/// Notifications.
#[derive(Debug, Clone)]
pub struct NotificationSettings {
    /// Whether this process runs the notification consumer (`NOTIFICATIONS_WORKER`:
    /// `in-process`, the default, or `off` when a separate `alkemio-server notifications`
    /// process does).
    pub worker_in_process: bool,
    /// Where e-mail goes.
    pub email: EmailTransport,
    /// The sender (`NOTIFICATIONS_EMAIL_FROM`).
    pub email_from: String,
    /// `IN_APP_MAX_NOTIFICATIONS_PER_USER` (100).
    pub in_app_max_per_user: u64,
    /// `IN_APP_MAX_RETENTION_PERIOD_DAYS` (90).
    pub in_app_max_days: i64,
}

/// Where file bytes go when they are kept in an S3-compatible store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `STORAGE_S3_ENDPOINT`: the service's base URL.
    pub endpoint: String,
    /// `STORAGE_S3_BUCKET` (required with an endpoint).
    pub bucket: String,
    /// `STORAGE_S3_REGION` (default `us-east-1`).
    pub region: String,
    /// `STORAGE_S3_ACCESS_KEY_ID` (required with an endpoint).
    pub access_key_id: String,
    /// `STORAGE_S3_SECRET_ACCESS_KEY` (required with an endpoint).
    pub secret_access_key: String,
}

/// Redis connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisSettings {
    /// `redis://host:port` built from `REDIS_HOST` and `REDIS_PORT` (default 6379).
    pub url: String,
}

/// Authentication settings.
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    /// How long an actor's credentials are cached (`AUTH_CACHE_TTL`, seconds, default 60).
    pub cache_ttl: Duration,
    /// Hydra bearer tokens, when `HYDRA_JWKS_URL` is set.
    pub hydra: Option<HydraSettings>,
    /// Non-interactive (HS256) login.
    pub non_interactive: NonInteractiveLogin,
    /// Kratos, for the native login flow and identity look-ups.
    pub kratos: KratosSettings,
}

/// Hydra bearer token verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HydraSettings {
    /// Exact `iss` required (`HYDRA_ISSUER_URL`).
    pub issuer: String,
    /// Where the signing keys are (`HYDRA_JWKS_URL`).
    pub jwks_url: String,
    /// Accepted `aud` values (`BEARER_AUD_ALLOW_LIST`).
    pub audiences: Vec<String>,
}

/// Non-interactive login: HS256 tokens the server mints itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonInteractiveLogin {
    /// Off.
    Disabled,
    /// On, signing with a configured key or, when `None`, a key generated into the data
    /// directory on first start.
    Enabled {
        /// `NON_INTERACTIVE_LOGIN_SIGNING_KEY`.
        key: Option<Vec<u8>>,
        /// Token lifetime (`NON_INTERACTIVE_LOGIN_TOKEN_TTL_S`, default 14400).
        ttl: Duration,
    },
}

/// Kratos endpoints used by the server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KratosSettings {
    /// Public API (`AUTH_ORY_KRATOS_PUBLIC_BASE_URL_SERVER`).
    pub public_url: Option<String>,
    /// Admin API (`AUTH_ORY_KRATOS_ADMIN_BASE_URL_SERVER`).
    pub admin_url: Option<String>,
}

/// Decodes a signing key written as hex (an even number of hex digits) or as base64, as the
/// reference does.
pub fn decode_key(raw: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    if !raw.is_empty() && raw.len().is_multiple_of(2) && raw.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return (0..raw.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&raw[i..i + 2], 16).ok())
            .collect();
    }
    base64::engine::general_purpose::STANDARD
        .decode(raw)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(raw))
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw))
        .ok()
}

/// Shortest accepted non-interactive signing key, in bytes.
pub const MIN_SIGNING_KEY_BYTES: usize = 32;

fn identity_settings(env: &Env, production: bool) -> Result<IdentitySettings, ConfigError> {
    let hydra = match env.get("HYDRA_JWKS_URL") {
        None => None,
        Some(jwks_url) => {
            let issuer = env
                .get("HYDRA_ISSUER_URL")
                .ok_or_else(|| {
                    ConfigError::new("HYDRA_ISSUER_URL", "required when HYDRA_JWKS_URL is set")
                })?
                .to_owned();
            let audiences = env.list(
                "BEARER_AUD_ALLOW_LIST",
                "alkemio-web,synapse-client,element-client,ecosystem-analytics",
            );
            if audiences.is_empty() {
                return Err(ConfigError::new(
                    "BEARER_AUD_ALLOW_LIST",
                    "must name at least one audience",
                ));
            }
            Some(HydraSettings {
                issuer,
                jwks_url: jwks_url.to_owned(),
                audiences,
            })
        }
    };
    let kratos = KratosSettings {
        public_url: env
            .get("AUTH_ORY_KRATOS_PUBLIC_BASE_URL_SERVER")
            .map(|s| s.trim_end_matches('/').to_owned()),
        admin_url: env
            .get("AUTH_ORY_KRATOS_ADMIN_BASE_URL_SERVER")
            .map(|s| s.trim_end_matches('/').to_owned()),
    };
    let key = env
        .get("NON_INTERACTIVE_LOGIN_SIGNING_KEY")
        .map(|k| {
            decode_key(k.trim()).ok_or_else(|| {
                ConfigError::new("NON_INTERACTIVE_LOGIN_SIGNING_KEY", "must be hex or base64")
            })
        })
        .transpose()?;
    let explicitly = env
        .get("ENABLE_NON_INTERACTIVE_LOGIN")
        .map(|_| env.bool("ENABLE_NON_INTERACTIVE_LOGIN", false))
        .transpose()?;
    if production && explicitly == Some(true) {
        return Err(ConfigError::new(
            "ENABLE_NON_INTERACTIVE_LOGIN",
            "non-interactive login is not allowed in production",
        ));
    }
    if production && key.is_some() {
        return Err(ConfigError::new(
            "NON_INTERACTIVE_LOGIN_SIGNING_KEY",
            "must not be set in production",
        ));
    }
    if key
        .as_ref()
        .is_some_and(|k| k.len() < MIN_SIGNING_KEY_BYTES)
    {
        return Err(ConfigError::new(
            "NON_INTERACTIVE_LOGIN_SIGNING_KEY",
            format!("must be at least {MIN_SIGNING_KEY_BYTES} bytes"),
        ));
    }
    // The embedded default: with no identity provider configured outside production, tokens are
    // minted locally so a developer can log in.
    let no_provider = hydra.is_none() && kratos.public_url.is_none();
    let enabled = explicitly.unwrap_or(!production && no_provider);
    let non_interactive = if enabled {
        NonInteractiveLogin::Enabled {
            key,
            ttl: Duration::from_secs(env.parse("NON_INTERACTIVE_LOGIN_TOKEN_TTL_S", 14_400)?),
        }
    } else {
        NonInteractiveLogin::Disabled
    };
    Ok(IdentitySettings {
        cache_ttl: Duration::from_secs(env.parse("AUTH_CACHE_TTL", 60)?),
        hydra,
        non_interactive,
        kratos,
    })
}

/// HTTP host settings.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Address to bind (`ALKEMIO_BIND_ADDRESS`, default `0.0.0.0`).
    pub bind_address: IpAddr,
    /// Port (`GRAPHQL_PORT`, default 4000; 0 picks a free port).
    pub port: u16,
    /// Public base URL of the web client (`ENDPOINT_CLUSTER`).
    pub endpoint_cluster: String,
    /// Largest accepted request body in bytes (`HOSTING_MAX_JSON_PAYLOAD_SIZE`, default 64mb).
    pub max_body_bytes: u64,
    /// CORS policy.
    pub cors: CorsSettings,
    /// How long shutdown waits for in-flight requests (`ALKEMIO_SHUTDOWN_TIMEOUT_S`, default 30).
    pub shutdown_timeout: Duration,
    /// The request header whose URL names the innovation hub a request came through
    /// (`INNOVATION_HUB_HEADER`, default `origin`).
    pub innovation_hub_header: String,
    /// Subdomains of the platform itself, never hubs
    /// (`INNOVATION_HUB_WHITELISTED_SUBDOMAINS`, default `identity`).
    pub innovation_hub_whitelisted_subdomains: Vec<String>,
    /// How long answers to anonymous reads are cached (`RESPONSE_CACHE_TTL_S`, default 60;
    /// 0 turns the cache off).
    pub response_cache_ttl: Duration,
    /// Memory the cached answers may take (`RESPONSE_CACHE_MAX_BYTES`, default 16mb).
    pub response_cache_max_bytes: u64,
}

/// CORS as the reference configures it.
#[derive(Debug, Clone)]
pub struct CorsSettings {
    /// `CORS_ENABLED`, default true.
    pub enabled: bool,
    /// `CORS_ORIGIN`, default `*` (which reflects the request's origin, with credentials).
    pub origin: String,
    /// `CORS_METHODS`.
    pub methods: Vec<String>,
    /// `CORS_ALLOWED_HEADERS`.
    pub allowed_headers: Vec<String>,
}

/// The database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// PostgreSQL at a connection URL.
    Postgres {
        /// `postgres://…` URL.
        url: String,
    },
    /// The embedded default: a SQLite file.
    Sqlite {
        /// The database file.
        path: PathBuf,
    },
}

/// Database settings.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// Which database.
    pub target: DatabaseTarget,
    /// Largest pool (`DATABASE_POOL_MAX`, default 50 on PostgreSQL).
    pub pool_max: u32,
    /// How long to wait for a connection (`DATABASE_CONNECT_TIMEOUT_MS`, default 5000).
    pub connect_timeout: Duration,
}

/// Logging settings.
#[derive(Debug, Clone)]
pub struct LoggingSettings {
    /// `LOGGING_LEVEL_CONSOLE`: the reference's levels (`error`, `warn`, `info`, `verbose`,
    /// `debug`) or a `tracing` filter directive. Default `info`.
    pub level: String,
    /// `LOGGING_FORMAT_JSON`: one JSON object per line.
    pub json: bool,
}

/// GraphQL execution limits.
#[derive(Debug, Clone)]
pub struct GraphqlSettings {
    /// Deepest accepted selection (`ALKEMIO_GRAPHQL_MAX_DEPTH`, default 25).
    pub max_depth: usize,
    /// Largest accepted complexity, one per field (`ALKEMIO_GRAPHQL_MAX_COMPLEXITY`, default 5000).
    pub max_complexity: usize,
    /// How long a batch loader collects keys before it reads them
    /// (`ALKEMIO_GRAPHQL_BATCH_WINDOW_MS`, default 1).
    pub batch_window: std::time::Duration,
}

/// What the first start creates.
#[derive(Debug, Clone)]
pub struct BootstrapSettings {
    /// E-mail of the bootstrap global admin (`ALKEMIO_BOOTSTRAP_ADMIN_EMAIL`, default
    /// `admin@alkem.io`).
    pub admin_email: String,
}

/// The client-facing configuration served by `platform.configuration`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Platform links.
    pub locations: Locations,
    /// Feature flags, in the reference's order.
    pub feature_flags: Vec<(FeatureFlag, bool)>,
    /// Ory Kratos issuer (`AUTH_ORY_KRATOS_ISSUER`).
    pub kratos_issuer: String,
    /// Ory Kratos public URL for browsers (`AUTH_ORY_KRATOS_PUBLIC_BASE_URL`).
    pub kratos_public_base_url: String,
    /// Sentry settings for the client.
    pub sentry: SentryConfig,
    /// APM real-user monitoring (`APM_RUM_ENABLED`, `APM_ENDPOINT`).
    pub apm_rum_enabled: bool,
    /// APM endpoint.
    pub apm_endpoint: String,
    /// Geo lookup (`GEO_ENABLED`, `GEO_REST_ENDPOINT`).
    pub geo_enabled: bool,
    /// Geo endpoint.
    pub geo_endpoint: String,
    /// Largest uploaded file in bytes (`STORAGE_MAX_FILE_SIZE`, default 15728640).
    pub max_file_size: u64,
}

/// Sentry settings handed to the client.
#[derive(Debug, Clone)]
pub struct SentryConfig {
    /// `LOGGING_SENTRY_ENABLED`.
    pub enabled: bool,
    /// `LOGGING_SENTRY_ENDPOINT`.
    pub endpoint: String,
    /// `LOGGING_SENTRY_ENVIRONMENT`.
    pub environment: String,
    /// `LOGGING_SENTRY_PII_ENABLED`.
    pub submit_pii: bool,
}

/// The platform feature flags, in the order the reference reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeatureFlag {
    /// Messaging.
    Communications,
    /// Forum discussions.
    CommunicationsDiscussions,
    /// GraphQL subscriptions.
    Subscriptions,
    /// Notifications.
    Notifications,
    /// Whiteboards.
    Whiteboards,
    /// Memos.
    Memo,
    /// The landing page.
    LandingPage,
    /// The guidance engine (spelled `GUIDENCE_ENGINE` in the schema).
    GuidanceEngine,
}

/// Platform links shown by the client.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    pub about: String,
    pub aup: String,
    pub blog: String,
    pub community: String,
    pub contactsupport: String,
    pub documentation: String,
    pub domain: String,
    pub environment: String,
    pub feedback: String,
    pub forumreleases: String,
    pub foundation: String,
    pub help: String,
    pub impact: String,
    pub innovation_library: String,
    pub inspiration: String,
    pub landing: String,
    pub newuser: String,
    pub opensource: String,
    pub privacy: String,
    pub releases: String,
    pub security: String,
    pub support: String,
    pub switchplan: String,
    pub terms: String,
    pub tips: String,
}

/// The host part of a URL such as `http://localhost:3000` (no scheme, port or path).
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(stripped) = host_port.strip_prefix('[') {
        stripped.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

impl Settings {
    /// Builds the settings from an environment snapshot. The first invalid value stops it,
    /// with an error naming the variable.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let environment = env.string("ENVIRONMENT", "local");
        let data_dir = PathBuf::from(env.string("ALKEMIO_DATA_DIR", ".alkemio"));
        let endpoint_cluster = env.string("ENDPOINT_CLUSTER", "http://localhost:3000");
        let domain = host_of(&endpoint_cluster).ok_or_else(|| {
            ConfigError::new(
                "ENDPOINT_CLUSTER",
                format!("not an absolute URL: {endpoint_cluster:?}"),
            )
        })?;

        let http = HttpSettings {
            bind_address: env.parse("ALKEMIO_BIND_ADDRESS", IpAddr::from([0, 0, 0, 0]))?,
            port: env.parse("GRAPHQL_PORT", 4000)?,
            endpoint_cluster: endpoint_cluster.trim_end_matches('/').to_owned(),
            max_body_bytes: env.byte_size("HOSTING_MAX_JSON_PAYLOAD_SIZE", 64 * 1024 * 1024)?,
            cors: CorsSettings {
                enabled: env.bool("CORS_ENABLED", true)?,
                origin: env.string("CORS_ORIGIN", "*").trim().to_owned(),
                methods: env.list("CORS_METHODS", "GET,HEAD,PUT,PATCH,POST,DELETE"),
                allowed_headers: env.list(
                    "CORS_ALLOWED_HEADERS",
                    "Origin,X-Requested-With,Content-Type,Accept,Authorization",
                ),
            },
            shutdown_timeout: Duration::from_secs(env.parse("ALKEMIO_SHUTDOWN_TIMEOUT_S", 30)?),
            innovation_hub_header: env
                .string("INNOVATION_HUB_HEADER", "origin")
                .trim()
                .to_ascii_lowercase(),
            innovation_hub_whitelisted_subdomains: env
                .list("INNOVATION_HUB_WHITELISTED_SUBDOMAINS", "identity"),
            response_cache_ttl: Duration::from_secs(env.parse("RESPONSE_CACHE_TTL_S", 60)?),
            response_cache_max_bytes: env
                .byte_size("RESPONSE_CACHE_MAX_BYTES", 16 * 1024 * 1024)?,
        };

        let database = DatabaseSettings {
            target: database_target(env, &data_dir)?,
            pool_max: env.parse("DATABASE_POOL_MAX", 50)?,
            connect_timeout: Duration::from_millis(env.parse("DATABASE_CONNECT_TIMEOUT_MS", 5000)?),
        };
        if database.pool_max == 0 {
            return Err(ConfigError::new("DATABASE_POOL_MAX", "must be at least 1"));
        }

        let logging = LoggingSettings {
            level: env.string("LOGGING_LEVEL_CONSOLE", "info"),
            json: env.bool("LOGGING_FORMAT_JSON", false)?,
        };

        let graphql = GraphqlSettings {
            max_depth: env.parse("ALKEMIO_GRAPHQL_MAX_DEPTH", 25)?,
            max_complexity: env.parse("ALKEMIO_GRAPHQL_MAX_COMPLEXITY", 5000)?,
            batch_window: std::time::Duration::from_millis(
                env.parse("ALKEMIO_GRAPHQL_BATCH_WINDOW_MS", 1)?,
            ),
        };

        let client = client_config(env, &domain, &environment)?;
        let bootstrap = BootstrapSettings {
            admin_email: env
                .string("ALKEMIO_BOOTSTRAP_ADMIN_EMAIL", "admin@alkem.io")
                .to_ascii_lowercase(),
        };

        let production = environment.eq_ignore_ascii_case("production");
        let identity = identity_settings(env, production)?;
        let redis = match env.get("REDIS_HOST") {
            None => None,
            Some(host) => {
                let port: u16 = env.parse("REDIS_PORT", 6379)?;
                Some(RedisSettings {
                    url: format!("redis://{}:{port}", host.trim()),
                })
            }
        };
        let s3 = match env.get("STORAGE_S3_ENDPOINT") {
            None => None,
            Some(endpoint) => {
                let endpoint = endpoint.trim().to_owned();
                if host_of(&endpoint).is_none() {
                    return Err(ConfigError::new(
                        "STORAGE_S3_ENDPOINT",
                        format!("not an absolute URL: {endpoint:?}"),
                    ));
                }
                let required = |key: &str| {
                    env.get(key)
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty())
                        .ok_or_else(|| {
                            ConfigError::new(key, "required when STORAGE_S3_ENDPOINT is set")
                        })
                };
                Some(S3Settings {
                    endpoint,
                    bucket: required("STORAGE_S3_BUCKET")?,
                    region: env.string("STORAGE_S3_REGION", "us-east-1"),
                    access_key_id: required("STORAGE_S3_ACCESS_KEY_ID")?,
                    secret_access_key: required("STORAGE_S3_SECRET_ACCESS_KEY")?,
                })
            }
        };
        let events = events_settings(env)?;
        let notifications = notification_settings(env, &data_dir, events.rabbitmq.is_some())?;
        Ok(Self {
            environment,
            data_dir,
            http,
            database,
            logging,
            graphql,
            client,
            bootstrap,
            identity,
            redis,
            s3,
            events,
            notifications,
            encryption_key: encryption_key(env)?,
            vc_history_length: env.parse("VC_HISTORY_LENGTH", 30)?,
            search: SearchSettings {
                max_results: env.parse("SEARCH_MAX_RESULTS", 40)?,
                refresh: Duration::from_secs(env.parse::<u64>("SEARCH_REFRESH_S", 300)?.max(1)),
            },
        })
    }

    /// Whether this is a production deployment (`ENVIRONMENT=production`).
    pub fn is_production(&self) -> bool {
        self.environment.eq_ignore_ascii_case("production")
    }
}

fn events_settings(env: &Env) -> Result<EventsSettings, ConfigError> {
    let rabbitmq = match env.get("RABBITMQ_HOST") {
        None => None,
        Some(host) => {
            let port: u16 = env.parse("RABBITMQ_PORT", 5672)?;
            let user = env.string("RABBITMQ_USER", "alkemio-admin");
            let password = env.string("RABBITMQ_PASSWORD", "alkemio!");
            let vhost = env.string("RABBITMQ_VHOST", "/");
            let heartbeat: u16 = env.parse("RABBITMQ_HEARTBEAT_S", 30)?;
            Some(RabbitSettings {
                uri: format!(
                    "amqp://{}:{}@{}:{port}/{}?heartbeat={heartbeat}",
                    url_escape(&user),
                    url_escape(&password),
                    host.trim(),
                    url_escape(&vhost),
                ),
                namespace: env.string("RABBITMQ_NAMESPACE", "alkemio"),
                event_bus_prefix: env.string("RABBITMQ_EVENT_BUS_PREFIX", ""),
            })
        }
    };
    let max_attempts: i32 = env.parse("EVENTS_MAX_ATTEMPTS", 5)?;
    if max_attempts < 1 {
        return Err(ConfigError::new(
            "EVENTS_MAX_ATTEMPTS",
            "must be at least 1",
        ));
    }
    Ok(EventsSettings {
        rabbitmq,
        max_attempts,
        retry_base: Duration::from_millis(env.parse("EVENTS_RETRY_BASE_MS", 1000)?),
        retry_max: Duration::from_millis(env.parse("EVENTS_RETRY_MAX_MS", 60_000)?),
    })
}

fn notification_settings(
    env: &Env,
    data_dir: &std::path::Path,
    broker: bool,
) -> Result<NotificationSettings, ConfigError> {
    let worker_in_process = match env.string("NOTIFICATIONS_WORKER", "in-process").as_str() {
        "in-process" => true,
        "off" => false,
        other => {
            return Err(ConfigError::new(
                "NOTIFICATIONS_WORKER",
                format!("expected in-process or off, got {other:?}"),
            ));
        }
    };
    if !worker_in_process && !broker {
        // Without a broker only this process can consume the events: with its worker off,
        // every event would be dropped.
        return Err(ConfigError::new(
            "NOTIFICATIONS_WORKER",
            "off needs RABBITMQ_HOST (the notification service then runs on its own)",
        ));
    }
    let email = match env.string("NOTIFICATIONS_EMAIL_VIA", "server").as_str() {
        "reference-service" if broker => EmailTransport::ReferenceQueue(
            env.string("NOTIFICATIONS_REFERENCE_QUEUE", "alkemio-notifications"),
        ),
        "reference-service" => {
            return Err(ConfigError::new(
                "NOTIFICATIONS_EMAIL_VIA",
                "reference-service needs RABBITMQ_HOST",
            ));
        }
        "server" => match env.get("SMTP_HOST") {
            Some(host) => {
                let security = env.string("SMTP_SECURITY", "starttls").to_ascii_lowercase();
                if !matches!(security.as_str(), "starttls" | "tls" | "none") {
                    return Err(ConfigError::new(
                        "SMTP_SECURITY",
                        "expected starttls, tls or none",
                    ));
                }
                EmailTransport::Smtp {
                    host: host.trim().to_owned(),
                    port: env.parse("SMTP_PORT", 587)?,
                    security,
                    credentials: env
                        .get("SMTP_USER")
                        .map(|u| (u.to_owned(), env.string("SMTP_PASSWORD", ""))),
                }
            }
            None => EmailTransport::Files(data_dir.join("mail")),
        },
        other => {
            return Err(ConfigError::new(
                "NOTIFICATIONS_EMAIL_VIA",
                format!("expected server or reference-service, got {other:?}"),
            ));
        }
    };
    let in_app_max_per_user: u64 = env.parse("IN_APP_MAX_NOTIFICATIONS_PER_USER", 100)?;
    let in_app_max_days: i64 = env.parse("IN_APP_MAX_RETENTION_PERIOD_DAYS", 90)?;
    if in_app_max_per_user == 0 || in_app_max_days <= 0 {
        return Err(ConfigError::new(
            "IN_APP_MAX_NOTIFICATIONS_PER_USER",
            "in-app limits must be positive",
        ));
    }
    Ok(NotificationSettings {
        worker_in_process,
        email,
        email_from: env.string(
            "NOTIFICATIONS_EMAIL_FROM",
            "Alkemio <notifications@alkem.io>",
        ),
        in_app_max_per_user,
        in_app_max_days,
    })
}

fn database_target(env: &Env, data_dir: &std::path::Path) -> Result<DatabaseTarget, ConfigError> {
    if let Some(url) = env.get("DATABASE_URL") {
        let url = url.trim().to_owned();
        return if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseTarget::Postgres { url })
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            Ok(DatabaseTarget::Sqlite {
                path: PathBuf::from(path),
            })
        } else {
            Err(ConfigError::new(
                "DATABASE_URL",
                "expected a postgres:// or sqlite:// URL",
            ))
        };
    }
    if env.get("DATABASE_HOST").is_some() {
        let host = env.string("DATABASE_HOST", "localhost");
        let port: u16 = env.parse("DATABASE_PORT", 5432)?;
        let user = env.string("DATABASE_USERNAME", "synapse");
        let password = env.string("DATABASE_PASSWORD", "synapse");
        let name = env.string("DATABASE_NAME", "alkemio");
        let url = format!(
            "postgres://{}:{}@{host}:{port}/{}",
            url_escape(&user),
            url_escape(&password),
            url_escape(&name)
        );
        return Ok(DatabaseTarget::Postgres { url });
    }
    Ok(DatabaseTarget::Sqlite {
        path: data_dir.join("alkemio.db"),
    })
}

/// Percent-encodes the characters that would break a URL's user-info or path.
fn url_escape(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' => c.to_string(),
            other => {
                let mut buf = [0u8; 4];
                other
                    .encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

fn client_config(env: &Env, domain: &str, environment: &str) -> Result<ClientConfig, ConfigError> {
    let link = |key: &str, default: &str| env.string(key, default);
    let doc_path = env.string("PLATFORM_DOCUMENTATION_PATH", "/documentation");
    let documentation = format!("https://{domain}/{}", doc_path.trim_start_matches('/'));
    let locations = Locations {
        about: link("PLATFORM_ABOUT", "https://welcome.alkem.io"),
        aup: link("PLATFORM_AUP", "https://welcome.alkem.io/legal/terms"),
        blog: link("PLATFORM_BLOG", "https://blog.alkem.io/"),
        community: link("PLATFORM_COMMUNITY", "https://alkem.io/forum/"),
        contactsupport: link(
            "PLATFORM_CONTACTSUPPORT",
            "https://welcome.alkem.io/contact/",
        ),
        documentation,
        domain: domain.to_owned(),
        environment: environment.to_owned(),
        feedback: link("PLATFORM_FEEDBACK", "https://welcome.alkem.io/contact/"),
        forumreleases: link(
            "PLATFORM_FORUM_RELEASES",
            "https://alkem.io/forum/releases/latest",
        ),
        foundation: link("PLATFORM_FOUNDATION", "https://alkemio.org/"),
        help: link("PLATFORM_HELP", "https://alkem.io/docs/"),
        impact: link("PLATFORM_IMPACT", "https://alkemio.org"),
        innovation_library: link(
            "PLATFORM_INNOVATIONLIBRARY",
            "https://alkem.io/innovation-library",
        ),
        inspiration: link(
            "PLATFORM_INSPIRATION",
            "https://welcome.alkem.io/resources/",
        ),
        landing: link("PLATFORM_LANDING", "https://welcome.alkem.io/"),
        newuser: link("PLATFORM_NEWUSER", "https://welcome.alkem.io/contact/"),
        opensource: link("PLATFORM_OPENSOURCE", "https://github.com/alkem-io/"),
        privacy: link("PLATFORM_PRIVACY", "https://welcome.alkem.io/legal/privacy"),
        releases: link("PLATFORM_RELEASES", "https://alkem.io/forum/releases/"),
        security: link(
            "PLATFORM_SECURITY",
            "https://welcome.alkem.io/legal/security",
        ),
        support: link("PLATFORM_SUPPORT", "https://welcome.alkem.io/contact/"),
        switchplan: link("PLATFORM_SWITCHPLAN", "https://welcome.alkem.io/pricing/"),
        terms: link("PLATFORM_TERMS", "https://welcome.alkem.io/legal/terms/"),
        tips: link("PLATFORM_TIPS", "https://welcome.alkem.io/contact/"),
    };
    let feature_flags = vec![
        (
            FeatureFlag::Communications,
            env.bool("COMMUNICATIONS_ENABLED", true)?,
        ),
        (
            FeatureFlag::CommunicationsDiscussions,
            env.bool("COMMUNICATIONS_DISCUSSIONS_ENABLED", true)?,
        ),
        (
            FeatureFlag::Subscriptions,
            env.bool("SUBSCRIPTIONS_ENABLED", true)?,
        ),
        (
            FeatureFlag::Notifications,
            env.bool("NOTIFICATIONS_ENABLED", true)?,
        ),
        (
            FeatureFlag::Whiteboards,
            env.bool("WHITEBOARDS_ENABLED", true)?,
        ),
        (FeatureFlag::Memo, env.bool("MEMO_ENABLED", true)?),
        (
            FeatureFlag::LandingPage,
            env.bool("LANDING_PAGE_ENABLED", false)?,
        ),
        (
            FeatureFlag::GuidanceEngine,
            env.bool("GUIDANCE_ENGINE_ENABLED", true)?,
        ),
    ];
    Ok(ClientConfig {
        locations,
        feature_flags,
        kratos_issuer: env.string("AUTH_ORY_KRATOS_ISSUER", "http://alkemio-server-dev/"),
        kratos_public_base_url: env.string(
            "AUTH_ORY_KRATOS_PUBLIC_BASE_URL",
            "http://localhost:3000/ory/kratos/public",
        ),
        sentry: SentryConfig {
            enabled: env.bool("LOGGING_SENTRY_ENABLED", false)?,
            endpoint: env.string("LOGGING_SENTRY_ENDPOINT", ""),
            environment: env.string("LOGGING_SENTRY_ENVIRONMENT", "development"),
            submit_pii: env.bool("LOGGING_SENTRY_PII_ENABLED", false)?,
        },
        apm_rum_enabled: env.bool("APM_RUM_ENABLED", false)?,
        apm_endpoint: env.string("APM_ENDPOINT", ""),
        geo_enabled: env.bool("GEO_ENABLED", false)?,
        geo_endpoint: env.string(
            "GEO_REST_ENDPOINT",
            "http://localhost:3000/api/public/rest/geo",
        ),
        max_file_size: env.parse("STORAGE_MAX_FILE_SIZE", 15_728_640)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_embedded_setup() {
        let s = Settings::from_env(&Env::default()).unwrap();
        assert_eq!(s.http.port, 4000);
        assert_eq!(
            s.database.target,
            DatabaseTarget::Sqlite {
                path: PathBuf::from(".alkemio/alkemio.db")
            }
        );
        assert_eq!(s.client.locations.domain, "localhost");
        assert_eq!(
            s.client.locations.documentation,
            "https://localhost/documentation"
        );
        assert_eq!(s.client.feature_flags.len(), 8);
        assert_eq!(s.client.max_file_size, 15_728_640);
        assert_eq!(s.http.max_body_bytes, 64 * 1024 * 1024);
        assert_eq!(s.bootstrap.admin_email, "admin@alkem.io");
    }

    #[test]
    fn database_host_selects_postgres() {
        let env = Env::from_pairs([("DATABASE_HOST", "db"), ("DATABASE_PASSWORD", "p@ss word")]);
        let s = Settings::from_env(&env).unwrap();
        assert_eq!(
            s.database.target,
            DatabaseTarget::Postgres {
                url: "postgres://synapse:p%40ss%20word@db:5432/alkemio".into()
            }
        );
    }

    #[test]
    fn database_url_wins() {
        let env = Env::from_pairs([
            ("DATABASE_URL", "sqlite:///tmp/x.db?mode=rwc"),
            ("DATABASE_HOST", "db"),
        ]);
        let s = Settings::from_env(&env).unwrap();
        assert_eq!(
            s.database.target,
            DatabaseTarget::Sqlite {
                path: PathBuf::from("/tmp/x.db")
            }
        );
        let bad = Env::from_pairs([("DATABASE_URL", "mysql://x")]);
        assert_eq!(Settings::from_env(&bad).unwrap_err().var, "DATABASE_URL");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("GRAPHQL_PORT", "99999"),
            ("CORS_ENABLED", "sometimes"),
            ("ENDPOINT_CLUSTER", "localhost"),
            ("STORAGE_MAX_FILE_SIZE", "big"),
            ("HOSTING_MAX_JSON_PAYLOAD_SIZE", "64 parsecs"),
        ] {
            let err = Settings::from_env(&Env::from_pairs([(var, value)])).unwrap_err();
            assert_eq!(err.var, var);
        }
    }

    #[test]
    fn non_interactive_login_defaults_on_without_a_provider_outside_production() {
        let s = Settings::from_env(&Env::default()).unwrap();
        assert!(matches!(
            s.identity.non_interactive,
            NonInteractiveLogin::Enabled { key: None, .. }
        ));
        let with_hydra = Env::from_pairs([
            ("HYDRA_JWKS_URL", "http://h/jwks"),
            ("HYDRA_ISSUER_URL", "http://h/"),
        ]);
        let s = Settings::from_env(&with_hydra).unwrap();
        assert_eq!(s.identity.non_interactive, NonInteractiveLogin::Disabled);
        assert_eq!(s.identity.hydra.unwrap().audiences.len(), 4);
        let prod = Env::from_pairs([("ENVIRONMENT", "production")]);
        assert_eq!(
            Settings::from_env(&prod).unwrap().identity.non_interactive,
            NonInteractiveLogin::Disabled
        );
    }

    #[test]
    fn production_refuses_non_interactive_login() {
        let env = Env::from_pairs([
            ("ENVIRONMENT", "production"),
            ("ENABLE_NON_INTERACTIVE_LOGIN", "true"),
        ]);
        assert_eq!(
            Settings::from_env(&env).unwrap_err().var,
            "ENABLE_NON_INTERACTIVE_LOGIN"
        );
        let env = Env::from_pairs([
            ("ENVIRONMENT", "production"),
            (
                "NON_INTERACTIVE_LOGIN_SIGNING_KEY",
                "ab".repeat(40).as_str(),
            ),
        ]);
        assert_eq!(
            Settings::from_env(&env).unwrap_err().var,
            "NON_INTERACTIVE_LOGIN_SIGNING_KEY"
        );
        let short = Env::from_pairs([("NON_INTERACTIVE_LOGIN_SIGNING_KEY", "short")]);
        assert_eq!(
            Settings::from_env(&short).unwrap_err().var,
            "NON_INTERACTIVE_LOGIN_SIGNING_KEY"
        );
        let no_issuer = Env::from_pairs([("HYDRA_JWKS_URL", "http://h/jwks")]);
        assert_eq!(
            Settings::from_env(&no_issuer).unwrap_err().var,
            "HYDRA_ISSUER_URL"
        );
    }

    #[test]
    fn s3_needs_its_bucket_and_keys() {
        assert_eq!(Settings::from_env(&Env::from_pairs([])).unwrap().s3, None);
        let err = Settings::from_env(&Env::from_pairs([(
            "STORAGE_S3_ENDPOINT",
            "http://127.0.0.1:9000",
        )]))
        .unwrap_err();
        assert!(err.to_string().contains("STORAGE_S3_BUCKET"), "{err}");
        let s = Settings::from_env(&Env::from_pairs([
            ("STORAGE_S3_ENDPOINT", "http://127.0.0.1:9000"),
            ("STORAGE_S3_BUCKET", "files"),
            ("STORAGE_S3_ACCESS_KEY_ID", "id"),
            ("STORAGE_S3_SECRET_ACCESS_KEY", "secret"),
        ]))
        .unwrap();
        assert_eq!(s.s3.unwrap().region, "us-east-1");
    }

    #[test]
    fn redis_is_configured_by_host() {
        assert!(Settings::from_env(&Env::default()).unwrap().redis.is_none());
        let s = Settings::from_env(&Env::from_pairs([("REDIS_HOST", "127.0.0.1")])).unwrap();
        assert_eq!(s.redis.unwrap().url, "redis://127.0.0.1:6379");
    }

    #[test]
    fn domain_is_the_host_of_the_cluster_endpoint() {
        assert_eq!(
            host_of("https://Alkem.io:8443/x").as_deref(),
            Some("alkem.io")
        );
        assert_eq!(host_of("http://[::1]:3000").as_deref(), Some("::1"));
        assert_eq!(host_of("nope"), None);
    }
}
