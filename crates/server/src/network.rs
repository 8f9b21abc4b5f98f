//! The endpoints over the network's records: health and readiness (open to all), and the
//! public fields of organizations, sites and items, filtered and paginated (any valid key);
//! the snapshot they are served from, and the extractors of query parameters and JSON bodies
//! that answer with located errors.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::access::Authenticated;
use crate::error::ApiError;
use crate::wire::{
    self, ItemPage, ItemQuery, LogPageInfo, OrganizationPage, OrganizationQuery, PageInfo,
    SitePage, SiteQuery, Status,
};
use crate::{Loaded, State as Shared};

/// The records served (found by id through the twin's graph), and each site's confidential
/// records.
pub(crate) struct Snapshot {
    /// The network, its graph, and the engines that answer questions about it.
    pub(crate) twin: app::Twin,
    pub(crate) capabilities: HashMap<String, Vec<usize>>,
    pub(crate) sources: HashMap<String, Vec<usize>>,
    pub(crate) inventory: HashMap<String, Vec<usize>>,
    /// What event batches are checked against.
    pub(crate) events: app::events::Index,
}

impl Snapshot {
    pub(crate) fn new(twin: app::Twin) -> Snapshot {
        let network = twin.network();
        let capabilities = by_site(network.capabilities.iter().map(|c| &c.site));
        let sources = by_site(network.sources.iter().map(|s| &s.site));
        let inventory = by_site(network.inventory.iter().map(|i| &i.site));
        let events = app::events::Index::new(network);
        Snapshot { twin, capabilities, sources, inventory, events }
    }
}

/// The rows of a table by the site they belong to.
fn by_site<'a>(sites: impl Iterator<Item = &'a String>) -> HashMap<String, Vec<usize>> {
    let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
    for (row, site) in sites.enumerate() {
        rows.entry(site.clone()).or_default().push(row);
    }
    rows
}

/// The default number of records a page holds.
pub(crate) const DEFAULT_LIMIT: usize = 100;
/// The most records a page may hold.
pub(crate) const MAX_LIMIT: usize = 1000;

/// Query parameters, with a located error body when they do not parse.
pub(crate) struct Params<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(query_error(&rejection)),
        }
    }
}

/// An endpoint that takes no query parameters refuses any, as the others refuse one they do not
/// know: `GET /alerts?product=x` must not answer every alert as if it had filtered them.
pub(crate) struct NoParams;

impl<S: Send + Sync> FromRequestParts<S> for NoParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let given = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(pairs)| pairs)
            .unwrap_or_default();
        let Some((name, _)) = given.first() else {
            return Ok(NoParams);
        };
        let (method, path) = (&parts.method, parts.uri.path());
        let body = if [Method::POST, Method::PUT].contains(method) {
            "; what it takes goes in the JSON body"
        } else {
            ""
        };
        Err(ApiError::query(
            name,
            format!("unknown; {method} {path} takes no query parameters{body}"),
        ))
    }
}

/// A JSON body, with a located error body when it does not parse.
pub(crate) struct Body<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        // Read as a strict value, so that a field given twice is refused, not its last value kept.
        let Json(app::StrictJson(value)) = Json::<app::StrictJson>::from_request(request, state)
            .await
            .map_err(|rejection| body_error(&rejection))?;
        if !value.is_object() {
            let got = app::shape_of(&value);
            return Err(ApiError::Invalid {
                message: format!("the body is not valid: expected a JSON object, got {got}"),
                details: vec![wire::Problem {
                    location: "body".into(),
                    field: None,
                    message: format!(
                        "expected a JSON object ({{\"field\": value, ...}}), got {got}"
                    ),
                }],
            });
        }
        app::from_json(&value).map(Body).map_err(|(field, reason)| {
            let shown =
                if field.is_empty() { reason.clone() } else { format!("{field}: {reason}") };
            ApiError::Invalid {
                message: format!("the body is not valid: {shown}"),
                details: vec![wire::Problem {
                    location: "body".into(),
                    field: (!field.is_empty()).then_some(field),
                    message: reason,
                }],
            }
        })
    }
}

/// Why a body is refused before it is JSON: a body without the JSON content type or over the
/// limit is named as such; `Failed to parse the request body as JSON: events: EOF while parsing
/// a list at line 1 column 12` becomes a problem with `events`.
fn body_error(rejection: &JsonRejection) -> ApiError {
    if let JsonRejection::MissingJsonContentType(_) = rejection {
        let reason = "expected the header Content-Type: application/json (curl sends it with -H 'Content-Type: application/json')";
        return ApiError::Invalid {
            message: format!("the body is not marked as JSON: {reason}"),
            details: vec![wire::Problem {
                location: "header".into(),
                field: Some("content-type".into()),
                message: reason.into(),
            }],
        };
    }
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge(format!(
            "the body is larger than {} MiB, the limit of this endpoint",
            crate::MAX_BODY_BYTES >> 20
        ));
    }
    let text = rejection.body_text();
    let reason = text.split_once(": ").map_or(text.as_str(), |(_, reason)| reason);
    let (field, reason) = match reason.split_once(": ") {
        Some((path, reason)) if !path.contains(' ') => (Some(path.to_owned()), reason),
        // A top-level field given twice has no path before it: its name is in backquotes.
        _ => (
            reason
                .strip_prefix("duplicate field `")
                .and_then(|r| r.split_once('`'))
                .map(|(name, _)| name.to_owned()),
            reason,
        ),
    };
    let reason = app::unknown_field(reason).unwrap_or_else(|| app::json_syntax(reason));
    let shown = field.as_ref().map_or(reason.clone(), |field| format!("{field}: {reason}"));
    ApiError::Invalid {
        message: format!("the body is not valid: {shown}"),
        details: vec![wire::Problem { location: "body".into(), field, message: reason }],
    }
}

