//! The graph cache: read back as built, rebuilt after a write, and never trusted when damaged.

use engine::generate::{GenerateConfig, generate};
use engine::graph::Graph;

use super::{FILE, graph};
use crate::{Config, Silent};

/// A data directory holding the generated network of `n_sites` and `seed`.
fn stored(n_sites: usize, seed: u64) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path().to_path_buf(), None);
    write(&config, n_sites, seed);
    (dir, config)
}

fn write(config: &Config, n_sites: usize, seed: u64) {
    let network = generate(&GenerateConfig { n_sites, seed });
    config.open_store().unwrap().replace_network(&network, "generated", &mut |_| {}).unwrap();
}

/// Everything a graph holds but its indices by id, which `indexed` builds again.
fn bytes(graph: &Graph) -> Vec<u8> {
    postcard::to_stdvec(graph).unwrap()
}

fn built(config: &Config) -> Graph {
    let (_, network) = crate::network::load_network(config, &Silent).unwrap();
    crate::network::build_graph(&network).unwrap()
}

#[test]
fn the_cached_graph_is_the_built_one_with_its_indices() {
    let (_dir, config) = stored(120, 5);
    let path = config.data_dir().join(FILE);
    assert!(!path.exists());
    let first = graph(&config, &Silent).unwrap();
    assert!(path.exists(), "the first read caches the graph");
    let written = std::fs::metadata(&path).unwrap().modified().unwrap();
    let cached = graph(&config, &Silent).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), written, "read, not rebuilt");
    let reference = built(&config);
    assert_eq!(bytes(&first), bytes(&reference));
    assert_eq!(bytes(&cached), bytes(&reference));
    for (i, id) in reference.site_ids.iter().enumerate() {
        assert_eq!(cached.site(id), Some(i as u32));
    }
    for (i, id) in reference.item_ids.iter().enumerate() {
        assert_eq!(cached.item(id), Some(i as u32));
    }
    assert_eq!(cached.site("no-such-site"), None);
}

#[test]
fn a_later_write_is_read_from_the_store_and_cached_again() {
    let (_dir, config) = stored(120, 5);
    let before = graph(&config, &Silent).unwrap();
    write(&config, 90, 6);
    let after = graph(&config, &Silent).unwrap();
    assert_eq!(after.n_sites(), 90);
    assert_ne!(bytes(&after), bytes(&before));
    assert_eq!(bytes(&after), bytes(&built(&config)));
    // The same network written again is another write: its graph is cached anew, and equal.
    write(&config, 90, 6);
    assert_eq!(bytes(&graph(&config, &Silent).unwrap()), bytes(&after));
}

#[test]
fn a_damaged_or_foreign_file_is_built_again_and_replaced() {
    let (_dir, config) = stored(80, 7);
    let path = config.data_dir().join(FILE);
    let reference = bytes(&graph(&config, &Silent).unwrap());
    let good = std::fs::read(&path).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    let damaged = [
        flipped,
        good[..good.len() / 2].to_vec(),
        good[..10].to_vec(),
        b"not a graph at all".to_vec(),
        Vec::new(),
    ];
    for (k, bytes_on_disk) in damaged.into_iter().enumerate() {
        std::fs::write(&path, &bytes_on_disk).unwrap();
        assert_eq!(bytes(&graph(&config, &Silent).unwrap()), reference, "damage {k}");
        assert_eq!(std::fs::read(&path).unwrap(), good, "damage {k}: the file is written again");
    }
}

/// The body of a small network's file (its graph and labels), pinned: a change to their types or
/// to how they are built (or to the generator) changes it, and then `FORMAT` must be raised so
/// that no file written before is read as what the code would build now.
#[test]
fn the_form_of_the_file_is_pinned() {
    let (_dir, config) = stored(50, 1);
    let (_, network) = crate::network::load_network(&config, &Silent).unwrap();
    let graph = crate::network::build_graph(&network).unwrap();
    let body = super::body(&graph, &crate::map::Labels::of(&network)).unwrap();
    let pinned = format!("{} bytes, CRC-32 {:08x}", body.len(), crc32fast::hash(&body));
    expect_test::expect!["24975 bytes, CRC-32 f16cc435"].assert_eq(&pinned);
}

/// An import caches the graph of the network it wrote, which is the graph of the network read
/// back from the store: from files, from a JSON document (standard input), and from a server's
/// (whose twin's graph is the one cached).
#[test]
fn an_import_caches_the_graph_of_what_it_stored() {
    for (n_sites, seed) in [(60, 1), (150, 2), (300, 3)] {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().join("data"), None);
        let path = config.data_dir().join(FILE);
        // The last write's graph, read without being built again (the file is not rewritten).
        let cached = || {
            let written = std::fs::metadata(&path).unwrap().modified().unwrap();
            let cached = graph(&config, &Silent).unwrap();
            assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), written, "read");
            assert!(
                super::read(&path, &super::Key::of(&last(&config)), super::Labelled::Yes).is_ok()
            );
            bytes(&cached)
        };
        let files = dir.path().join("network");
        let network = generate(&GenerateConfig { n_sites, seed });
        crate::interchange::write(&network, &files, crate::interchange::Format::Csv).unwrap();
        crate::import(&config, &files, None, &Silent).unwrap();
        assert_eq!(cached(), bytes(&built(&config)), "{n_sites} sites, seed {seed}");

        let json = dir.path().join("network.json");
        crate::interchange::write(&network, &json, crate::interchange::Format::Json).unwrap();
        let text = std::fs::read_to_string(&json).unwrap();
        crate::import_json(&config, &text, "standard input", &Silent).unwrap();
        assert_eq!(cached(), bytes(&built(&config)), "{n_sites} sites, seed {seed}: JSON");
        let (_, twin) = crate::import_json_twin(&config, &text, "a request").unwrap();
        assert_eq!(last(&config).source, "a request");
        assert_eq!(cached(), bytes(twin.graph()), "{n_sites} sites, seed {seed}: a server's");
        assert_eq!(cached(), bytes(&built(&config)), "{n_sites} sites, seed {seed}: a server's");
    }
}

fn last(config: &Config) -> store::ImportRecord {
    config.open_store().unwrap().last_import().unwrap().unwrap()
}
