//! The store gives back exactly what it was given, and a failed write changes nothing: one
//! suite, run on SQLite every time and on PostgreSQL when `ARSENAL_TEST_POSTGRES_URL` is set
//! (each PostgreSQL test in a fresh schema of its own). Two writers at once on PostgreSQL leave
//! one whole network, never a mix, and a SQLite file read in parts while imports land reads one
//! whole network each time. An organization's write replaces exactly its records, and one based
//! on an older import writes nothing.

use std::collections::HashSet;

use engine::generate::{GenerateConfig, generate};
use model::Network;

use crate::testing::postgres_schema;
use crate::{
    ApiKey, AuditEntry, Error, EventFilter, Newest, RegisteredOrganization, Store, StoredEvent,
    Unregistered,
};

/// A network whose text needs quoting in every format: quotes, commas, a newline, an empty
/// optional text (which must not come back as absent).
fn awkward() -> Network {
    let mut network = generate(&GenerateConfig { n_sites: 300, seed: 11 });
    network.organizations[0].name = "Quote \" comma , newline \n and tab \t".into();
    network.organizations[0].sponsor = Some(String::new());
    network.sites[0].city = Some("\\N".into());
    network
}

fn round_trips(store: &mut Store) {
    assert_eq!(store.last_import().unwrap(), None);
    assert_eq!(store.load_stamped(&mut |_| {}).unwrap(), (None, Network::default()));
    let network = awkward();
    let mut reports = Vec::new();
    store.replace_network(&network, "generated", &mut |n| reports.push(n)).unwrap();
    assert_eq!(reports.last().copied(), Some(network.n_records() as u64));
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), network);
    let record = store.last_import().unwrap().unwrap();
    assert_eq!((record.source.as_str(), record.records), ("generated", network.n_records() as u64));

    let smaller = generate(&GenerateConfig { n_sites: 20, seed: 12 });
    store.replace_network(&smaller, "again", &mut |_| {}).unwrap();
    let (import, loaded) = store.load_stamped(&mut |_| {}).unwrap();
    assert_eq!(loaded, smaller);
    let import = import.unwrap();
    assert_eq!((import.seq, import.source.as_str()), (record.seq + 1, "again"));
    assert_eq!(Some(import), store.last_import().unwrap());
}

/// A write that breaks a constraint is a conflict and leaves the first network whole.
fn failed_write_changes_nothing(open: &dyn Fn() -> Store) {
    let network = generate(&GenerateConfig { n_sites: 50, seed: 5 });
    open().replace_network(&network, "first", &mut |_| {}).unwrap();
    let mut broken = generate(&GenerateConfig { n_sites: 80, seed: 6 });
    let duplicate = broken.items[0].clone();
    broken.items.push(duplicate);
    let error = open().replace_network(&broken, "second", &mut |_| {}).unwrap_err();
    assert!(matches!(error, Error::Conflict(_)), "{error}");
    let reopened = open();
    assert_eq!(reopened.load_network(&mut |_| {}).unwrap(), network);
    assert_eq!(reopened.last_import().unwrap().unwrap().source, "first");
}

