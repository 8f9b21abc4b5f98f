//! Live events: `POST /events` takes a batch, checks it whole, stores it (a resent id is a
//! no-op) and only then answers and applies it to the live state; `GET /events` is the history.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use crate::State as Shared;
use crate::access::Authenticated;
use crate::error::ApiError;
use crate::network::{Body, Params, snapshot};
use crate::wire::{self, EventBatch, EventQuery, Receipt};

/// Report events: checked whole, stored, then applied.
#[utoipa::path(post, path = "/events", tag = "events", request_body = EventBatch,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Stored (and applied) before this answer", body = Receipt),
        (status = 400, description = "A problem in the batch; nothing was stored", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "A viewer, or a member reporting on another organization's site", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn report(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Body(batch): Body<Batch>,
) -> Result<Json<Receipt>, ApiError> {
    let events = decode(batch.events)?;
    Ok(Json(record(&state, &caller.0, events).await?))
}

/// A batch as it comes, each event still to be taken apart (`EventBatch` documents its shape).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Batch {
    pub(crate) events: Vec<serde_json::Value>,
}

/// The events of a batch, each taken apart so that every event of the wrong shape is named
/// (`events[3]`, field `units`), not only the first; nothing is stored when one is.
pub(crate) fn decode(list: Vec<serde_json::Value>) -> Result<Vec<app::events::Event>, ApiError> {
    let mut events = Vec::with_capacity(list.len());
    let mut details = Vec::new();
    for (n, value) in list.into_iter().enumerate() {
        match event(&value) {
            Ok(event) => events.push(event.into()),
            Err((field, message)) => details.push(wire::Problem {
                location: format!("events[{n}]"),
                field: (!field.is_empty()).then_some(field),
                message,
            }),
        }
    }
    if details.is_empty() {
        return Ok(events);
    }
    let problems = app::counted(details.len(), "problem");
    Err(ApiError::Invalid {
        message: format!("{problems} in the batch; nothing was stored"),
        details,
    })
}

/// One event, or the field at fault (empty when it is not one field's) and why. Serde names the
/// field of a wrong `kind` but not, through the tag, one of the kind's own fields: that one is
/// the field (other than `kind`) without which the event no longer fails the same way.
fn event(value: &serde_json::Value) -> Result<wire::Event, (String, String)> {
    let fault = match app::from_json::<wire::Event>(value) {
        Ok(event) => return Ok(event),
        Err(fault) => fault,
    };
    let serde_json::Value::Object(fields) = value else { return Err(fault) };
    if !fault.0.is_empty() {
        return Err(fault);
    }
    let changes = |key: &String| {
        let mut without = fields.clone();
        without.remove(key);
        app::from_json::<wire::Event>(&without.into()).err().as_ref() != Some(&fault)
    };
    let field = fields.keys().filter(|key| *key != "kind").find(|key| changes(key));
    Err((field.cloned().unwrap_or_default(), fault.1))
}

/// Checks, stores, audits and applies a batch; the receipt once it is stored. The way in for
/// events over HTTP and over MQTT alike.
pub(crate) async fn record(
    state: &Arc<Shared>,
    caller: &app::access::Caller,
    events: Vec<app::events::Event>,
) -> Result<Receipt, ApiError> {
    let snapshot = snapshot(state)?;
    // One batch at a time, so the live state applies them in the order the store keeps them.
    let _turn = state.events_turn.lock().await;
    let (config, who) = (state.config.clone(), caller.clone());
    let (new, receipt) = tokio::task::spawn_blocking(move || {
        app::events::record(&config, &snapshot.events, &who, &events)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("events: {e}")))??;
    state.apply(&new);
    if !new.is_empty() {
        crate::alerts::recheck(state);
    }
    Ok(Receipt {
        accepted: receipt.accepted,
        duplicates: receipt.duplicates,
        warnings: receipt.warnings.into_iter().map(wire::Problem::from).collect(),
    })
}

/// The events received, newest first: every one for operators, their own organization's for
/// members.
#[utoipa::path(get, path = "/events", tag = "events", params(EventQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "One page, newest first", body = wire::EventPage),
        (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "A viewer", body = wire::ErrorBody),
    ))]
pub(crate) async fn history(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Params(query): Params<EventQuery>,
) -> Result<Json<wire::EventPage>, ApiError> {
    let asked = crate::network::newest(query.before, query.offset, query.limit)?;
    let (config, caller) = (state.config.clone(), caller.0);
    let recent = tokio::task::spawn_blocking(move || {
        app::events::recent(&config, &caller, query.site.as_deref(), asked.0)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("events: {e}")))??;
    let (results, page) = crate::network::log_page(recent, asked, |event| event.seq);
    Ok(Json(wire::EventPage { results, page }))
}
