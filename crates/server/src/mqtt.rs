//! Events over MQTT (`arsenal serve --mqtt HOST:PORT`): the server subscribes to
//! `arsenal/<organization>/events` at QoS 1; each message is a batch with the sender's key,
//! `{"key": "ak_...", "events": [...]}`, recorded exactly as `POST /events` records it. The
//! broker's delivery is acknowledged only once the batch is stored (or refused), so a batch in
//! flight when the server stops is delivered again, and its ids make the second delivery a no-op.
//! The receipt, or the error body, is published to `arsenal/<organization>/receipts`.
//! The broker is reached over TCP (`mqtt://`) or TLS (`mqtts://`, its certificate checked against
//! the machine's trusted roots or a CA given), with a user name and password when it asks for
//! them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS, TlsConfiguration, Transport};
use serde::Deserialize;

use crate::State;
use crate::error::ApiError;
use crate::wire;

/// The topics the server subscribes to.
pub const EVENTS_TOPIC: &str = "arsenal/+/events";

/// The server's MQTT client id unless `--mqtt-client-id` says otherwise.
pub const CLIENT_ID: &str = "arsenal-server";

/// Where the broker is, how the server reaches it and who the server is to it.
#[derive(Clone, Debug)]
pub struct Broker {
    pub host: String,
    pub port: u16,
    /// Each server on one broker needs its own: the broker drops a client when another
    /// connects with its id, and keeps a session (the batches it has yet to deliver) per id.
    pub client_id: String,
    /// The user name and password the broker asks for, if it does.
    pub login: Option<Login>,
    /// For `mqtts://`: the broker's certificate is checked against the roots this holds.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

/// A user name and password for the broker; the password is never shown.
#[derive(Clone)]
pub struct Login {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login").field("user", &self.user).field("password", &"***").finish()
    }
}

/// A batch over MQTT: the key travels with it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    key: String,
    /// Each read as a strict value: a field given twice is refused.
    events: Vec<app::StrictJson>,
}

/// How to reach a broker, besides its address.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reach<'a> {
    /// The password, when the address names a user without one (from `ARSENAL_MQTT_PASSWORD`,
    /// so that it is not on the command line).
    pub password: Option<&'a str>,
    /// For `mqtts://`: a PEM file of the certificates of the broker's certificate authority, to
    /// trust instead of the machine's roots.
    pub ca: Option<&'a Path>,
    /// For `mqtts://` to a broker that asks for a client certificate: PEM files of the server's
    /// certificate (with its chain) and of its private key.
    pub identity: Option<(&'a Path, &'a Path)>,
}

/// `HOST:PORT`, `mqtt://[USER[:PASSWORD]@]HOST[:PORT]` (port 1883 by default) or the same with
/// `mqtts://` for TLS (port 8883 by default) → the broker, with the default client id. The user
/// and password are percent-decoded; errors show the address with its password hidden.
pub fn broker(url: &str, reach: Reach<'_>) -> Result<Broker, String> {
    let shown = hidden(url);
    let (tls, rest) = match url.split_once("://") {
        Some(("mqtt", rest)) => (false, rest),
        Some(("mqtts", rest)) => (true, rest),
        Some((scheme, _)) => {
            return Err(format!(
                "{shown}: {scheme}:// is not a broker's address; mqtt:// for TCP, mqtts:// for TLS"
            ));
        }
        None => (false, url),
    };
    let rest = rest.trim_end_matches('/');
    let (user_info, address) = match rest.rsplit_once('@') {
        Some((user_info, address)) => (Some(user_info), address),
        None => (None, rest),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => {
            let number = port.parse::<u16>().ok().filter(|&p| p > 0);
            let wrong = || {
                format!("{shown}: the port must be a whole number from 1 to 65535, not {port:?}")
            };
            (host, number.ok_or_else(wrong)?)
        }
        None => (address, if tls { 8883 } else { 1883 }),
    };
    if host.is_empty() {
        return Err(format!("{shown}: no host"));
    }
    let login = match user_info {
        None if reach.password.is_some() => {
            return Err(format!(
                "{shown}: a password is given (ARSENAL_MQTT_PASSWORD or --mqtt-password) but no user: write the user in the address, mqtt://USER@HOST"
            ));
        }
        None => None,
        Some(user_info) => {
            let (user, password) = match user_info.split_once(':') {
                Some((user, password)) => (user, Some(decoded(password, &shown)?)),
                None => (user_info, reach.password.map(str::to_owned)),
            };
            let user = decoded(user, &shown)?;
            if user.is_empty() {
                return Err(format!("{shown}: no user before the '@'"));
            }
            let password = password.ok_or_else(|| {
                format!(
                    "{shown}: no password for {user}: set ARSENAL_MQTT_PASSWORD (or write mqtt://USER:PASSWORD@HOST)"
                )
            })?;
            Some(Login { user, password })
        }
    };
    let tls = match (tls, reach.ca, reach.identity) {
        (true, ca, identity) => Some(trusting(ca, identity)?),
        (false, Some(_), _) | (false, _, Some(_)) => {
            return Err(format!(
                "{shown}: a CA or a client certificate is given (--mqtt-ca, --mqtt-cert) but the broker is not reached over TLS; write mqtts://"
            ));
        }
        (false, None, None) => None,
    };
    Ok(Broker { host: host.to_owned(), port, client_id: CLIENT_ID.to_owned(), login, tls })
}

