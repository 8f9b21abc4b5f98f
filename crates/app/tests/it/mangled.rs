//! Mangled input never panics: a few random edits of a valid file (bytes deleted or replaced,
//! tokens that parsers trip on inserted, lines dropped, doubled or swapped) give either a
//! result or an error that says where and why (and a network or a batch the embedded store
//! takes, a PostgreSQL store takes too, when `ARSENAL_TEST_POSTGRES_URL` names one). Every file
//! a user gives is covered: a network as CSV files, a JSON document and a Willems chain; an
//! organization's records; a batch of status events; a scenario in TOML and JSON; a hazards
//! file; a demand file; planning events; a saved plan.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use app::interchange::FindingSeverity;
use app::plan::{PlanAsk, PlanDocument};
use app::{Answer, Ask, Config, Error, MonteCarloOptions, Request, Silent, StressOptions, Twin};
use proptest::prelude::*;
use proptest::sample::Index;

/// Text that parsers of numbers, quotes, tables and lines trip on (`\u0000` is the escape of
/// the NUL character in JSON and TOML strings).
#[rustfmt::skip]
const TOKENS: &[&str] = &[
    ",", "\"", "'", "\n", "\r\n", "\r", "=", "[", "]", "{", "}", "[[", "]]", ":", "#", ".", "-",
    " ", "\t", "\\", "0", "-1", "-0", "1e309", "-1e309", "1e-320", "nan", "NaN", "inf", "-inf",
    "99999999999999999999", "18446744073709551616", "4294967296", "2147483648", "0.000001",
    "1e15", "null", "true", "\"\"", "é", "株", "\u{0}", "\\u0000", "\u{feff}", "💥", "site-001",
    "[[event]]", "[[target]]", "kind = \"circle\"", "duration_weeks = ", "start_week = 1e9",
    "capacity = 2",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(Index, &'static str),
    Delete(Index, usize),
    Replace(Index, usize, &'static str),
    DropLine(Index),
    DoubleLine(Index),
    SwapLines(Index, Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = proptest::sample::select(TOKENS);
    prop_oneof![
        3 => (any::<Index>(), token.clone()).prop_map(|(at, t)| Edit::Insert(at, t)),
        2 => (any::<Index>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
        3 => (any::<Index>(), 1usize..6, token).prop_map(|(at, n, t)| Edit::Replace(at, n, t)),
        1 => any::<Index>().prop_map(Edit::DropLine),
        1 => any::<Index>().prop_map(Edit::DoubleLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec(edit(), 1..5)
}

/// The char boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_owned();
    for edit in edits {
        let at = |index: &Index| boundary(&text, index.index(text.len() + 1));
        match edit {
            Edit::Insert(i, token) => text.insert_str(at(i), token),
            Edit::Delete(i, n) | Edit::Replace(i, n, _) => {
                let start = at(i);
                let end = boundary(&text, start + n);
                let with = if let Edit::Replace(_, _, token) = edit { token } else { "" };
                text.replace_range(start..end, with);
            }
            Edit::DropLine(i) | Edit::DoubleLine(i) => {
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let n = i.index(lines.len());
                if matches!(edit, Edit::DropLine(_)) {
                    lines.remove(n);
                } else {
                    lines.insert(n, lines[n]);
                }
                text = lines.concat();
            }
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
                if lines.is_empty() {
                    continue;
                }
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
                text = lines.concat();
            }
        }
    }
    text
}

/// An error says what is wrong: a message, and every finding located with a reason.
fn says_why(error: &Error) -> Result<(), TestCaseError> {
    prop_assert!(!error.to_string().trim().is_empty(), "an error without a message: {error:?}");
    if let Error::Invalid { findings, .. } = error {
        for finding in findings {
            prop_assert!(
                !finding.location.trim().is_empty(),
                "a finding without a place: {finding:?}"
            );
            prop_assert!(
                !finding.message.trim().is_empty(),
                "a finding without a reason: {finding:?}"
            );
        }
        prop_assert!(
            findings.is_empty() || findings.iter().any(|f| f.severity == FindingSeverity::Error),
            "refused with warnings only: {findings:?}"
        );
    }
    prop_assert!(!matches!(error, Error::Internal(_)), "an internal error on user input: {error}");
    Ok(())
}

fn sample_dir() -> PathBuf {
    crate::root().join("data/sample")
}

/// The twin of the sample network, and a plan of it, saved as JSON and read back.
struct Fixture {
    twin: Twin,
    plan: String,
    saved: PlanDocument,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().join("data"), None);
        app::import(&config, &sample_dir(), None, &Silent).unwrap();
        let twin = Twin::load(&config, &Silent).unwrap();
        let demand = request(&read("data/demand/ventilator-pandemic.toml"), "demand.toml", &dir);
        let ask = PlanAsk::mobilize(&demand, None, None, 0).unwrap();
        let question = twin.ask(&Ask::Plan(Box::new(ask))).unwrap();
        let Answer::Plan(document) = twin.answer(&question, &Silent).unwrap() else {
            panic!("a mobilize answers with a plan")
        };
        let path = dir.path().join("plan.json");
        app::plan::write(&document, &path).unwrap();
        let plan = std::fs::read_to_string(&path).unwrap();
        Fixture { twin, plan, saved: app::plan::read(&path).unwrap() }
    })
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(crate::root().join(relative)).unwrap()
}

/// `text` as a request file named `name` in `dir`.
fn request(text: &str, name: &str, dir: &tempfile::TempDir) -> Request {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    Request::read(&path, "the request").unwrap()
}

/// Asks the twin, and answers what it accepts; either way, nothing panics and an error says why.
fn ask_and_answer(ask: &Ask) -> Result<(), TestCaseError> {
    let twin = &fixture().twin;
    match twin.ask(ask) {
        Ok(question) => match twin.answer(&question, &Silent) {
            Ok(_) => Ok(()),
            Err(error) => says_why(&error),
        },
        Err(error) => says_why(&error),
    }
}

/// Asks for the plan of a request, or says why the request is refused.
fn plan(asked: Result<PlanAsk, Error>) -> Result<(), TestCaseError> {
    match asked {
        Ok(ask) => ask_and_answer(&Ask::Plan(Box::new(ask))),
        Err(error) => says_why(&error),
    }
}

/// Imports the network at `path` into a store of its own, and when `postgres` names a test
/// schema (`store::testing::postgres_schema`), into that too: both take it, or both refuse it
/// with an error that says why.
fn import(path: &Path, postgres: Option<String>) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path().join("data"), None);
    let imported = app::import(&config, path, None, &Silent);
    if let Some(url) = postgres {
        let shared = Config::new(dir.path().join("shared"), Some(url));
        let there = app::import(&shared, path, None, &Silent);
        if let Err(error) = &there {
            says_why(error)?;
        }
        prop_assert_eq!(there.is_ok(), imported.is_ok(), "{:?} on PostgreSQL", there.err());
    }
    match imported {
        Ok(_) => {
            let twin =
                Twin::load(&config, &Silent).map_err(|e| TestCaseError::fail(e.to_string()))?;
            ask_on(&twin)
        }
        Err(error) => says_why(&error),
    }
}

