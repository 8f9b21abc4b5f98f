//! `POST /import`: an operator replaces the stored network with a JSON network document
//! (docs/data-format.md). The document is validated whole before anything is written (every
//! problem located by its JSON path and field), the write is one transaction, and the server
//! then serves the new network: requests and jobs under way finish on the one they started
//! with, and plans made on the old one can no longer be re-planned. A server also serves what
//! another process wrote to the same store, within `Settings::network_recheck`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;

use crate::State as Shared;
use crate::access::Authenticated;
use crate::alerts;
use crate::confidential::{record, refused};
use crate::error::ApiError;
use crate::wire::{self, ImportReceipt};

/// The largest network document accepted.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024 * 1024;

/// Replaces the stored network with the JSON network document in the body: the format of
/// `arsenal export --format json`, validated whole, written in one transaction.
#[utoipa::path(post, path = "/import", tag = "network",
    request_body(content = Object, description = "A JSON network document (docs/data-format.md, docs/network.schema.json)", content_type = "application/json"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Imported; the server now serves the new network", body = ImportReceipt),
        (status = 400, description = "The document is invalid, each problem located; nothing was written", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 413, description = "Larger than 1 GiB", body = wire::ErrorBody),
    ))]
pub(crate) async fn import(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Bytes,
) -> Result<Json<ImportReceipt>, ApiError> {
    caller.operator()?;
    let text = String::from_utf8(body.to_vec()).map_err(|e| ApiError::Invalid {
        message: format!("the body is not UTF-8: {e}"),
        details: Vec::new(),
    })?;
    // One import at a time; the write is recorded before it happens.
    let _turn = state.import_turn.lock().await;
    let source = format!("POST /import by {}", caller.0.organization);
    record(&state, &caller, "import network", &format!("{} bytes", text.len())).await?;
    let config = state.config.clone();
    let written =
        tokio::task::spawn_blocking(move || app::import_json_twin(&config, &text, &source))
            .await
            .map_err(|e| ApiError::Internal(format!("import: {e}")))?;
    let (report, twin) = match written {
        Ok(written) => written,
        Err(error) => return Err(refused(&state, &caller, "import network", error.into()).await),
    };
    state.serve_twin(twin);
    tracing::info!(records = report.records, source = %report.source, "network imported; serving it");
    alerts::recheck(&state);
    Ok(Json(ImportReceipt {
        source: report.source,
        records: report.records,
        warnings: report.warnings.into_iter().map(wire::Problem::from).collect(),
    }))
}

/// Asks the store every `Settings::network_recheck` whether another process wrote to the network
/// since the served one, and serves the stored network when it did. Runs until the server stops.
pub(crate) async fn follow_store(state: Arc<Shared>) {
    let mut every = tokio::time::interval(state.network_recheck);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await;
    loop {
        every.tick().await;
        if let Err(error) = reload_if_stale(&state).await {
            let (status, body) = error.answer();
            tracing::error!(%status, message = %body.error.message, "cannot follow the store");
        }
    }
}

/// Serves the stored network if another process wrote to it since the served one; says whether
/// it did.
pub(crate) async fn reload_if_stale(state: &Arc<Shared>) -> Result<bool, ApiError> {
    let _turn = state.import_turn.lock().await;
    let (config, shared) = (state.config.clone(), Arc::clone(state));
    let fresh = tokio::task::spawn_blocking(move || {
        let current = crate::network::snapshot(&shared)?;
        if !current.twin.is_stale(&config)? {
            return Ok::<_, ApiError>(None);
        }
        Ok(Some(app::Twin::load(&config, &app::Silent)?))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("reload: {e}")))??;
    let Some(twin) = fresh else { return Ok(false) };
    tracing::info!(source = %twin.stamp().source, "another process wrote to the network; serving it");
    state.serve_twin(twin);
    alerts::recheck(state);
    Ok(true)
}
