//! What the server needs to know who calls it and what happened: API keys (a hash of each
//! secret, never the secret), the audit log of every write and every read of confidential data,
//! and the events sites report.

use crate::{Backend, Error, Store};

/// A stored API key.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiKey {
    /// The public part of the key, which finds it.
    pub id: String,
    pub organization: String,
    pub role: String,
    /// The PHC string of the secret's hash.
    pub hash: String,
    /// UTC, as `YYYY-MM-DD HH:MM:SS`; set by the store.
    pub created_at: String,
}

/// An organization registered for API keys, beside the network's own.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisteredOrganization {
    pub id: String,
    pub name: String,
    /// UTC, as `YYYY-MM-DD HH:MM:SS`; set by the store.
    pub created_at: String,
}

/// What `Store::unregister_organization` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unregistered {
    /// It held no keys and is no longer registered.
    Removed,
    /// No organization with that id is registered.
    NotRegistered,
    /// It was kept: these keys (their ids, oldest first) belong to it.
    HoldsKeys(Vec<String>),
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// Its place in the log, rising with every line; set by the store (ignored when written).
    pub seq: i64,
    /// UTC, as `YYYY-MM-DD HH:MM:SS`; set by the store.
    pub at: String,
    /// The id of the key that acted.
    pub key: String,
    pub organization: String,
    pub role: String,
    /// What was done, e.g. `read capacity`.
    pub action: String,
    /// What it was done to, e.g. a site id.
    pub target: String,
}

/// An event a site reported, as received.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    /// Its place in the log, rising with every event stored; set by the store (ignored when
    /// appending).
    pub seq: i64,
    /// The sender's id for the event; a second event with the same id is a duplicate.
    pub id: String,
    /// UTC, as `YYYY-MM-DD HH:MM:SS`; set by the store.
    pub received_at: String,
    /// The id of the key that sent it.
    pub key: String,
    pub organization: String,
    /// The site the event is about, if any.
    pub site: Option<String>,
    /// The event itself, as JSON.
    pub body: String,
}

/// Which stored events to read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventFilter {
    /// Only events sent by this organization's keys.
    pub organization: Option<String>,
    /// Only events about this site.
    pub site: Option<String>,
    /// One page of them, newest first; all of them in arrival order when absent.
    pub newest: Option<Newest>,
}

impl EventFilter {
    /// Whether it selects every event (a page of them, or all).
    pub(crate) fn is_all(&self) -> bool {
        self.organization.is_none() && self.site.is_none()
    }

    /// The SQL condition of the events it selects, over the placeholders of the organization
    /// and the site (both named, since the backends bind both): a column compared only for a
    /// filter given, so that the index by organization or by site serves the query. A
    /// condition such as `(?1 IS NULL OR organization = ?1)` keeps SQLite from using either:
    /// a member's page of a million events took 0.15 s, and a page deep into them 0.3 s.
    pub(crate) fn selected(&self, organization: &str, site: &str) -> String {
        let by = |given: bool, column: &str, placeholder: &str| {
            if given {
                format!("{column} = {placeholder}")
            } else {
                format!("{placeholder} IS NULL")
            }
        };
        let organization = by(self.organization.is_some(), "organization", organization);
        format!("{organization} AND {}", by(self.site.is_some(), "site", site))
    }
}

/// A page of a log read newest first: `limit` lines after the `offset` newest of those older
/// than `before` (a line's `seq`; all lines when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Newest {
    pub offset: u32,
    pub limit: u32,
    pub before: Option<i64>,
}

impl Newest {
    /// The `seq` every line of the page is below: a bound no line reaches when none is given,
    /// so that the query is the same and reads along its index either way.
    pub(crate) fn below(&self) -> i64 {
        self.before.unwrap_or(i64::MAX)
    }
}

impl Store {
    /// Stores a new key; a key with the same id is a conflict.
    pub fn add_key(&mut self, key: &ApiKey) -> Result<(), Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.add_key(key),
            Backend::Postgres(db) => db.add_key(key),
        }
    }

    /// The key with this id, if there is one.
    pub fn key(&self, id: &str) -> Result<Option<ApiKey>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.key(id),
            Backend::Postgres(db) => db.key(id),
        }
    }

    /// Every key, oldest first.
    pub fn keys(&self) -> Result<Vec<ApiKey>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.keys(),
            Backend::Postgres(db) => db.keys(),
        }
    }

    /// Deletes a key; whether there was one.
    pub fn remove_key(&mut self, id: &str) -> Result<bool, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.remove_key(id),
            Backend::Postgres(db) => db.remove_key(id),
        }
    }

    /// Registers an organization; an id registered already is a conflict.
    pub fn register_organization(
        &mut self,
        organization: &RegisteredOrganization,
    ) -> Result<(), Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.register_organization(organization),
            Backend::Postgres(db) => db.register_organization(organization),
        }
    }

    /// Stores a new key for a registered organization, in one transaction with the check that
    /// it is registered, which `unregister_organization` cannot pass in between; `false`, and
    /// nothing stored, when it is not registered.
    pub fn add_key_if_registered(&mut self, key: &ApiKey) -> Result<bool, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.add_key_if_registered(key),
            Backend::Postgres(db) => db.add_key_if_registered(key),
        }
    }

    /// Deletes a registered organization unless a key still belongs to it, in one transaction
    /// with the look for its keys, so that no key is ever left without its organization.
    pub fn unregister_organization(&mut self, id: &str) -> Result<Unregistered, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.unregister_organization(id),
            Backend::Postgres(db) => db.unregister_organization(id),
        }
    }

    /// The registered organizations, oldest first.
    pub fn registered_organizations(&self) -> Result<Vec<RegisteredOrganization>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.registered_organizations(),
            Backend::Postgres(db) => db.registered_organizations(),
        }
    }

    /// Appends to the audit log (its `at` is the store's clock).
    pub fn audit(&mut self, entry: &AuditEntry) -> Result<(), Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.audit(entry),
            Backend::Postgres(db) => db.audit(entry),
        }
    }

    /// A page of the audit log, newest first.
    pub fn audit_log(&self, page: Newest) -> Result<Vec<AuditEntry>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.audit_log(page),
            Backend::Postgres(db) => db.audit_log(page),
        }
    }

    /// How many lines the audit log holds.
    pub fn audit_lines(&self) -> Result<u64, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.audit_lines(),
            Backend::Postgres(db) => db.audit_lines(),
        }
    }

    /// Stores a batch of events in one transaction; for each, whether it was new (`false` for an
    /// id already stored, which is left as it was).
    pub fn append_events(&mut self, events: &[StoredEvent]) -> Result<Vec<bool>, Error> {
        match &mut self.backend {
            Backend::Sqlite(db) => db.append_events(events),
            Backend::Postgres(db) => db.append_events(events),
        }
    }

    /// The stored events the filter asks for.
    pub fn events(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.events(filter),
            Backend::Postgres(db) => db.events(filter),
        }
    }

    /// How many stored events the filter selects, over every page.
    pub fn count_events(&self, filter: &EventFilter) -> Result<u64, Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.count_events(filter),
            Backend::Postgres(db) => db.count_events(filter),
        }
    }
}