/// The risks of a network that imported, a scenario, a few random ones and a plan on it.
fn ask_on(twin: &Twin) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let scenario = request(&read("data/scenarios/gulf-hurricane.toml"), "gulf.toml", &dir);
    let demand = request(&read("data/demand/ventilator-pandemic.toml"), "demand.toml", &dir);
    let asks = [
        Ask::Risks { item: None },
        Ask::Stress { scenario, options: StressOptions::default() },
        Ask::MonteCarlo(monte_carlo(app::Hazards::default())),
        Ask::Plan(Box::new(PlanAsk::mobilize(&demand, None, None, 0).unwrap())),
    ];
    for ask in &asks {
        if let Err(error) = twin.ask(ask).and_then(|q| twin.answer(&q, &Silent)) {
            says_why(&error)?;
        }
    }
    Ok(())
}

/// A few random scenarios of `hazards`.
fn monte_carlo(hazards: app::Hazards) -> MonteCarloOptions {
    MonteCarloOptions {
        scenarios: 4,
        seed: 1,
        period: app::Period::Week,
        horizon_weeks: None,
        unmet: app::Unmet::LostSales,
        threshold: 0.95,
        hazards,
        time_limit: None,
    }
}

/// Cases per kind of file: `ARSENAL_MANGLED_CASES`, or 32 (a longer campaign:
/// `ARSENAL_MANGLED_CASES=3000 cargo test -p app --test it mangled`).
fn cases() -> u32 {
    #[allow(clippy::disallowed_methods)]
    let asked = std::env::var("ARSENAL_MANGLED_CASES").ok();
    asked.and_then(|n| n.parse().ok()).unwrap_or(32)
}

