//! Errors and their HTTP responses: the one place status codes are chosen. Every error body is
//! `{"error": {"code", "message", "details"}}`, including the ones axum and the middleware make
//! (unknown route, wrong method, body too large, time limit), which `error_bodies` rewrites.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::wire::{ErrorBody, ErrorDetail, Problem};

/// Why a request failed.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// The request is wrong; each problem is located.
    Invalid {
        message: String,
        details: Vec<Problem>,
    },
    NotFound(String),
    /// The request clashes with the state of things (a job not finished, a plan made on
    /// another network).
    Conflict(String),
    /// Too much work waiting already.
    Busy(String),
    /// The body is larger than the endpoint takes.
    TooLarge(String),
    /// No key, or not a valid one.
    Unauthorized(String),
    /// A valid key whose role or organization may not do this.
    Forbidden(String),
    /// The network is still loading, or there is none to serve.
    NotReady(String),
    /// The work ran past the time it was given.
    TimeLimit(String),
    /// Something failed on our side; the client sees no details, the log does.
    Internal(String),
}

impl ApiError {
    /// A problem with one query parameter.
    pub(crate) fn query(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Invalid {
            message: format!("invalid query parameter {field}: {message}"),
            details: vec![Problem { location: "query".into(), field: Some(field.into()), message }],
        }
    }
}

impl From<app::Error> for ApiError {
    fn from(error: app::Error) -> ApiError {
        match error {
            app::Error::Invalid { message, findings } => ApiError::Invalid {
                message,
                details: findings.into_iter().map(Problem::from).collect(),
            },
            app::Error::NotFound(message) => ApiError::NotFound(message),
            app::Error::Forbidden(message) => ApiError::Forbidden(message),
            app::Error::Conflict(message) => ApiError::Conflict(message),
            app::Error::Internal(message) => ApiError::Internal(message),
            app::Error::Cancelled => ApiError::Conflict("the work was cancelled".into()),
            app::Error::TimeLimit(message) => ApiError::TimeLimit(message),
        }
    }
}

impl ApiError {
    /// The status of the error and the message the caller sees.
    pub(crate) fn status_and_message(&self) -> (StatusCode, &str) {
        match self {
            ApiError::Invalid { message, .. } => (StatusCode::BAD_REQUEST, message),
            ApiError::NotFound(message) => (StatusCode::NOT_FOUND, message),
            ApiError::Conflict(message) => (StatusCode::CONFLICT, message),
            ApiError::Busy(message) => (StatusCode::TOO_MANY_REQUESTS, message),
            ApiError::TooLarge(message) => (StatusCode::PAYLOAD_TOO_LARGE, message),
            ApiError::Unauthorized(message) => (StatusCode::UNAUTHORIZED, message),
            ApiError::Forbidden(message) => (StatusCode::FORBIDDEN, message),
            ApiError::NotReady(message) => (StatusCode::SERVICE_UNAVAILABLE, message),
            ApiError::TimeLimit(message) => (StatusCode::REQUEST_TIMEOUT, message),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
        }
    }

    /// The status and body of the error, for HTTP or any other way back to the caller.
    pub(crate) fn answer(self) -> (StatusCode, ErrorBody) {
        let (status, message) = self.status_and_message();
        let message = message.to_owned();
        let details = match self {
            ApiError::Invalid { details, .. } => details,
            ApiError::Internal(message) => {
                tracing::error!(%message, "internal error");
                Vec::new()
            }
            _ => Vec::new(),
        };
        (status, error_body(status, message, details))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.answer();
        (status, Json(body)).into_response()
    }
}

fn error_body(status: StatusCode, message: String, details: Vec<Problem>) -> ErrorBody {
    ErrorBody { error: ErrorDetail { code: code(status).into(), message, details } }
}

/// The error body for a status.
fn body(status: StatusCode, message: String, details: Vec<Problem>) -> Response {
    (status, Json(error_body(status, message, details))).into_response()
}

/// The stable code of each status the API returns.
fn code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "invalid_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::CONFLICT => "conflict",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::SERVICE_UNAVAILABLE => "not_ready",
        _ => "internal",
    }
}

/// Middleware: an error response without a JSON body (made by axum or a layer, not by a
/// handler) gets the standard error body.
pub(crate) async fn error_bodies(response: Response) -> Response {
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return response;
    }
    let mut reason = status.canonical_reason().unwrap_or("error").to_lowercase();
    // A path the API has, asked with another method, is often a mistyped path that matched a
    // pattern (POST /jobs/monte_carlo is /jobs/{id}). Axum adds the Allow header after this.
    if status == StatusCode::METHOD_NOT_ALLOWED {
        reason.push_str(
            " on this path (the Allow header lists the methods it takes); the API is described at /openapi.json",
        );
    }
    let (parts, _) = response.into_parts();
    let mut rewritten = body(status, reason, Vec::new());
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    rewritten
}

/// The fallback for paths the API does not have.
pub(crate) async fn no_route() -> Response {
    body(
        StatusCode::NOT_FOUND,
        "no such path; the API is described at /openapi.json".into(),
        Vec::new(),
    )
}
