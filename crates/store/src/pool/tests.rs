//! A pool hands out the stores it was given back, keeps at most `MAX_IDLE`, and never hands out
//! a PostgreSQL connection that no longer works.

use std::sync::Arc;

use engine::generate::{GenerateConfig, generate};

use super::{MAX_IDLE, Place, Pool};
use crate::testing::postgres_schema;

/// Each store of `pool` sees what another wrote, and the pool keeps what was let go, up to
/// `MAX_IDLE`.
fn keeps_and_shares(pool: &Arc<Pool>) {
    assert_eq!(pool.n_idle(), 0);
    let mut writer = pool.get().unwrap();
    let reader = pool.get().unwrap();
    assert_eq!(reader.last_import().unwrap(), None);
    let network = generate(&GenerateConfig { n_sites: 20, seed: 3 });
    let record = writer.replace_network(&network, "first", &mut |_| {}).unwrap();
    assert_eq!(reader.last_import().unwrap(), Some(record.clone()));
    drop((writer, reader));
    assert_eq!(pool.n_idle(), 2);

    let again = pool.get().unwrap();
    assert_eq!(pool.n_idle(), 1, "an idle store is handed out again");
    assert_eq!(again.last_import().unwrap(), Some(record));
    drop(again);

    let many: Vec<_> = (0..MAX_IDLE + 3).map(|_| pool.get().unwrap()).collect();
    assert_eq!(pool.n_idle(), 0);
    drop(many);
    assert_eq!(pool.n_idle(), MAX_IDLE);
}

#[test]
fn sqlite_pool_keeps_and_shares() {
    let dir = tempfile::tempdir().unwrap();
    keeps_and_shares(&Arc::new(Pool::new(Place::Dir(dir.path().join("data")))));
}

#[test]
fn postgres_pool_keeps_and_shares() {
    let Some(url) = postgres_schema("pool_keeps_and_shares") else { return };
    keeps_and_shares(&Arc::new(Pool::new(Place::Url(url))));
}

/// A connection the server ended while it was idle (a restarted server, an administrator) is
/// not handed out: the next use gets a new one, and works.
#[test]
fn postgres_pool_replaces_a_connection_the_server_ended() {
    let Some(url) = postgres_schema("pool_replaces_ended") else { return };
    let name = "arsenal_pool_replaces_ended";
    let pool = Arc::new(Pool::new(Place::Url(format!("{url}&application_name={name}"))));
    drop(pool.get().unwrap());
    assert_eq!(pool.n_idle(), 1);

    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let ended: i64 = admin
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1) ended",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(ended, 1, "the idle connection was ended");

    let store = pool.get().unwrap();
    assert_eq!(pool.n_idle(), 0, "the ended connection was dropped, not handed out");
    assert_eq!(store.last_import().unwrap(), None);
    drop(store);
    assert_eq!(pool.n_idle(), 1);
}
