//! Who may see what: API keys with a role and an organization, checked against an argon2 hash
//! of their secret, and the audit log (docs/security.md).
//!
//! A key reads `ak_<id>_<secret>`: the id finds the stored key, the secret is checked against
//! its hash. The secret is shown once, when the key is created, and never stored.

use std::str::FromStr;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;

pub use store::Newest;

use crate::{Config, Error};

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees and changes everything, and reads the audit log.
    Operator,
    /// Sees its own organization's confidential data, and public data and aggregates of the rest.
    Member,
    /// Sees public data and aggregates only.
    Viewer,
}

impl Role {
    pub const NAMES: &[&str] = &["operator", "member", "viewer"];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Role, String> {
        match text {
            "operator" => Ok(Role::Operator),
            "member" => Ok(Role::Member),
            "viewer" => Ok(Role::Viewer),
            _ => Err(format!("unknown role {text:?}; expected one of {}", Role::NAMES.join(", "))),
        }
    }
}

/// Who is calling: the key, its organization and its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub key: String,
    pub organization: String,
    pub role: Role,
}

impl Caller {
    /// May this caller see the confidential data of `organization`?
    pub fn sees_confidential(&self, organization: &str) -> bool {
        self.role == Role::Operator
            || (self.role == Role::Member && self.organization == organization)
    }
}

/// A key just created: the whole key, to be shown once.
#[derive(Clone, Debug, Serialize)]
pub struct NewKey {
    pub id: String,
    pub organization: String,
    pub role: Role,
    /// `ak_<id>_<secret>`, for `Authorization: Bearer`.
    pub key: String,
}

/// Creates a key for an organization of the stored network or a registered one. A registered
/// organization needs no network: an operator's office can hold its key before the first
/// import (over HTTP, say).
pub fn create_key(config: &Config, organization: &str, role: Role) -> Result<NewKey, Error> {
    let mut store = config.open_store()?;
    let registered = store.registered_organizations()?;
    let is_registered = registered.iter().any(|o| o.id == organization);
    if !is_registered {
        if store.last_import()?.is_none() {
            return Err(Error::invalid(format!(
                "no organization {organization} is registered, and the store in {} holds no network yet; register it first with `arsenal org add {organization} --name NAME`, or import a network",
                config.store_name()
            )));
        }
        let network = crate::network(config, &crate::Silent)?;
        if !network.organizations.iter().any(|o| o.id == organization) {
            let known = network.organizations.iter().map(|o| o.id.as_str());
            let known = known.chain(registered.iter().map(|o| o.id.as_str()));
            let hint = model::did_you_mean(organization, known);
            return Err(Error::invalid(format!(
                "no organization {organization} in the stored network or registered{hint}; keys belong to one of the network's organizations, or to one added with `arsenal org add`"
            )));
        }
    }
    let id = random_hex(6);
    let secret = random_hex(24);
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| Error::Internal(format!("cannot hash the key: {e}")))?
        .to_string();
    let stored = store::ApiKey {
        id: id.clone(),
        organization: organization.to_owned(),
        role: role.as_str().to_owned(),
        hash,
        created_at: String::new(),
    };
    if !is_registered {
        store.add_key(&stored)?;
    } else if !store.add_key_if_registered(&stored)? {
        return Err(Error::Conflict(format!(
            "{organization} was removed (`arsenal org remove`) while its key was being made; no key was stored"
        )));
    }
    Ok(NewKey { key: format!("ak_{id}_{secret}"), id, organization: organization.to_owned(), role })
}

/// A stored key, without its hash.
#[derive(Clone, Debug, Serialize)]
pub struct KeyInfo {
    pub id: String,
    pub organization: String,
    pub role: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
}

impl From<store::ApiKey> for KeyInfo {
    fn from(key: store::ApiKey) -> KeyInfo {
        KeyInfo {
            id: key.id,
            organization: key.organization,
            role: key.role,
            created_at: key.created_at,
        }
    }
}

/// Every key, oldest first.
pub fn keys(config: &Config) -> Result<Vec<KeyInfo>, Error> {
    Ok(config.open_store()?.keys()?.into_iter().map(KeyInfo::from).collect())
}

/// Deletes a key: from then on it is refused (a running server stops accepting it within its
/// key recheck interval).
/// `given` is the key's id or the whole key (`ak_<id>_<secret>`, as a leaked key is found);
/// its secret is never repeated.
pub fn revoke_key(config: &Config, given: &str) -> Result<KeyInfo, Error> {
    let id = given
        .strip_prefix("ak_")
        .map_or(given, |rest| rest.split_once('_').map_or(rest, |(id, _)| id));
    let mut store = config.open_store()?;
    if let Some(key) = store.key(id)?
        && store.remove_key(id)?
    {
        return Ok(key.into());
    }
    let keys = store.keys()?;
    let hint = model::did_you_mean(id, keys.iter().map(|k| k.id.as_str()));
    Err(Error::NotFound(format!("no key {id}{hint}; `arsenal key list` shows the keys")))
}

