//! `arsenal demo` loads the sample once, then reuses it, and refuses to overwrite other data.

use super::{run, stderr, stdout, write_fixture};

#[test]
fn demo_loads_then_reuses_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first, dir.path()));
    let text = stdout(&first);
    assert!(text.starts_with("Loaded the bundled sample network into data."), "{text}");
    assert!(text.contains("Try next:"), "{text}");
    let second = run(dir.path(), &["demo"]);
    assert!(stdout(&second).starts_with("The sample network is already in data."));
    let summary: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["summary", "--json"]))).unwrap();
    let demo: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["demo", "--json"]))).unwrap();
    assert_eq!(demo["summary"], summary);
    assert_eq!(summary["counts"]["sites"], 300);
    let institutes = summary["sites_by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "institute")
        .unwrap();
    assert_eq!(institutes["count"], 17);

    write_fixture(
        &dir.path().join("other"),
        "
        --- organizations.csv
        id,name,kind
        o,O,company
        --- sites.csv
        id,organization,name,kind,ttr_weeks
        s,o,S,lab,1
        --- items.csv
        id,name,kind,unit,unit_value
        i,I,material,kg,1
    ",
    );
    assert!(run(dir.path(), &["-q", "import", "other"]).status.success());
    let refused = run(dir.path(), &["demo"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused, dir.path()).contains("holds another network"));
}
