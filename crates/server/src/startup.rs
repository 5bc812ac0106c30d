//! Building and running the application: database, migrations, bootstrap, schema, router,
//! listener; then serving until a shutdown signal, finishing in-flight requests within the
//! configured grace period.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use alkemio_api::SchemaServices;
use alkemio_authentication::Authenticator;
use alkemio_authentication::jwks::HydraVerifier;
use alkemio_authentication::kratos::KratosClient;
use alkemio_authentication::resolve::IdentityResolver;
use alkemio_authentication::tokens::NonInteractiveTokens;
use alkemio_cache::Cache;
use alkemio_common::profile::ProfileService;
use alkemio_community::RoleSetService;
use alkemio_configuration::Settings;
use alkemio_configuration::settings::NonInteractiveLogin;
use alkemio_contributor::{ActorService, UserService};
use alkemio_kernel::AppError;
use alkemio_organization::OrganizationService;
use alkemio_persistence::Database;
use alkemio_platform::PlatformService;
use alkemio_storage::{BlobStore, StorageService};
use alkemio_task::TaskService;
use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::http::{self, AppState};

/// A built application, bound to its port and ready to serve.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    port: u16,
    state: AppState,
    services: SchemaServices,
    background: crate::events::Background,
}

/// Installs the process-wide TLS crypto provider (several crates bring rustls; one provider
/// must be chosen before any TLS client is built). Safe to call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// The authenticator for the configured strategies.
pub fn build_authenticator(
    settings: &Settings,
    http: &reqwest::Client,
    actors: ActorService,
) -> anyhow::Result<Authenticator> {
    let non_interactive = match &settings.identity.non_interactive {
        NonInteractiveLogin::Disabled => None,
        NonInteractiveLogin::Enabled { key, ttl } => {
            let key = match key {
                Some(key) => key.clone(),
                None => NonInteractiveTokens::load_or_generate_key(&settings.data_dir)
                    .map_err(to_anyhow)?,
            };
            Some(NonInteractiveTokens::new(&key, *ttl).map_err(to_anyhow)?)
        }
    };
    let hydra = settings
        .identity
        .hydra
        .clone()
        .map(|h| Arc::new(HydraVerifier::new(h, http.clone())));
    Ok(Authenticator::new(non_interactive, hydra, actors))
}

/// Turns an [`AppError`] into an `anyhow` error for start-up reporting (full cause included:
/// this goes to the operator, not to a client).
pub fn to_anyhow(err: AppError) -> anyhow::Error {
    anyhow::anyhow!("{err:?}")
}

/// Everything the server runs on, short of the HTTP listener: the database (migrated), caches,
/// services (the platform bootstrapped) and authentication. Shared by `serve` and the
/// commands that work on the data directly (`token`).
#[derive(Debug, Clone)]
pub struct Core {
    /// The database.
    pub db: Database,
    /// The cache.
    pub cache: Cache,
    /// What the schema's resolvers use.
    pub services: SchemaServices,
    /// Request authentication.
    pub authenticator: Authenticator,
    /// Identity resolution.
    pub resolver: IdentityResolver,
    /// Where services record domain events.
    pub outbox: alkemio_events::Outbox,
}

