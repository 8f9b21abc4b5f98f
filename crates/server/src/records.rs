//! `GET` and `PUT /organizations/{id}/records`: an organization's own records (its record, its
//! sites, their capabilities, sources, inventory and demand, and the links they ship on) as a
//! JSON network document, read and replaced by its members and by operators. A write is checked
//! whole against the rest of the network (every problem located in the document), audited
//! before it is written, written in one transaction, and refused with 409 when another write
//! (from this server or another over the same store) came first. docs/security.md states the
//! rules.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};

use crate::State as Shared;
use crate::access::Authenticated;
use crate::alerts;
use crate::confidential::{record, refused};
use crate::error::ApiError;
use crate::network::snapshot;
use crate::wire::{self, ImportReceipt};

/// The records an organization owns, as a JSON network document (docs/data-format.md): the
/// document `PUT` takes back.
#[utoipa::path(get, path = "/organizations/{id}/records", tag = "confidential",
    params(("id" = String, Path, description = "The organization's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The organization's records", body = Object, content_type = "application/json"),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Another organization's records, or a viewer", body = wire::ErrorBody),
        (status = 404, description = "No such organization", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn read(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let snapshot = snapshot(&state)?;
    allowed(&caller, &id)?;
    let part = app::records::read(snapshot.twin.network(), &id)?;
    record(&state, &caller, "read records", &id).await?;
    Ok(Json(app::interchange::json_document(&part)))
}

/// Replaces the records an organization owns with those of the JSON network document in the
/// body. The document holds `sites` (all of the organization's sites: one left out is removed),
/// and may hold its `organizations` record, and `capabilities`, `sources`, `inventory` and
/// `demand` at its sites and the `links` they ship on; each table given replaces the
/// organization's rows of it, and a table left out empties them. Items, bills of materials,
/// routings and demand not at a site are shared: only `POST /import` changes them.
#[utoipa::path(put, path = "/organizations/{id}/records", tag = "confidential",
    params(("id" = String, Path, description = "The organization's id")),
    request_body(content = Object, description = "A JSON network document holding only this organization's records (docs/security.md)", content_type = "application/json"),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Written; the server now serves the network with these records", body = ImportReceipt),
        (status = 400, description = "The document is invalid or holds records that are not this organization's, each problem located; nothing was written", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Another organization's records, or a viewer", body = wire::ErrorBody),
        (status = 409, description = "Another write came first; nothing was written", body = wire::ErrorBody),
        (status = 413, description = "Larger than 1 GiB", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn replace(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ImportReceipt>, ApiError> {
    snapshot(&state)?;
    allowed(&caller, &id)?;
    let text = String::from_utf8(body.to_vec()).map_err(|e| ApiError::Invalid {
        message: format!("the body is not UTF-8: {e}"),
        details: Vec::new(),
    })?;
    // One write at a time in this server; the store refuses a write another server made stale.
    let _turn = state.import_turn.lock().await;
    let source = format!("PUT /organizations/{id}/records by {}", caller.0.organization);
    record(&state, &caller, "write records", &format!("{id}: {} bytes", text.len())).await?;
    let (config, shared) = (state.config.clone(), Arc::clone(&state));
    let written = tokio::task::spawn_blocking(move || {
        let current = snapshot(&shared)?;
        match current.twin.replace_records(&config, &id, &text, &source) {
            Err(app::Error::Conflict(_)) if current.twin.is_stale(&config)? => {
                // Another server wrote since this one loaded: serve what is stored, and check
                // the document against it.
                tracing::info!("the stored network changed; loading it again");
                let fresh = app::Twin::load(&config, &app::Silent)?;
                let answer = fresh.replace_records(&config, &id, &text, &source);
                shared.serve_twin(fresh);
                Ok::<_, ApiError>(answer?)
            }
            answer => Ok(answer?),
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("write records: {e}")))?;
    let (written, twin) = match written {
        Ok(written) => written,
        Err(error) => return Err(refused(&state, &caller, "write records", error).await),
    };
    state.serve_twin(twin);
    tracing::info!(records = written.records, source = %written.import.source, "records written; serving them");
    alerts::recheck(&state);
    Ok(Json(ImportReceipt {
        source: written.import.source,
        records: written.records,
        warnings: written.warnings.into_iter().map(wire::Problem::from).collect(),
    }))
}

/// Members read and write their own organization's records; operators any organization's.
fn allowed(caller: &Authenticated, organization: &str) -> Result<(), ApiError> {
    if caller.0.sees_confidential(organization) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "the records of {organization} are read and written only by its members and by operators"
        )))
    }
}
