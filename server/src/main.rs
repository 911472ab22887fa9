//! `server`: runs the CRM (the default), or applies migrations and exits.
//!
//! main only wires: config -> tracing -> pool -> migrations -> router -> serve.

use std::process::ExitCode;

use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use crm_backend::config::{Config, Environment};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "server",
    version,
    about = "Candor CRM: the web server and its maintenance commands"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the product (the default when no command is given).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Manage the privacy policy's versions.
    Policy {
        #[command(subcommand)]
        action: PolicyCommand,
    },
    /// Create an operator (the vendor's staff) in the operators' workspace, or make the member
    /// with this address one, and print a one-time link, valid 48 hours, to choose a password.
    CreateOperator { email: String },
    /// Add realistic fake people to the workspace named NAME, for measuring lists and search at
    /// scale. The same seed makes the same people.
    Seed {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=5_000_000))]
        people: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Read the cookie-consent ledger.
    Consent {
        #[command(subcommand)]
        action: ConsentCommand,
    },
}

#[derive(Subcommand)]
enum ConsentCommand {
    /// Print the decisions of the last DAYS days (today included) per day and action, with a bar
    /// chart. Counts only: the ledger's consent ids are never printed.
    Report {
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=366))]
        days: u16,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Publish a new version from FILE (the format of app/content/*.md). It is shown from its
    /// `effective:` date; nothing already published changes.
    Publish {
        file: std::path::PathBuf,
        /// Mark the change as significant: members get a prominent notice.
        #[arg(long)]
        significant: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    if config.environment == Environment::Production && !config.is_https() {
        tracing::warn!(
            site_url = %config.site_url,
            "SITE_URL is plain http in production, as ALLOW_HTTP_SITE_URL=true allows: cookies are sent without the Secure flag and passwords cross the network unencrypted unless something in front encrypts them"
        );
    }

    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::Policy {
            action: PolicyCommand::Publish { file, significant },
        } => publish_policy(config, &file, significant).await,
        Command::Consent {
            action: ConsentCommand::Report { days },
        } => consent_report(config, days).await,
        Command::CreateOperator { email } => create_operator(config, &email).await,
        Command::Seed {
            workspace,
            people,
            seed,
        } => seed_people(config, &workspace, people, seed).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    // The filter was validated while reading the configuration.
    let filter = tracing_subscriber::EnvFilter::new(&config.log_level);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if config.environment == Environment::Production {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn migrate(config: Config) -> Result<(), String> {
    let db = crm_backend::db::Db::connect(&config.database_url)
        .await
        .map_err(|e| server::StartError::Connect(e).to_string())?;
    db.migrate()
        .await
        .map_err(|e| server::StartError::Migrate(e).to_string())?;
    let readiness = db.readiness().await;
    db.close().await;
    tracing::info!(
        backend = config.database_url.backend().name(),
        "migrations applied"
    );
    println!(
        "migrations applied; pending: {}",
        readiness.pending_migrations.len()
    );
    Ok(())
}

async fn create_operator(config: Config, email: &str) -> Result<(), String> {
    let email = crm_core::email_address::EmailAddress::parse(email)
        .map_err(|message| format!("EMAIL {email:?}: {message}"))?;
    let state = server::build_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let result = crm_backend::accounts::service::create_operator(&state, &email).await;
    state.db.close().await;
    let link = result.map_err(|e| format!("could not create the operator ({e})"))?;
    println!("operator {email} is ready; they choose a password here (one use, 48 hours):");
    println!("{link}");
    Ok(())
}

async fn seed_people(
    config: Config,
    workspace: &str,
    people: u32,
    seed: u64,
) -> Result<(), String> {
    let state = server::build_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let result = match crm_backend::seed::workspace_named(&state.db, workspace).await {
        Ok(id) => crm_backend::seed::seed_people(&state.db, id, people as usize, seed)
            .await
            .map_err(|e| format!("could not seed ({e})")),
        Err(message) => Err(message),
    };
    state.db.close().await;
    let report = result?;
    println!(
        "added {} people ({} tags), {} companies, {} leads and {} opportunities to \"{workspace}\" in {:.1} s",
        report.people,
        report.tags,
        report.companies,
        report.leads,
        report.opportunities,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn consent_report(config: Config, days: u16) -> Result<(), String> {
    const DAY_MS: i64 = 86_400_000;
    let state = server::build_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let today = state.db.now_millis().div_euclid(DAY_MS);
    let first_day = today - i64::from(days) + 1;
    let counts =
        crm_backend::consent::ledger::decisions_per_day(&state.db, first_day * DAY_MS).await;
    state.db.close().await;
    let counts = counts.map_err(|e| format!("could not read the consent ledger ({e})"))?;
    print!(
        "{}",
        crm_backend::consent::ledger::render_report(&counts, first_day, today)
    );
    Ok(())
}

async fn publish_policy(
    config: Config,
    file: &std::path::Path,
    significant: bool,
) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("{}: cannot read ({e})", file.display()))?;
    let state = server::build_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let result =
        crm_backend::policy::db::publish(&state.db, &text, significant, state.db.now_millis())
            .await;
    state.db.close().await;
    let published = result.map_err(|e| format!("{}: {e}", file.display()))?;
    println!(
        "published privacy policy version {}, effective {}{}{}",
        published.version,
        published.effective,
        if published.upcoming {
            " (upcoming)"
        } else {
            ""
        },
        if published.significant {
            ", significant change"
        } else {
            ""
        },
    );
    Ok(())
}

async fn serve(config: Config) -> Result<(), String> {
    let addr = config.listen_addr;
    let backend = config.database_url.backend().name();
    let leptos = app::context::leptos_options(addr).map_err(|e| e.to_string())?;
    let state = server::build_state(config)
        .await
        .map_err(|e| e.to_string())?;
    let db = state.db.clone();
    let mail_worker = server::spawn_mail_worker(state.clone());
    let bulk_worker = server::spawn_bulk_worker(state.clone());
    let app = server::build_router(app::context::SiteState::new(state, leptos));

    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("LISTEN_ADDR: cannot listen on {addr} ({e})"))?
        // Without TCP_NODELAY, multi-segment responses wait for delayed ACKs (see TOOLCHAIN.md).
        .tap_io(|socket| {
            let _ = socket.set_nodelay(true);
        });
    tracing::info!(%addr, backend, "listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error ({e})"))?;
    // A message being delivered at this moment is claimed for a minute and retried then.
    mail_worker.abort();
    // A batch being applied at this moment is rolled back whole; the job resumes after its last
    // committed batch once its lease has run out.
    bulk_worker.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM; in-flight requests then finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
