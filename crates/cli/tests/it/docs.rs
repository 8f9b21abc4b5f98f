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