/// The example scenarios in `data/scenarios/`.
const SCENARIOS: &[&str] =
    &["chip-supplier-fire.toml", "gulf-hurricane.toml", "ventilator-surge.json"];

const SAMPLE_TABLES: &[&str] = &[
    "organizations.csv",
    "sites.csv",
    "items.csv",
    "capabilities.csv",
    "sources.csv",
    "routings.csv",
    "bom.csv",
    "links.csv",
    "inventory.csv",
    "demand.csv",
];

const HAZARDS: &str = "site_outages_per_year = 0.02
ttr_sigma = 0.5
partial_share = 0.3
regional_events_per_year = 1.0
regional_radius_km = [50, 250]
regional_weeks = 2.0
regional_recovery_weeks = 4.0
state_events_per_year = 0.5
state_weeks = 3.0
";

/// A batch of status events, as `POST /events` and MQTT take it.
#[derive(serde::Deserialize)]
struct Batch {
    events: Vec<app::events::Event>,
}

/// One event of each kind on the sample network.
const EVENTS: &str = r#"{"events": [
  {"kind": "capacity", "id": "e1", "site": "site-027", "process": "rolling", "hours_per_week": 40},
  {"kind": "outage_start", "id": "e2", "site": "site-062", "expected_weeks": 6},
  {"kind": "outage_end", "id": "e3", "site": "site-062"},
  {"kind": "inventory", "id": "e4", "site": "site-027", "item": "icu-ventilator", "units": 12},
  {"kind": "demand", "id": "e5", "site": "wh-01", "item": "icu-ventilator", "units_per_week": 30}
]}"#;

/// The batch the mangled ones start from is taken whole, so that their cases reach the store.
#[test]
fn the_batch_of_events_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::new(dir.path().join("data"), None);
    let batch: Batch = serde_json::from_str(EVENTS).unwrap();
    let index = app::events::Index::new(fixture().twin.network());
    let (new, receipt) = app::events::record(&config, &index, &operator(), &batch.events).unwrap();
    assert_eq!((new.len(), receipt.accepted.len()), (5, 5), "{receipt:?}");
}

