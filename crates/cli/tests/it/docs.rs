//! The examples of docs/data-format.md are a valid network: they import without a finding, and
//! each example's header is exactly the table's columns.

use super::{run, stderr};

#[test]
fn data_format_examples_import_cleanly() {
    let doc_path = super::root().join("docs/data-format.md");
    let doc = std::fs::read_to_string(doc_path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("example");
    std::fs::create_dir(&net).unwrap();
    let mut blocks = doc.split("```csv file=").skip(1);
    let mut written = Vec::new();
    for block in blocks.by_ref() {
        let (name, rest) = block.split_once('\n').unwrap();
        let text = rest.split("```").next().unwrap();
        let table = model::Table::ALL.iter().find(|t| format!("{t}.csv") == name).unwrap();
        let columns: Vec<&str> = app::interchange::columns(*table).iter().map(|c| c.name).collect();
        assert_eq!(text.lines().next().unwrap(), columns.join(","), "header of {name}");
        std::fs::write(net.join(name), text).unwrap();
        written.push(name.to_owned());
    }
    assert_eq!(written.len(), model::Table::ALL.len(), "one example per table");
    let output = run(dir.path(), &["import", "example"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    assert_eq!(stderr(&output, dir.path()), "", "the examples raise no warning");
}

/// The hazards docs/scenarios.md gives are the defaults a Monte Carlo run draws from, every field
/// written out, and the bundled data/hazards/default.toml (which the demo writes for users to
/// copy) holds exactly those lines.
#[test]
fn documented_hazards_are_the_defaults_every_one_written_out() {
    let root = super::root();
    let doc = std::fs::read_to_string(root.join("docs/scenarios.md")).unwrap();
    let block = doc
        .split_once("### Hazard models")
        .and_then(|(_, rest)| rest.split_once("```toml\n"))
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("docs/scenarios.md gives the hazards as a TOML block");
    let bundled = std::fs::read_to_string(root.join("data/hazards/default.toml")).unwrap();
    let settings: String = bundled
        .lines()
        .skip_while(|line| line.starts_with('#') || line.is_empty())
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(settings, block, "data/hazards/default.toml against docs/scenarios.md");

    let path = root.join("data/hazards/default.toml");
    let parsed = app::scenario::load_hazards(&path).unwrap();
    assert_eq!(parsed, app::Hazards::default());
    // The fields, as the hazards' debug form names them, are the keys the block writes.
    let shown = format!("{:?}", app::Hazards::default());
    let mut fields: Vec<&str> =
        shown.split([' ', '{', ',']).filter_map(|word| word.strip_suffix(':')).collect();
    let mut keys: Vec<&str> =
        block.lines().filter_map(|line| line.split_once(" = ")).map(|(key, _)| key).collect();
    fields.sort_unstable();
    keys.sort_unstable();
    assert_eq!(keys, fields, "{shown}");
}
