//! `cuenca serve`: the COP service on one process — embedded zenoh, fusion, HTTP, and
//! the demo traffic when the configuration enables it.

use anyhow::{Context, Result};
use clap::Args;
use cuenca_bus::Bus;
use cuenca_config::Config;
use cuenca_model::Timestamp;
use cuenca_server::audit::Audit;
use cuenca_server::http::{router, App};
use cuenca_server::pipeline::{self, Shared};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct ServeArgs {
    /// Configuration file; the embedded default (config/cuenca.toml) when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// HTTP listen address, overriding the configuration's http.listen.
    #[arg(long)]
    pub http: Option<SocketAddr>,
    /// Turn the built-in demo traffic off (or on, with --demo=true).
    #[arg(long)]
    pub demo: Option<bool>,
    /// Run an exercise scenario inside the service (see config/scenarios/); its
    /// sensors are added to the configuration and the demo is off unless --demo=true.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Replay a recording inside the service (see `cuenca replay`) as the first
    /// configured sensor of its kind; the demo is off unless --demo=true.
    #[arg(long)]
    pub replay: Option<PathBuf>,
    /// Speed-up of --scenario and --replay over real time; 0 runs as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
}

pub fn run(args: ServeArgs) -> Result<()> {
    let mut cfg = Config::load_or_embedded(args.config.as_ref())?;
    if let Some(addr) = args.http {
        cfg.http.listen = addr;
    }
    if let Some(d) = args.demo {
        cfg.demo.enabled = d;
    }
    let background = crate::sim::Background::prepare(
        &mut cfg,
        args.scenario.as_deref(),
        args.replay.as_deref(),
        args.speed,
        args.demo,
    )?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(serve(cfg, background))
}

async fn serve(cfg: Config, background: Vec<crate::sim::Background>) -> Result<()> {
    let bus = Bus::open(&cfg.zenoh).await.context("cannot open zenoh")?;
    tracing::info!(mode = ?cfg.zenoh.mode, "zenoh session open");
    let shared = Arc::new(Shared::new(&cfg));
    tracing::info!(
        audiences = shared.cop.audiences.len(),
        "one picture per release pattern"
    );
    let pipe = tokio::spawn(pipeline::run(bus.clone(), cfg.clone(), Arc::clone(&shared)));
    if cfg.demo.enabled {
        tokio::spawn(demo(bus.clone(), cfg.clone()));
    }
    for b in background {
        b.spawn(&bus);
    }
    let audit = Audit::open(&cfg.audit).context("cannot open the audit log (audit.path)")?;
    let mut app = App::new(&cfg, Arc::clone(&shared), Some(audit.clone()));
    app.assets = Some(cuenca_web::asset);
    let listener = tokio::net::TcpListener::bind(cfg.http.listen)
        .await
        .with_context(|| format!("cannot listen on {} (http.listen)", cfg.http.listen))?;
    tracing::info!(
        "serving the COP on http://{} (web COP at /, API under /api/v1; demo tokens in README)",
        listener.local_addr()?
    );
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
    .await
    .context("HTTP server failed")?;
    pipe.abort();
    bus.close();
    // The router and its audit handles are gone: write what they queued.
    audit.close();
    Ok(())
}

/// Publishes the demo world's sensor reports on zenoh once a second, like real adapters.
async fn demo(bus: Bus, cfg: Config) {
    let mut world = cuenca_sim::demo::Demo::new(&cfg);
    tracing::info!(objects = world.len(), "demo traffic running");
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        for (kind, batch) in world.step(Timestamp::now()) {
            if let Err(e) = bus.publish(kind, &batch).await {
                tracing::warn!(error = %e, "demo publish failed");
            }
        }
    }
}