/// Whether a caller's key still exists with the same organization and role (not revoked).
pub fn still_valid(config: &Config, caller: &Caller) -> Result<bool, Error> {
    Ok(config
        .open_store()?
        .key(&caller.key)?
        .is_some_and(|k| k.organization == caller.organization && k.role == caller.role.as_str()))
}

/// An organization registered for keys, beside the network's own.
#[derive(Clone, Debug, Serialize)]
pub struct Registered {
    pub id: String,
    pub name: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
}

/// Registers an organization that is not in the network (an operator's office, a member that
/// runs no site yet), so keys can be made for it.
pub fn register_organization(config: &Config, id: &str, name: &str) -> Result<(), Error> {
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if id.is_empty() || !id.chars().all(valid) {
        return Err(Error::invalid(format!(
            "organization id {id:?} must be letters, digits, '-', '_' or '.', and not empty"
        )));
    }
    if name.trim().is_empty() {
        return Err(Error::invalid("the organization needs a name (--name)"));
    }
    let mut store = config.open_store()?;
    if store.last_import()?.is_some() {
        let network = crate::network(config, &crate::Silent)?;
        if network.organizations.iter().any(|o| o.id == id) {
            return Err(Error::Conflict(format!(
                "{id} is an organization of the stored network already; create its keys directly"
            )));
        }
    }
    let organization = store::RegisteredOrganization {
        id: id.into(),
        name: name.into(),
        created_at: String::new(),
    };
    store.register_organization(&organization).map_err(|e| match e {
        store::Error::Conflict(_) => Error::Conflict(format!("{id} is registered already")),
        other => other.into(),
    })
}

/// Removes a registered organization (one added by mistake, or no longer served). One that
/// still holds keys is kept, with them named, so that no key is left without its organization
/// (the store looks for them and removes it in one transaction).
pub fn remove_organization(config: &Config, id: &str) -> Result<(), Error> {
    let mut store = config.open_store()?;
    match store.unregister_organization(id)? {
        store::Unregistered::Removed => Ok(()),
        store::Unregistered::HoldsKeys(keys) => Err(Error::Conflict(format!(
            "{id} still holds {}: {}; revoke them first with `arsenal key revoke ID`",
            model::counted(keys.len(), "key"),
            model::listed(&keys, 10)
        ))),
        store::Unregistered::NotRegistered => {
            let in_network = store.last_import()?.is_some()
                && crate::network(config, &crate::Silent)?.organizations.iter().any(|o| o.id == id);
            if in_network {
                return Err(Error::invalid(format!(
                    "{id} is an organization of the stored network, not a registered one; it goes when an import leaves it out"
                )));
            }
            let registered = store.registered_organizations()?;
            let hint = model::did_you_mean(id, registered.iter().map(|o| o.id.as_str()));
            Err(Error::NotFound(format!(
                "no registered organization {id}{hint}; `arsenal org list` shows them"
            )))
        }
    }
}

/// The registered organizations, oldest first.
pub fn registered_organizations(config: &Config) -> Result<Vec<Registered>, Error> {
    Ok(config
        .open_store()?
        .registered_organizations()?
        .into_iter()
        .map(|o| Registered { id: o.id, name: o.name, created_at: o.created_at })
        .collect())
}

/// Checks a key; `Ok(None)` when it is not a valid key (malformed, unknown, or wrong secret).
pub fn authenticate(config: &Config, key: &str) -> Result<Option<Caller>, Error> {
    let Some((id, secret)) = key.strip_prefix("ak_").and_then(|rest| rest.split_once('_')) else {
        return Ok(None);
    };
    let Some(stored) = config.open_store()?.key(id)? else { return Ok(None) };
    let hash = PasswordHash::new(&stored.hash)
        .map_err(|e| Error::Internal(format!("stored hash of key {id} is invalid: {e}")))?;
    if Argon2::default().verify_password(secret.as_bytes(), &hash).is_err() {
        return Ok(None);
    }
    let role = stored.role.parse().map_err(Error::Internal)?;
    Ok(Some(Caller { key: stored.id, organization: stored.organization, role }))
}

/// Records that `caller` did `action` to `target`.
pub fn audit(config: &Config, caller: &Caller, action: &str, target: &str) -> Result<(), Error> {
    Ok(config.open_store()?.audit(&entry(caller, action, target))?)
}

