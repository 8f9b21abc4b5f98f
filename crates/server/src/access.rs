//! Who is calling: the `Authorization: Bearer <key>` header, checked once per key against its
//! argon2 hash and remembered (hashing on every request would cost tens of milliseconds each);
//! a remembered key is looked up again in the store (no hashing) once its recheck interval has
//! passed, so a revoked key is refused from then on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use app::access::{Caller, Role};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::State;
use crate::error::ApiError;

/// Keys already checked, by the whole key, with when they were last found in the store.
pub(crate) struct Keys {
    known: Mutex<HashMap<String, (Caller, Instant)>>,
    /// How long a key is trusted before the store is asked again whether it still exists.
    recheck: Duration,
    /// Held while a key is checked, so requests that arrive together with a new key wait for
    /// one check instead of hashing once each.
    checking: tokio::sync::Mutex<()>,
}

impl Keys {
    pub(crate) fn new(recheck: Duration) -> Keys {
        Keys { known: Mutex::new(HashMap::new()), recheck, checking: tokio::sync::Mutex::new(()) }
    }

    /// The caller of a key seen before, and whether it was found in the store recently enough.
    fn remembered(&self, key: &str) -> Option<(Caller, bool)> {
        let known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known.get(key).map(|(caller, at)| (caller.clone(), at.elapsed() < self.recheck))
    }

    fn remember(&self, key: &str, caller: &Caller) {
        let mut known = self.known.lock().unwrap_or_else(PoisonError::into_inner);
        known.insert(key.to_owned(), (caller.clone(), Instant::now()));
    }

    fn forget(&self, key: &str) {
        self.known.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
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
        // The scheme's name is matched ignoring case, as RFC 7235 (2.1) has it: `bearer ak_...`.
        let key = header
            .to_str()
            .ok()
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
            .ok_or_else(|| {
                ApiError::Unauthorized("the Authorization header must be Bearer <key>".into())
            })?
            .1
            .trim()
            .to_owned();
        Ok(Authenticated(authenticate(state, &key).await?))
    }
}

/// The caller a key belongs to, checked against its hash the first time it is seen and
/// looked up again once its recheck interval has passed.
pub(crate) async fn authenticate(state: &State, key: &str) -> Result<Caller, ApiError> {
    if let Some((caller, true)) = state.keys.remembered(key) {
        return Ok(caller);
    }
    let _checking = state.keys.checking.lock().await;
    let config = state.config.clone();
    let checked = match state.keys.remembered(key) {
        Some((caller, true)) => return Ok(caller),
        Some((caller, false)) => {
            let valid = tokio::task::spawn_blocking(move || {
                app::access::still_valid(&config, &caller).map(|valid| valid.then_some(caller))
            })
            .await
            .map_err(|e| ApiError::Internal(format!("key check failed: {e}")))??;
            if valid.is_none() {
                state.keys.forget(key);
            }
            valid
        }
        None => {
            let key = key.to_owned();
            tokio::task::spawn_blocking(move || app::access::authenticate(&config, &key))
                .await
                .map_err(|e| ApiError::Internal(format!("key check failed: {e}")))??
        }
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
