//! Integration tests of the use cases: formats round-trip exactly, the real Willems chains
//! import, and the committed JSON Schema matches the code.

mod exposure;
mod round_trip;
mod willems;

use std::path::PathBuf;

/// The repository root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_json_schema_is_current() {
    let schema = serde_json::to_string_pretty(&app::interchange::json_schema()).unwrap() + "\n";
    expect_test::expect_file!["../../../../docs/network.schema.json"].assert_eq(&schema);
}
