//! Export then import reproduces the model exactly, in both formats and through the store,
//! including text that needs quoting (commas, quotes, line breaks, non-ASCII).

use app::interchange::{self, Format};
use app::{Config, Silent};
use engine::generate::{GenerateConfig, generate};
use model::Network;
use proptest::prelude::*;

fn awkward_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9][a-zA-Z0-9 ]{0,11}",
        Just("Smith, Jones & \"Partners\"".to_owned()),
        Just("line one\nline two".to_owned()),
        Just("Zürich Präzision 株式会社".to_owned()),
        "[^;\u{0}-\u{1f}]{1,20}".prop_filter("not blank", |s| !s.trim().is_empty()),
    ]
}

fn perturbed(n_sites: usize, seed: u64, names: &[String]) -> Network {
    let mut network = generate(&GenerateConfig { n_sites, seed });
    for (site, name) in network.sites.iter_mut().zip(names) {
        site.name = name.clone();
        site.certifications.push(name.trim().to_owned());
    }
    for (org, name) in network.organizations.iter_mut().zip(names.iter().rev()) {
        org.focus = Some(name.clone());
    }
    if let Some(site) = network.sites.first_mut() {
        (site.latitude, site.longitude, site.employees, site.city) = (None, None, None, None);
    }
    network
}

fn round_trip(network: &Network, format: Format) -> Network {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(if format == Format::Json { "network.json" } else { "network" });
    interchange::write(network, &path, format).unwrap();
    let loaded = interchange::read(&path, format);
    assert_eq!(loaded.n_errors(), 0, "{:#?}", loaded.findings);
    loaded.network
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn files_round_trip_exactly(
        n_sites in 50usize..120,
        seed in any::<u64>(),
        names in proptest::collection::vec(awkward_text(), 1..20),
    ) {
        let network = perturbed(n_sites, seed, &names);
        prop_assert_eq!(&round_trip(&network, Format::Csv), &network);
        prop_assert_eq!(&round_trip(&network, Format::Json), &network);
    }
}

#[test]
fn store_round_trip_and_idempotent_reimport() {
    let work = tempfile::tempdir().unwrap();
    let config = Config::new(work.path().join("data"), None);
    let network = perturbed(120, 9, &["a, \"b\"".to_owned(), "ü\nx".to_owned()]);
    let source = work.path().join("in");
    interchange::write(&network, &source, Format::Csv).unwrap();
    app::import(&config, &source, None, &Silent).unwrap();
    let out = work.path().join("out");
    app::export(&config, &out, Format::Csv, false, &Silent).unwrap();
    for table in model::Table::ALL {
        let name = format!("{table}.csv");
        let a = std::fs::read(source.join(&name)).unwrap();
        let b = std::fs::read(out.join(&name)).unwrap();
        assert!(a == b, "{name} differs after import and export");
    }
    let first = app::summary(&config, &Silent).unwrap();
    app::import(&config, &out, None, &Silent).unwrap();
    assert_eq!(app::summary(&config, &Silent).unwrap(), first);
    let again = app::export(&config, &out, Format::Csv, false, &Silent);
    assert!(matches!(again, Err(app::Error::Conflict(_))), "an export is not replaced unasked");
    app::export(&config, &out, Format::Csv, true, &Silent).unwrap();
    assert_eq!(interchange::read(&out, Format::Csv).network, network);

    // A JSON document under another name is known by its opening brace, even after a
    // byte-order mark and blank lines.
    let json = work.path().join("network.json");
    app::export(&config, &json, Format::Json, false, &Silent).unwrap();
    let renamed = work.path().join("network.txt");
    let text = std::fs::read_to_string(&json).unwrap();
    std::fs::write(&renamed, format!("\u{feff}\n  {text}")).unwrap();
    assert_eq!(Format::detect(&renamed), Some(Format::Json));
    app::import(&config, &renamed, None, &Silent).unwrap();
    assert_eq!(app::summary(&config, &Silent).unwrap(), first);
    std::fs::write(&renamed, "id,name\n").unwrap();
    assert_eq!(Format::detect(&renamed), None, "text that is not a document is not guessed");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// A document is read a row at a time; a key given twice in any row is placed at the line
    /// and column serde_json gives when it reads the whole document at once.
    #[test]
    fn a_key_given_twice_is_placed_as_in_the_whole_document(
        seed in any::<u64>(),
        names in proptest::collection::vec(awkward_text(), 1..20),
        pick in any::<proptest::sample::Index>(),
    ) {
        let network = perturbed(50, seed, &names);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network.json");
        interchange::write(&network, &path, Format::Json).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let names: Vec<usize> = text.match_indices("\"name\":").map(|(at, _)| at).collect();
        let at = names[pick.index(names.len())];
        let twice = format!("{}\"name\": \"again\", {}", &text[..at], &text[at..]);
        std::fs::write(&path, &twice).unwrap();
        let whole = serde_json::from_str::<app::StrictJson>(&twice).unwrap_err();
        let read = interchange::read(&path, Format::Json);
        prop_assert_eq!(read.findings.len(), 1, "{:?}", read.findings);
        let expected =
            format!("{}:{}:{}", path.display(), whole.line(), whole.column());
        prop_assert_eq!(&read.findings[0].location, &expected);
        prop_assert!(read.findings[0].message.contains("duplicate field `name`"));
    }
}
