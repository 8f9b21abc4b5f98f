//! The OpenAPI 3 document of the API, generated from the handlers' annotations and the wire
//! types; served at `/openapi.json` and committed as docs/openapi.json (a test keeps the two
//! equal).

use axum::Json;
use utoipa::OpenApi;

use crate::{network, wire};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Arsenal",
        description = "The industrial digital twin: the public records of the stored manufacturing network. \
            Every error has the body {\"error\": {\"code\", \"message\", \"details\"}}.",
        license(name = "Apache-2.0"),
    ),
    paths(
        network::healthz,
        network::readyz,
        network::organizations,
        network::sites,
        network::site,
        network::items,
        network::item,
    ),
    components(schemas(wire::ErrorBody, wire::ErrorDetail, wire::Problem)),
    tags(
        (name = "health", description = "Is the server up and is the network loaded"),
        (name = "network", description = "The public fields of organizations, sites and items"),
    ),
)]
struct ApiDoc;

/// The document, as a value.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`.
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
