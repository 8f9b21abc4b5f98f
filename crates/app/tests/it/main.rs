//! Integration tests of the use cases: formats round-trip exactly, the real Willems chains
//! import, organizations write their own records, and the committed JSON Schema matches the code.

mod exposure;
mod mangled;
mod records;
mod round_trip;
mod willems;

use std::path::PathBuf;

/// The repository root, found from `CARGO_MANIFEST_DIR` as cargo sets it when it runs the
/// tests, not as it was when they were compiled: a build shared between two checkouts (one
/// `CARGO_TARGET_DIR`) is reused by the second without compiling again, and would otherwise
/// read the first checkout's files.
fn root() -> PathBuf {
    #[allow(clippy::disallowed_methods)]
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.join("../..")
}

#[test]
fn committed_json_schema_is_current() {
    let schema = serde_json::to_string_pretty(&app::interchange::json_schema()).unwrap() + "\n";
    expect_test::expect_file!["../../../../docs/network.schema.json"].assert_eq(&schema);
}

/// Messages name a database without its password.
#[test]
fn the_store_is_named_without_a_password() {
    let named = |database: Option<&str>| {
        let data_dir = PathBuf::from("arsenal-data");
        app::Config::new(data_dir, database.map(str::to_owned)).store_name()
    };
    let cases = [
        named(None),
        named(Some("postgres://arsenal@db:5432/twin")),
        named(Some("postgres://arsenal:s3cr:et@db:5432/twin?sslmode=disable")),
        named(Some("postgresql://arsenal:pw@db/twin")),
    ];
    expect_test::expect![[r#"
        [
            "arsenal-data",
            "postgres://arsenal@db:5432/twin",
            "postgres://arsenal:***@db:5432/twin?sslmode=disable",
            "postgresql://arsenal:***@db/twin",
        ]
    "#]]
    .assert_debug_eq(&cases);
}