/// An organization's write replaces its record, its sites, what is at them and the links they
/// ship on, and nothing else (the store selects those rows in SQL; here a plain filter says
/// what they are). A write based on an older import, or holding shared records, is refused and
/// writes nothing.
fn organization_writes(store: &mut Store) {
    let network = generate(&GenerateConfig { n_sites: 200, seed: 31 });
    store.replace_network(&network, "start", &mut |_| {}).unwrap();
    let start = store.last_import().unwrap().unwrap();
    // The organization with the most sites: it keeps some after losing one.
    let count = |org: &str| network.sites.iter().filter(|s| s.organization == org).count();
    let org = network.organizations.iter().map(|o| o.id.clone()).max_by_key(|o| count(o)).unwrap();
    let owned: HashSet<&str> =
        network.sites.iter().filter(|s| s.organization == org).map(|s| s.id.as_str()).collect();
    let mut part = Network::default();
    let mut record = network.organizations.iter().find(|o| o.id == org).unwrap().clone();
    record.name = "renamed".into();
    part.organizations.push(record);
    part.sites = network.sites.iter().filter(|s| s.organization == org).cloned().collect();
    let removed = part.sites.pop().unwrap().id;
    let kept = |site: &str| site != removed && owned.contains(site);
    part.capabilities = network.capabilities.iter().filter(|c| kept(&c.site)).cloned().collect();
    for capability in &mut part.capabilities {
        capability.hours_per_week *= 2.0;
    }
    part.sources = network.sources.iter().filter(|x| kept(&x.site)).cloned().collect();
    part.links = network.links.iter().filter(|l| kept(&l.supplier)).cloned().collect();
    part.inventory = network.inventory.iter().filter(|i| kept(&i.site)).cloned().collect();
    part.demand =
        network.demand.iter().filter(|d| d.site.as_deref().is_some_and(kept)).cloned().collect();
    assert!(!part.capabilities.is_empty() && !part.links.is_empty(), "a weak fixture");

    fn others<T: Clone>(rows: &[T], theirs: impl Fn(&T) -> bool, new: &[T]) -> Vec<T> {
        rows.iter().filter(|r| !theirs(r)).chain(new).cloned().collect()
    }
    let at = |site: &str| owned.contains(site);
    let expected = Network {
        organizations: others(&network.organizations, |o| o.id == org, &part.organizations),
        sites: others(&network.sites, |s| s.organization == org, &part.sites),
        capabilities: others(&network.capabilities, |c| at(&c.site), &part.capabilities),
        items: network.items.clone(),
        bom: network.bom.clone(),
        routings: network.routings.clone(),
        sources: others(&network.sources, |x| at(&x.site), &part.sources),
        links: others(&network.links, |l| at(&l.supplier), &part.links),
        inventory: others(&network.inventory, |i| at(&i.site), &part.inventory),
        demand: others(&network.demand, |d| d.site.as_deref().is_some_and(at), &part.demand),
    };
    let records = expected.n_records() as u64;
    let written = store.replace_organization(&org, &part, start.seq, records, "write").unwrap();
    assert!(written.seq > start.seq);
    assert_eq!(store.last_import().unwrap().as_ref(), Some(&written));
    assert_eq!(written.records, records);
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), expected);

    let stale = store.replace_organization(&org, &part, start.seq, records, "stale");
    assert!(matches!(stale, Err(Error::Stale(_))), "{stale:?}");
    let mut shared = part.clone();
    shared.items.push(network.items[0].clone());
    let refused = store.replace_organization(&org, &shared, written.seq, records, "shared");
    assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), expected);
    assert_eq!(store.last_import().unwrap(), Some(written));
}

