//! The fast exposure path equals the literal per-site programs on the sample network and on the
//! real Willems (2008) chains small enough for the reference.

use app::interchange::{self, Format};
use engine::graph::Graph;
use engine::risk::{SiteExposure, exposure, reference};

fn assert_same(name: &str, fast: &[SiteExposure], slow: &[SiteExposure]) {
    assert_eq!(fast.len(), slow.len(), "{name}");
    for f in fast {
        let s = slow.iter().find(|s| s.site == f.site).unwrap();
        let (a, b) = (f.loss.unwrap(), s.loss.unwrap());
        assert!(
            (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs())),
            "{name} {}: loss {a} vs {b}",
            f.site
        );
        match (f.tts_weeks, s.tts_weeks) {
            (None, None) => {}
            (Some(a), Some(b)) => assert!(
                (a - b).abs() <= 1e-6 * (1.0 + a.abs()),
                "{name} {}: tts {a} vs {b}",
                f.site
            ),
            (a, b) => panic!("{name} {}: tts {a:?} vs {b:?}", f.site),
        }
    }
}

fn check(name: &str, path: &std::path::Path, format: Format) -> usize {
    let loaded = interchange::read(path, format);
    assert_eq!(loaded.n_errors(), 0, "{name}");
    let graph = Graph::build(&loaded.network).unwrap();
    let fast = exposure(&graph, None, &|_| true).unwrap();
    assert_same(name, &fast, &reference(&graph, None));
    fast.iter().filter(|e| e.loss.is_some_and(|l| l > 0.0)).count()
}

#[test]
fn sample_network() {
    let losing = check("sample", &super::root().join("data/sample"), Format::Csv);
    assert!(losing > 10, "the sample has sites whose outage loses demand");
}

#[test]
fn willems_chains_up_to_500_stages() {
    let dir = super::root().join("../shared/data/willems_2008");
    let mut checked = 0;
    for chain in 1..=38 {
        let path = dir.join(format!("{chain:02}.csv"));
        let loaded = interchange::read(&path, Format::Willems);
        if loaded.network.sites.len() > 500 {
            continue;
        }
        check(&format!("chain {chain}"), &path, Format::Willems);
        checked += 1;
    }
    assert_eq!(checked, 27);
}
