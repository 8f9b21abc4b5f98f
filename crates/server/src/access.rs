//! Who is calling: the `Authorization: Bearer <key>` header, checked once per key against its
//! argon2 hash and remembered for the life of the process (hashing on every request would cost
//! tens of milliseconds each).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use app::access::{Caller, Role};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::State;
use crate::error::ApiError;

/// Keys already checked, by the whole key.
#[derive(Default)]
pub(crate) struct Keys {
    known: Mutex<HashMap<String, Caller>>,
    /// Held while a key is checked, so requests that arrive together with a new key wait for
    /// one check instead of hashing once each.
    checking: tokio::sync::Mutex<()>,
}

impl Keys {
    fn remembered(&self, key: &str) -> Option<Caller> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
    }

    fn remember(&self, key: &str, caller: &Caller) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known.insert(key.to_owned(), caller.clone());
    }
}

/// The authenticated caller of a request.
pub(crate) struct Authenticated(pub(crate) Caller);

impl FromRequestParts<Arc<State>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<State>) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized("send an API key: Authorization: Bearer ak_...".into())
        })?;
        let key = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be Bearer <key>".into())
            })?
            .trim()
            .to_owned();
        Ok(Authenticated(authenticate(state, &key).await?))
    }
}

/// The caller a key belongs to, checked against its hash the first time it is seen.
pub(crate) async fn authenticate(state: &State, key: &str) -> Result<Caller, ApiError> {
    if let Some(caller) = state.keys.remembered(key) {
        return Ok(caller);
    }
    let _checking = state.keys.checking.lock().await;
    if let Some(caller) = state.keys.remembered(key) {
        return Ok(caller);
    }
    let config = state.config.clone();
    let checked = {
        let key = key.to_owned();
        tokio::task::spawn_blocking(move || app::access::authenticate(&config, &key))
            .await
            .map_err(|e| ApiError::Internal(format!("key check failed: {e}")))??
    };
    let caller =
        checked.ok_or_else(|| ApiError::Unauthorized("unknown or wrong API key".into()))?;
    state.keys.remember(key, &caller);
    Ok(caller)
}

impl Authenticated {
    /// Only operators may go on.
    pub(crate) fn operator(&self) -> Result<(), ApiError> {
        if self.0.role == Role::Operator {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only operators may do this".into()))
        }
    }
}