/// Keys come back by id and never twice, are listed oldest first and removed once;
/// organizations register once; the audit log comes back newest first.
fn keys_and_audit(store: &mut Store) {
    let key = ApiKey {
        id: "k1".into(),
        organization: "org-001".into(),
        role: "member".into(),
        hash: "$argon2id$v=19$...".into(),
        created_at: String::new(),
    };
    assert_eq!(store.key("k1").unwrap(), None);
    store.add_key(&key).unwrap();
    let stored = store.key("k1").unwrap().unwrap();
    assert_eq!(stored.created_at.len(), "2026-12-01 12:00:00".len(), "{}", stored.created_at);
    assert_eq!(ApiKey { created_at: String::new(), ..stored }, key);
    assert!(matches!(store.add_key(&key), Err(Error::Conflict(_))));
    store.add_key(&ApiKey { id: "k2".into(), role: "viewer".into(), ..key.clone() }).unwrap();
    let ids = |store: &Store| -> Vec<String> {
        store.keys().unwrap().into_iter().map(|k| format!("{}:{}", k.id, k.role)).collect()
    };
    assert_eq!(ids(store), ["k1:member", "k2:viewer"]);
    assert!(store.remove_key("k2").unwrap());
    assert!(!store.remove_key("k2").unwrap());
    assert_eq!(ids(store), ["k1:member"]);
    assert_eq!(store.key("k2").unwrap(), None);

    let office = RegisteredOrganization {
        id: "office".into(),
        name: "The national office".into(),
        created_at: String::new(),
    };
    assert_eq!(store.registered_organizations().unwrap(), []);
    store.register_organization(&office).unwrap();
    assert!(matches!(store.register_organization(&office), Err(Error::Conflict(_))));
    let registered = store.registered_organizations().unwrap();
    assert_eq!(registered.len(), 1);
    assert_eq!(
        RegisteredOrganization { created_at: String::new(), ..registered[0].clone() },
        office
    );
    // A key for a registered organization is stored only while it is registered, and an
    // organization holding keys stays registered.
    let office_key = ApiKey { id: "k3".into(), organization: "office".into(), ..key.clone() };
    assert!(store.add_key_if_registered(&office_key).unwrap());
    let elsewhere = ApiKey { id: "k4".into(), organization: "nowhere".into(), ..key.clone() };
    assert!(!store.add_key_if_registered(&elsewhere).unwrap());
    assert_eq!(store.key("k4").unwrap(), None);
    let holds = Unregistered::HoldsKeys(vec!["k3".into()]);
    assert_eq!(store.unregister_organization("office").unwrap(), holds);
    assert_eq!(store.registered_organizations().unwrap().len(), 1);
    assert!(store.remove_key("k3").unwrap());
    assert_eq!(store.unregister_organization("office").unwrap(), Unregistered::Removed);
    assert_eq!(store.unregister_organization("office").unwrap(), Unregistered::NotRegistered);
    assert_eq!(store.registered_organizations().unwrap(), []);
    assert!(!store.add_key_if_registered(&office_key).unwrap());
    assert_eq!(store.key("k3").unwrap(), None);
    store.register_organization(&office).unwrap();
    for target in ["site-1", "site-2", "site-3"] {
        let entry = AuditEntry {
            seq: 0,
            at: String::new(),
            key: "k1".into(),
            organization: "org-001".into(),
            role: "member".into(),
            action: "read capacity".into(),
            target: target.into(),
        };
        store.audit(&entry).unwrap();
    }
    fn targets(store: &Store, offset: u32, limit: u32, before: Option<i64>) -> Vec<String> {
        let log = store.audit_log(Newest { offset, limit, before }).unwrap();
        log.into_iter().map(|e| e.target).collect()
    }
    assert_eq!(targets(store, 0, 2, None), ["site-3", "site-2"]);
    assert_eq!(targets(store, 2, 2, None), ["site-1"]);
    assert_eq!(targets(store, 3, 2, None), [] as [&str; 0]);
    assert_eq!(store.audit_lines().unwrap(), 3);
    // The lines older than a line, from its `seq`: the next page, however many came since.
    let newest = store.audit_log(Newest { offset: 0, limit: 1, before: None }).unwrap();
    let entry = AuditEntry { target: "site-4".into(), ..newest[0].clone() };
    store.audit(&entry).unwrap();
    assert_eq!(targets(store, 0, 2, Some(newest[0].seq)), ["site-2", "site-1"]);
    assert_eq!(targets(store, 1, 2, Some(newest[0].seq)), ["site-1"]);
    assert_eq!(targets(store, 0, 5, None), ["site-4", "site-3", "site-2", "site-1"]);
}

#[test]
fn sqlite_keys_and_audit() {
    keys_and_audit(&mut Store::open_in_memory().unwrap());
}

