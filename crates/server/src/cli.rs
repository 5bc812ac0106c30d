//! The command line: `serve` (the default), `migrate`, `print-schema`, `token`, `seed`,
//! `notifications` (the notification service on its own) and `dlq list|replay`.

use std::process::ExitCode;

use alkemio_configuration::{Env, Settings};
use alkemio_contributor::NewUser;
use alkemio_persistence::Database;
use clap::{Parser, Subcommand};

use crate::startup::{self, Application};
use crate::{shutdown, telemetry};

/// The Alkemio collaboration platform server.
#[derive(Debug, Parser)]
#[command(name = "alkemio-server", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database, bootstrap the platform and serve the API (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Print the GraphQL schema (SDL) to standard output.
    PrintSchema,
    /// Print a bearer token for a user, creating the user when no user has that e-mail
    /// (needs non-interactive login: on by default without an identity provider, outside
    /// production).
    Token {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
    },
    /// Create public spaces with subspaces and full profiles (as the bootstrap global admin),
    /// for benchmarks and demonstrations.
    Seed {
        /// How many L0 spaces.
        #[arg(long, default_value_t = 20)]
        spaces: usize,
        /// How many subspaces each.
        #[arg(long, default_value_t = 3)]
        subspaces: usize,
    },
    /// Run the notification service on its own: consume domain events from RabbitMQ
    /// (`RABBITMQ_HOST`) and deliver in-app notifications and e-mail, until SIGTERM.
    Notifications,
    /// Show or re-send events that failed every delivery attempt.
    Dlq {
        /// What to do.
        #[command(subcommand)]
        action: DlqAction,
    },
}