/// An operator's caller.
fn operator() -> app::access::Caller {
    app::access::Caller {
        key: "k1".into(),
        organization: "org-008".into(),
        role: app::access::Role::Operator,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn a_mangled_csv_network(table in proptest::sample::select(SAMPLE_TABLES), edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        for name in SAMPLE_TABLES {
            let text = std::fs::read_to_string(sample_dir().join(name)).unwrap();
            let text = if name == &table { apply(&text, &edits) } else { text };
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        import(dir.path(), store::testing::postgres_schema("mangled_csv"))?;
    }

    #[test]
    fn a_mangled_json_network(edits in edits()) {
        static JSON: OnceLock<String> = OnceLock::new();
        let json = JSON.get_or_init(|| {
            let mut out = Vec::new();
            app::interchange::write_json(&app::sample_network(&Silent).unwrap(), &mut out).unwrap();
            String::from_utf8(out).unwrap()
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network.json");
        std::fs::write(&path, apply(json, &edits)).unwrap();
        import(&path, store::testing::postgres_schema("mangled_json"))?;
    }

    #[test]
    fn a_mangled_willems_chain(chain in 1usize..39, edits in edits()) {
        let file = crate::root().join(format!("../shared/data/willems_2008/{chain:02}.csv"));
        let text = std::fs::read_to_string(file).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain.csv");
        std::fs::write(&path, apply(&text, &edits)).unwrap();
        import(&path, store::testing::postgres_schema("mangled_willems"))?;
    }

    #[test]
    fn an_organizations_mangled_records(org in any::<Index>(), edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().join("data"), None);
        app::import(&config, &sample_dir(), None, &Silent).unwrap();
        let twin = Twin::load(&config, &Silent).unwrap();
        let organizations = &twin.network().organizations;
        let org = &organizations[org.index(organizations.len())].id;
        let records = app::records::part(twin.network(), org);
        let document = app::interchange::json_document(&records);
        let text = serde_json::to_string_pretty(&document).unwrap();
        match twin.replace_records(&config, org, &apply(&text, &edits), "records.json") {
            Ok((_, written)) => ask_on(&written)?,
            Err(error) => says_why(&error)?,
        }
    }

    #[test]
    fn a_mangled_batch_of_events(edits in edits()) {
        let text = apply(EVENTS, &edits);
        let Ok(batch) = serde_json::from_str::<Batch>(&text) else {
            // Not a batch at all: the server refuses it before the use case (docs/api.md).
            return Ok(());
        };
        let twin = &fixture().twin;
        let index = app::events::Index::new(twin.network());
        let caller = operator();
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().join("data"), None);
        let recorded = app::events::record(&config, &index, &caller, &batch.events);
        if let Some(url) = store::testing::postgres_schema("mangled_events") {
            let shared = Config::new(dir.path().join("shared"), Some(url));
            let there = app::events::record(&shared, &index, &caller, &batch.events);
            if let Err(error) = &there {
                says_why(error)?;
            }
            prop_assert_eq!(there.is_ok(), recorded.is_ok(), "{:?} on PostgreSQL", there.err());
        }
        match recorded {
            Ok((new, _)) => {
                let mut live = app::events::Live::default();
                for event in &new {
                    live.apply(event);
                }
                if let Err(error) = twin.predict(&live, app::alerts::AlertOptions::default()) {
                    says_why(&error)?;
                }
            }
            Err(error) => says_why(&error)?,
        }
    }

    #[test]
    fn a_mangled_scenario(
        file in proptest::sample::select(SCENARIOS),
        edits in edits(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = apply(&read(&format!("data/scenarios/{file}")), &edits);
        let scenario = request(&text, file, &dir);
        ask_and_answer(&Ask::Stress { scenario, options: StressOptions::default() })?;
    }

    #[test]
    fn mangled_hazards(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hazards.toml");
        std::fs::write(&path, apply(HAZARDS, &edits)).unwrap();
        match app::scenario::load_hazards(&path) {
            Ok(hazards) => ask_and_answer(&Ask::MonteCarlo(monte_carlo(hazards)))?,
            Err(error) => says_why(&error)?,
        }
    }

    #[test]
    fn a_mangled_demand(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let text = apply(&read("data/demand/ventilator-pandemic.toml"), &edits);
        let demand = request(&text, "demand.toml", &dir);
        plan(PlanAsk::mobilize(&demand, None, None, 0))?;
    }

    #[test]
    fn mangled_plan_events(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let text = apply(&read("data/events/ventilator-assembler-down.toml"), &edits);
        let events = request(&text, "events.toml", &dir);
        plan(PlanAsk::replan(fixture().saved.clone(), "plan.json", &events, 0, false))?;
    }

    #[test]
    fn a_mangled_saved_plan(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let plan_path = dir.path().join("plan.json");
        std::fs::write(&plan_path, apply(&fixture().plan, &edits)).unwrap();
        let events = read("data/events/ventilator-assembler-down.toml");
        let events = request(&events, "events.toml", &dir);
        match app::plan::read(&plan_path) {
            Ok(saved) => plan(PlanAsk::replan(saved, "plan.json", &events, 0, false))?,
            Err(error) => says_why(&error)?,
        }
    }
}