/// Events are kept in arrival order; a resent id is reported as not new and changes nothing;
/// the filters select by organization and site, the newest come first a page at a time, and
/// the count is of every page.
fn events_once_each(store: &mut Store) {
    let event = |id: &str, organization: &str, site: Option<&str>, body: &str| StoredEvent {
        seq: 0,
        id: id.into(),
        received_at: String::new(),
        key: "k1".into(),
        organization: organization.into(),
        site: site.map(str::to_owned),
        body: body.into(),
    };
    let first = [event("e1", "org-1", Some("s1"), "a"), event("e2", "org-2", Some("s2"), "b")];
    assert_eq!(store.append_events(&first).unwrap(), [true, true]);
    let second = [event("e2", "org-2", Some("s2"), "changed"), event("e3", "org-1", None, "c")];
    assert_eq!(store.append_events(&second).unwrap(), [false, true]);
    let ids = |filter: EventFilter| -> Vec<String> {
        store.events(&filter).unwrap().into_iter().map(|e| format!("{}:{}", e.id, e.body)).collect()
    };
    assert_eq!(ids(EventFilter::default()), ["e1:a", "e2:b", "e3:c"]);
    let org1 = || EventFilter { organization: Some("org-1".into()), ..EventFilter::default() };
    assert_eq!(ids(org1()), ["e1:a", "e3:c"]);
    let newest = |offset, limit| Some(Newest { offset, limit, before: None });
    assert_eq!(ids(EventFilter { newest: newest(0, 1), ..org1() }), ["e3:c"]);
    assert_eq!(ids(EventFilter { newest: newest(1, 5), ..org1() }), ["e1:a"]);
    assert_eq!(
        ids(EventFilter { newest: newest(0, 5), ..EventFilter::default() }),
        ["e3:c", "e2:b", "e1:a"]
    );
    assert_eq!(store.count_events(&EventFilter { newest: newest(1, 1), ..org1() }).unwrap(), 2);
    assert_eq!(store.count_events(&EventFilter::default()).unwrap(), 3);
    // A page older than a line: by its `seq`, rising in arrival order, and with the filters.
    let all = store.events(&EventFilter::default()).unwrap();
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq), "{all:?}");
    let before = |seq, filter: EventFilter| EventFilter {
        newest: Some(Newest { offset: 0, limit: 5, before: Some(seq) }),
        ..filter
    };
    assert_eq!(ids(before(all[2].seq, EventFilter::default())), ["e2:b", "e1:a"]);
    assert_eq!(ids(before(all[2].seq, org1())), ["e1:a"]);
    assert_eq!(ids(before(all[0].seq, EventFilter::default())), [] as [&str; 0]);
    assert_eq!(ids(EventFilter { site: Some("s2".into()), ..EventFilter::default() }), ["e2:b"]);
    let both = |organization: &str| EventFilter {
        organization: Some(organization.into()),
        site: Some("s2".into()),
        ..EventFilter::default()
    };
    assert_eq!(ids(both("org-2")), ["e2:b"]);
    assert!(ids(both("org-1")).is_empty());
    assert_eq!(store.count_events(&both("org-1")).unwrap(), 0);
    let stored = store.events(&EventFilter::default()).unwrap();
    assert!(stored.iter().all(|e| e.received_at.len() == "2026-12-01 12:00:00".len()));
    assert_eq!(stored[2].site, None);
}

#[test]
fn sqlite_events_once_each() {
    events_once_each(&mut Store::open_in_memory().unwrap());
}

#[test]
fn postgres_events_once_each() {
    if let Some(url) = postgres_schema("events") {
        events_once_each(&mut Store::connect(&url).unwrap());
    }
}

#[test]
fn postgres_keys_and_audit() {
    if let Some(url) = postgres_schema("keys_and_audit") {
        keys_and_audit(&mut Store::connect(&url).unwrap());
    }
}

/// The lines the logs are said to hold (kept by triggers, migration 0005) are the lines they
/// hold, after two connections wrote to both at once, resending each other's events.
fn logs_count_what_they_hold(open: &dyn Fn() -> Store) {
    let writer = |from: usize| {
        let mut store = open();
        move || {
            for batch in 0..15 {
                let events: Vec<StoredEvent> = (0..10)
                    .map(|i| StoredEvent {
                        seq: 0,
                        id: format!("e{}", from + batch * 10 + i),
                        received_at: String::new(),
                        key: "k1".into(),
                        organization: "org-1".into(),
                        site: None,
                        body: "{}".into(),
                    })
                    .collect();
                store.append_events(&events).unwrap();
                let entry = AuditEntry {
                    seq: 0,
                    at: String::new(),
                    key: "k1".into(),
                    organization: "org-1".into(),
                    role: "member".into(),
                    action: "report events".into(),
                    target: format!("batch {batch}"),
                };
                store.audit(&entry).unwrap();
            }
        }
    };
    let (first, second) = (writer(0), writer(50));
    std::thread::scope(|s| {
        s.spawn(first);
        s.spawn(second);
    });
    let store = open();
    let all = EventFilter::default();
    assert_eq!(store.events(&all).unwrap().len(), 200, "e0 to e199, each once");
    assert_eq!(store.count_events(&all).unwrap(), 200);
    let page = EventFilter { newest: Some(Newest { offset: 190, limit: 5, before: None }), ..all };
    assert_eq!(store.count_events(&page).unwrap(), 200, "the count is of every page");
    assert_eq!(store.audit_log(Newest { offset: 0, limit: 1000, before: None }).unwrap().len(), 30);
    assert_eq!(store.audit_lines().unwrap(), 30);
}

