//! Live events: `POST /events` takes a batch, checks it whole, stores it (a resent id is a
//! no-op) and only then answers and applies it to the live state; `GET /events` is the history.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;

use crate::State as Shared;
use crate::access::Authenticated;
use crate::error::ApiError;
use crate::network::{Body, Params, snapshot};
use crate::wire::{self, EventBatch, EventQuery, Receipt, Received};

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
    Body(batch): Body<EventBatch>,
) -> Result<Json<Receipt>, ApiError> {
    let events = batch.events.into_iter().map(Into::into).collect();
    Ok(Json(record(&state, &caller.0, events).await?))
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
    Ok(Receipt { accepted: receipt.accepted, duplicates: receipt.duplicates })
}

/// The events received, newest first: every one for operators, their own organization's for
/// members.
#[utoipa::path(get, path = "/events", tag = "events", params(EventQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<Received>),
        (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "A viewer", body = wire::ErrorBody),
    ))]
pub(crate) async fn history(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Params(query): Params<EventQuery>,
) -> Result<Json<Vec<Received>>, ApiError> {
    let limit = crate::network::limit(query.limit)?;
    let (config, caller) = (state.config.clone(), caller.0);
    let recent = tokio::task::spawn_blocking(move || {
        app::events::recent(&config, &caller, query.site.as_deref(), limit as u32)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("events: {e}")))??;
    Ok(Json(
        recent
            .into_iter()
            .map(|r| Received {
                received_at: r.received_at,
                organization: r.organization,
                event: r.event.into(),
            })
            .collect(),
    ))
}
