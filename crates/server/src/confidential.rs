//! The endpoints that need a key: a site's confidential figures (its organization and operators
//! only, every read audited), capacity aggregates with small or dominated groups suppressed, and
//! the audit log (operators only). docs/security.md states the rules.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};

use crate::State as Shared;
use crate::access::Authenticated;
use crate::error::ApiError;
use crate::network::{Params, snapshot};
use crate::wire::{
    self, AggregateQuery, AuditQuery, Capability, CapacityAggregate, SiteCapacity, Source, Stock,
};

/// A site's processes with their hours, the items it can make with their costs, and its stock,
/// as the events received since the import have left them.
#[utoipa::path(get, path = "/sites/{id}/capacity", tag = "confidential",
    params(("id" = String, Path, description = "The site's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The site's confidential figures", body = SiteCapacity),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "The site belongs to another organization", body = wire::ErrorBody),
        (status = 404, description = "No such site", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn site_capacity(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<SiteCapacity>, ApiError> {
    let snapshot = snapshot(&state)?;
    let index = snapshot.twin.site(&id)?;
    let network = snapshot.twin.network();
    let site = &network.sites[index];
    if !caller.0.sees_confidential(&site.organization) {
        return Err(ApiError::Forbidden(format!(
            "site {id} belongs to {}; its capacity is visible only to that organization and to operators",
            site.organization
        )));
    }
    record(&state, &caller, "read capacity", &id).await?;
    let rows = |index: &std::collections::HashMap<String, Vec<usize>>| {
        index.get(&id).cloned().unwrap_or_default()
    };
    let live = state.live();
    let key = |other: &str| (id.clone(), other.to_owned());
    Ok(Json(SiteCapacity {
        site: id.clone(),
        organization: site.organization.clone(),
        down: live.down.contains_key(&id),
        expected_weeks: live.down.get(&id).copied().flatten(),
        capabilities: rows(&snapshot.capabilities)
            .into_iter()
            .map(|r| &network.capabilities[r])
            .map(|c| Capability {
                process: c.process.clone(),
                hours_per_week: live
                    .hours
                    .get(&key(&c.process))
                    .copied()
                    .unwrap_or(c.hours_per_week),
            })
            .collect(),
        sources: rows(&snapshot.sources)
            .into_iter()
            .map(|r| &network.sources[r])
            .map(|s| Source {
                item: s.item.clone(),
                max_units_per_week: s.max_units_per_week,
                lead_time_weeks: s.lead_time_weeks,
                unit_cost: s.unit_cost,
            })
            .collect(),
        inventory: stock(&rows(&snapshot.inventory), network, &live, &id),
    }))
}

/// The stock of a site: the imported rows as events have changed them, then items reported by
/// events alone, by name.
fn stock(
    rows: &[usize],
    network: &model::Network,
    live: &app::events::Live,
    site: &str,
) -> Vec<Stock> {
    let mut stock: Vec<Stock> = rows
        .iter()
        .map(|&r| &network.inventory[r])
        .map(|i| Stock {
            item: i.item.clone(),
            units: live.stock.get(&(site.to_owned(), i.item.clone())).copied().unwrap_or(i.units),
        })
        .collect();
    let mut reported: Vec<Stock> = live
        .stock
        .iter()
        .filter(|((s, item), _)| s == site && !stock.iter().any(|known| &known.item == item))
        .map(|((_, item), units)| Stock { item: item.clone(), units: *units })
        .collect();
    reported.sort_by(|a, b| a.item.cmp(&b.item));
    stock.extend(reported);
    stock
}

/// The weekly hours of a process by state or country; a group is suppressed (for everyone but
/// operators) when fewer than `min_organizations` contribute or one holds more than `max_share`.
#[utoipa::path(get, path = "/aggregates/capacity", tag = "confidential", params(AggregateQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The aggregate", body = CapacityAggregate),
        (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 404, description = "No site has the process and no routing uses it", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn capacity_aggregate(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Params(query): Params<AggregateQuery>,
) -> Result<Json<CapacityAggregate>, ApiError> {
    let snapshot = snapshot(&state)?;
    let by: app::access::GroupBy = query
        .by
        .as_deref()
        .unwrap_or("state")
        .parse()
        .map_err(|e: String| ApiError::query("by", e))?;
    let rule = state.disclosure;
    let groups = app::access::capacity_by_group(
        snapshot.twin.network(),
        &query.process,
        by,
        rule,
        &caller.0,
    )?;
    Ok(Json(CapacityAggregate {
        process: query.process,
        by: query.by.unwrap_or_else(|| "state".into()),
        min_organizations: rule.min_organizations,
        max_share: rule.max_share,
        groups: groups.into_iter().map(Into::into).collect(),
    }))
}

/// The audit log, newest first: every read of confidential data and every write.
#[utoipa::path(get, path = "/audit", tag = "confidential", params(AuditQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "One page, newest first", body = wire::AuditPage),
        (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
    ))]
pub(crate) async fn audit(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Params(query): Params<AuditQuery>,
) -> Result<Json<wire::AuditPage>, ApiError> {
    caller.operator()?;
    let asked = crate::network::newest(query.before, query.offset, query.limit)?;
    let config = state.config.clone();
    let log = tokio::task::spawn_blocking(move || app::access::audit_log(&config, asked.0))
        .await
        .map_err(|e| ApiError::Internal(format!("audit log: {e}")))??;
    let (results, page) = crate::network::log_page(log, asked, |line| line.seq);
    Ok(Json(wire::AuditPage { results, page }))
}

/// Writes an audit line before the data goes out: no record, no data.
pub(crate) async fn record(
    state: &Shared,
    caller: &Authenticated,
    action: &str,
    target: &str,
) -> Result<(), ApiError> {
    let (config, who) = (state.config.clone(), caller.0.clone());
    let (action, target) = (action.to_owned(), target.to_owned());
    tokio::task::spawn_blocking(move || app::access::audit(&config, &who, &action, &target))
        .await
        .map_err(|e| ApiError::Internal(format!("audit: {e}")))??;
    Ok(())
}

/// Records, after the line of a write that `record` wrote before it, that the write was
/// refused, with the status and the reason the caller was given (the first 300 characters);
/// gives the error back. The error stands when the line cannot be written.
pub(crate) async fn refused(
    state: &Shared,
    caller: &Authenticated,
    action: &str,
    error: ApiError,
) -> ApiError {
    let (status, message) = error.status_and_message();
    let reason: String = message.chars().take(300).collect();
    let target = format!("{}: {reason}", status.as_u16());
    if let Err(failed) = record(state, caller, &format!("{action} refused"), &target).await {
        let (status, body) = failed.answer();
        tracing::error!(%status, message = %body.error.message, "cannot record a refused write");
    }
    error
}
