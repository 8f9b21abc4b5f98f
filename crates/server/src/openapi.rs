//! The OpenAPI 3 document of the API, generated from the handlers' annotations and the wire
//! types; served at `/openapi.json` and committed as docs/openapi.json (a test keeps the two
//! equal).

use axum::Json;
use utoipa::OpenApi;

use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::{alerts, confidential, events, import, jobs, network, records, wire};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Arsenal",
        description = "The industrial digital twin: the stored manufacturing network, its public records for every key, \
            its confidential figures for their organization and operators, and aggregates with small groups suppressed. \
            Every error has the body {\"error\": {\"code\", \"message\", \"details\"}}.",
        license(name = "Apache-2.0"),
    ),
    paths(
        document,
        network::healthz,
        network::readyz,
        network::organizations,
        network::sites,
        network::site,
        network::items,
        network::item,
        confidential::site_capacity,
        confidential::capacity_aggregate,
        confidential::audit,
        records::read,
        records::replace,
        events::report,
        events::history,
        alerts::current,
        import::import,
        jobs::map,
        jobs::risks,
        jobs::stress,
        jobs::monte_carlo,
        jobs::mobilize,
        jobs::replan,
        jobs::list,
        jobs::one,
        jobs::cancel,
        jobs::result,
    ),
    components(schemas(wire::ErrorBody, wire::ErrorDetail, wire::Problem)),
    modifiers(&BearerKeys),
    tags(
        (name = "health", description = "Is the server up and is the network loaded"),
        (name = "network", description = "The public fields of organizations, sites and items"),
        (name = "confidential", description = "Figures only their organization and operators see, an organization's own records (read and written by its members), aggregates, and the audit log"),
        (name = "events", description = "Status events sites report, stored before they are acknowledged"),
        (name = "jobs", description = "Operators' questions over the whole network: supply maps, and risks, stress tests, Monte Carlo, plans and re-plans as background jobs with progress and cancellation"),
    ),
)]
struct ApiDoc;

/// The `api_key` scheme: `Authorization: Bearer ak_...` (`arsenal key create`).
struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some("An API key from `arsenal key create`"))
            .build();
        components.add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

/// The document, as a value.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "health", responses(
    (status = 200, description = "The OpenAPI 3.1 document of the API", body = Object),
    (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
))]
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