/// `Failed to deserialize query string: stat: unknown field ...` → a problem with `stat`.
fn query_error(rejection: &QueryRejection) -> ApiError {
    let text = rejection.body_text();
    let reason = text.split_once(": ").map_or(text.as_str(), |(_, reason)| reason);
    // `missing field `process`` has no path before it: the name is in backquotes.
    let (field, reason) = reason
        .split_once(": ")
        .unwrap_or_else(|| (reason.split('`').nth(1).unwrap_or("query"), reason));
    // The parsers' own words for a count that is not one (every count here is unsigned).
    let reason = match reason {
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            "expected a whole number of at least 0"
        }
        "number too large to fit in target type" => "expected a smaller whole number",
        "invalid float literal" => "expected a number",
        missing if missing.starts_with("missing field") => "missing; it is required",
        other => return ApiError::query(field, app::unknown_field(other).unwrap_or(other.into())),
    };
    ApiError::query(field, reason)
}

/// The network, or why there is none to serve yet.
pub(crate) fn snapshot(state: &Shared) -> Result<Arc<Snapshot>, ApiError> {
    match state.loaded() {
        Loaded::Ready(snapshot) => Ok(snapshot),
        Loaded::Loading => Err(ApiError::NotReady("the network is still loading".into())),
        Loaded::Failed(reason) => Err(ApiError::NotReady(reason)),
    }
}

/// The server is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses(
    (status = 200, description = "The process is up", body = Status),
    (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
))]
pub(crate) async fn healthz() -> Json<Status> {
    Json(Status { status: "ok".into(), sites: None })
}

/// The network is loaded and the data endpoints answer.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "Ready", body = Status),
    (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
    (status = 503, description = "Still loading, or no network to serve", body = wire::ErrorBody),
))]
pub(crate) async fn readyz(State(state): State<Arc<Shared>>) -> Result<Json<Status>, ApiError> {
    let snapshot = snapshot(&state)?;
    Ok(Json(Status { status: "ok".into(), sites: Some(snapshot.twin.network().sites.len()) }))
}

/// Organizations, in the order they were imported.
#[utoipa::path(get, path = "/organizations", tag = "network", security(("api_key" = [])), params(OrganizationQuery), responses(
    (status = 200, description = "One page of organizations", body = OrganizationPage),
    (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
    (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
    (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
))]
pub(crate) async fn organizations(
    State(state): State<Arc<Shared>>,
    _caller: Authenticated,
    Params(query): Params<OrganizationQuery>,
) -> Result<Json<OrganizationPage>, ApiError> {
    let snapshot = snapshot(&state)?;
    let kind = kind::<model::OrgKind>(query.kind.as_deref())?;
    let matching =
        snapshot.twin.network().organizations.iter().filter(|o| kind.is_none_or(|k| o.kind == k));
    let (results, page) = page(matching, query.offset, query.limit)?;
    Ok(Json(OrganizationPage { results: public(results), page }))
}

/// Sites, in the order they were imported, filtered by organization, state, country and kind.
#[utoipa::path(get, path = "/sites", tag = "network", security(("api_key" = [])), params(SiteQuery), responses(
    (status = 200, description = "One page of sites", body = SitePage),
    (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
    (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
    (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
))]
pub(crate) async fn sites(
    State(state): State<Arc<Shared>>,
    _caller: Authenticated,
    Params(query): Params<SiteQuery>,
) -> Result<Json<SitePage>, ApiError> {
    let snapshot = snapshot(&state)?;
    let kind = kind::<model::SiteKind>(query.kind.as_deref())?;
    let same = |filter: &Option<String>, value: Option<&String>| {
        filter.as_ref().is_none_or(|f| value == Some(f))
    };
    // State and country codes are matched ignoring case (`state=oh` is Ohio).
    let code = |filter: &Option<String>, value: Option<&String>| {
        filter.as_ref().is_none_or(|f| value.is_some_and(|v| v.eq_ignore_ascii_case(f)))
    };
    let matching = snapshot.twin.network().sites.iter().filter(|s| {
        kind.is_none_or(|k| s.kind == k)
            && same(&query.organization, Some(&s.organization))
            && code(&query.state, s.state.as_ref())
            && code(&query.country, s.country.as_ref())
    });
    let (results, page) = page(matching, query.offset, query.limit)?;
    Ok(Json(SitePage { results: public(results), page }))
}

