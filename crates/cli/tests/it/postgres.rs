//! The commands on a PostgreSQL store (`--database`), when `ARSENAL_TEST_POSTGRES_URL` names a
//! server (otherwise skipped, with the reason printed): the same answers as the embedded store.

use store::testing::postgres_schema;

use crate::{run, sample, stdout};

#[test]
fn commands_on_postgres_answer_as_on_the_embedded_store() {
    let Some(url) = postgres_schema("cli_commands") else { return };
    let dir = tempfile::tempdir().unwrap();
    let with_db = |args: &[&str]| {
        let mut all = vec!["--database", url.as_str()];
        all.extend_from_slice(args);
        run(dir.path(), &all)
    };
    let imported = with_db(&["import", &crate::repo("data/sample")]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    // Messages name the database without its password (the test server trusts any).
    let secret = url.replacen("://postgres@", "://postgres:secret@", 1);
    let again = run(dir.path(), &["--database", &secret, "import", &crate::repo("data/sample")]);
    let said = stdout(&again);
    assert!(said.contains("postgres:***@") && !said.contains("secret"), "{said}");

    let embedded = sample();
    for args in [&["summary", "--json"][..], &["risks", "--json", "--top", "5"][..]] {
        let ours = with_db(args);
        assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
        assert_eq!(stdout(&ours), stdout(&run(embedded.path(), args)), "{args:?}");
    }
    // The demo finds the sample there, and its next commands say where they read.
    let demo = with_db(&["demo"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let said = stdout(&demo);
    assert!(said.contains("while ARSENAL_DATABASE_URL names it, or with --database URL"), "{said}");
    // The data directory is not where the network went.
    assert!(!dir.path().join("data").join("arsenal.db").exists());
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output =
        run(dir.path(), &["--database", "postgres://nobody:secret@127.0.0.1:1/none", "summary"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: store: cannot connect to PostgreSQL at 127.0.0.1:1: error connecting to server: \
         Connection refused (os error 111); is a PostgreSQL server running at 127.0.0.1:1?\n"
    );
}

/// A server that answers, but has no such database or no such user, says what to do.
#[test]
fn a_missing_database_or_user_is_named_with_what_to_do() {
    let Some(url) = postgres_schema("cli_missing_database") else { return };
    let (server, _) = url.split('?').next().unwrap().rsplit_once('/').unwrap();
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("{server}/arsenal_no_such_database");
    let output = run(dir.path(), &["--database", &missing, "summary"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with(
            ": FATAL: database \"arsenal_no_such_database\" does not exist; create it first \
             (`createdb arsenal_no_such_database`, or CREATE DATABASE arsenal_no_such_database); \
             Arsenal makes its tables in it\n"
        ),
        "{stderr}"
    );
    let (scheme, rest) = server.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let stranger = format!("{scheme}://arsenal_no_such_user@{host}/postgres");
    let output = run(dir.path(), &["--database", &stranger, "summary"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.ends_with("; check the user and password the URL gives\n"), "{stderr}");
}
