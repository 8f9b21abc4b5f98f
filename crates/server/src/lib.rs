//! `arsenal serve`: the JSON HTTP API over the stored network (axum on tokio).
//!
//! The server loads the network once, in the background, and serves it from memory: `/healthz`
//! answers at once, `/readyz` and the data endpoints once the network is loaded. Requests share
//! that read-only snapshot, the live state the events have brought it to, and the keys already
//! checked; everything else (keys, events, the audit log) is in the store. The OpenAPI document
//! at `/openapi.json` is generated from the handlers and wire types (`openapi`). Events also
//! come in over MQTT (`mqtt`).

mod access;
mod alerts;
mod confidential;
mod error;
mod events;
pub mod import;
pub mod jobs;
pub mod mqtt;
mod network;
pub mod openapi;
mod records;
mod tls;
pub mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_extractor;
use axum::routing::{get, post};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use app::access::Disclosure;
use app::alerts::AlertOptions;
use app::events::Live;

pub use crate::alerts::{Webhook, webhook};
use crate::network::Snapshot;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How long a request may take before it is answered with a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// How the server treats what it serves.
#[derive(Clone, Debug)]
pub struct Settings {
    /// When an aggregate group is published.
    pub disclosure: Disclosure,
    /// When a product predicted to fall short is an alert.
    pub alerts: AlertOptions,
    /// How long a checked key is trusted before the store is asked again whether it still
    /// exists (a revoked key is refused from then on).
    pub key_recheck: Duration,
    /// Where each new alert is posted, as JSON.
    pub alert_webhook: Option<Webhook>,
    /// How often the server asks the store whether another process wrote to the network since
    /// (an import, or an organization's records), and then serves the stored network.
    pub network_recheck: Duration,
    /// The most time a plan or re-plan job may take to build and solve its program: the time
    /// limit of a job that asks for none or for more. None: as long as a job asks.
    pub plan_time_limit: Option<Duration>,
}

/// How long a checked key is trusted by default.
pub const KEY_RECHECK: Duration = Duration::from_secs(30);

/// How often the store is asked for another process's writes, by default.
pub const NETWORK_RECHECK: Duration = Duration::from_secs(10);

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            disclosure: Disclosure::default(),
            alerts: AlertOptions::default(),
            key_recheck: KEY_RECHECK,
            alert_webhook: None,
            network_recheck: NETWORK_RECHECK,
            plan_time_limit: None,
        }
    }
}

/// What the handlers share: the configuration, the keys already checked, and the network once
/// it is loaded.
pub struct State {
    config: app::Config,
    disclosure: Disclosure,
    keys: access::Keys,
    alerts: alerts::Alerts,
    jobs: jobs::Jobs,
    network: RwLock<Loaded>,
    /// What the events received so far have changed.
    live: RwLock<Live>,
    /// Held while a batch of events is stored and applied.
    events_turn: tokio::sync::Mutex<()>,
    /// Held while a network is imported or an organization's records written, and while the
    /// store is asked whether another process wrote.
    import_turn: tokio::sync::Mutex<()>,
    /// How often to ask the store whether another process wrote (`Settings::network_recheck`).
    network_recheck: Duration,
    /// The most time a plan job may take (`Settings::plan_time_limit`).
    plan_time_limit: Option<Duration>,
    /// Where requests and alert predictions run their parallel work, apart from the jobs in
    /// rayon's global pool; made when first needed.
    requests_pool: std::sync::Mutex<Option<Arc<rayon::ThreadPool>>>,
}

#[derive(Clone)]
enum Loaded {
    Loading,
    Ready(Arc<Snapshot>),
    Failed(String),
}

impl State {
    /// A server with nothing loaded yet: `/readyz` says so until `load` finishes.
    pub fn loading(config: app::Config, settings: Settings) -> Arc<State> {
        Arc::new(State {
            config,
            disclosure: settings.disclosure,
            keys: access::Keys::new(settings.key_recheck),
            alerts: alerts::Alerts::new(settings.alerts, settings.alert_webhook),
            jobs: jobs::Jobs::default(),
            network: RwLock::new(Loaded::Loading),
            live: RwLock::new(Live::default()),
            events_turn: tokio::sync::Mutex::new(()),
            import_turn: tokio::sync::Mutex::new(()),
            network_recheck: settings.network_recheck,
            plan_time_limit: settings.plan_time_limit,
            requests_pool: std::sync::Mutex::new(None),
        })
    }

    /// A server that serves `twin` (keys, events and the audit log stay in the configured
    /// store).
    pub fn ready(config: app::Config, settings: Settings, twin: app::Twin) -> Arc<State> {
        let state = State::loading(config, settings);
        state.serve_twin(twin);
        state
    }

    /// Loads the stored network and replays the stored events into the server (blocking; run
    /// it on its own thread).
    pub fn load(&self) {
        let loaded = app::Twin::load(&self.config, &app::Silent).and_then(|twin| {
            let history = app::events::history(&self.config)?;
            let events: Vec<app::events::Event> = history.into_iter().map(|r| r.event).collect();
            self.apply(&events);
            Ok((Snapshot::new(twin), events.len()))
        });
        let loaded = match loaded {
            Ok((snapshot, events)) => {
                let sites = snapshot.twin.network().sites.len();
                tracing::info!(sites, events, "network loaded, events replayed; ready");
                Loaded::Ready(Arc::new(snapshot))
            }
            Err(error) => {
                tracing::error!(%error, "cannot load the network");
                Loaded::Failed(error.to_string())
            }
        };
        self.set(loaded);
    }

