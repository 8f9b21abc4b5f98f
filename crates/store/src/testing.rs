//! For tests of this crate and of the crates above it (feature `testing`): a PostgreSQL schema
//! of a test's own on the server `ARSENAL_TEST_POSTGRES_URL` names.

use std::io::Write;

/// The variable that names the PostgreSQL server tests may use.
pub const POSTGRES_URL: &str = "ARSENAL_TEST_POSTGRES_URL";

/// A URL to an empty schema named after `test` on the test server, or `None` (with the reason
/// printed) when no server is configured.
///
/// # Panics
/// When the configured server cannot be reached: a test that was asked to run must not pass by
/// skipping.
pub fn postgres_schema(test: &str) -> Option<String> {
    #[allow(clippy::disallowed_methods)]
    let Ok(base) = std::env::var(POSTGRES_URL) else {
        // Straight to the terminal: the test harness captures `eprintln!`.
        let _ =
            writeln!(std::io::stderr(), "{test}: skipped on PostgreSQL: {POSTGRES_URL} is not set");
        return None;
    };
    let schema = format!("arsenal_test_{test}");
    let mut admin = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("{POSTGRES_URL}={base}: {e}"));
    admin
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
        .unwrap_or_else(|e| panic!("cannot make schema {schema}: {e}"));
    let join = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{join}options=-c%20search_path%3D{schema}"))
}
