//! Alerts: after each batch of new events, the outages reported are simulated over the weeks
//! ahead (`app::alerts`), off the path that acknowledges events; products predicted below the
//! threshold are kept for `GET /alerts`, and each product that newly falls below it is published
//! on the MQTT topic `arsenal/alerts` when the server is connected to a broker, and posted to the
//! webhook when one is set.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use app::alerts::{Alert, AlertOptions};
use axum::Json;
use axum::extract::State;
use rumqttc::{AsyncClient, QoS};

use crate::State as Shared;
use crate::access::Authenticated;
use crate::error::ApiError;
use crate::network::snapshot;
use crate::wire;

/// The MQTT topic alerts are published on.
pub(crate) const ALERTS_TOPIC: &str = "arsenal/alerts";

/// The current alerts and what it takes to keep them current.
pub(crate) struct Alerts {
    options: AlertOptions,
    current: RwLock<Vec<Alert>>,
    /// Events arrived since the last prediction started.
    dirty: AtomicBool,
    /// Held while a prediction runs; one at a time.
    turn: tokio::sync::Mutex<()>,
    mqtt: OnceLock<AsyncClient>,
    /// Where each new alert is posted.
    webhook: Option<Webhook>,
}

impl Alerts {
    pub(crate) fn new(options: AlertOptions, webhook: Option<Webhook>) -> Alerts {
        Alerts {
            options,
            webhook,
            current: RwLock::new(Vec::new()),
            dirty: AtomicBool::new(false),
            turn: tokio::sync::Mutex::new(()),
            mqtt: OnceLock::new(),
        }
    }

    /// Publishes new alerts through this client from now on.
    pub(crate) fn connect(&self, client: AsyncClient) {
        let _ = self.mqtt.set(client);
    }
}

/// Predicts again in the background; events that arrive meanwhile make the running prediction
/// go round once more instead of starting another.
pub(crate) fn recheck(state: &Arc<Shared>) {
    state.alerts.dirty.store(true, Ordering::SeqCst);
    let state = Arc::clone(state);
    tokio::spawn(async move {
        while state.alerts.dirty.load(Ordering::SeqCst) {
            let Ok(_turn) = state.alerts.turn.try_lock() else { return };
            while state.alerts.dirty.swap(false, Ordering::SeqCst) {
                if let Err(error) = predict(&state).await {
                    let (status, body) = error.answer();
                    tracing::error!(%status, message = %body.error.message, "alerts not updated");
                }
            }
        }
    });
}

async fn predict(state: &Arc<Shared>) -> Result<(), ApiError> {
    let snapshot = snapshot(state)?;
    let live = state.live().clone();
    let options = state.alerts.options;
    let pool = state.requests_pool()?;
    let alerts =
        tokio::task::spawn_blocking(move || pool.install(|| snapshot.twin.predict(&live, options)))
            .await
            .map_err(|e| ApiError::Internal(format!("alerts: {e}")))??;
    let fresh: Vec<Alert> = {
        let mut current = state.alerts.current.write().unwrap_or_else(PoisonError::into_inner);
        let fresh = alerts
            .iter()
            .filter(|a| !current.iter().any(|c| c.product == a.product))
            .cloned()
            .collect();
        *current = alerts;
        fresh
    };
    for alert in fresh {
        tracing::warn!(product = %alert.product, fill_rate = alert.fill_rate, "alert");
        let payload = serde_json::to_vec(&wire::Alert::from(alert))
            .map_err(|e| ApiError::Internal(format!("alert: {e}")))?;
        if let Some(client) = state.alerts.mqtt.get() {
            let sent = client.publish(ALERTS_TOPIC, QoS::AtLeastOnce, false, payload.clone()).await;
            if let Err(error) = sent {
                tracing::error!(%error, "cannot publish the alert");
            }
        }
        if let Some(webhook) = state.alerts.webhook.clone() {
            tokio::task::spawn_blocking(move || webhook.post(&payload));
        }
    }
    Ok(())
}

