//! One fixture per class of bad input: each import fails with exit code 2, names file, line (or
//! JSON path), field and reason, reports every error at once, and leaves the store unchanged.

use std::path::Path;

use expect_test::{Expect, expect};

use super::{run, stderr, stdout, write_fixture};

/// A small valid network; cases replace one of its files.
const VALID: &str = "
    --- organizations.csv
    id,name,kind,sponsor,focus
    acme,Acme Machining,company,,
    --- sites.csv
    id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
    s1,acme,Acme Dayton,factory,39.76,-84.19,Dayton,OH,US,332710,40,ISO 9001,4
    s2,acme,Acme Toledo,factory,41.65,-83.54,Toledo,OH,US,332710,25,,6
    --- items.csv
    id,name,kind,unit,unit_value
    pump,Pump,product,each,900
    shaft,Shaft,part,each,40
    --- bom.csv
    parent,component,quantity
    pump,shaft,2
    --- sources.csv
    site,item,max_units_per_week,lead_time_weeks,unit_cost
    s1,pump,100,2,700
    s2,shaft,300,1,30
    --- links.csv
    supplier,customer,item,units_per_week,lead_time_weeks
    s2,s1,shaft,160,1
";

/// Imports the valid network, then `case` on top of it, and checks the second import's exit
/// code and messages, and that the store still holds the valid network.
fn check(case: &str, expect: &Expect) {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(&dir.path().join("good"), VALID);
    write_fixture(&dir.path().join("bad"), VALID);
    write_fixture(&dir.path().join("bad"), case);
    check_import(dir.path(), "bad", 2, expect);
}

fn check_import(dir: &Path, what: &str, code: i32, expect: &Expect) {
    assert!(run(dir, &["-q", "import", "good"]).status.success());
    let before = stdout(&run(dir, &["summary", "--json"]));
    let output = run(dir, &["-q", "import", what]);
    assert_eq!(output.status.code(), Some(code), "{}", stderr(&output, dir));
    expect.assert_eq(&stderr(&output, dir));
    if code != 0 {
        assert_eq!(
            stdout(&run(dir, &["summary", "--json"])),
            before,
            "a failed import changed the store"
        );
    }
}