#[test]
fn sqlite_logs_count_what_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    logs_count_what_they_hold(&|| Store::open_dir(dir.path()).unwrap());
}

#[test]
fn postgres_logs_count_what_they_hold() {
    if let Some(url) = postgres_schema("logs_count") {
        logs_count_what_they_hold(&|| Store::connect(&url).unwrap());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

    /// Walking the events a page at a time, each page asked for as older than the last line of
    /// the one before, sees every event there was when the walk began, once each and newest
    /// first, however many arrive between pages, with or without a site's filter.
    #[test]
    fn a_walk_by_the_last_line_sees_each_event_once(
        at_start in 0usize..30,
        limit in 1u32..7,
        arrivals in proptest::collection::vec(0usize..5, 0..12),
        site in proptest::option::of(0usize..2),
    ) {
        let mut store = Store::open_in_memory().unwrap();
        let mut n = 0;
        let mut append = |store: &mut Store, count: usize| {
            let events: Vec<StoredEvent> = (n..n + count)
                .map(|i| StoredEvent {
                    seq: 0,
                    id: format!("e{i}"),
                    received_at: String::new(),
                    key: "k1".into(),
                    organization: "org-1".into(),
                    site: Some(format!("s{}", i % 2)),
                    body: "{}".into(),
                })
                .collect();
            store.append_events(&events).unwrap();
            n += count;
        };
        append(&mut store, at_start);
        let filter = EventFilter { site: site.map(|s| format!("s{s}")), ..EventFilter::default() };
        let mut expected: Vec<String> =
            store.events(&filter).unwrap().into_iter().map(|e| e.id).collect();
        expected.reverse();
        let (mut seen, mut before, mut pages) = (Vec::new(), None, 0);
        loop {
            let newest = Some(Newest { offset: 0, limit, before });
            let page = store.events(&EventFilter { newest, ..filter.clone() }).unwrap();
            seen.extend(page.iter().map(|e| e.id.clone()));
            match page.last() {
                Some(last) if page.len() == limit as usize => before = Some(last.seq),
                _ => break,
            }
            // The first page sets where the walk began; what arrives later is newer.
            append(&mut store, arrivals.get(pages).copied().unwrap_or(0));
            pages += 1;
        }
        proptest::prop_assert_eq!(seen, expected);
    }
}

/// Lines written before the logs were counted (by a store of migration 0004) are counted.
const BEFORE_COUNTING: &str = "
    INSERT INTO events (id, received_at, key, organization, site, body)
        VALUES ('e1', 'then', 'k1', 'org-1', NULL, '{}'), ('e2', 'then', 'k1', 'org-1', 's1', '{}');
    INSERT INTO audit (at, key, organization, role, action, target)
        VALUES ('then', 'k1', 'org-1', 'member', 'read capacity', 's1')";

fn counts_lines_written_before(store: &Store) {
    assert_eq!(store.count_events(&EventFilter::default()).unwrap(), 2);
    assert_eq!(store.audit_lines().unwrap(), 1);
}

#[test]
fn sqlite_counts_lines_written_before_the_logs_were_counted() {
    use rusqlite_migration::{M, Migrations};
    let dir = tempfile::tempdir().unwrap();
    let mut conn = rusqlite::Connection::open(dir.path().join(crate::DB_FILE)).unwrap();
    let before = crate::sqlite::MIGRATIONS[..4].iter().map(|sql| M::up(sql)).collect();
    Migrations::new(before).to_latest(&mut conn).unwrap();
    conn.execute_batch(BEFORE_COUNTING).unwrap();
    drop(conn);
    counts_lines_written_before(&Store::open_dir(dir.path()).unwrap());
}

#[test]
fn postgres_counts_lines_written_before_the_logs_were_counted() {
    let Some(url) = postgres_schema("counts_before") else { return };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE arsenal_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .unwrap();
    for (version, script) in (1..).zip(&crate::postgres::MIGRATIONS[..4]) {
        client.batch_execute(script).unwrap();
        client
            .execute("INSERT INTO arsenal_migrations (version) VALUES ($1)", &[&version])
            .unwrap();
    }
    client.batch_execute(BEFORE_COUNTING).unwrap();
    counts_lines_written_before(&Store::connect(&url).unwrap());
}

/// A key added for a registered organization from one connection while another unregisters
/// it, both let go at once: every round ends with the organization and its key both kept, or
/// neither, never a key without its organization.
fn key_and_unregistering_race(mut adder: Store, mut remover: Store) {
    for round in 0..30 {
        let org = format!("office-{round}");
        let office = RegisteredOrganization {
            id: org.clone(),
            name: "An office".into(),
            created_at: String::new(),
        };
        adder.register_organization(&office).unwrap();
        let key = ApiKey {
            id: format!("race-{round}"),
            organization: org.clone(),
            role: "viewer".into(),
            hash: "$argon2id$v=19$...".into(),
            created_at: String::new(),
        };
        let start = std::sync::Barrier::new(2);
        let (added, removed) = std::thread::scope(|s| {
            let add = s.spawn(|| {
                start.wait();
                adder.add_key_if_registered(&key).unwrap()
            });
            let remove = s.spawn(|| {
                start.wait();
                remover.unregister_organization(&org).unwrap()
            });
            (add.join().unwrap(), remove.join().unwrap())
        });
        let registered = remover.registered_organizations().unwrap().iter().any(|o| o.id == org);
        let stored = remover.key(&key.id).unwrap().is_some();
        match removed {
            Unregistered::Removed => assert!(!added && !stored && !registered, "round {round}"),
            Unregistered::HoldsKeys(keys) => {
                assert!(added && stored && registered, "round {round}");
                assert_eq!(keys, std::slice::from_ref(&key.id));
            }
            Unregistered::NotRegistered => panic!("round {round}: {org} was registered"),
        }
    }
}

#[test]
fn sqlite_key_and_unregistering_race() {
    let dir = tempfile::tempdir().unwrap();
    let open = || Store::open_dir(dir.path()).unwrap();
    key_and_unregistering_race(open(), open());
}

#[test]
fn postgres_key_and_unregistering_race() {
    if let Some(url) = postgres_schema("key_race") {
        let connect = || Store::connect(&url).unwrap();
        key_and_unregistering_race(connect(), connect());
    }
}

/// On a database file; then read in parts, with the gaps the write left in every table's `seq`s
/// (its old rows gone from among the others, its new ones after them).
#[test]
fn sqlite_organization_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    organization_writes(&mut store);
    let whole = store.load_network(&mut |_| {}).unwrap();
    let crate::Backend::Sqlite(db) = &store.backend else { unreachable!("a SQLite store") };
    for parts in 2..=4 {
        let (_, read) = db.load_in_parts(Some(parts), &mut |_| {}).unwrap();
        assert!(read == whole, "{parts} parts");
    }
}

