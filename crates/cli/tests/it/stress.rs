//! `arsenal stress` on the sample network: the bundled scenarios, the examples of
//! docs/scenarios.md, charts, and scenario files with mistakes.

use std::path::{Path, PathBuf};

use expect_test::expect;

use super::{run, stderr, stdout};

fn sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    dir
}

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).display().to_string()
}

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
        let products = report["products"].as_array().unwrap();
        assert_eq!(products.len(), 5);
        for product in products {
            assert_eq!(product["fill_rate"], 1.0, "{period}: {product}");
            assert_eq!(product["first_short"], serde_json::Value::Null);
        }
    }
}

/// The TOML and JSON blocks of docs/scenarios.md, each run as a scenario on the sample.
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
            let output = run(
                dir.path(),
                &["-q", "stress", "--scenario", file.to_str().unwrap(), "--horizon", "12"],
            );
            assert!(
                output.status.success(),
                "example {extension} {i}: {}",
                stderr(&output, dir.path())
            );
            blocks += 1;
        }
    }
    assert_eq!(blocks, 3);
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
"#,
    )
    .unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "bad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    expect![[r#"
        error: bad.toml: horizon_weeks: must be at least 1, not 0
        error: bad.toml:4: site: no site "site-999" in the stored network
        error: bad.toml:10: radius_km: a circle event needs radius_km (a number)
        error: bad.toml:17: capacity: must be the share of capacity left, 0 to 1, not 1.5
        error: bad.toml:24: kind: unknown event kind "tornado"; expected one of site, organization, state, circle, process, link, surge
        error: bad.toml:29: start_week: must be a number of weeks 0 or more, not -1
        error: bad.toml: 6 problems in the scenario
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
