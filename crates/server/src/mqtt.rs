//! Events over MQTT (`arsenal serve --mqtt HOST:PORT`): the server subscribes to
//! `arsenal/<organization>/events` at QoS 1; each message is a batch with the sender's key,
//! `{"key": "ak_...", "events": [...]}`, recorded exactly as `POST /events` records it. The
//! broker's delivery is acknowledged only once the batch is stored (or refused), so a batch in
//! flight when the server stops is delivered again, and its ids make the second delivery a no-op.
//! The receipt, or the error body, is published to `arsenal/<organization>/receipts`.

use std::sync::Arc;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use serde::Deserialize;

use crate::State;
use crate::error::ApiError;
use crate::wire;

/// The topics the server subscribes to.
pub const EVENTS_TOPIC: &str = "arsenal/+/events";

/// The server's MQTT client id unless `--mqtt-client-id` says otherwise.
pub const CLIENT_ID: &str = "arsenal-server";

/// Where the broker is and who the server is to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    /// Each server on one broker needs its own: the broker drops a client when another
    /// connects with its id, and keeps a session (the batches it has yet to deliver) per id.
    pub client_id: String,
}

/// A batch over MQTT: the key travels with it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    key: String,
    /// Each read as a strict value: a field given twice is refused.
    events: Vec<app::StrictJson>,
}

/// `HOST:PORT` or `mqtt://HOST[:PORT]` (port 1883 by default) → the broker, with the default
/// client id.
pub fn broker(url: &str) -> Result<Broker, String> {
    let address = url.strip_prefix("mqtt://").unwrap_or(url).trim_end_matches('/');
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => {
            let number = port.parse::<u16>().ok().filter(|&p| p > 0);
            let wrong =
                || format!("{url}: the port must be a whole number from 1 to 65535, not {port:?}");
            (host, number.ok_or_else(wrong)?)
        }
        None => (address, 1883),
    };
    if host.is_empty() {
        return Err(format!("{url}: no host"));
    }
    Ok(Broker { host: host.to_owned(), port, client_id: CLIENT_ID.to_owned() })
}

/// Checks a client id: 1 to 64 letters, digits, '-', '_' or '.'.
pub fn client_id(id: &str) -> Result<String, String> {
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if (1..=64).contains(&id.len()) && id.chars().all(valid) {
        Ok(id.to_owned())
    } else {
        Err(format!("{id:?} must be 1 to 64 letters, digits, '-', '_' or '.'"))
    }
}

/// The longest wait between tries to reach the broker.
const MAX_RETRY: Duration = Duration::from_secs(16);

/// Subscribes and records batches until the process stops; reconnects when the broker goes.
pub(crate) async fn listen(state: Arc<State>, broker: Broker) {
    // A stable client id with a persistent session: batches published while the server is away
    // wait at the broker for it.
    let address = format!("{}:{}", broker.host, broker.port);
    let mut options = MqttOptions::new(broker.client_id, broker.host, broker.port);
    options.set_keep_alive(Duration::from_secs(30));
    options.set_clean_session(false);
    options.set_manual_acks(true);
    options.set_max_packet_size(16 * 1024 * 1024, 16 * 1024 * 1024);
    let (client, mut connection) = AsyncClient::new(options, 64);
    state.alerts.connect(client.clone());
    // Retries wait twice as long each time, up to MAX_RETRY, so a broker that stays away is
    // not asked every second.
    let mut retry = Duration::from_secs(1);
    loop {
        match connection.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                retry = Duration::from_secs(1);
                tracing::info!(topic = EVENTS_TOPIC, "connected to the MQTT broker");
                if let Err(error) = client.subscribe(EVENTS_TOPIC, QoS::AtLeastOnce).await {
                    tracing::error!(%error, "cannot subscribe");
                }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                // Recorded in order: the next message waits for this one.
                handle(&state, &client, &publish).await;
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(
                    %error,
                    broker = %address,
                    retry_seconds = retry.as_secs(),
                    "cannot reach the MQTT broker; trying again"
                );
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// Records one batch, answers on the receipts topic, then acknowledges the delivery.
async fn handle(state: &Arc<State>, client: &AsyncClient, publish: &Publish) {
    let organization = publish.topic.split('/').nth(1).unwrap_or_default().to_owned();
    let answer = match record(state, &organization, &publish.payload).await {
        Ok(receipt) => serde_json::to_vec(&receipt),
        Err(error) => {
            let (status, body) = error.answer();
            tracing::warn!(topic = %publish.topic, %status, "refused an MQTT batch");
            serde_json::to_vec(&body)
        }
    };
    let receipts = format!("arsenal/{organization}/receipts");
    match answer {
        Ok(answer) => {
            if let Err(error) = client.publish(receipts, QoS::AtLeastOnce, false, answer).await {
                tracing::error!(%error, "cannot publish the receipt");
            }
        }
        Err(error) => tracing::error!(%error, "cannot encode the receipt"),
    }
    if let Err(error) = client.ack(publish).await {
        tracing::error!(%error, "cannot acknowledge the delivery");
    }
}

async fn record(
    state: &Arc<State>,
    organization: &str,
    payload: &[u8],
) -> Result<wire::Receipt, ApiError> {
    let message: Message = serde_json::from_slice(payload).map_err(|e| ApiError::Invalid {
        message: format!("the message is not a valid batch: {}", app::json_syntax(&e.to_string())),
        details: Vec::new(),
    })?;
    let caller = crate::access::authenticate(state, &message.key).await?;
    if caller.organization != organization {
        return Err(ApiError::Forbidden(format!(
            "the key belongs to {}; publish to arsenal/{}/events",
            caller.organization, caller.organization
        )));
    }
    let events = crate::events::decode(message.events.into_iter().map(|e| e.0).collect())?;
    crate::events::record(state, &caller, events).await
}