/// Dead-letter commands.
#[derive(Debug, Subcommand)]
pub enum DlqAction {
    /// List the dead letters (RabbitMQ's dead-letter queue, or the outbox's dead events
    /// without a broker).
    List,
    /// Send dead letters back for delivery: all, or those with the given event ids.
    Replay {
        /// Event ids to replay (all when none is given).
        #[arg(long = "id")]
        ids: Vec<uuid::Uuid>,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::PrintSchema = command {
        print!("{}", alkemio_api::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env(&Env::from_process()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("alkemio-server: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.logging);
    // resolvers of a large schema make deep futures: 8 MiB per worker, not the default 2
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 * 1024 * 1024)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("alkemio-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match command {
            Command::Serve | Command::PrintSchema => serve(settings).await,
            Command::Migrate => migrate(settings).await,
            Command::Token { email } => token(settings, &email).await,
            Command::Seed { spaces, subspaces } => {
                crate::seed::seed(settings, spaces, subspaces).await
            }
            Command::Notifications => notifications(settings).await,
            Command::Dlq { action } => dlq(settings, action).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "alkemio-server stopped with an error"
            );
            eprintln!("alkemio-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let dev_tokens = matches!(
        settings.identity.non_interactive,
        alkemio_configuration::settings::NonInteractiveLogin::Enabled { .. }
    );
    let app = Application::build(settings).await?;
    let base = format!("http://localhost:{}", app.port());
    tracing::info!(port = app.port(), "alkemio-server listening");
    println!("Alkemio server listening on port {}", app.port());
    println!("  GraphQL:  {base}/graphql");
    println!("  GraphiQL: {base}/graphiql");
    if dev_tokens {
        println!(
            "  Token:    cargo run -p alkemio-server -- token --email admin@alkem.io  \
             (then the header {{\"Authorization\": \"Bearer <token>\"}})"
        );
    }
    app.run_until_stopped(shutdown::signal()).await
}

async fn notifications(settings: Settings) -> anyhow::Result<()> {
    let core = crate::startup::Core::build(&settings).await?;
    let worker = crate::events::Background::consumer_only(&core, &settings)?;
    tracing::info!("notification service running");
    println!("Alkemio notification service consuming from RabbitMQ");
    shutdown::signal().await;
    worker.stop().await;
    core.db.close().await;
    Ok(())
}

async fn dlq(settings: Settings, action: DlqAction) -> anyhow::Result<()> {
    let consumer = alkemio_notification::CONSUMER;
    match (&settings.events.rabbitmq, action) {
        (Some(rabbit), DlqAction::List) => {
            let letters =
                alkemio_events::rabbit::dead_letters(&rabbit.uri, &rabbit.namespace, consumer)
                    .await
                    .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} dead letter(s) in {}",
                letters.len(),
                alkemio_events::rabbit::dead_letter_queue_name(&rabbit.namespace, consumer)
            );
            for l in letters {
                println!(
                    "{}\t{}\tattempts={}\terror={}",
                    l.id.map(|i| i.to_string())
                        .unwrap_or_else(|| "-".to_owned()),
                    l.name.unwrap_or_default(),
                    l.attempts,
                    l.error.unwrap_or_default()
                );
            }
        }
        (Some(rabbit), DlqAction::Replay { ids }) => {
            let only = (!ids.is_empty()).then_some(ids.as_slice());
            let n = alkemio_events::rabbit::replay_dead_letters(
                &rabbit.uri,
                &rabbit.namespace,
                consumer,
                only,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
            println!("replayed {n} dead letter(s)");
        }
        (None, action) => {
            let db = Database::connect(&settings.database)
                .await
                .map_err(startup::to_anyhow)?;
            db.migrate().await.map_err(startup::to_anyhow)?;
            match action {
                DlqAction::List => {
                    let dead = alkemio_events::dead_events(db.conn())
                        .await
                        .map_err(startup::to_anyhow)?;
                    println!("{} dead event(s) in the outbox", dead.len());
                    for row in dead {
                        println!(
                            "{}\t{}\tattempts={}\terror={}",
                            row.record.id,
                            row.record.name(),
                            row.attempts,
                            row.last_error.unwrap_or_default()
                        );
                    }
                }
                DlqAction::Replay { ids } => {
                    let only = (!ids.is_empty()).then_some(ids.as_slice());
                    let n = alkemio_events::revive_events(db.conn(), only)
                        .await
                        .map_err(startup::to_anyhow)?;
                    println!("replayed {n} dead event(s); the running server delivers them");
                }
            }
            db.close().await;
        }
    }
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let db = Database::connect(&settings.database)
        .await
        .map_err(startup::to_anyhow)?;
    db.migrate().await.map_err(startup::to_anyhow)?;
    let applied = db.applied_migrations().await.map_err(startup::to_anyhow)?;
    println!(
        "database is up to date ({} migrations applied)",
        applied.len()
    );
    db.close().await;
    Ok(())
}

async fn token(settings: Settings, email: &str) -> anyhow::Result<()> {
    let core = crate::startup::Core::build(&settings).await?;
    let tokens = core.authenticator.non_interactive().ok_or_else(|| {
        anyhow::anyhow!("non-interactive login is disabled (set ENABLE_NON_INTERACTIVE_LOGIN=true outside production)")
    })?;
    let users = &core.services.users;
    let user = match users
        .user_by_email(email)
        .await
        .map_err(startup::to_anyhow)?
    {
        Some(user) => user,
        None => {
            let local = email.split('@').next().unwrap_or(email);
            let new = NewUser {
                email: email.to_owned(),
                first_name: local.to_owned(),
                last_name: String::new(),
                authentication_id: None,
            };
            let user = users.register(new, &[]).await.map_err(startup::to_anyhow)?;
            eprintln!("created user {} ({})", user.name_id, user.id);
            user
        }
    };
    let minted = tokens
        .mint(user.id.0, user.authentication_id.as_deref())
        .map_err(startup::to_anyhow)?;
    println!("{}", minted.token);
    eprintln!(
        "bearer token for {} ({}); in GraphiQL add the header  {{\"Authorization\": \"Bearer <token>\"}}",
        user.email, user.id
    );
    core.db.close().await;
    Ok(())
}