#[test]
fn postgres_organization_writes() {
    if let Some(url) = postgres_schema("organization_writes") {
        organization_writes(&mut Store::connect(&url).unwrap());
    }
}

#[test]
fn sqlite_round_trips() {
    round_trips(&mut Store::open_in_memory().unwrap());
}

#[test]
fn sqlite_failed_write_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    failed_write_changes_nothing(&|| Store::open_dir(dir.path()).unwrap());
}

/// A database file is read in parts side by side; however many parts (more than some tables
/// have rows, with a table empty), the network comes back whole and in order, and progress
/// counts up to every record.
#[test]
fn sqlite_reads_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_dir(dir.path()).unwrap();
    let mut network = awkward();
    network.inventory.clear();
    store.replace_network(&network, "generated", &mut |_| {}).unwrap();
    let crate::Backend::Sqlite(db) = &store.backend else { unreachable!("a SQLite store") };
    let total = network.n_records() as u64;
    let fewest = model::Table::ALL.iter().map(|&t| network.len_of(t)).filter(|&n| n > 0).min();
    for parts in [1, 2, 3, 4, fewest.unwrap() + 1] {
        let mut reports = Vec::new();
        let (_, read) = db.load_in_parts(Some(parts), &mut |n| reports.push(n)).unwrap();
        assert!(read == network, "{parts} parts");
        assert!(reports.windows(2).all(|pair| pair[0] <= pair[1]), "{parts} parts: {reports:?}");
        assert_eq!(reports.last(), Some(&total), "{parts} parts");
    }
}

#[test]
fn postgres_round_trips() {
    if let Some(url) = postgres_schema("round_trips") {
        round_trips(&mut Store::connect(&url).unwrap());
    }
}