/// One site.
#[utoipa::path(get, path = "/sites/{id}", tag = "network", security(("api_key" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The site", body = wire::Site),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 404, description = "No such site", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn site(
    State(state): State<Arc<Shared>>,
    _caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<wire::Site>, ApiError> {
    let snapshot = snapshot(&state)?;
    let index = snapshot.twin.site(&id)?;
    Ok(Json((&snapshot.twin.network().sites[index]).into()))
}

/// Items (products, parts, materials), in the order they were imported.
#[utoipa::path(get, path = "/items", tag = "network", security(("api_key" = [])), params(ItemQuery), responses(
    (status = 200, description = "One page of items", body = ItemPage),
    (status = 400, description = "A parameter is wrong", body = wire::ErrorBody),
    (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
    (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
))]
pub(crate) async fn items(
    State(state): State<Arc<Shared>>,
    _caller: Authenticated,
    Params(query): Params<ItemQuery>,
) -> Result<Json<ItemPage>, ApiError> {
    let snapshot = snapshot(&state)?;
    let kind = kind::<model::ItemKind>(query.kind.as_deref())?;
    let matching =
        snapshot.twin.network().items.iter().filter(|i| kind.is_none_or(|k| i.kind == k));
    let (results, page) = page(matching, query.offset, query.limit)?;
    Ok(Json(ItemPage { results: public(results), page }))
}

/// One item.
#[utoipa::path(get, path = "/items/{id}", tag = "network", security(("api_key" = [])),
    params(("id" = String, Path, description = "The item's id")),
    responses(
        (status = 200, description = "The item", body = wire::Item),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 404, description = "No such item", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn item(
    State(state): State<Arc<Shared>>,
    _caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<wire::Item>, ApiError> {
    let snapshot = snapshot(&state)?;
    let index = snapshot.twin.item(&id)?;
    Ok(Json((&snapshot.twin.network().items[index]).into()))
}

/// The `kind` filter, parsed ignoring case (`kind=PRODUCT` is `product`), as the state and
/// country filters are matched.
fn kind<K: FromStr<Err = String>>(text: Option<&str>) -> Result<Option<K>, ApiError> {
    text.map(|t| t.to_ascii_lowercase().parse().map_err(|e: String| ApiError::query("kind", e)))
        .transpose()
}

/// The `limit` parameter: from 1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when absent.
pub(crate) fn limit(value: Option<usize>) -> Result<usize, ApiError> {
    let limit = value.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::query(
            "limit",
            format!("must be from 1 to {MAX_LIMIT}, not {limit}"),
        ));
    }
    Ok(limit)
}

/// One page of the matching records, and where it sits among all of them.
pub(crate) fn page<T>(
    matching: impl Iterator<Item = T>,
    offset: Option<usize>,
    limit: Option<usize>,
) -> Result<(Vec<T>, PageInfo), ApiError> {
    let offset = offset.unwrap_or(0);
    let limit = self::limit(limit)?;
    let mut results = Vec::new();
    let mut total = 0;
    for record in matching {
        if total >= offset && results.len() < limit {
            results.push(record);
        }
        total += 1;
    }
    Ok((results, PageInfo::new(total, offset, limit)))
}

/// What to read from a log, newest first, for the page the parameters ask for (older than
/// `before`, a line's `seq`, when given): one line more than the page, which says whether a
/// next page has any; and the offset asked for. The store counts in `u32`: an offset beyond
/// that is past the end of any log.
pub(crate) fn newest(
    before: Option<i64>,
    offset: Option<usize>,
    limit: Option<usize>,
) -> Result<(app::access::Newest, usize), ApiError> {
    let offset = offset.unwrap_or(0);
    let read = app::access::Newest {
        offset: u32::try_from(offset).unwrap_or(u32::MAX),
        limit: u32::try_from(self::limit(limit)? + 1).unwrap_or(u32::MAX),
        before,
    };
    Ok((read, offset))
}

/// A page of a log as the API answers it, from what `newest` read: its lines, where it sits in
/// the whole log, and the cursor of the next page (the last line's `seq`, when the line read
/// beyond the page shows there is one).
pub(crate) fn log_page<T, W: From<T>>(
    mut log: app::access::Page<T>,
    (read, offset): (app::access::Newest, usize),
    seq: fn(&T) -> i64,
) -> (Vec<W>, LogPageInfo) {
    let total = usize::try_from(log.total).unwrap_or(usize::MAX);
    let limit = read.limit as usize - 1;
    let more = log.lines.len() > limit;
    log.lines.truncate(limit);
    let next_before = log.lines.last().map(seq).filter(|_| more);
    let info = LogPageInfo::new(total, offset, limit, read.before, next_before);
    (log.lines.into_iter().map(W::from).collect(), info)
}

/// The public view of each record of a page.
fn public<'a, R: 'a, W: From<&'a R>>(records: Vec<&'a R>) -> Vec<W> {
    records.into_iter().map(W::from).collect()
}