/// The audit line for `caller` doing `action` to `target`.
pub(crate) fn entry(caller: &Caller, action: &str, target: &str) -> store::AuditEntry {
    store::AuditEntry {
        seq: 0,
        at: String::new(),
        key: caller.key.clone(),
        organization: caller.organization.clone(),
        role: caller.role.as_str().to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
    }
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEntry {
    /// Its place in the log, rising with every line (a page older than it starts after it:
    /// `Newest::before`).
    pub seq: i64,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    /// The id of the key that acted.
    pub key: String,
    pub organization: String,
    pub role: String,
    pub action: String,
    pub target: String,
}

/// One page of a log read newest first, and how many lines the whole log (or what its filter
/// selects) holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub lines: Vec<T>,
    pub total: u64,
}

/// A page of the audit log, newest first.
pub fn audit_log(config: &Config, page: Newest) -> Result<Page<AuditEntry>, Error> {
    let store = config.open_store()?;
    let lines = store
        .audit_log(page)?
        .into_iter()
        .map(|e| AuditEntry {
            seq: e.seq,
            at: e.at,
            key: e.key,
            organization: e.organization,
            role: e.role,
            action: e.action,
            target: e.target,
        })
        .collect();
    Ok(Page { lines, total: store.audit_lines()? })
}

/// `bytes` random bytes from the operating system, in hex.
fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

/// When an aggregate is published: at least `min_organizations` contribute, and none holds more
/// than `max_share` of it. Operators see every aggregate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disclosure {
    pub min_organizations: usize,
    pub max_share: f64,
}

impl Default for Disclosure {
    fn default() -> Disclosure {
        Disclosure { min_organizations: 3, max_share: 0.8 }
    }
}

/// How sites are grouped in an aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    State,
    Country,
}

impl FromStr for GroupBy {
    type Err = String;

    fn from_str(text: &str) -> Result<GroupBy, String> {
        match text {
            "state" => Ok(GroupBy::State),
            "country" => Ok(GroupBy::Country),
            _ => Err(format!("unknown grouping {text:?}; expected state or country")),
        }
    }
}

/// One group of an aggregate: its figures, or why they are withheld.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The state or country; `unknown` for sites without one.
    pub group: String,
    /// Hours per week of the process over the group's sites; absent when suppressed.
    pub hours_per_week: Option<f64>,
    /// Sites with the process; absent when suppressed.
    pub sites: Option<usize>,
    /// Organizations running those sites; absent when suppressed.
    pub organizations: Option<usize>,
    /// Why the figures are withheld from members and viewers (operators see them anyway).
    pub suppressed: Option<String>,
}

/// The weekly hours of `process` by state or country (sites with neither in a group of their
/// own, `(no state)` or `(no country)`), with the groups that would reveal an organization's
/// capacity suppressed for everyone but operators; a process no site has and no routing uses is
/// not found, with the nearest known one.
pub fn capacity_by_group(
    network: &model::Network,
    process: &str,
    by: GroupBy,
    rule: Disclosure,
    caller: &Caller,
) -> Result<Vec<Group>, Error> {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    let known: BTreeSet<&str> = (network.capabilities.iter().map(|c| c.process.as_str()))
        .chain(network.routings.iter().map(|r| r.process.as_str()))
        .collect();
    if !known.contains(process) {
        return Err(Error::NotFound(crate::lookup::absent("process", process, known)));
    }
    let sites: HashMap<&str, &model::Site> =
        network.sites.iter().map(|s| (s.id.as_str(), s)).collect();
    // group → organization → (hours, sites)
    let mut groups: BTreeMap<String, BTreeMap<&str, (f64, usize)>> = BTreeMap::new();
    for capability in network.capabilities.iter().filter(|c| c.process == process) {
        let Some(site) = sites.get(capability.site.as_str()) else { continue };
        let place = match by {
            GroupBy::State => site.state.as_deref().unwrap_or("(no state)"),
            GroupBy::Country => site.country.as_deref().unwrap_or("(no country)"),
        };
        let entry = groups
            .entry(place.to_owned())
            .or_default()
            .entry(site.organization.as_str())
            .or_default();
        entry.0 += capability.hours_per_week;
        entry.1 += 1;
    }
    Ok(groups
        .into_iter()
        .map(|(group, by_org)| {
            let hours: f64 = by_org.values().map(|(h, _)| h).sum();
            let largest = by_org.values().map(|(h, _)| *h).fold(0.0, f64::max);
            let reason = if by_org.len() < rule.min_organizations {
                Some(format!("fewer than {} organizations contribute", rule.min_organizations))
            } else if hours > 0.0 && largest / hours > rule.max_share {
                Some(format!(
                    "one organization holds more than {}% of it",
                    (rule.max_share * 100.0).round()
                ))
            } else {
                None
            };
            if reason.is_some() && caller.role != Role::Operator {
                return Group {
                    group,
                    hours_per_week: None,
                    sites: None,
                    organizations: None,
                    suppressed: reason,
                };
            }
            Group {
                group,
                hours_per_week: Some(hours),
                sites: Some(by_org.values().map(|(_, n)| n).sum()),
                organizations: Some(by_org.len()),
                suppressed: reason,
            }
        })
        .collect())
}
