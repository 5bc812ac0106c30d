//! The command line: `serve` (the default), `migrate`, `print-schema`.

use std::process::ExitCode;

use alkemio_configuration::{Env, Settings};
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
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
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
    let app = Application::build(settings).await?;
    let base = format!("http://localhost:{}", app.port());
    tracing::info!(port = app.port(), "alkemio-server listening");
    println!("Alkemio server listening on port {}", app.port());
    println!("  GraphQL:  {base}/graphql");
    println!("  GraphiQL: {base}/graphiql");
    app.run_until_stopped(shutdown::signal()).await
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