/// The address with the password of its user, if any, as `***`.
fn hidden(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    match url[start..].rsplit_once('@') {
        Some((user_info, address)) => {
            let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
            let password = if user.len() < user_info.len() { ":***" } else { "" };
            format!("{}{user}{password}@{address}", &url[..start])
        }
        None => url.to_owned(),
    }
}

/// A user name or password of an address, `%40` written for `@` and so on.
fn decoded(text: &str, shown: &str) -> Result<String, String> {
    let text = percent_encoding::percent_decode_str(text).decode_utf8();
    text.map(String::from).map_err(|_| format!("{shown}: the user or password is not UTF-8"))
}

/// TLS that trusts the certificates of `ca` (a PEM file), or else the machine's roots, and shows
/// the broker the certificate and key of `identity` when given.
fn trusting(
    ca: Option<&Path>,
    identity: Option<(&Path, &Path)>,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    let found = crate::tls::roots(ca, "--mqtt-ca")?;
    if ca.is_some() {
        for certificate in found {
            roots.add(certificate).map_err(|e| format!("--mqtt-ca: {e}"))?;
        }
    } else {
        roots.add_parsable_certificates(found);
    }
    let config = rustls::ClientConfig::builder_with_provider(crate::tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots);
    let config = match identity {
        None => config.with_no_client_auth(),
        Some((certificate, key)) => {
            let chain = crate::tls::certificates(certificate, "of the server's certificate")?;
            let key = crate::tls::private_key(key)?;
            config
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("{}: does not go with its key: {e}", certificate.display()))?
        }
    };
    Ok(Arc::new(config))
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
    let refused = match broker.login {
        Some(_) => "the MQTT broker refused the user and password of --mqtt; trying again",
        None => {
            "the MQTT broker asks for a user and password: --mqtt mqtt://USER@HOST, with ARSENAL_MQTT_PASSWORD; trying again"
        }
    };
    let mut options = MqttOptions::new(broker.client_id, broker.host, broker.port);
    options.set_keep_alive(Duration::from_secs(30));
    options.set_clean_session(false);
    options.set_manual_acks(true);
    options.set_max_packet_size(16 * 1024 * 1024, 16 * 1024 * 1024);
    if let Some(Login { user, password }) = broker.login {
        options.set_credentials(user, password);
    }
    if let Some(config) = broker.tls {
        options.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(config)));
    }
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
                use rumqttc::{ConnectReturnCode, ConnectionError};
                let why = match (&error, tls_cause(&error)) {
                    (
                        ConnectionError::ConnectionRefused(
                            ConnectReturnCode::BadUserNamePassword
                            | ConnectReturnCode::NotAuthorized,
                        ),
                        _,
                    ) => refused,
                    (_, Some(rustls::Error::InvalidCertificate(_))) => {
                        "the MQTT broker's certificate is not trusted (a certificate of a private authority needs --mqtt-ca FILE); trying again"
                    }
                    (_, Some(_)) => {
                        "the TLS handshake with the MQTT broker failed (one that asks for a client certificate needs --mqtt-cert and --mqtt-key); trying again"
                    }
                    (ConnectionError::Tls(_), None) => {
                        "cannot reach the MQTT broker over TLS (is it listening for TLS at that port?); trying again"
                    }
                    _ => "cannot reach the MQTT broker; trying again",
                };
                tracing::warn!(%error, broker = %address, retry_seconds = retry.as_secs(), "{why}");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(MAX_RETRY);
            }
        }
    }
}

/// The TLS error under a connection's error, if any: a broker that refuses the server's
/// certificate does so in its first answer, after the handshake, so the TLS alert comes under a
/// read error.
fn tls_cause<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
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