/// Where new alerts are posted: an `http://` or `https://` URL, and the client that posts there.
#[derive(Clone, Debug)]
pub struct Webhook {
    url: String,
    /// The URL as logs show it (`shown`).
    pub(crate) shown: String,
    agent: ureq::Agent,
}

/// Checks a webhook URL, `http://host[:port]/path` or `https://...`; an `https://` one's
/// certificate is checked against the certificate authority in `ca` (a PEM file), or else the
/// machine's trusted roots.
pub fn webhook(url: &str, ca: Option<&Path>) -> Result<Webhook, String> {
    let uri: axum::http::Uri = url.parse().map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    const CA: &str = "--alert-webhook-ca";
    let roots = match (uri.scheme_str(), uri.host(), ca) {
        (Some("https"), Some(_), ca) => crate::tls::roots(ca, CA)?,
        (Some("http"), Some(_), Some(_)) => {
            return Err(format!(
                "{}: a certificate authority is given ({CA}) but the URL is not https://",
                shown(&uri)
            ));
        }
        // The machine's roots, if it has any, for a redirect to https://.
        (Some("http"), Some(_), None) => crate::tls::roots(None, CA).unwrap_or_default(),
        _ => return Err(format!("{url:?} must be an http:// or https:// URL with a host")),
    };
    let roots = roots.iter().map(|c| ureq::tls::Certificate::from_der(c).to_owned());
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&roots.collect::<Vec<_>>()))
        .unversioned_rustls_crypto_provider(crate::tls::provider())
        .build();
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .tls_config(tls)
        .build()
        .into();
    Ok(Webhook { url: url.to_owned(), shown: shown(&uri), agent })
}

/// A webhook's URL as logs show it: its scheme, host and port, with a path or query (which often
/// holds the webhook's token) and a user as `...`.
fn shown(uri: &axum::http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or_default();
    let user = if uri.authority().is_some_and(|a| a.as_str().contains('@')) { "...@" } else { "" };
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = uri.path_and_query().map_or("", |p| p.as_str());
    let rest = if path.is_empty() || path == "/" { "" } else { "/..." };
    format!("{scheme}://{user}{host}{port}{rest}")
}

/// Attempts at posting an alert to the webhook, a second apart, then twice that, ...
const WEBHOOK_ATTEMPTS: u32 = 3;

impl Webhook {
    /// Posts one alert; a failure is retried, then logged.
    fn post(&self, payload: &[u8]) {
        let webhook = self.shown.as_str();
        for attempt in 1..=WEBHOOK_ATTEMPTS {
            match self.send(payload) {
                Ok(_) => return,
                Err(error) if attempt == WEBHOOK_ATTEMPTS => {
                    tracing::error!(%error, webhook, attempts = attempt, "cannot post the alert to the webhook");
                }
                Err(error) => {
                    tracing::warn!(%error, webhook, attempt, "webhook failed; trying again");
                    std::thread::sleep(std::time::Duration::from_secs(1 << (attempt - 1)));
                }
            }
        }
    }

    /// One attempt at posting `payload`.
    pub(crate) fn send(&self, payload: &[u8]) -> Result<(), ureq::Error> {
        let sent = self.agent.post(&self.url).header("Content-Type", "application/json");
        sent.send(payload).map(drop)
    }
}

/// Products predicted to fall below the fill-rate threshold over the weeks ahead, given the
/// outages reported so far.
#[utoipa::path(get, path = "/alerts", tag = "events",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The current alerts, largest value short first", body = Vec<wire::Alert>),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
    ))]
pub(crate) async fn current(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
) -> Result<Json<Vec<wire::Alert>>, ApiError> {
    caller.operator()?;
    let current = state.alerts.current.read().unwrap_or_else(PoisonError::into_inner).clone();
    Ok(Json(current.into_iter().map(Into::into).collect()))
}