impl Core {
    /// Connects and migrates the database, connects the cache and bootstraps the platform.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        install_crypto_provider();
        let db = Database::connect(&settings.database)
            .await
            .map_err(to_anyhow)?;
        db.migrate().await.map_err(to_anyhow)?;
        let cache = match &settings.redis {
            Some(redis) => Cache::redis(&redis.url).await.map_err(to_anyhow)?,
            None => Cache::in_memory(100_000),
        };
        let actors = ActorService::new(db.clone(), cache.clone(), settings.identity.cache_ttl);
        let blobs = match &settings.s3 {
            Some(s3) => BlobStore::s3(&alkemio_storage::blob::S3Location {
                endpoint: s3.endpoint.clone(),
                bucket: s3.bucket.clone(),
                region: s3.region.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: s3.secret_access_key.clone(),
            })
            .map_err(to_anyhow)?,
            None => BlobStore::new(settings.data_dir.join("storage")),
        };
        tracing::info!(store = blobs.kind(), "file storage");
        let storage = StorageService::new(
            db.clone(),
            blobs,
            settings.http.endpoint_cluster.clone(),
            settings.client.max_file_size,
        );
        let profiles = ProfileService::new(db.clone(), storage.clone());
        let outbox = alkemio_events::Outbox::new();
        let users = UserService::new(actors.clone(), profiles.clone(), outbox.clone());
        let role_sets = RoleSetService::new(db.clone(), actors.clone());
        let organizations = OrganizationService::new(db.clone(), users.clone(), role_sets.clone());
        let spaces = alkemio_space::SpaceService::new(db.clone(), users.clone(), role_sets.clone());
        let entry = alkemio_space::EntryService::new(
            db.clone(),
            spaces.clone(),
            role_sets.clone(),
            users.clone(),
            organizations.clone(),
        );
        let search = alkemio_search::SearchService::new(db.clone(), settings.search.max_results)
            .map_err(to_anyhow)?;
        {
            let entry = entry.clone();
            let search = search.clone();
            users.on_registered(Arc::new(move |user| {
                let entry = entry.clone();
                search.mark_stale();
                Box::pin(async move { entry.user_registered(&user).await })
            }));
        }
        let licenses =
            alkemio_space::LicenseService::new(db.clone(), spaces.clone(), users.clone());
        let library = alkemio_library::LibraryService::new(
            db.clone(),
            users.clone(),
            spaces.templates().clone(),
        );
        let engines = match &settings.events.rabbitmq {
            Some(rabbit) => alkemio_virtual_contributor::EngineBus::rabbit(
                rabbit.uri.clone(),
                rabbit.namespace.clone(),
                &rabbit.event_bus_prefix,
            ),
            None => alkemio_virtual_contributor::EngineBus::default(),
        };
        let encryption_key = match &settings.encryption_key {
            Some(k) => k.0.clone(),
            None => alkemio_configuration::secret_file::load_or_generate(
                &settings.data_dir,
                "encryption.key",
                32,
                "a key sealing secrets at rest",
            )
            .map_err(to_anyhow)?,
        };
        let virtual_contributors = alkemio_virtual_contributor::VirtualContributorService::new(
            db.clone(),
            users.clone(),
            spaces.collaborations().clone(),
        )
        .with_engines(engines)
        .with_secrets(
            alkemio_virtual_contributor::secrets::SecretBox::new(&encryption_key)
                .map_err(to_anyhow)?,
        )
        .with_history_length(settings.vc_history_length);
        let hubs = alkemio_innovation_hub::InnovationHubService::new(
            db.clone(),
            users.clone(),
            spaces.clone(),
            library.clone(),
            virtual_contributors.clone(),
        );
        let tasks = Arc::new(TaskService::new(cache.clone()));
        let platform = PlatformService::new(
            db.clone(),
            Arc::new(settings.client.clone()),
            settings.bootstrap.clone(),
            users.clone(),
            role_sets.clone(),
            organizations.clone(),
            tasks.clone(),
            spaces.templates().clone(),
        );
        platform.bootstrap().await.map_err(to_anyhow)?;
        library
            .ensure_library(&platform.authorization().await.map_err(to_anyhow)?.policy)
            .await
            .map_err(to_anyhow)?;
        spaces.ensure_communications().await.map_err(to_anyhow)?;
        spaces
            .ensure_collaboration_policies()
            .await
            .map_err(to_anyhow)?;
        spaces.ensure_role_set_licenses().await.map_err(to_anyhow)?;
        spaces
            .ensure_templates_managers()
            .await
            .map_err(to_anyhow)?;
        let communication = alkemio_communication::CommunicationService::new(db.clone());
        let conversations = alkemio_communication::conversation::ConversationService::new(
            db.clone(),
            users.clone(),
            communication.clone(),
        );
        conversations
            .ensure_messaging(&platform.authorization().await.map_err(to_anyhow)?.policy)
            .await
            .map_err(to_anyhow)?;
        let forum = alkemio_platform::forum::ForumService::new(
            db.clone(),
            profiles.clone(),
            outbox.clone(),
        );
        forum
            .ensure(&platform.authorization().await.map_err(to_anyhow)?.policy)
            .await
            .map_err(to_anyhow)?;

