//! All 38 real chains of Willems (2008) import cleanly, summarize to the counts the data set
//! publishes in its stats.csv, round-trip, and run through `map` and `risks`.

use app::interchange::{self, Format};
use app::{Config, Silent};

#[test]
fn all_38_chains_import_summarize_and_round_trip() {
    let dir = super::root().join("../shared/data/willems_2008");
    let work = tempfile::tempdir().unwrap();
    // stats.csv, published with the data: chain, stages, arcs, is_dag, longest_path_arcs,
    // stages_with_demand, classification_counts.
    let stats = std::fs::read_to_string(dir.join("stats.csv")).unwrap_or_else(|e| {
        panic!("{}: {e}; the tests expect ../shared beside the checkout", dir.display())
    });
    let expected: Vec<[usize; 4]> = stats
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<usize> = line.split(',').map(|x| x.parse().unwrap_or(0)).collect();
            [f[1], f[2], f[4], f[5]]
        })
        .collect();
    assert_eq!(expected.len(), 38);
    for chain in 1..=38 {
        let path = dir.join(format!("{chain:02}.csv"));
        let config = Config::new(work.path().join(format!("data-{chain}")), None);
        assert_eq!(Format::detect(&path), Some(Format::Willems), "chain {chain} is recognised");
        let report = app::import(&config, &path, None, &Silent)
            .unwrap_or_else(|e| panic!("chain {chain}: {e} {:?}", e));
        assert!(report.warnings.is_empty(), "chain {chain}: {:?}", report.warnings);
        let summary = app::summary(&config, &Silent).unwrap();
        let out = work.path().join(format!("chain-{chain}.json"));
        app::export(&config, &out, Format::Json, false, &Silent).unwrap();
        let stored = interchange::read(&out, Format::Json);
        assert_eq!(stored.n_errors(), 0);
        assert_eq!(
            stored.network,
            interchange::read(&path, Format::Willems).network,
            "chain {chain}"
        );
        let risks = app::risks(&config, None, app::ExposureMethod::Fast, &Silent).unwrap();
        assert!(risks.structure.unmakeable.is_empty(), "chain {chain}");
        assert_eq!(
            risks.structure.products.len(),
            summary.counts.demand,
            "chain {chain}: one end product per demand stage"
        );
        // Every stage makes its own item alone, so every stage in some product's chain is a
        // critical site, and every product's map reaches as deep as its chain.
        let sole: usize = risks.structure.sole_sources.len();
        assert_eq!(risks.structure.critical_sites.len(), sole, "chain {chain}");
        for product in risks.structure.products.iter().take(5) {
            let map = app::map(&config, product, None, None, &Silent).unwrap();
            assert_eq!(*map.nodes[0].item, **product);
            assert!(
                map.nodes.iter().all(|n| n.sites.len() == 1),
                "chain {chain}: one source per stage"
            );
        }
        let stats = &expected[chain - 1];
        let got = [
            summary.counts.sites,
            summary.counts.links,
            summary.bom_depth - 1,
            summary.counts.demand,
        ];
        assert_eq!(
            got, *stats,
            "chain {chain}: (stages, arcs, longest path, demand stages) differ from stats.csv"
        );
    }
}

/// Bad numbers in a chain file are named by the chain's own fields and lines, before anything is
/// derived from them (a stageCost of 1e300 would otherwise be reported as the unit value of
/// every item downstream of it), and nothing is imported.
#[test]
fn bad_numbers_are_named_as_the_chain_writes_them() {
    let dir = super::root().join("../shared/data/willems_2008");
    let chain = std::fs::read_to_string(dir.join("01.csv")).unwrap();
    let edited = chain
        .replace(",Manuf,39,Manuf_0001,10,", ",Manuf,1e300,Manuf_0001,10,")
        .replace(",Part,5,Part_0002,15,", ",Part,5,Part_0002,nan,")
        .replace(",Part,9,Part_0003,10,", ",Part,9,Part_0003,1e7,")
        .replace(",,,45,0,0,0.95,Retail,", ",,,-5,0,0,0.95,Retail,")
        .replace(",,,75,0,0,0.95,Retail,", ",,,2e15,0,0,0.95,Retail,");
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("chain.csv");
    std::fs::write(&path, edited).unwrap();
    let parsed = interchange::read(&path, Format::Willems);
    let said: Vec<String> = parsed
        .findings
        .iter()
        .map(|f| f.to_string().replace(&work.path().display().to_string(), "$DIR"))
        .collect();
    expect_test::expect![[r#"
        error: $DIR/chain.csv:13: stageCost: must be at most 1e15, not 1e300
        error: $DIR/chain.csv:16: stageTime: expected a number of at least 0, got "nan"
        error: $DIR/chain.csv:17: stageTime: must be at most 7,000,000 days (1,000,000 weeks), not 10000000
        error: $DIR/chain.csv:19: avgDemand: expected a number of at least 0, got "-5"
        error: $DIR/chain.csv:20: avgDemand: must be at most 1e15, not 2e15"#]]
    .assert_eq(&said.join("\n"));
    let config = Config::new(work.path().join("data"), None);
    assert!(app::import(&config, &path, None, &Silent).is_err());
    assert!(app::summary(&config, &Silent).is_err(), "nothing was imported");
}
