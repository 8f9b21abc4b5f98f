//! The store gives back exactly what it was given, and a failed write changes nothing.

use engine::generate::{GenerateConfig, generate};
use model::Network;

use crate::{Error, Store};

#[test]
fn replace_then_load_round_trips() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.last_import().unwrap(), None);
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), Network::default());
    let network = generate(&GenerateConfig { n_sites: 300, seed: 11 });
    let mut reports = Vec::new();
    store.replace_network(&network, "generated", &mut |n| reports.push(n)).unwrap();
    assert_eq!(reports.last().copied(), Some(network.n_records() as u64));
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), network);
    assert_eq!(store.n_records().unwrap(), network.n_records() as u64);
    let record = store.last_import().unwrap().unwrap();
    assert_eq!((record.source.as_str(), record.records), ("generated", network.n_records() as u64));

    let smaller = generate(&GenerateConfig { n_sites: 20, seed: 12 });
    store.replace_network(&smaller, "again", &mut |_| {}).unwrap();
    assert_eq!(store.load_network(&mut |_| {}).unwrap(), smaller);
}

#[test]
fn a_failed_write_keeps_the_previous_network() {
    let dir = tempfile::tempdir().unwrap();
    let network = generate(&GenerateConfig { n_sites: 50, seed: 5 });
    Store::open_dir(dir.path()).unwrap().replace_network(&network, "first", &mut |_| {}).unwrap();
    let mut broken = generate(&GenerateConfig { n_sites: 80, seed: 6 });
    let duplicate = broken.items[0].clone();
    broken.items.push(duplicate);
    let mut store = Store::open_dir(dir.path()).unwrap();
    let error = store.replace_network(&broken, "second", &mut |_| {}).unwrap_err();
    assert!(matches!(error, Error::Conflict(_)), "{error}");
    let reopened = Store::open_dir(dir.path()).unwrap();
    assert_eq!(reopened.load_network(&mut |_| {}).unwrap(), network);
    assert_eq!(reopened.last_import().unwrap().unwrap().source, "first");
}
