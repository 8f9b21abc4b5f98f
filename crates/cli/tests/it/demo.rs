//! `arsenal demo` loads the sample once, then reuses it, writes the example files its next
//! commands use, and refuses to overwrite other data; before any import, reading commands say
//! so and make nothing.

use std::process::Command;

use super::{arsenal, run, stderr, stdout, write_fixture};

#[test]
fn demo_loads_then_reuses_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first, dir.path()));
    let text = stdout(&first);
    assert!(text.starts_with("Loaded the bundled sample network into data."), "{text}");
    assert!(text.contains("Try next (the example files are in data/examples"), "{text}");
    assert!(text.contains("(arsenal here is /"), "run by its path, it says so: {text}");
    assert!(text.contains("Mobilization: Pandemic ventilator mobilization"), "{text}");
    assert!(
        text.contains("units of icu-ventilator at site-133 (MI): +17,317 per unit a week"),
        "the demo prints the plan's bottlenecks: {text}"
    );
    let repo = super::root().join("data");
    for example in [
        "scenarios/chip-supplier-fire.toml",
        "scenarios/gulf-hurricane.toml",
        "scenarios/ventilator-surge.json",
        "hazards/default.toml",
        "demand/ventilator-pandemic.toml",
        "events/ventilator-assembler-down.toml",
    ] {
        let written = std::fs::read_to_string(dir.path().join("data/examples").join(example));
        let bundled = std::fs::read_to_string(repo.join(example)).unwrap();
        assert_eq!(written.ok().as_ref(), Some(&bundled), "{example}");
    }
    // The hurricane it suggests, run as printed: on the demo's store, with the example it wrote.
    let suggested = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("arsenal ").filter(|l| l.contains("hurricane")))
        .and_then(|line| line.split("  #").next())
        .unwrap_or_else(|| panic!("the demo suggests the hurricane: {text}"));
    assert_eq!(
        suggested,
        "--data data stress --scenario data/examples/scenarios/gulf-hurricane.toml"
    );
    let hurricane = Command::new(arsenal())
        .current_dir(dir.path())
        .env_remove("ARSENAL_DATA")
        .args(suggested.split_whitespace())
        .output()
        .unwrap();
    assert!(hurricane.status.success(), "{}", stderr(&hurricane, dir.path()));
    assert!(stdout(&hurricane).contains("Gulf"), "{}", stdout(&hurricane));
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
    let text = stdout(&run(dir.path(), &["summary"]));
    let shown: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("by kind") || l.contains("by state"))
        .chain(text.lines().skip_while(|l| !l.starts_with("Capacity")).take(4))
        .collect();
    expect_test::expect![[r#"
          by kind            factory 236; biomanufacturing 27; institute 17; additive 10; warehouse 10
          by state           OH 40; NY 25; TX 18; CA 17; NC 14; PA 14; IN 13; MI 13; MA 12; TN 12; +29 more
          by kind            part 38; material 20; product 5
        Capacity by process (hours per week)
          final-assembly                   14,586.7  at 9 sites
          battery-module-assembly           9,348.1  at 4 sites
          composite-layup                   4,080.1  at 24 sites"#]]
    .assert_eq(&shown.join("\n"));

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

#[test]
fn outputs_never_clobber_other_files() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("notes/todo.txt"), "keep me").unwrap();
    let refused = run(dir.path(), &["export", "--out", "notes", "--force"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused, dir.path()).contains("already holds \"todo.txt\""),
        "{}",
        stderr(&refused, dir.path())
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("notes/todo.txt")).unwrap(), "keep me");

    assert!(run(dir.path(), &["-q", "export", "--out", "copy"]).status.success());
    std::fs::write(dir.path().join("copy/items.csv"), "edited").unwrap();
    let refused = run(dir.path(), &["export", "--out", "copy"]);
    assert_eq!(refused.status.code(), Some(1));
    expect_test::expect![[r#"
        error: copy already exists; choose a new path, or replace the export there with --force (edits made to its files are lost)
    "#]]
    .assert_eq(&stderr(&refused, dir.path()));
    assert_eq!(std::fs::read_to_string(dir.path().join("copy/items.csv")).unwrap(), "edited");
    assert!(
        run(dir.path(), &["-q", "export", "--out", "copy", "--force"]).status.success(),
        "an earlier export is replaced when asked"
    );
    assert!(std::fs::read_to_string(dir.path().join("copy/items.csv")).unwrap().starts_with("id,"));
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert!(run(dir.path(), &["-q", "export", "--out", "empty"]).status.success());
    let too_small = run(dir.path(), &["generate", "--sites", "5", "--out", "tiny"]);
    assert_eq!(too_small.status.code(), Some(2));
    assert_eq!(
        stderr(&too_small, dir.path()),
        "error: --sites must be at least 50, not 5 (the smallest network the generator makes)\n"
    );
    assert!(!dir.path().join("tiny").exists());
    // One that would not fit in memory is refused before anything is made.
    let too_large = run(dir.path(), &["generate", "--sites", "99999999999", "--out", "huge"]);
    assert_eq!(too_large.status.code(), Some(2));
    expect_test::expect![[r#"
        error: --sites must be at most 1,000,000, not 99,999,999,999 (the largest network the generator makes, more than three times the U.S. manufacturing base)
    "#]]
    .assert_eq(&stderr(&too_large, dir.path()));
    assert!(!dir.path().join("huge").exists());
    let regenerated = run(dir.path(), &["-q", "generate", "--sites", "50", "--out", "copy"]);
    assert_eq!(regenerated.status.code(), Some(1));
    expect_test::expect![[r#"
        error: copy already exists; choose a new path, or replace the generated network there with --force (edits made to its files are lost)
    "#]]
    .assert_eq(&stderr(&regenerated, dir.path()));
    assert!(std::fs::read_to_string(dir.path().join("copy/items.csv")).unwrap().starts_with("id,"));
    let generated =
        run(dir.path(), &["-q", "generate", "--sites", "50", "--out", "copy", "--force"]);
    assert!(generated.status.success(), "an earlier network is replaced when asked");
}

/// `export --out -` writes the JSON document to standard output, which imports back, from a
/// file or from standard input (`import -`); a CSV export, a directory, cannot go there.
#[test]
fn export_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    let exported = run(dir.path(), &["export", "--out", "-"]);
    assert!(exported.status.success(), "{}", stderr(&exported, dir.path()));
    assert!(stderr(&exported, dir.path()).contains("records to standard output"));
    let document: serde_json::Value = serde_json::from_str(&stdout(&exported)).unwrap();
    assert_eq!(document["format"], "arsenal-network");
    std::fs::write(dir.path().join("piped.txt"), stdout(&exported)).unwrap();
    assert!(run(dir.path(), &["-q", "import", "piped.txt"]).status.success());
    // The binary with its store in `data`, standard input read from the file `input`.
    let from_stdin = |data: &str, input: &str, args: &[&str]| {
        std::process::Command::new(crate::arsenal())
            .current_dir(dir.path())
            .env_remove("ARSENAL_DATA")
            .args(["--data", data])
            .args(args)
            .stdin(std::fs::File::open(dir.path().join(input)).unwrap())
            .output()
            .unwrap()
    };
    let piped = from_stdin("piped", "piped.txt", &["import", "-"]);
    assert!(piped.status.success(), "{}", stderr(&piped, dir.path()));
    assert_eq!(stdout(&piped), "imported 1,640 records from standard input into piped\n");
    assert!(dir.path().join("piped/graph.cache").exists(), "as an import of a file");
    let copy = from_stdin("piped", "piped.txt", &["export", "--out", "-"]);
    assert!(stdout(&copy) == stdout(&exported), "the same network");
    // A document cut short is refused with where it ends, and nothing is written.
    let text = stdout(&exported);
    std::fs::write(dir.path().join("cut.txt"), &text[..text.len() / 2]).unwrap();
    let cut = from_stdin("cut", "cut.txt", &["import", "-"]);
    assert_eq!(cut.status.code(), Some(2));
    let said = stderr(&cut, dir.path());
    assert!(said.starts_with("error: standard input:") && said.contains("cut short"), "{said}");
    assert!(!dir.path().join("cut").exists());
    let csv = from_stdin("csv", "piped.txt", &["import", "-", "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(2));
    assert!(stderr(&csv, dir.path()).contains("imported from their path"));
    let refused = run(dir.path(), &["export", "--out", "-", "--format", "csv"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused, dir.path()).contains("name one with --out DIR"));
    assert!(!dir.path().join("-").exists(), "no file named -");
}

/// An export's format follows its path unless `--format` says otherwise, and a path it cannot
/// write is refused before the network is loaded, named without a temporary file's name.
#[test]
fn export_formats_follow_the_path() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &["-q", "demo"]).status.success());
    for (out, format, json) in [
        ("copy.json", None, true),
        ("COPY.JSON", None, true),
        ("copy", None, false),
        ("copy.csv", None, false),
        ("tables.json", Some("csv"), false),
        ("document", Some("json"), true),
    ] {
        let mut args = vec!["export", "--out", out];
        args.extend(format.iter().flat_map(|f| ["--format", f]));
        let exported = run(dir.path(), &args);
        assert!(exported.status.success(), "{out}: {}", stderr(&exported, dir.path()));
        let directory = if json { "" } else { " (a directory: one CSV file per table)" };
        assert_eq!(stdout(&exported), format!("exported 1,640 records to {out}{directory}\n"));
        let path = dir.path().join(out);
        assert_eq!(path.is_file(), json, "{out} {format:?}");
        assert_eq!(path.join("sites.csv").is_file(), !json, "{out} {format:?}");
        let imported = run(dir.path(), &["-q", "import", out]);
        assert!(imported.status.success(), "{out}: {}", stderr(&imported, dir.path()));
    }
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    for out in ["a-file/copy", "a-file/copy.json"] {
        let refused = run(dir.path(), &["-v", "export", "--out", out]);
        assert_eq!(refused.status.code(), Some(2), "{out}");
        let text = stderr(&refused, dir.path());
        assert!(
            text.contains(&format!("cannot write {out}: cannot create the directory a-file")),
            "{text}"
        );
        assert!(!text.contains(".arsenal-"), "{text}");
        assert!(
            !text.contains("loaded network"),
            "{out} is checked before the network is loaded: {text}"
        );
    }
}

#[test]
fn reading_before_any_import_says_so_and_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["risks"][..], &["summary"], &["stress", "--monte-carlo", "3"]] {
        let output = run(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(
            stderr(&output, dir.path()),
            "error: no network is stored in data: there is no such directory in $DIR; run `arsenal import PATH` or `arsenal demo`, or give --data the directory a network was imported into\n",
            "{args:?}"
        );
        assert!(!dir.path().join("data").exists(), "{args:?} made the data directory");
    }
    // A store that holds keys and organizations but no network yet.
    let office = run(dir.path(), &["-q", "org", "add", "office", "--name", "Office"]);
    assert!(office.status.success(), "{}", stderr(&office, dir.path()));
    let output = run(dir.path(), &["risks"]);
    assert_eq!(
        stderr(&output, dir.path()),
        "error: the store in data holds no network yet; run `arsenal import PATH` or `arsenal demo`\n"
    );
}