#[test]
fn unknown_duplicate_and_dangling_ids() {
    check(
        "
        --- sites.csv
        id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
        s1,acme,Acme Dayton,factory,39.76,-84.19,Dayton,OH,US,332710,40,ISO 9001,4
        s2,nobody,Acme Toledo,factory,41.65,-83.54,Toledo,OH,US,332710,25,,6
        s1,acme,Again,factory,41.65,-83.54,Toledo,OH,US,332710,25,,6
        --- links.csv
        supplier,customer,item,units_per_week,lead_time_weeks
        s2,s9,shaft,160,1
        s2,s1,bolt,1,
        ",
        &expect![[r#"
            error: bad/sites.csv:3: organization: unknown organization id "nobody"
            error: bad/sites.csv:4: id: duplicate id "s1" (first at bad/sites.csv:2)
            error: bad/links.csv:2: customer: unknown site id "s9"
            error: bad/links.csv:3: item: unknown item id "bolt"
            warning: bad/links.csv:3: supplier: site "s2" ships "bolt" but neither makes it, holds it nor receives it
            error: bad is invalid: 4 errors; nothing was imported
        "#]],
    );
}

/// A file saved with Windows line endings (CRLF, as spreadsheet programs save CSV) or with the
/// lone CR of older Mac spreadsheet programs has its lines numbered as an editor shows them, after
/// a quoted field that spans two lines too.
#[test]
fn lines_are_numbered_alike_with_windows_and_mac_line_endings() {
    for ending in ["\r\n", "\r"] {
        let dir = tempfile::tempdir().unwrap();
        write_fixture(&dir.path().join("good"), VALID);
        write_fixture(&dir.path().join("bad"), VALID);
        let sites = [
            "id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks",
            &format!(
                "s1,acme,\"Acme{ending}Dayton\",factory,39.76,-84.19,Dayton,OH,US,332710,40,ISO 9001,4"
            ),
            "s2,acme,Acme Toledo,factory,41.65,-83.54,Toledo,OH,US,332710,many,,6",
            "s3,nobody,Acme Lima,factory,40.74,-84.11,Lima,OH,US,332710,12,,6",
            "s4,acme,Acme Akron,factory,41.08,-81.52,Akron,OH,US,332710,12,",
        ];
        std::fs::write(dir.path().join("bad/sites.csv"), sites.join(ending) + ending).unwrap();
        check_import(
            dir.path(),
            "bad",
            2,
            &expect![[r#"
                error: bad/sites.csv:6: has 12 fields but the header has 13
                error: bad/sites.csv:4: employees: expected a whole number from 0 to 4294967295, got "many"
                error: bad/sites.csv:5: organization: unknown organization id "nobody"
                warning: bad/sites.csv:2: name: holds a line break, which text reports and tables show broken
                error: bad is invalid: 3 errors; nothing was imported
            "#]],
        );
    }
}

/// A file saved with semicolons or tabs between its fields (as spreadsheets save CSV in locales
/// that write decimal commas) is read as such, and a number written with a comma is named with
/// how to write it.
#[test]
fn semicolons_and_tabs_separate_fields_and_decimal_commas_are_named() {
    check(
        "
        --- sites.csv
        id;organization;name;kind;latitude;longitude;city;state;country;naics;employees;certifications;ttr_weeks
        s1;acme;Acme Dayton;factory;39,76;-84.19;Dayton;OH;US;332710;40;ISO 9001;4
        s2;acme;Acme Toledo;factory;41.65;-83.54;Toledo;OH;US;332710;25;;6
        --- sources.csv
        site\titem\tmax_units_per_week\tlead_time_weeks\tunit_cost
        s1\tpump\t1,000\t2\t700
        s2\tshaft\t300\t1\t30
        ",
        &expect![[r#"
            error: bad/sites.csv:2: latitude: expected a number, got "39,76" (write decimals with a point: 39.76)
            error: bad/sources.csv:2: max_units_per_week: expected a number, got "1,000" (write numbers without a thousands separator and with a decimal point: 1000 or 1.000)
            error: bad is invalid: 2 errors; nothing was imported
        "#]],
    );
}

/// A spreadsheet workbook given for a network, or beside the CSV files in place of one, is named
/// with what to do.
#[test]
fn a_workbook_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(&dir.path().join("good"), VALID);
    write_fixture(&dir.path().join("bad"), VALID);
    std::fs::rename(dir.path().join("bad/sites.csv"), dir.path().join("bad/sites.xlsx")).unwrap();
    std::fs::write(dir.path().join("network.xlsx"), b"PK\x03\x04").unwrap();
    check_import(
        dir.path(),
        "bad",
        2,
        &expect![[r#"
        error: bad/sites.csv: missing file; it is required, with the header id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks (sites.xlsx is there: save it as CSV)
        warning: bad/sites.csv: 4 references to its ids not checked, since it could not be read
        error: bad is invalid: 1 error; nothing was imported
    "#]],
    );
    let output = run(dir.path(), &["-q", "import", "network.xlsx"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: network.xlsx is a spreadsheet workbook; save each sheet as a CSV file named after its table (sites.csv, items.csv, ...) in one directory, and import the directory
    "#]].assert_eq(&stderr(&output, dir.path()));
}

/// Column names are matched ignoring case and surrounding spaces; an unknown one is named with
/// the nearest column, and references into a table that could not be read are counted, not
/// each reported as unknown.
#[test]
fn column_names_ignore_case_and_a_misspelt_one_is_named() {
    check(
        "
        --- sites.csv
        ID, Organization ,Name,KIND,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
        s1,acme,Acme Dayton,factory,39.76,-84.19,Dayton,OH,US,332710,40,ISO 9001,4
        s2,acme,Acme Toledo,factory,41.65,-83.54,Toledo,OH,US,332710,25,,6
        --- items.csv
        id,name,kind,unit,unit_valeu
        pump,Pump,product,each,900
        shaft,Shaft,part,each,40
        --- links.csv
        supplier,customer,item,units_per_weak,lead_time_weeks
        s2,s1,shaft,160,1
        ",
        &expect![[r#"
            error: bad/items.csv:1: missing required column unit_value; the columns are id,name,kind,unit,unit_value
            error: bad/links.csv:1: missing required column units_per_week; the columns are supplier,customer,item,units_per_week,lead_time_weeks
            warning: bad/items.csv:1: unknown column "unit_valeu" is ignored (did you mean "unit_value"?); the columns are id,name,kind,unit,unit_value
            warning: bad/links.csv:1: unknown column "units_per_weak" is ignored (did you mean "units_per_week"?); the columns are supplier,customer,item,units_per_week,lead_time_weeks
            warning: bad/items.csv: 4 references to its ids not checked, since it could not be read
            error: bad is invalid: 2 errors; nothing was imported
        "#]],
    );
}

/// A column written twice leaves its table unread (which of the two holds the values cannot be
/// told), and references into it are counted, not each reported as unknown.
#[test]
fn a_column_written_twice_is_named() {
    check(
        "
        --- sites.csv
        id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks,Name
        s1,acme,Acme Dayton,factory,39.76,-84.19,Dayton,OH,US,332710,40,ISO 9001,4,Dayton plant
        s2,acme,Acme Toledo,factory,41.65,-83.54,Toledo,OH,US,332710,25,,6,Toledo plant
        ",
        &expect![[r#"
            error: bad/sites.csv:1: column "Name" written twice; give each column once: id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
            warning: bad/sites.csv: 4 references to its ids not checked, since it could not be read
            error: bad is invalid: 1 error; nothing was imported
        "#]],
    );
}

#[test]
fn bad_numbers_coordinates_and_words() {
    check(
        "
        --- sites.csv
        id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
        s1,acme,Acme Dayton,plant,95.5,-84.19,Dayton,OH,US,332710,40,ISO 9001,-4
        s2,acme,Acme Toledo,factory,41.65,-200,Toledo,Ohio,usa,33x,many,,NaN
        --- sources.csv
        site,item,max_units_per_week,lead_time_weeks,unit_cost
        s1,pump,-100,2e6,inf
        s2,shaft,lots,1,1e300
        ",
        &expect![[r#"
            error: bad/sites.csv:2: kind: unknown value "plant"; expected one of factory, institute, biomanufacturing, additive, warehouse, lab
            error: bad/sites.csv:3: employees: expected a whole number from 0 to 4294967295, got "many"
            error: bad/sources.csv:3: max_units_per_week: expected a number, got "lots"
            error: bad/sites.csv:2: latitude: must be within -90..=90, got 95.5
            error: bad/sites.csv:2: ttr_weeks: must not be negative, got -4
            error: bad/sites.csv:3: longitude: must be within -180..=180, got -200
            error: bad/sites.csv:3: country: "usa" is not an ISO 3166-1 alpha-2 code like US
            error: bad/sites.csv:3: naics: "33x" is not a NAICS code (2 to 6 digits)
            error: bad/sites.csv:3: ttr_weeks: must be a finite number, got NaN
            error: bad/sources.csv:2: max_units_per_week: must not be negative, got -100
            error: bad/sources.csv:2: lead_time_weeks: must be at most 1,000,000 weeks, not 2000000
            error: bad/sources.csv:2: unit_cost: must be a finite number, got inf
            error: bad/sources.csv:3: unit_cost: must be at most 1e15, not 1e300
            error: bad is invalid: 13 errors; nothing was imported
        "#]],
    );
}

#[test]
fn bom_cycles_print_the_cycle() {
    check(
        "
        --- bom.csv
        parent,component,quantity
        pump,shaft,2
        shaft,pump,1
        ",
        &expect![[r#"
            error: bad/bom.csv:3: component: bill of materials has a cycle: pump -> shaft -> pump
            error: bad is invalid: 1 error; nothing was imported
        "#]],
    );
}

#[test]
fn files_missing_empty_malformed_or_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    write_fixture(&dir.path().join("good"), VALID);
    write_fixture(&bad, VALID);
    std::fs::remove_file(bad.join("sites.csv")).unwrap();
    std::fs::write(bad.join("items.csv"), "").unwrap();
    std::fs::write(bad.join("organizations.csv"), b"id,name,kind\nacme,Acme \xff Co,company\n")
        .unwrap();
    std::fs::write(bad.join("bom.csv"), [0xFF, 0xFE, b'p', 0]).unwrap();
    std::fs::write(
        bad.join("links.csv"),
        "supplier,customer,item,units_per_week,lead_time_weeks,note\ns2,s1,shaft,160\n",
    )
    .unwrap();
    std::fs::write(bad.join("demand.csv"), "item,units_per_week\npump,1\n").unwrap();
    std::fs::write(bad.join("site.csv"), "id\n").unwrap();
    let huge = "x".repeat(20_000);
    std::fs::write(bad.join("inventory.csv"), format!("site,item,units\ns1,{huge},1\n")).unwrap();
    check_import(
        dir.path(),
        "bad",
        2,
        &expect![[r#"
            error: bad/organizations.csv:2: not valid UTF-8 at column 11 (byte 23); save the file as UTF-8
            error: bad/sites.csv: missing file; it is required, with the header id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
            error: bad/items.csv: file is empty; expected at least the header id,name,kind,unit,unit_value
            error: bad/bom.csv: file is UTF-16; save it as UTF-8
            error: bad/links.csv:2: has 4 fields but the header has 6
            error: bad/inventory.csv:2: item: is 20000 bytes long; the limit is 10000
            warning: bad/links.csv:1: unknown column "note" is ignored; the columns are supplier,customer,item,units_per_week,lead_time_weeks
            warning: bad/site.csv: not a table of the network format, ignored (did you mean "sites.csv"? there is no sites.csv here); tables are organizations.csv, sites.csv, capabilities.csv, items.csv, bom.csv, routings.csv, sources.csv, links.csv, inventory.csv, demand.csv
            warning: bad/sites.csv: 3 references to its ids not checked, since it could not be read
            warning: bad/items.csv: 3 references to its ids not checked, since it could not be read
            error: bad is invalid: 6 errors; nothing was imported
        "#]],
    );
}

/// A table's file is found whatever the case of its name (`Sites.CSV`); a file that looks like
/// a missing table's (`link.csv` with no `links.csv`) is named with it; two files that could be
/// one table are refused.
#[test]
fn table_files_are_found_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let cased = dir.path().join("cased");
    write_fixture(&dir.path().join("good"), VALID);
    write_fixture(&cased, VALID);
    std::fs::rename(cased.join("sites.csv"), cased.join("Sites.CSV")).unwrap();
    std::fs::rename(cased.join("links.csv"), cased.join("link.csv")).unwrap();
    check_import(
        dir.path(),
        "cased",
        0,
        &expect![[r#"
        warning: cased/link.csv: not a table of the network format, ignored (did you mean "links.csv"? there is no links.csv here); tables are organizations.csv, sites.csv, capabilities.csv, items.csv, bom.csv, routings.csv, sources.csv, links.csv, inventory.csv, demand.csv
    "#]],
    );
    let summary: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["summary", "--json"]))).unwrap();
    assert_eq!((&summary["counts"]["sites"], &summary["counts"]["links"]), (&2.into(), &0.into()));
    std::fs::copy(cased.join("Sites.CSV"), cased.join("SITES.csv")).unwrap();
    check_import(
        dir.path(),
        "cased",
        2,
        &expect![[r#"
        error: cased/sites.csv: SITES.csv and Sites.CSV could each be this file; keep one
        warning: cased/link.csv: not a table of the network format, ignored (did you mean "links.csv"? there is no links.csv here); tables are organizations.csv, sites.csv, capabilities.csv, items.csv, bom.csv, routings.csv, sources.csv, links.csv, inventory.csv, demand.csv
        warning: cased/sites.csv: 2 references to its ids not checked, since it could not be read
        error: cased is invalid: 1 error; nothing was imported
    "#]],
    );
}

/// A file given alone is read by what it holds: one table of a CSV network is refused with
/// what to give instead.
#[test]
fn one_csv_file_is_not_a_network() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(&dir.path().join("good"), VALID);
    let output = run(dir.path(), &["import", "good/sites.csv"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: cannot tell the format of good/sites.csv: one CSV file is not a network; give the directory that holds sites.csv, items.csv and the other tables
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
}

#[test]
fn json_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(&dir.path().join("good"), VALID);
    let document = r#"{
        "format": "arsenal-network",
        "version": 1,
        "organizations": [{"id": "acme", "name": "Acme", "kind": "company"}],
        "sites": [
            {"id": "s1", "organization": "acme", "name": "A", "kind": "factory", "ttr_weeks": "four"},
            7,
            {"id": "s2", "organization": "acme", "name": "B", "kind": "lab", "ttr_weeks": 1, "latitude": 12}
        ],
        "items": [{"id": "p", "name": "P", "kind": "product", "unit": "each", "unit_value": 1, "colour": "red"}],
        "extra": []
    }"#;
    std::fs::write(dir.path().join("bad.json"), document).unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"sites\": [\n  {\"id\": }\n]}").unwrap();
    // A key given twice in one object would otherwise keep its last value silently.
    let twice = "{\"sites\": [\n  {\"id\": \"s1\", \"ttr_weeks\": 4, \"ttr_weeks\": 40}\n]}";
    std::fs::write(dir.path().join("twice.json"), twice).unwrap();
    let unreadable = r#"{
        "format": "arsenal-network",
        "version": 1,
        "sites": [{"id": "s1", "organization": "acme", "name": "A", "kind": "factory", "ttr_weeks": 1}],
        "items": {"id": "p"},
        "sources": [{"site": "s1", "item": "p", "max_units_per_week": 1, "lead_time_weeks": 1}]
    }"#;
    std::fs::write(dir.path().join("unreadable.json"), unreadable).unwrap();
    check_import(
        dir.path(),
        "bad.json",
        2,
        &expect![[r#"
            error: bad.json: $.sites[1]: expected an object
            error: bad.json: $.sites[0]: ttr_weeks: expected a number, got "four"
            error: bad.json: $.sites[2]: longitude: missing; latitude is given
            warning: bad.json: $.extra: unknown key is ignored
            warning: bad.json: $.items[0].colour: unknown field is ignored
            error: bad.json is invalid: 3 errors; nothing was imported
        "#]],
    );
    check_import(
        dir.path(),
        "broken.json",
        2,
        &expect![[r#"
            error: broken.json:2:10: invalid JSON: expected value at line 2 column 10
            error: broken.json is invalid: 1 error; nothing was imported
        "#]],
    );
    check_import(
        dir.path(),
        "twice.json",
        2,
        &expect![[r#"
        error: twice.json:2:42: invalid JSON: duplicate field `ttr_weeks` at line 2 column 42
        error: twice.json is invalid: 1 error; nothing was imported
    "#]],
    );
    check_import(
        dir.path(),
        "unreadable.json",
        2,
        &expect![[r#"
        error: unreadable.json: $.organizations: missing; it is required
        error: unreadable.json: $.items: expected an array of objects
        error: unreadable.json: $.sources[0]: unit_cost: is required but missing
        warning: unreadable.json: $.organizations: 1 reference to its ids not checked, since it could not be read
        warning: unreadable.json: $.items: 1 reference to its ids not checked, since it could not be read
        error: unreadable.json is invalid: 3 errors; nothing was imported
    "#]],
    );
    // Another kind of document is named as such, alone.
    let plan = r#"{"format": "arsenal-plan", "version": 1, "network": {}, "plan": {}}"#;
    std::fs::write(dir.path().join("plan.json"), plan).unwrap();
    check_import(
        dir.path(),
        "plan.json",
        2,
        &expect![[r#"
            error: plan.json: $.format: this is a plan (as `arsenal mobilize --out` writes), not a network; a network document has "format": "arsenal-network" (as `arsenal export --out FILE.json` writes)
            error: plan.json is invalid: 1 error; nothing was imported
        "#]],
    );
}

#[test]
fn warnings_do_not_stop_an_import_and_errors_are_capped() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(&dir.path().join("good"), VALID);
    write_fixture(&dir.path().join("warned"), VALID);
    write_fixture(
        &dir.path().join("warned"),
        "
        --- sources.csv
        site,item,max_units_per_week,lead_time_weeks,unit_cost
        s1,pump,100,2,700
    ",
    );
    check_import(
        dir.path(),
        "warned",
        0,
        &expect![[r#"
            warning: warned/bom.csv:2: component: no site is qualified to make "shaft", which "pump" needs
            warning: warned/links.csv:2: supplier: site "s2" ships "shaft" but neither makes it, holds it nor receives it
        "#]],
    );
    // A document with no records is taken, but the warning says what it leaves.
    let empty = r#"{"format": "arsenal-network", "version": 1, "organizations": [], "sites": [], "items": []}"#;
    std::fs::write(dir.path().join("empty.json"), empty).unwrap();
    check_import(
        dir.path(),
        "empty.json",
        0,
        &expect![[r#"
        warning: empty.json: holds no sites and no items: importing it leaves the store with an empty network
    "#]],
    );
    let mut many = String::from("--- bom.csv\nparent,component,quantity\n");
    for i in 0..60 {
        many.push_str(&format!("pump,part{i},1\n"));
    }
    write_fixture(&dir.path().join("many"), VALID);
    write_fixture(&dir.path().join("many"), &many);
    let output = super::run(dir.path(), &["-q", "import", "many", "--max-errors", "3"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: many/bom.csv:2: component: unknown item id "part0"
        error: many/bom.csv:3: component: unknown item id "part1"
        error: many/bom.csv:4: component: unknown item id "part2"
        ... and 57 more errors (raise --max-errors to see them)
        error: many is invalid: 60 errors; nothing was imported
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
}