        let http_client = reqwest::Client::builder()
            .user_agent(concat!("alkemio-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("building the HTTP client")?;
        let authenticator = build_authenticator(settings, &http_client, actors.clone())?;
        let kratos = KratosClient::new(settings.identity.kratos.clone(), http_client);
        let resolver = IdentityResolver::new(kratos.clone(), users.clone());
        let mut notifications = alkemio_notification::NotificationService::new(
            db.clone(),
            alkemio_notification::Retention {
                max_per_user: settings.notifications.in_app_max_per_user,
                max_days: settings.notifications.in_app_max_days,
            },
        );
        if let Some(rabbit) = &settings.events.rabbitmq {
            // live updates go through the broker, so every instance's subscribers hear them
            notifications = notifications.with_fanout(alkemio_events::rabbit::Publisher::new(
                rabbit.uri.clone(),
                rabbit.namespace.clone(),
                Vec::new(),
            ));
        }
        let services = SchemaServices {
            profiles,
            storage,
            endpoint_cluster: settings.http.endpoint_cluster.clone(),
            db: db.clone(),
            platform,
            actors,
            users,
            role_sets,
            organizations,
            spaces,
            entry,
            licenses,
            hubs,
            library,
            virtual_contributors,
            polls: alkemio_collaboration::poll::PollService::new(db.clone()),
            notifications,
            communication,
            conversations,
            forum,
            audit: alkemio_api::audit::AuditLog::new(db.clone()),
            tasks,
            search,
            kratos,
        };
        Ok(Self {
            db,
            cache,
            services,
            authenticator,
            resolver,
            outbox,
        })
    }
}

impl Application {
    /// Builds the core, the schema and the router, and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let core = Core::build(&settings).await?;
        let background = crate::events::Background::start(&core, &settings).await?;
        let services = core.services.clone();
        let storage = core.services.storage.clone();
        let spaces = core.services.spaces.clone();
        let responses = crate::response_cache::ResponseCache::new(
            settings.http.response_cache_ttl,
            settings.http.response_cache_max_bytes,
            &core.cache,
        );
        let hooks = crate::response_cache::MutationHooks {
            responses: responses.clone(),
            search: core.services.search.clone(),
        };
        let schema =
            alkemio_api::build_schema(core.services, &settings.graphql, Some(Arc::new(hooks)));
        let addr = SocketAddr::new(settings.http.bind_address, settings.http.port);
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            responses,
            schema,
            db: core.db,
            cache: core.cache,
            authenticator: core.authenticator,
            resolver: core.resolver,
            storage,
            spaces,
            settings: Arc::new(settings),
        };
        Ok(Self {
            listener,
            port,
            state,
            services,
            background,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The services behind the schema (tests arrange data through them).
    pub fn services(&self) -> &alkemio_api::SchemaServices {
        &self.services
    }

    /// The database handle (tests read its statement counter).
    pub fn database(&self) -> &Database {
        &self.state.db
    }

    /// Serves until `shutdown` resolves, then stops accepting connections, lets in-flight
    /// requests finish for up to the configured grace period, and closes the database pool.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let grace = self.state.settings.http.shutdown_timeout;
        let db = self.state.db.clone();
        let background = self.background;
        let router = http::router(self.state);
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let server = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stopping_tx.send(());
        });
        let mut server = std::pin::pin!(server.into_future());
        tokio::select! {
            result = &mut server => result.context("serving HTTP")?,
            _ = stopping_rx => {
                tracing::info!(grace_s = grace.as_secs(), "stopped accepting connections; draining in-flight requests");
                match tokio::time::timeout(grace, &mut server).await {
                    Ok(result) => result.context("serving HTTP")?,
                    Err(_) => tracing::warn!("grace period over; closing the remaining connections"),
                }
            }
        }
        background.stop().await;
        db.close().await;
        tracing::info!("alkemio-server stopped");
        Ok(())
    }
}
