//! The database handle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use alkemio_configuration::DatabaseTarget;
use alkemio_configuration::settings::DatabaseSettings;
use alkemio_kernel::{AppError, AppResult};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

use crate::migrations::Migrator;

/// Which database engine is behind a [`Database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite (the embedded default).
    Sqlite,
}

tokio::task_local! {
    /// Set around background work (the outbox relay, event consumers), whose statements are not
    /// counted: the counter tells what requests cost.
    static UNCOUNTED: ();
}

/// Runs `work` without counting its statements (background work beside the requests).
pub async fn uncounted<F: std::future::Future>(work: F) -> F::Output {
    UNCOUNTED.scope((), work).await
}

/// Counts executed SQL statements, so tests and benchmarks can see how many a request costs.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements executed since the handle was opened.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A pooled connection to the server's database.
#[derive(Debug, Clone)]
pub struct Database {
    conn: DatabaseConnection,
    backend: Backend,
    statements: StatementCounter,
}

impl Database {
    /// Opens the configured database. For SQLite the file and its directory are created.
    pub async fn connect(settings: &DatabaseSettings) -> AppResult<Self> {
        let (url, backend) = match &settings.target {
            DatabaseTarget::Postgres { url } => (url.clone(), Backend::Postgres),
            DatabaseTarget::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Backend::Sqlite,
                )
            }
        };
        let mut opts = ConnectOptions::new(url);
        opts.connect_timeout(settings.connect_timeout)
            .acquire_timeout(settings.connect_timeout)
            .idle_timeout(Duration::from_secs(30))
            .sqlx_logging(false);
        match backend {
            Backend::Postgres => {
                opts.max_connections(settings.pool_max).min_connections(1);
            }
            Backend::Sqlite => {
                // WAL lets readers run beside the writer; the busy timeout makes a second
                // writer wait instead of failing.
                opts.max_connections(settings.pool_max.min(4))
                    .map_sqlx_sqlite_opts(|o| {
                        o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                            .busy_timeout(Duration::from_secs(10))
                            .foreign_keys(true)
                    });
            }
        }
        let mut conn = sea_orm::Database::connect(opts)
            .await
            .map_err(|e| internal(e, "opening the database"))?;
        let statements = StatementCounter::default();
        let counter = statements.0.clone();
        conn.set_metric_callback(move |_info| {
            if UNCOUNTED.try_with(|_| ()).is_err() {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        Ok(Self {
            conn,
            backend,
            statements,
        })
    }

    /// Brings the schema up to date. Migrations are forward-only and idempotent to re-run.
    pub async fn migrate(&self) -> AppResult<()> {
        Migrator::up(&self.conn, None)
            .await
            .map_err(|e| internal(e, "running migrations"))
    }

    /// Names of the migrations applied so far, oldest first.
    pub async fn applied_migrations(&self) -> AppResult<Vec<String>> {
        let applied = Migrator::get_applied_migrations(&self.conn).await?;
        Ok(applied.iter().map(|m| m.name().to_owned()).collect())
    }

    /// Checks that the database answers (`SELECT 1`).
    pub async fn ping(&self) -> AppResult<()> {
        self.conn
            .execute_unprepared("SELECT 1")
            .await
            .map(|_| ())
            .map_err(|e| internal(e, "pinging the database"))
    }

    /// Begins a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that reads and then writes fails outright (SQLITE_BUSY_SNAPSHOT)
    /// when another writer committed in between, where an immediate one waits its turn.
    pub async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::TransactionTrait;
        match self.backend {
            Backend::Sqlite => {
                self.conn
                    .begin_with_options(sea_orm::TransactionOptions {
                        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await
            }
            Backend::Postgres => self.conn.begin().await,
        }
    }

    /// The underlying connection, for repositories.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// sea-orm's name for the engine.
    pub fn db_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// The statement counter of this handle.
    pub fn statements(&self) -> &StatementCounter {
        &self.statements
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(self) {
        if let Err(e) = self.conn.close().await {
            tracing::warn!(error = %e, "closing the database pool failed");
        }
    }
}

fn internal(err: sea_orm::DbErr, doing: &'static str) -> AppError {
    AppError::internal(anyhow::Error::new(err).context(doing))
}