#[test]
fn postgres_failed_write_changes_nothing() {
    if let Some(url) = postgres_schema("failed_write") {
        failed_write_changes_nothing(&|| Store::connect(&url).unwrap());
    }
}

/// A database file read in parts while another connection replaces the network, over and over:
/// every read is one whole network, never parts of two imports, and comes with its import.
#[test]
fn sqlite_reads_in_parts_never_mix() {
    let dir = tempfile::tempdir().unwrap();
    let networks = [
        generate(&GenerateConfig { n_sites: 60, seed: 31 }),
        generate(&GenerateConfig { n_sites: 40, seed: 32 }),
    ];
    Store::open_dir(dir.path())
        .unwrap()
        .replace_network(&networks[0], "start", &mut |_| {})
        .unwrap();
    let writing = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|threads| {
        let (dir, networks, writing) = (dir.path(), &networks, &writing);
        threads.spawn(move || {
            let mut store = Store::open_dir(dir).unwrap();
            for round in 0..200 {
                let source = format!("network {}", round % 2);
                store.replace_network(&networks[round % 2], &source, &mut |_| {}).unwrap();
            }
            writing.store(false, std::sync::atomic::Ordering::Relaxed);
        });
        let store = Store::open_dir(dir).unwrap();
        let crate::Backend::Sqlite(db) = &store.backend else { unreachable!("a SQLite store") };
        let mut reads = 0;
        while reads < 20 || writing.load(std::sync::atomic::Ordering::Relaxed) {
            let (import, seen) = db.load_in_parts(Some(4), &mut |_| {}).unwrap();
            assert!(networks.contains(&seen), "read {reads} saw a mix of two imports");
            let which = if import.unwrap().source == "network 1" { 1 } else { 0 };
            assert!(seen == networks[which], "read {reads} came with another import");
            reads += 1;
        }
    });
}

/// Two processes import different networks at the same time, over and over, while a third
/// reads: every read and the final state is one whole network, and every import is recorded.
#[test]
fn postgres_two_writers_never_mix() {
    let Some(url) = postgres_schema("two_writers") else { return };
    let networks = [
        generate(&GenerateConfig { n_sites: 120, seed: 21 }),
        generate(&GenerateConfig { n_sites: 90, seed: 22 }),
    ];
    Store::connect(&url).unwrap().replace_network(&networks[0], "start", &mut |_| {}).unwrap();
    const ROUNDS: usize = 5;
    std::thread::scope(|threads| {
        for (which, network) in networks.iter().enumerate() {
            let url = &url;
            threads.spawn(move || {
                let mut store = Store::connect(url).unwrap();
                for round in 0..ROUNDS {
                    let source = format!("writer {which} round {round}");
                    store.replace_network(network, &source, &mut |_| {}).unwrap();
                }
            });
        }
        let url = &url;
        let networks = &networks;
        threads.spawn(move || {
            let store = Store::connect(url).unwrap();
            for _ in 0..2 * ROUNDS {
                let (import, seen) = store.load_stamped(&mut |_| {}).unwrap();
                assert!(networks.contains(&seen), "a read saw a mix of two imports");
                let which = usize::from(import.unwrap().source.starts_with("writer 1"));
                assert!(seen == networks[which], "a read came with another import");
            }
        });
    });
    let store = Store::connect(&url).unwrap();
    let last = store.last_import().unwrap().unwrap();
    let expected = if last.source.starts_with("writer 0") { &networks[0] } else { &networks[1] };
    assert_eq!(&store.load_network(&mut |_| {}).unwrap(), expected, "last import: {}", last.source);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let imports: i64 = admin.query_one("SELECT count(*) FROM imports", &[]).unwrap().get(0);
    assert_eq!(imports, 1 + 2 * ROUNDS as i64);
}

/// Two processes opening a new database at once both find its schema ready.
#[test]
fn postgres_concurrent_migrations() {
    let Some(url) = postgres_schema("migrations") else { return };
    std::thread::scope(|threads| {
        for _ in 0..3 {
            threads.spawn(|| Store::connect(&url).unwrap().last_import().unwrap());
        }
    });
    assert_eq!(Store::connect(&url).unwrap().last_import().unwrap(), None);
}