    /// Applies events, in order, to the live state.
    fn apply(&self, events: &[app::events::Event]) {
        let mut live = self.live.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        for event in events {
            live.apply(event);
        }
    }

    fn live(&self) -> std::sync::RwLockReadGuard<'_, Live> {
        self.live.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The thread pool of requests (one thread per core), so their parallel work never waits
    /// behind a job's.
    fn requests_pool(&self) -> Result<Arc<rayon::ThreadPool>, error::ApiError> {
        let mut pool = self.requests_pool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(pool) = pool.as_ref() {
            return Ok(Arc::clone(pool));
        }
        let made = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("arsenal-request-{i}"))
            .build()
            .map_err(|e| error::ApiError::Internal(format!("cannot start threads: {e}")))?;
        Ok(Arc::clone(pool.insert(Arc::new(made))))
    }

    /// Serves `twin` from now on; requests under way finish on the network they started with.
    fn serve_twin(&self, twin: app::Twin) {
        self.set(Loaded::Ready(Arc::new(Snapshot::new(twin))));
    }

    /// Serves `loaded` from now on. What it replaces is let go after the lock, on a thread of its
    /// own: when this held the last reference to a network, freeing it (about 0.4 s for the
    /// national network's twin) would otherwise keep every request waiting on the lock.
    fn set(&self, loaded: Loaded) {
        let mut network = self.network.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let replaced = std::mem::replace(&mut *network, loaded);
        drop(network);
        app::free_aside(replaced);
    }

    fn loaded(&self) -> Loaded {
        self.network.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// The API's routes, with the body and time limits (an import has its own), a log line per request (method, path,
/// status, latency) and uniform error bodies.
pub fn router(state: Arc<State>) -> Router {
    // An import, or an organization's write, may take longer than the time limit of other requests, and may be larger.
    let import = Router::new()
        .route(
            "/import",
            post(import::import).layer(DefaultBodyLimit::max(import::MAX_IMPORT_BYTES)),
        )
        .route(
            "/organizations/{id}/records",
            get(records::read)
                .put(records::replace)
                .layer(DefaultBodyLimit::max(import::MAX_IMPORT_BYTES)),
        )
        .route_layer(from_extractor::<network::NoParams>());
    // What takes no query parameters refuses any; the others refuse those they do not know.
    let plain = Router::new()
        .route("/healthz", get(network::healthz))
        .route("/readyz", get(network::readyz))
        .route("/openapi.json", get(openapi::document))
        .route("/sites/{id}", get(network::site))
        .route("/sites/{id}/capacity", get(confidential::site_capacity))
        .route("/events", post(events::report))
        .route("/alerts", get(alerts::current))
        .route("/items/{id}", get(network::item))
        .route("/jobs", get(jobs::list))
        .route("/jobs/risks", post(jobs::risks))
        .route("/jobs/stress", post(jobs::stress))
        .route("/jobs/monte-carlo", post(jobs::monte_carlo))
        .route("/jobs/mobilize", post(jobs::mobilize))
        .route("/jobs/replan", post(jobs::replan))
        .route("/jobs/{id}", get(jobs::one).delete(jobs::cancel))
        .route("/jobs/{id}/result", get(jobs::result))
        .route_layer(from_extractor::<network::NoParams>());
    Router::new()
        .route("/organizations", get(network::organizations))
        .route("/sites", get(network::sites))
        .route("/aggregates/capacity", get(confidential::capacity_aggregate))
        .route("/audit", get(confidential::audit))
        .route("/events", get(events::history))
        .route("/items", get(network::items))
        .route("/items/{id}/map", get(jobs::map))
        .merge(plain)
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .merge(import)
        .fallback(error::no_route)
        .with_state(state)
        .layer(axum::middleware::map_response(error::error_bodies))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                .on_failure(failed),
        )
}

/// Logs a response that failed (a 5xx) as an error, but for 503: the network still loading, or
/// none stored, which the response line logs already and the body says; readiness probes would
/// otherwise write an error line every few seconds while a national network loads.
fn failed(class: ServerErrorsFailureClass, latency: Duration, _: &tracing::Span) {
    match class {
        ServerErrorsFailureClass::StatusCode(StatusCode::SERVICE_UNAVAILABLE) => {}
        class => {
            let latency = format!("{} ms", latency.as_millis());
            tracing::error!(classification = %class, latency, "response failed");
        }
    }
}

/// Serves the API on `listen` until Ctrl-C or SIGTERM, then finishes the requests in flight.
/// `bound` is told the address once the socket is open (the port, when `listen` asks for 0);
/// the network loads in the background from then on. With `mqtt`, events are also taken from
/// that broker once the network is loaded.
pub fn serve(
    config: app::Config,
    settings: Settings,
    listen: SocketAddr,
    mqtt: Option<mqtt::Broker>,
    bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        bound(listener.local_addr()?);
        let state = State::loading(config, settings);
        let loader = Arc::clone(&state);
        let loaded = tokio::task::spawn_blocking(move || loader.load());
        let follower = Arc::clone(&state);
        tokio::spawn(async move {
            // Messages are recorded against the network, so they wait until it is loaded.
            if loaded.await.is_ok() {
                if let Some(broker) = mqtt {
                    tokio::spawn(mqtt::listen(Arc::clone(&follower), broker));
                }
                import::follow_store(follower).await;
            }
        });
        axum::serve(listener, router(state)).with_graceful_shutdown(shutdown()).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down; finishing requests in flight");
}

#[cfg(test)]
mod tests;
