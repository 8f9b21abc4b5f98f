//! Stores kept open between uses, so that a server's requests do not each open the store.
//!
//! Opening a PostgreSQL store connects (a server process forked for the connection, the
//! client's own runtime) and checks the schema under the migration lock: about 6 ms a time on
//! a local server, against 2 to 3 ms for reading a page of events over a million
//! (docs/benchmarks.md). A `Pool` opens a store when none is idle, and takes it back when the
//! `Pooled` handle is dropped, keeping up to `MAX_IDLE`; a PostgreSQL connection is asked
//! whether it still works before it is handed out again (a server restarted since closes it).
//!
//! It has no upper bound and never waits: each use opens what it needs at once, and a failure
//! to open is the store's own error (which server was tried and what to check), at once. That
//! is why it is not `r2d2`, which retries a failed connection in the background until its
//! timeout and then reports the failure as text.

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Error, Store};

/// How many open stores a pool keeps idle; more in use at once are closed when let go.
pub const MAX_IDLE: usize = 8;

/// Where a pool's stores are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The embedded store in this data directory (`Store::open_dir`).
    Dir(PathBuf),
    /// A PostgreSQL database (`Store::connect`).
    Url(String),
}

/// Open stores of one place, shared by the clones of an `Arc<Pool>`.
pub struct Pool {
    place: Place,
    idle: Mutex<Vec<Store>>,
}

impl Pool {
    /// A pool that has opened nothing yet.
    pub fn new(place: Place) -> Pool {
        Pool { place, idle: Mutex::new(Vec::new()) }
    }

    pub fn place(&self) -> &Place {
        &self.place
    }

    /// An idle store that still works, or a newly opened one.
    pub fn get(self: &Arc<Self>) -> Result<Pooled, Error> {
        loop {
            // The list is let go before the store is asked, which takes a round trip.
            let idle = self.idle().pop();
            let Some(store) = idle else { break };
            if store.works() {
                return Ok(Pooled { store: Some(store), pool: Arc::clone(self) });
            }
        }
        let store = match &self.place {
            Place::Dir(dir) => Store::open_dir(dir)?,
            Place::Url(url) => Store::connect(url)?,
        };
        Ok(Pooled { store: Some(store), pool: Arc::clone(self) })
    }

    /// How many stores are idle.
    pub fn n_idle(&self) -> usize {
        self.idle().len()
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Store>> {
        // A panic while the list was held cannot leave it half-changed (a push or a pop).
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("place", &self.place).field("idle", &self.n_idle()).finish()
    }
}

/// A store taken from a `Pool`, given back when dropped.
pub struct Pooled {
    store: Option<Store>,
    pool: Arc<Pool>,
}

impl Deref for Pooled {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.store.as_ref().expect("a pooled store is held until dropped")
    }
}

impl DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut Store {
        self.store.as_mut().expect("a pooled store is held until dropped")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(store) = self.store.take() else { return };
        if !store.is_closed() {
            let mut idle = self.pool.idle();
            if idle.len() < MAX_IDLE {
                idle.push(store);
            }
        }
    }
}

#[cfg(test)]
mod tests;
