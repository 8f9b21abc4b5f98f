//! `arsenal stress` on the sample network: the bundled scenarios, the examples of
//! docs/scenarios.md, charts, and scenario files with mistakes.

use std::path::PathBuf;

use expect_test::expect;

use super::{generated, repo, run, sample, stderr, stdout, write_fixture};

#[test]
fn the_bundled_scenarios_on_the_sample() {
    let dir = sample();
    let output =
        run(dir.path(), &["stress", "--scenario", &repo("data/scenarios/gulf-hurricane.toml")]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Scenario "Gulf-coast hurricane": 1 event, 26 weeks simulated, unserved demand is lost.
        Value not served on time: 840,740 over 1 of 5 products.

          product                fill rate first short   weeks  units short    value short   recovers  first cause
          battery-pack-48v           97.8%      week 9       4        239.2        840,740    4 weeks  site-087 (busbar) disrupted

        fill rate = demand served in the week it was due / demand due; recovers = weeks from the first shortfall to the end of the last
    "#]]
    .assert_eq(&stdout(&output));

    // A shortfall of one week recovers in one week, not "1 weeks".
    std::fs::write(
        dir.path().join("short.json"),
        r#"{"event": [{"kind": "site", "site": "site-062", "start_week": 1, "duration_weeks": 1}]}"#,
    )
    .unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "short.json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let row = stdout(&output).lines().find(|l| l.contains("icu-ventilator")).unwrap().to_owned();
    assert!(row.contains(" 1 week  site-062 (pressure-sensor) disrupted"), "{row}");

    let chart = dir.path().join("fire.svg");
    let output = run(
        dir.path(),
        &[
            "stress",
            "--scenario",
            &repo("data/scenarios/chip-supplier-fire.toml"),
            "--json",
            "--chart",
            "fire.svg",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let products = report["products"].as_array().unwrap();
    let ventilator = &products[0];
    assert_eq!(ventilator["item"], "icu-ventilator");
    assert_eq!(ventilator["causes"][0]["site"], "site-062");
    assert_eq!(ventilator["causes"][0]["reason"]["kind"], "disrupted");
    assert_eq!(ventilator["due"].as_array().unwrap().len(), 30);
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("Fill rate by week: Sole-source sensor maker fire"));
    assert!(
        svg.contains("icu-ventilator (90.3 %)"),
        "the legend names each product with its fill rate"
    );
    // small-uas falls short too; the other three are served in full, on one line.
    assert!(svg.contains("3 other products at 100 %"), "one line for the products in full");
    assert!(!svg.contains("mab-vial"), "a product in full has no line of its own");

    let output = run(
        dir.path(),
        &[
            "-q",
            "stress",
            "--scenario",
            &repo("data/scenarios/ventilator-surge.json"),
            "--period",
            "day",
            "--unmet",
            "backlog",
            "--chart",
            "surge.png",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    assert!(
        stdout(&output).contains("    168     11,642.7     22,401,979    not yet  wh-01"),
        "units short grouped by thousands, like the value: {}",
        stdout(&output)
    );
    let png = std::fs::read(dir.path().join("surge.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
}

#[test]
fn without_events_every_product_is_served_in_full() {
    let dir = sample();
    std::fs::write(dir.path().join("calm.toml"), "name = \"calm\"\n").unwrap();
    for period in ["week", "day"] {
        let output = run(
            dir.path(),
            &["stress", "--scenario", "calm.toml", "--json", "--period", period, "--horizon", "52"],
        );
        assert!(output.status.success(), "{}", stderr(&output, dir.path()));
        let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        expect![[r#"["warning: calm.toml: event: none given: the network runs undisrupted (write each disruption as an [[event]], docs/scenarios.md)"]"#]]
            .assert_eq(&report["notes"].to_string());
        let products = report["products"].as_array().unwrap();
        assert_eq!(products.len(), 5);
        for product in products {
            assert_eq!(product["fill_rate"], 1.0, "{period}: {product}");
            assert_eq!(product["first_short"], serde_json::Value::Null);
        }
    }
}

/// An event with no `start_week` starts at week 0, and one with no `duration_weeks` lasts to
/// the end of the horizon, as in re-plans: the report is the one of both written out.
#[test]
fn an_event_without_start_or_end_spans_the_horizon() {
    let dir = sample();
    let event = "[[event]]\nkind = \"site\"\nsite = \"site-062\"\n";
    std::fs::write(dir.path().join("bare.toml"), format!("name = \"s\"\n{event}")).unwrap();
    let written = format!("name = \"s\"\n{event}start_week = 0\nduration_weeks = 30\n");
    std::fs::write(dir.path().join("written.toml"), written).unwrap();
    let report = |file: &str| {
        let args = ["stress", "--scenario", file, "--horizon", "30", "--json"];
        let output = run(dir.path(), &args);
        assert!(output.status.success(), "{}", stderr(&output, dir.path()));
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let mut bare = report("bare.toml");
    // The one difference: a note that the event has no end.
    let notes = bare.as_object_mut().unwrap().remove("notes").unwrap();
    expect![[r#"["warning: bare.toml:2: duration_weeks: none given: it lasts to the end of the 30 weeks simulated"]"#]]
        .assert_eq(&notes.to_string());
    assert_eq!(bare, report("written.toml"));
    let ventilator = &bare["products"].as_array().unwrap()[0];
    assert_eq!(ventilator["item"], "icu-ventilator", "{bare}");
    assert_eq!(ventilator["first_short"], 6, "{bare}");
    assert_eq!(ventilator["time_to_recover"], serde_json::Value::Null, "not recovered: {bare}");
}

/// An event that changes nothing is noted where the field at fault is written, in the text and
/// in JSON: one that starts after the weeks simulated (one within them is not), a circle that
/// holds no site.
#[test]
fn events_that_change_nothing_are_noted() {
    let dir = sample();
    let scenario = repo("data/scenarios/gulf-hurricane.toml");
    let output = run(dir.path(), &["stress", "--scenario", &scenario, "--horizon", "2"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Scenario "Gulf-coast hurricane": 1 event, 2 weeks simulated, unserved demand is lost.
          warning: SCENARIO:12: start_week: starts in week 2, after the horizon of 2 weeks; it changes nothing (a longer horizon reaches it)
        Value not served on time: 0 over 0 of 5 products.
        Every product keeps a 100 % fill rate.
    "#]]
    .assert_eq(&stdout(&output).replace(&scenario, "SCENARIO"));
    let args = ["stress", "--scenario", &scenario, "--horizon", "2", "--period", "day", "--json"];
    let report: serde_json::Value = serde_json::from_str(&stdout(&run(dir.path(), &args))).unwrap();
    assert_eq!(report["notes"].as_array().map(Vec::len), Some(1), "{report}");
    let args = ["stress", "--scenario", &scenario, "--horizon", "3", "--json"];
    let report: serde_json::Value = serde_json::from_str(&stdout(&run(dir.path(), &args))).unwrap();
    assert_eq!(report.get("notes"), None, "{report}");

    let ocean = "[[event]]\nkind = \"circle\"\nlatitude = 0\nlongitude = -140\nradius_km = 50\nstart_week = 1\nduration_weeks = 3\n";
    std::fs::write(dir.path().join("ocean.toml"), ocean).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "ocean.toml"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Scenario "ocean": 1 event, 52 weeks simulated, unserved demand is lost.
          warning: ocean.toml:5: radius_km: no site lies within 50 km of (0, -140); it changes nothing
        Value not served on time: 0 over 0 of 5 products.
        Every product keeps a 100 % fill rate.
    "#]].assert_eq(&stdout(&output));

    // Outages of sites that make nothing: a site that is down still ships its stock.
    let idle = "[[event]]\nkind = \"site\"\nsite = \"wh-04\"\nstart_week = 1\nduration_weeks = 4\n\n[[event]]\nkind = \"organization\"\norganization = \"america-makes\"\nstart_week = 1\nduration_weeks = 4\n\n[[event]]\nkind = \"state\"\nstate = \"ID\"\nstart_week = 1\nduration_weeks = 4\n\n[[event]]\nkind = \"state\"\nstate = \"MI\"\nstart_week = 1\nduration_weeks = 1\n";
    std::fs::write(dir.path().join("idle.toml"), idle).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "idle.toml"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let said = stdout(&output);
    expect![[r#"
          idle.toml:3: site: wh-04 makes nothing (it is no item's source), and a site that is down still ships its stock; it changes nothing
          idle.toml:9: organization: its one site, america-makes-hq, makes nothing (it is no item's source), and a site that is down still ships its stock; it changes nothing
          idle.toml:15: state: none of the 4 sites it strikes makes anything (none is an item's source), and a site that is down still ships its stock; it changes nothing"#]]
    .assert_eq(&said.lines().filter_map(|l| l.trim().strip_prefix("warning: ")).collect::<Vec<_>>().join("\n"));
    assert!(said.contains("4 events"), "{said}");

    // A state written in another case is the state.
    let upper = "[[event]]\nkind = \"state\"\nstate = \"MI\"\nstart_week = 1\nduration_weeks = 6\n";
    std::fs::write(dir.path().join("upper.toml"), upper).unwrap();
    std::fs::write(dir.path().join("lower.toml"), upper.replace("\"MI\"", "\"mi\"")).unwrap();
    let report = |file: &str| {
        let output = run(dir.path(), &["stress", "--scenario", file, "--json"]);
        assert!(output.status.success(), "{}", stderr(&output, dir.path()));
        let mut report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["scenario"] = serde_json::Value::Null;
        report
    };
    let lower = report("lower.toml");
    assert!(lower["value_short"].as_f64() > Some(0.0), "{lower}");
    assert_eq!(lower, report("upper.toml"));
}

/// The TOML and JSON blocks of docs/scenarios.md, each run on the sample as a scenario (or as
/// the hazards of a Monte Carlo run).
#[test]
fn the_documented_examples_run() {
    let dir = sample();
    let doc = std::fs::read_to_string(repo("docs/scenarios.md")).unwrap();
    let mut blocks = 0;
    for (fence, extension) in [("```toml\n", "toml"), ("```json\n", "json")] {
        for (i, block) in doc.split(fence).skip(1).enumerate() {
            let text = &block[..block.find("```").unwrap()];
            let file: PathBuf = dir.path().join(format!("example-{i}.{extension}"));
            std::fs::write(&file, text).unwrap();
            let file = file.to_str().unwrap();
            let args: &[&str] = if text.contains("site_outages_per_year") {
                &["-q", "stress", "--monte-carlo", "5", "--hazards", file, "--horizon", "12"]
            } else {
                &["-q", "stress", "--scenario", file, "--horizon", "12"]
            };
            let output = run(dir.path(), args);
            assert!(
                output.status.success(),
                "example {extension} {i}: {}",
                stderr(&output, dir.path())
            );
            blocks += 1;
        }
    }
    assert_eq!(blocks, 4);
}

#[test]
fn mistakes_in_a_scenario_are_all_named_and_nothing_runs() {
    let dir = sample();
    std::fs::write(
        dir.path().join("bad.toml"),
        r#"name = "bad"
horizon_weeks = 0

[[event]]
kind = "site"
site = "site-999"
start_week = 1
duration_weeks = 2

[[event]]
kind = "circle"
latitude = 29.3
longitude = -94.8
start_week = 1
duration_weeks = 2

[[event]]
kind = "site"
site = "site-062"
capacity = 1.5
start_week = 1
duration_weeks = 2

[[event]]
kind = "tornado"
start_week = 1
duration_weeks = 2

[[event]]
kind = "link"
supplier = "site-062"
customer = "wh-01"
item = "pressure-sensor"
start_week = -1
duration_weeks = 2

[[event]]
kind = "circle"
latitude = 95
radius_km = -5
capacity = 2
start_week = 1
duration_weeks = 0

[[event]]
kind = "link"
supplier = "nobody"
customer = "wh-01"
item = "unobtainium"
start_week = 1
duration_weeks = 2

[[event]]
site = "site-062"
start_week = 3

[[event]]
kind = "state"
state = "Texas"
duration_weeks = 4

[[event]]
kind = "surge"
item = "icu-ventilator"
factor = 1e308
start_week = 1
duration_weeks = 2
recovery_weeks = 1e308
"#,
    )
    .unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "bad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    expect![[r#"
        error: bad.toml:2: horizon_weeks: must be 1 to 520, not 0
        error: bad.toml:6: site: no site "site-999" in the stored network
        error: bad.toml:10: radius_km: a circle event needs radius_km (a number)
        error: bad.toml:20: capacity: must be the share of capacity left, 0 to 1, not 1.5
        error: bad.toml:25: kind: unknown event kind "tornado"; expected one of site, organization, state, circle, process, link, surge
        error: bad.toml:31: supplier: no link from site-062 to wh-01 for pressure-sensor; site-062 ships it to site-115, site-116, site-063, site-064, site-126 and 1 more, and wh-01 receives it from no site
        error: bad.toml:34: start_week: must be a number of weeks 0 or more, not -1
        error: bad.toml:37: longitude: a circle event needs longitude (a number)
        error: bad.toml:39: latitude: must be -90 to 90, not 95
        error: bad.toml:40: radius_km: must be more than 0, not -5
        error: bad.toml:41: capacity: must be the share of capacity left, 0 to 1, not 2 (a share: 2 % is 0.02)
        error: bad.toml:43: duration_weeks: must be a number of weeks more than 0, not 0
        error: bad.toml:47: supplier: no site "nobody" in the stored network
        error: bad.toml:49: item: no item "unobtainium" in the stored network
        error: bad.toml:53: kind: every event needs a kind, one of site, organization, state, circle, process, link, surge
        error: bad.toml:59: state: no site in state "Texas" in the stored network
        error: bad.toml:65: factor: must be 0 to 1000000, not 1e308
        error: bad.toml:68: recovery_weeks: must be at most 1,000,000 weeks, not 1e308
        error: bad.toml: 18 problems in the scenario
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    std::fs::write(dir.path().join("syntax.toml"), "name = \"x\"\n[[event]]\nkind = site\n")
        .unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "syntax.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output, dir.path()).starts_with("error: syntax.toml:3:"),
        "{}",
        stderr(&output, dir.path())
    );

    std::fs::write(dir.path().join("bad.json"), r#"{"event": [{"kind": "surge", "item": "icu-ventilator", "start_week": 0, "duration_weeks": 1}]}"#).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "bad.json"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: bad.json: $.event[0]: factor: a surge event needs factor (a number)
        error: bad.json: 1 problem in the scenario
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    let output = run(dir.path(), &["stress", "--scenario", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output, dir.path()).contains("missing.toml: file not found"));
}

#[test]
fn monte_carlo_on_the_sample_is_reproducible_and_charted() {
    let dir = sample();
    let args = ["-q", "stress", "--monte-carlo", "60", "--seed", "4", "--horizon", "26", "--json"];
    let first = run(dir.path(), &args);
    assert!(first.status.success(), "{}", stderr(&first, dir.path()));
    let second = run(dir.path(), &args);
    assert_eq!(stdout(&first), stdout(&second), "the same seed gives the same report");
    let report: serde_json::Value = serde_json::from_str(&stdout(&first)).unwrap();
    assert_eq!(report["scenarios"], 60);
    assert_eq!(report["losses"].as_array().unwrap().len(), 60);
    let loss = &report["loss"];
    let p = |key: &str| loss[key].as_f64().unwrap();
    assert!(p("p50") <= p("p95") && p("p95") <= p("p99") && p("p99") <= p("worst"));
    assert_eq!(report["products"].as_array().unwrap().len(), 5);

    let output = run(
        dir.path(),
        &[
            "stress",
            "--monte-carlo",
            "30",
            "--seed",
            "4",
            "--horizon",
            "26",
            "--chart",
            "losses.svg",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    assert!(text.starts_with("30 random scenarios (seed 4), 26 weeks each"), "{text}");
    assert!(text.contains("95th percentile") && text.contains("Regions that carry the tail"));
    // 30 scenarios bound the mean both ways, but not the 99th percentile from above: each of
    // them lies below it with chance 0.99, all 30 with chance 0.74.
    let line = |name: &str| text.lines().find(|l| l.trim_start().starts_with(name)).unwrap();
    assert!(line("99th percentile").ends_with(" to beyond the worst seen"), "{text}");
    assert!(!line("mean").contains("beyond") && line("mean").contains(" to "), "{text}");
    let svg = std::fs::read_to_string(dir.path().join("losses.svg")).unwrap();
    assert!(svg.contains("Value lost per scenario: 30 scenarios, seed 4\n"));
    // Out of time, a run reports on the scenarios it ran from the first, and says so.
    let args = ["stress", "--monte-carlo", "1000000", "--time-limit", "1s", "--json"];
    let output = run(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let ran = report["scenarios"].as_u64().unwrap();
    assert!((1..1_000_000).contains(&ran) && report["asked"] == 1_000_000, "{ran}");
    let args = ["stress", "--monte-carlo", "1000000", "--time-limit", "1s", "--top", "1"];
    let text = stdout(&run(dir.path(), &args));
    assert!(text.contains("\n  note: the time limit ran out after the first "), "{text}");
    assert!(text.contains(" of the 1,000,000 asked for; the report covers those\n"), "{text}");
    let refused = run(dir.path(), &["stress", "--monte-carlo", "9", "--time-limit", "0"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused, dir.path()));
    let one = stdout(&run(dir.path(), &["stress", "--monte-carlo", "1", "--horizon", "1"]));
    assert!(one.starts_with("1 random scenario (seed 1), 1 week each"), "{one}");
    // Past --top rows, each table says how many it leaves out.
    let args = ["stress", "--monte-carlo", "30", "--seed", "4", "--horizon", "26", "--top", "1"];
    let text = stdout(&run(dir.path(), &args));
    assert!(text.contains("\n  ... and 4 more products\n"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &[&args[..], &["--json"]].concat())))
            .unwrap();
    let sites = report["tail_sites"].as_array().unwrap().len();
    assert!(sites > 1, "the tail has {sites} sites");
    assert!(text.contains(&format!("\n  ... and {} more\n", sites - 1)), "{text}");

    // With no hazards nothing is lost: the chart says so, with whole numbers on its axis.
    let calm =
        "site_outages_per_year = 0\nregional_events_per_year = 0\nstate_events_per_year = 0\n";
    std::fs::write(dir.path().join("calm.toml"), calm).unwrap();
    let args =
        ["-q", "stress", "--monte-carlo", "5", "--hazards", "calm.toml", "--chart", "calm.svg"];
    let output = run(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let svg = std::fs::read_to_string(dir.path().join("calm.svg")).unwrap();
    assert!(svg.contains("Value lost per scenario: 5 scenarios, seed 1 (none lost anything)\n"));
    let labels: Vec<&str> =
        svg.split("</text>").filter_map(|t| t.rsplit('>').next()).map(str::trim).collect();
    assert!(labels.contains(&"10") && !labels.iter().any(|l| l.contains('.')), "{labels:?}");

    // A chart that cannot be written is named before the scenarios run, not after.
    let output = run(dir.path(), &["-v", "stress", "--monte-carlo", "30", "--chart", "losses.jpg"]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output, dir.path());
    assert!(said.ends_with("error: losses.jpg: a chart file must end in .svg or .png\n"), "{said}");
    assert!(!said.contains("monte carlo") && !said.contains("read the cached graph"), "{said}");
    let output = run(dir.path(), &["-q", "stress", "--monte-carlo", "5", "--chart", "deep/l.png"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    assert!(dir.path().join("deep/l.png").is_file(), "the chart's directory is created");
}

#[test]
fn bad_hazards_and_options_are_named() {
    let dir = sample();
    std::fs::write(
        dir.path().join("hazards.toml"),
        "site_outages_per_year = -1\npartial_share = 30\nregional_radius_km = [300, 100]\nregional_recovery_weeks = 1e300\nstate_weeks = 0\n",
    )
    .unwrap();
    let output = run(dir.path(), &["stress", "--monte-carlo", "5", "--hazards", "hazards.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: hazards.toml:1: site_outages_per_year: must be 0 to 12, not -1
        error: hazards.toml:2: partial_share: must be 0 to 1, not 30 (a share: 30 % is 0.3)
        error: hazards.toml:3: regional_radius_km: must be [smallest, largest] with 0 < smallest <= largest, not [300, 100]
        error: hazards.toml:4: regional_recovery_weeks: must be 0 to 1,000,000, not 1e300
        error: hazards.toml:5: state_weeks: must be more than 0 and at most 1,000,000, not 0
        error: hazards.toml: 5 problems in the hazards
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    // Every field of the wrong kind or unknown is named on its line, not only the first, and
    // the values of the other fields are checked in the same run.
    std::fs::write(
        dir.path().join("typo.toml"),
        "# typed in a hurry\nsite_outage_per_year = 0.1\nttr_sigma = \"wide\"\nregional_radius_km = [50]\npartial_share = 30\n",
    )
    .unwrap();
    let output = run(dir.path(), &["stress", "--monte-carlo", "5", "--hazards", "typo.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: typo.toml:2: site_outage_per_year: unknown field "site_outage_per_year" (did you mean "site_outages_per_year"?); expected one of site_outages_per_year, ttr_sigma, partial_share, regional_events_per_year, regional_radius_km, regional_weeks, regional_recovery_weeks, state_events_per_year, state_weeks
        error: typo.toml:3: ttr_sigma: expected a number, got "wide"
        error: typo.toml:4: regional_radius_km: expected a list of 2, got a list of 1
        error: typo.toml:5: partial_share: must be 0 to 1, not 30 (a share: 30 % is 0.3)
        error: typo.toml: 4 problems in the hazards
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    let output = run(dir.path(), &["stress", "--monte-carlo", "0"]);
    assert_eq!(output.status.code(), Some(2));
    // A threshold written as a percentage is refused with the share it likely means.
    let output = run(dir.path(), &["stress", "--monte-carlo", "5", "--threshold", "95"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: the fill-rate threshold must be 0 to 1, not 95 (a share: 95 % is 0.95)
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    let output = run(dir.path(), &["stress"]);
    assert_eq!(output.status.code(), Some(2), "a scenario or --monte-carlo is required");
    assert!(
        stderr(&output, dir.path()).contains("<--scenario <SCENARIO>|--monte-carlo <N>>"),
        "both ways to run are named: {}",
        stderr(&output, dir.path())
    );
    let output = run(dir.path(), &["stress", "--scenario", "s.toml", "--monte-carlo", "5"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output, dir.path()).contains("cannot be used with"));
    let scenario = "data/examples/scenarios/gulf-hurricane.toml";
    // Monte Carlo's options with a scenario are refused, not ignored (clap took `requires` as
    // met by --scenario, the other argument of their group).
    for (option, value) in
        [("--seed", "3"), ("--hazards", "h.toml"), ("--time-limit", "5m"), ("--threshold", "0.9")]
    {
        let output = run(dir.path(), &["stress", "--scenario", scenario, option, value]);
        assert_eq!(output.status.code(), Some(2), "{option}");
        let said = stderr(&output, dir.path());
        let conflict = format!("'--scenario <SCENARIO>' cannot be used with '{option} <");
        assert!(said.contains(&conflict), "{said}");
    }
    let priority = ["stress", "--scenario", scenario, "--priority", "icu-ventilator,mab-vail"];
    let output = run(dir.path(), &priority);
    assert_eq!(output.status.code(), Some(1));
    expect![[r#"
        error: priority: no item "mab-vail" in the stored network (did you mean "mab-vial"?)
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    // An item with no demand is no product to rank.
    let priority = ["stress", "--scenario", scenario, "--priority", "icu-ventilator,li-cell"];
    let output = run(dir.path(), &priority);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: priority: li-cell has no demand, so it is no product to serve first; the products are battery-pack-48v, icu-ventilator, mab-vial, sic-inverter, small-uas
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    // Every name at fault is said at once.
    let priority = ["stress", "--scenario", scenario, "--priority", "li-cell,small-uas,,small-uas"];
    let output = run(dir.path(), &priority);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: priority: li-cell has no demand, so it is no product to serve first; an empty name (a comma too many?); small-uas is named twice; the products are battery-pack-48v, icu-ventilator, mab-vial, sic-inverter, small-uas
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    let priority = ["stress", "--scenario", scenario, "--priority", "mab-vail,li-cell,uas"];
    let output = run(dir.path(), &priority);
    assert_eq!(output.status.code(), Some(1), "an unknown item is not found");
    expect![[r#"
        error: priority: no item "mab-vail" in the stored network (did you mean "mab-vial"?); li-cell has no demand, so it is no product to serve first; no item "uas" in the stored network (did you mean "small-uas"?); the products are battery-pack-48v, icu-ventilator, mab-vial, sic-inverter, small-uas
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
}

/// A product that no site can make (nor one of its components) falls short in every scenario,
/// with no cause the scenario made: the report says why, and says nothing of a product that can
/// be made.
#[test]
fn a_product_that_cannot_be_made_is_noted() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        &dir.path().join("net"),
        "
        --- organizations.csv
        id,name,kind
        o1,Org,company
        --- sites.csv
        id,organization,name,kind,ttr_weeks
        s1,o1,Plant,factory,2
        w1,o1,Depot,warehouse,1
        --- items.csv
        id,name,kind,unit,unit_value
        pump,Pump,product,each,10
        shaft,Shaft,part,each,2
        valve,Valve,product,each,5
        --- bom.csv
        parent,component,quantity
        pump,shaft,1
        --- sources.csv
        site,item,max_units_per_week,lead_time_weeks,unit_cost
        s1,pump,10,1,3
        s1,valve,10,1,2
        --- inventory.csv
        site,item,units
        --- demand.csv
        site,item,units_per_week
        w1,pump,5
        s1,valve,1
        ",
    );
    assert!(run(dir.path(), &["-q", "import", "net"]).status.success());
    // Every sole-sourced item is named when there are few.
    let summary = stdout(&run(dir.path(), &["summary"]));
    assert!(summary.contains("\n  sole-sourced       2 of 3: pump, valve\n"), "{summary}");
    let scenario =
        "[[event]]\nkind = \"site\"\nsite = \"s1\"\nstart_week = 1\nduration_weeks = 2\n";
    std::fs::write(dir.path().join("down.toml"), scenario).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "down.toml", "--horizon", "6"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    assert!(text.contains("\n  valve "), "valve falls short with its maker down: {text}");
    let notes: Vec<&str> =
        text.lines().map(str::trim).filter(|l| l.starts_with("warning:")).collect();
    expect!["warning: pump: cannot be made at all, since no site is qualified to make shaft; it falls short whatever the scenario does"].assert_eq(&notes.join("\n"));
    let pump = text.lines().find(|l| l.starts_with("  pump ")).unwrap_or_default();
    assert!(pump.ends_with("  none: it cannot be made (see above)"), "{text}");
    let args = ["stress", "--scenario", "down.toml", "--horizon", "6", "--json"];
    let report: serde_json::Value = serde_json::from_str(&stdout(&run(dir.path(), &args))).unwrap();
    assert_eq!(report["unmakeable"], serde_json::json!(["pump"]), "{report}");

    // Monte Carlo says the same of it, in the text and in JSON.
    let output = run(dir.path(), &["stress", "--monte-carlo", "5", "--horizon", "6"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let said = "  cannot be made at all (an item has no qualified source), so short in every scenario: pump\n";
    assert!(text.contains(said), "{text}");
    let args = ["stress", "--monte-carlo", "5", "--horizon", "6", "--json"];
    let report: serde_json::Value = serde_json::from_str(&stdout(&run(dir.path(), &args))).unwrap();
    assert_eq!(report["unmakeable"], serde_json::json!(["pump"]), "{report}");

    // The pump's 5 a week at 10 are lost with no disruption: 300 over 6 weeks, in every
    // scenario alike, so the losses are what the disruptions add, at most the valve's 1 a week
    // at 5 over 6 weeks.
    assert!(text.contains("per scenario (beyond the 300 the network leaves unserved in 6 weeks with no disruption):\n"), "{text}");
    assert_eq!(report["undisrupted_loss"], 300.0, "{report}");
    let losses: Vec<f64> =
        report["losses"].as_array().unwrap().iter().map(|l| l.as_f64().unwrap()).collect();
    assert!(losses.iter().all(|l| (0.0..=30.0).contains(l)), "{losses:?}");
    std::fs::write(dir.path().join("often.toml"), "site_outages_per_year = 5\n").unwrap();
    let args = ["stress", "--monte-carlo", "50", "--horizon", "6", "--hazards", "often.toml"];
    let many: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &[&args[..], &["--json"]].concat())))
            .unwrap();
    let worst = many["loss"]["worst"].as_f64().unwrap();
    assert!(worst > 0.0 && worst <= 30.0, "valves lost to outages of s1: {worst}");
}

/// A chart draws at most eight products short; its legend counts the others, so that no one
/// reads the chart as the whole shortfall.
#[test]
fn a_chart_counts_the_products_it_does_not_draw() {
    let dir = generated("1200");
    let scenario =
        "[[event]]\nkind = \"state\"\nstate = \"CA\"\nstart_week = 1\nduration_weeks = 4\n";
    std::fs::write(dir.path().join("ca.toml"), scenario).unwrap();
    let args = ["stress", "--scenario", "ca.toml", "--chart", "ca.svg", "--json"];
    let output = run(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let products = report["products"].as_array().unwrap();
    let short = products.iter().filter(|p| !p["first_short"].is_null()).count();
    assert!(short > 8, "{short} products short");
    let svg = std::fs::read_to_string(dir.path().join("ca.svg")).unwrap();
    let undrawn = format!("{} other products short, not drawn", short - 8);
    assert!(svg.contains(&undrawn), "{undrawn}");
}

/// A Willems chain has no places: the default regional events cannot be drawn on it, and the
/// Monte Carlo report says so instead of leaving them out unseen.
#[test]
fn monte_carlo_names_the_hazards_a_network_cannot_draw() {
    let dir = tempfile::tempdir().unwrap();
    let chain = repo("../shared/data/willems_2008/01.csv");
    assert!(run(dir.path(), &["-q", "import", &chain]).status.success());
    let output = run(dir.path(), &["stress", "--monte-carlo", "5"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let note = text.lines().nth(1).unwrap_or_default();
    expect![[r#"  note: regional_events_per_year is above 0, but regional events are centred on sites with coordinates, and no site has any: none was drawn"#]]
        .assert_eq(note);
    let output = run(dir.path(), &["stress", "--monte-carlo", "5", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["undrawn"], serde_json::json!(["regional_events_per_year"]));
}

/// A circle on a network without coordinates strikes nothing, and the warning says why.
#[test]
fn a_circle_on_a_network_without_places_says_why_it_strikes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let chain = repo("../shared/data/willems_2008/01.csv");
    assert!(run(dir.path(), &["-q", "import", &chain]).status.success());
    let storm =
        "[[event]]\nkind = \"circle\"\nlatitude = 29.8\nlongitude = -95.4\nradius_km = 200\n";
    std::fs::write(dir.path().join("storm.toml"), storm).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "storm.toml"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let warning =
        stdout(&output).lines().find(|l| l.contains("warning")).unwrap_or_default().to_owned();
    expect!["  warning: storm.toml:5: radius_km: no site lies within 200 km of (29.8, -95.4) (no site of the network has coordinates); it changes nothing"].assert_eq(&warning);
}
