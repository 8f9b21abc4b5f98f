//! `arsenal mobilize` and `arsenal replan` on the sample network: the bundled demand and events,
//! the saved plan, its tables and chart, the examples of docs/planning-model.md, and files with
//! mistakes.

use expect_test::expect;

use super::{generated, repo, run, sample, stderr, stdout};

/// The report without the line of timings, which vary from run to run.
fn without_timings(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with("Program: ")).map(|l| format!("{l}\n")).collect()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// Plans the demand file `demand` in `dir` and saves the plan as plan.json.
fn saved_plan(dir: &std::path::Path, demand: &str) {
    let output = run(dir, &["-q", "mobilize", "--demand", demand, "--out", "plan.json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir));
}

/// Checks that in every checked bottleneck of a plan report, the units each product gains or
/// loses, times the value of its targets due that week, add up to the value gained; returns how
/// many were checked.
fn gains_add_up(plan: &serde_json::Value) -> usize {
    let targets = plan["targets"].as_array().unwrap();
    let value = |item: &serde_json::Value, due: &serde_json::Value| {
        let of = |t: &&serde_json::Value| t["item"] == *item && t["due_week"] == *due;
        let values: Vec<f64> =
            targets.iter().filter(of).map(|t| t["value_per_unit"].as_f64().unwrap()).collect();
        assert!(!values.is_empty() && values.iter().all(|v| *v == values[0]), "{item} {due}");
        values[0]
    };
    let mut checked = 0;
    for b in plan["bottlenecks"].as_array().unwrap() {
        let gain = &b["gain"];
        if gain.is_null() {
            continue;
        }
        let sum: f64 = gain["products"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["units"].as_f64().unwrap() * value(&p["item"], &p["due_week"]))
            .sum();
        let gained = gain["value"].as_f64().unwrap();
        assert!((sum - gained).abs() <= 1e-6 * (1.0 + gained.abs()), "{b}: products give {sum}");
        checked += 1;
    }
    checked
}

#[test]
fn the_bundled_demand_on_the_sample() {
    let dir = sample();
    let demand = repo("data/demand/ventilator-pandemic.toml");
    let output = run(
        dir.path(),
        &[
            "mobilize",
            "--demand",
            &demand,
            "--top",
            "5",
            "--out",
            "plan.json",
            "--csv",
            "tables",
            "--chart",
            "plan.svg",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Plan "Pandemic ventilator mobilization": 26 weeks (today's demand keeps its normal flows; the plan uses what they leave).
        Demand met by its due week: 2,635,486 of 10,582,660 in value (24.9 %); cost 1,091,756 (production 1,055,959, freight 28,089, new links 7,708).

          product                site        due   quantity        met   share  first  why short
          icu-ventilator         wh-01        10        800        684   85.5%      1  lead time: a unit started now is there in week 28 at the earliest, too late for delivery within 10 weeks (weeks 0 to 9): nickel-sulfate at site-034 in week 4 -> nickel-sulfate at site-079 in week 10 -> cathode-powder at site-079 in week 12 -> cathode-powder at site-084 in week 20 -> li-cell at site-084 in week 22 -> li-cell at site-133 in week 23 -> icu-ventilator at site-133 in week 24 -> icu-ventilator at wh-01 in week 28; only what is on hand or on its way, and what it can make, arrives in time
          icu-ventilator         wh-03        10        700       65.0    9.3%      0  lead time: a unit started now is there in week 28 at the earliest, too late for delivery within 10 weeks (weeks 0 to 9): nickel-sulfate at site-034 in week 4 -> nickel-sulfate at site-079 in week 10 -> cathode-powder at site-079 in week 12 -> cathode-powder at site-084 in week 20 -> li-cell at site-084 in week 22 -> li-cell at site-133 in week 23 -> icu-ventilator at site-133 in week 24 -> icu-ventilator at wh-03 in week 28; only what is on hand or on its way, and what it can make, arrives in time
          icu-ventilator         wh-04        26      2,000        556   27.8%     19  lead time: a unit started now is there in week 26 at the earliest, too late for delivery within 26 weeks (weeks 0 to 25): nickel-sulfate at site-034 in week 4 -> nickel-sulfate at site-079 in week 10 -> cathode-powder at site-079 in week 12 -> cathode-powder at site-084 in week 20 -> li-cell at site-084 in week 22 -> li-cell at site-133 in week 23 -> icu-ventilator at site-133 in week 24 -> icu-ventilator at wh-04 in week 26; only what is on hand or on its way, and what it can make, arrives in time
          icu-ventilator         wh-05        26      2,000       64.9    3.2%     25  capacity: units of icu-ventilator at site-133 (MI); units of icu-ventilator at site-132 (CA); units of patient-circuit at site-118 (NY)

        Bottlenecks: what one more unit of each is worth in demand met (from the duals; the first 5 checked by solving again)
          units of icu-ventilator at site-133 (MI): +17,317 of demand met per unit a week (binds in weeks 15-23)  solved again: +17,317 (+9.0 icu-ventilator by week 26)
          units of icu-ventilator at site-132 (CA): +3,848 of demand met per unit a week (binds in weeks 15-16)  solved again: +3,848 (+2.0 icu-ventilator by week 26)
          units of patient-circuit at site-118 (NY): +1,924 of demand met per unit a week (binds in week 11)  solved again: +1,924 (+1.0 icu-ventilator by week 26)
          icu-ventilator on hand at site-133 (MI): +1,924 of demand met per unit on hand  solved again: +1,924 (+1.0 icu-ventilator by week 26)
          icu-ventilator on hand at site-134 (NY): +1,924 of demand met per unit on hand  solved again: +1,924 (+1.0 icu-ventilator by week 10)
          ... 6 binding constraints in all

        The plan: 79 production orders at 15 sites, 189 shipments on 53 lanes (10 new links).
          site           item                            units  weeks started
          site-077       exhalation-valve                1,242  weeks 4-12
          site-069       impeller                          621  weeks 4-16
          site-117       patient-circuit                   604  weeks 12-20
          site-133       icu-ventilator                    584  weeks 15-23
          site-113       blower-assembly                   485  weeks 7-21
          ... and 10 more (the full plan: --out, --csv or --json)

        plan saved to plan.json (for arsenal replan --plan plan.json)
        plan tables written to tables
        chart written to plan.svg
    "#]]
    .assert_eq(&without_timings(&stdout(&output)));

    let document = json(&std::fs::read_to_string(dir.path().join("plan.json")).unwrap());
    assert_eq!(gains_add_up(&document["plan"]), 5);
    assert_eq!(document["format"], "arsenal-plan");
    assert_eq!(document["version"], 1);
    assert_eq!(document["request"]["demand"]["target"].as_array().unwrap().len(), 4);
    let plan = &document["plan"];
    let met = plan["value_met"].as_f64().unwrap();
    let objective = plan["program"]["objective_met"].as_f64().unwrap();
    assert!((met - objective).abs() <= 1e-6 * objective, "{met} vs {objective}");
    assert!(document["bases"]["met"].as_str().unwrap().contains('|'));
    let header = |file: &str| {
        let text = std::fs::read_to_string(dir.path().join("tables").join(file)).unwrap();
        text.lines().next().unwrap().to_owned()
    };
    assert_eq!(header("production.csv"), "site,item,week,ready_week,units");
    assert_eq!(header("shipments.csv"), "supplier,customer,item,week,arrives_week,units,new_link");
    assert_eq!(header("deliveries.csv"), "target,item,site,week,units");
    assert_eq!(
        header("targets.csv"),
        "target,item,site,due_week,quantity,met,value_per_unit,shortfall"
    );
    // Each delivery names its target by the number targets.csv gives it, with its item.
    let rows = |file: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(dir.path().join("tables").join(file)).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
    };
    let targets = rows("targets.csv");
    assert_eq!(targets.iter().map(|t| t[0].as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4"]);
    let deliveries = rows("deliveries.csv");
    assert!(!deliveries.is_empty());
    for delivery in &deliveries {
        let target = targets.iter().find(|t| t[0] == delivery[0]).unwrap();
        assert_eq!(target[1], delivery[1], "{delivery:?}");
    }
    // Numbers to a millionth: no 8.580000000000002 left by the solver's arithmetic.
    let mut fractions = 0;
    for file in
        ["targets", "production", "shipments", "deliveries", "bottlenecks", "bottleneck_gains"]
    {
        let text = std::fs::read_to_string(dir.path().join(format!("tables/{file}.csv"))).unwrap();
        for field in text.split([',', '\n']).filter(|f| f.parse::<f64>().is_ok()) {
            let decimals = field.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 6, "{file}.csv: {field}");
            fractions += usize::from(decimals > 0);
        }
    }
    assert!(fractions > 100, "the tables hold fractions of units: {fractions}");
    // Each checked bottleneck's gain, product by product, names the bottleneck by its number,
    // and what its products gain adds up to its value.
    assert_eq!(
        header("bottlenecks.csv"),
        "bottleneck,kind,site,state,process,item,marginal_value,weeks,gain_value"
    );
    let bottlenecks = rows("bottlenecks.csv");
    assert_eq!(bottlenecks[0][..3], ["1", "capacity", "site-133"]);
    assert_eq!(header("bottleneck_gains.csv"), "bottleneck,item,due_week,units");
    let gains = rows("bottleneck_gains.csv");
    assert_eq!(gains[0], ["1", "icu-ventilator", "26", "9"]);
    for gain in &gains {
        let bottleneck = bottlenecks.iter().find(|b| b[0] == gain[0]).unwrap();
        assert!(!bottleneck[8].is_empty(), "a gain of a checked bottleneck: {gain:?}");
        assert_eq!(gain[1], "icu-ventilator", "every target is a ventilator: {gain:?}");
    }
    let value: f64 = targets[0][6].parse().unwrap();
    for bottleneck in bottlenecks.iter().filter(|b| !b[8].is_empty()) {
        let units: f64 = gains
            .iter()
            .filter(|g| g[0] == bottleneck[0])
            .map(|g| g[3].parse::<f64>().unwrap())
            .sum();
        let gain: f64 = bottleneck[8].parse().unwrap();
        assert!(
            (units * value - gain).abs() <= 1e-3 * gain.max(1.0),
            "{bottleneck:?}: {units} units"
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("plan.svg")).unwrap();
    assert!(svg.contains("Cumulative output against target: Pandemic ventilator mobilization"));
}

#[test]
fn replan_after_the_bundled_events() {
    let dir = sample();
    let demand = repo("data/demand/ventilator-pandemic.toml");
    let events = repo("data/events/ventilator-assembler-down.toml");
    saved_plan(dir.path(), &demand);
    let output = run(
        dir.path(),
        &["replan", "--plan", "plan.json", "--event", &events, "--top", "3", "--out", "plan2.json"],
    );
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output).replace(&events, "EVENTS");
    let changes = text.split("\nThe new plan:").next().unwrap();
    expect![[r#"
        Re-planned "Pandemic ventilator mobilization" with 3 events from EVENTS, starting from the saved plan.
        Demand met by its due week, in value: 2,635,486 -> 2,435,012 (-200,474); cost 1,091,756 -> 945,061.

          product                site        due   quantity   met before    met after
          icu-ventilator         wh-04        26      2,000          556          517
          icu-ventilator         wh-05        26      2,000         64.9            0
          icu-ventilator         wh-01        10        800          684          684
          ... and 1 more target, all as before

        Sites that gain or lose work (value of what they start making):
          site-133            1,124,052 ->              0  (-1,124,052)
          site-137                    0 ->        923,578  (+923,578)
          site-114               41,883 ->          5,960  (-35,924)
          ... and 11 more sites

        Orders that moved (shipments by supplier, customer and item):
          site-133 -> wh-04 icu-ventilator: 519 -> 0 units, weeks 17-23 -> -
          site-137 -> wh-04 icu-ventilator (new link): 0 -> 480 units, - -> weeks 17-24
          site-113 -> site-137 blower-assembly (new link): 0 -> 480 units, - -> weeks 6-21
          ... and 54 more

        Production that moved:
          site-133 icu-ventilator: 584 -> 0 units, weeks 15-23 -> -
          site-137 icu-ventilator: 0 -> 480 units, - -> weeks 15-22
          site-114 blower-assembly: 136 -> 19.4 units, weeks 10-20 -> week 10
          ... and 11 more
    "#]]
    .assert_eq(changes);
    // The capacity event adds hours, and the new source's weeks before it starts lower nothing
    // the user set: no warning.
    assert!(!text.contains("warning:"), "{text}");
    // site-133 is down from week 12, and site-137 makes ventilators from week 6: a capacity
    // binds only in the weeks its site works, and one more unit of it is added only there.
    let bottlenecks = text.split("\nBottlenecks").nth(1).and_then(|b| b.split("\n\n").next());
    expect![[r#"
        : what one more unit of each is worth in demand met (from the duals; the first 3 checked by solving again)
          units of icu-ventilator at site-137 (MD): +15,393 of demand met per unit a week (binds in weeks 15-22)  solved again: +15,393 (+8.0 icu-ventilator by week 26)
          units of icu-ventilator at site-132 (CA): +3,848 of demand met per unit a week (binds in weeks 15-16)  solved again: +3,848 (+2.0 icu-ventilator by week 26)
          units of patient-circuit at site-118 (NY): +1,924 of demand met per unit a week (binds in week 11)  solved again: +1,924 (+1.0 icu-ventilator by week 26)
          ... 6 binding constraints in all"#]]
    .assert_eq(bottlenecks.unwrap_or_default());

    // From the saved plan's bases and from nothing: the same optima.
    let warm = json(&stdout(&run(
        dir.path(),
        &["replan", "--plan", "plan.json", "--event", &events, "--json"],
    )));
    let cold = json(&stdout(&run(
        dir.path(),
        &["replan", "--plan", "plan.json", "--event", &events, "--json", "--cold"],
    )));
    // Solving again with one more unit can deliver to other targets of the same value (here
    // the ventilators due in week 10 go to those due in week 26): the report nets the trade.
    for document in [&warm, &cold] {
        assert_eq!(gains_add_up(&document["document"]["plan"]), 3);
    }
    let program = |v: &serde_json::Value| v["document"]["plan"]["program"].clone();
    assert_eq!(program(&warm)["warm_start"], true);
    assert_eq!(program(&cold)["warm_start"], false);
    for key in ["objective_met", "objective_cost"] {
        let (a, b) = (program(&warm)[key].as_f64().unwrap(), program(&cold)[key].as_f64().unwrap());
        assert!((a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{key}: {a} vs {b}");
    }
    // The warm program holds every column of the saved plan's, so its bases carry over whole;
    // the cold one leaves out what the events made useless.
    let saved = json(&std::fs::read_to_string(dir.path().join("plan.json")).unwrap());
    let columns = |program: serde_json::Value| program["size"]["columns"].as_u64().unwrap();
    let before = columns(saved["plan"]["program"].clone());
    let (warm_columns, cold_columns) = (columns(program(&warm)), columns(program(&cold)));
    assert!(warm_columns >= before, "{warm_columns} columns after, {before} before");
    assert!(cold_columns < warm_columns, "cold {cold_columns}, warm {warm_columns}");

    // Events accumulate: a demand event on the re-planned document keeps the earlier three.
    std::fs::write(
        dir.path().join("more.toml"),
        "[[event]]\nkind = \"demand\"\nitem = \"icu-ventilator\"\nsite = \"wh-05\"\ndue_week = 26\nquantity = 0\n",
    )
    .unwrap();
    let output =
        run(dir.path(), &["replan", "--plan", "plan2.json", "--event", "more.toml", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let again = json(&stdout(&output));
    assert_eq!(again["document"]["request"]["events"].as_array().unwrap().len(), 4);
    assert_eq!(again["document"]["plan"]["targets"].as_array().unwrap().len(), 3);
    let removed = again["diff"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["site"] == "wh-05")
        .unwrap()
        .clone();
    assert_eq!(removed["quantity_after"], serde_json::Value::Null);
}

/// A re-plan whose solve from the saved plan's bases ends just off a tiny bound (a new source
/// of 0.0000016 units a week: the solver meets its tolerances in its own scaling, and a warm
/// start runs without presolve) is solved again from nothing, and its plan passes the check;
/// before, it failed as an internal error.
#[test]
fn a_replan_just_off_a_tiny_bound_is_solved_again_from_nothing() {
    let dir = sample();
    saved_plan(dir.path(), &repo("data/demand/ventilator-pandemic.toml"));
    let events = std::fs::read_to_string(repo("data/events/ventilator-assembler-down.toml"))
        .unwrap()
        .replace("max_units_per_week = 60", "max_units_per_week = 0.0000016");
    std::fs::write(dir.path().join("tiny.toml"), events).unwrap();
    let output =
        run(dir.path(), &["-v", "replan", "--plan", "plan.json", "--event", "tiny.toml", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let log = stderr(&output, dir.path());
    assert!(
        log.contains("failed its check; solving from nothing"),
        "the solve from the saved plan's bases no longer ends off the bound, so this case no \
         longer reaches the second solve; find another: {log}"
    );
    let replanned = json(&stdout(&output));
    assert_eq!(replanned["document"]["plan"]["program"]["warm_start"], false);
}

#[test]
fn events_that_may_not_be_meant_are_noted() {
    let dir = sample();
    let demand = repo("data/demand/ventilator-pandemic.toml");
    saved_plan(dir.path(), &demand);
    // site-137 has 431.6 hours a week of test-and-calibration and 1,700.5 of final assembly:
    // the first event lowers a level (meant, perhaps, to add 200 hours), the second raises one.
    // The third is a hurricane over the open Pacific, the fourth an outage after the 26 weeks.
    std::fs::write(
        dir.path().join("levels.toml"),
        "[[event]]\nkind = \"capacity\"\nsite = \"site-137\"\nprocess = \"test-and-calibration\"\nhours_per_week = 200\n\n[[event]]\nkind = \"capacity\"\nsite = \"site-137\"\nprocess = \"final-assembly\"\nhours_per_week = 2000\n\n[[event]]\nkind = \"circle\"\nlatitude = 0\nlongitude = -140\nradius_km = 50\nstart_week = 2\n\n[[event]]\nkind = \"site\"\nsite = \"site-134\"\nstart_week = 40\n",
    )
    .unwrap();
    let output = run(dir.path(), &["replan", "--plan", "plan.json", "--event", "levels.toml"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let notes: Vec<&str> =
        text.lines().map(str::trim_start).filter(|l| l.starts_with("warning:")).collect();
    expect![[r#"
          warning: levels.toml:5: hours_per_week: lowers site-137's hours of test-and-calibration from 431.6 to 200 a week (a capacity event sets the level; to add hours, give the new total)
          warning: levels.toml:17: radius_km: no site lies within 50 km of (0, -140); it changes nothing
          warning: levels.toml:23: start_week: starts in week 40, after the horizon of 26 weeks; it changes nothing (a longer horizon reaches it)"#]].assert_eq(&notes.join("\n"));
    let output =
        run(dir.path(), &["replan", "--plan", "plan.json", "--event", "levels.toml", "--json"]);
    let notes = &json(&stdout(&output))["document"]["plan"]["notes"];
    assert_eq!(notes.as_array().map(Vec::len), Some(3), "{notes}");

    // A plan's scenario is noted the same way.
    let ocean = "[[event]]\nkind = \"circle\"\nlatitude = 0\nlongitude = -140\nradius_km = 50\nstart_week = 1\nduration_weeks = 3\n";
    std::fs::write(dir.path().join("ocean.toml"), ocean).unwrap();
    let args = ["mobilize", "--demand", &demand, "--scenario", "ocean.toml", "--recheck", "0"];
    let output = run(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let notes: Vec<&str> =
        text.lines().map(str::trim_start).filter(|l| l.starts_with("warning:")).collect();
    expect!["warning: ocean.toml:5: radius_km: no site lies within 50 km of (0, -140); it changes nothing"].assert_eq(&notes.join("\n"));
}

/// A plan that can only ship what is on hand (eight weeks is too short to make a drone) says so
/// in counts, without a table of production with nothing in it.
#[test]
fn a_plan_that_makes_nothing() {
    let dir = sample();
    let demand = "horizon_weeks = 8\n\n[[target]]\nitem = \"small-uas\"\nsite = \"wh-01\"\nquantity = 5000\ndue_week = 8\n";
    std::fs::write(dir.path().join("drones.toml"), demand).unwrap();
    let output = run(dir.path(), &["mobilize", "--demand", "drones.toml", "--recheck", "0"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let plan: Vec<&str> =
        text.lines().skip_while(|l| !l.starts_with("The plan:")).take(2).collect();
    expect![[r#"
        The plan: 0 production orders at 0 sites, 2 shipments on 2 lanes (2 new links).
    "#]]
    .assert_eq(&plan.join("\n"));
    // With --recheck 0 no bottleneck is solved again, and the heading does not say it is.
    assert!(text.contains("worth in demand met (from the duals)\n"), "{text}");
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text}");
}

/// A horizon out of range, and an option out of range, are named on their lines; the targets
/// are not each named as due after a horizon that is itself wrong. A scenario's horizon too.
#[test]
fn fields_around_the_entries_are_placed_on_their_lines() {
    let dir = sample();
    let demand = std::fs::read_to_string(repo("data/demand/ventilator-pandemic.toml")).unwrap();
    let demand = demand
        .replace("horizon_weeks = 26", "horizon_weeks = 0")
        .replace("setup_cost = 20000", "setup_cost = -5");
    std::fs::write(dir.path().join("bad.toml"), demand).unwrap();
    let output = run(dir.path(), &["mobilize", "--demand", "bad.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: bad.toml:6: horizon_weeks: must be 1 to 520 weeks, not 0
        error: bad.toml:10: setup_cost: must be 0 or more, not -5
        error: bad.toml: 2 problems in the plan's request
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    // A horizon given on the command line is not the file's to fix.
    let pandemic = repo("data/demand/ventilator-pandemic.toml");
    let pandemic = pandemic.as_str();
    let output = run(dir.path(), &["mobilize", "--demand", pandemic, "--horizon", "600"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: the horizon must be 1 to 520 weeks, not 600
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    let output = run(dir.path(), &["mobilize", "--demand", pandemic, "--horizon", "12"]);
    assert_eq!(output.status.code(), Some(2));
    let said = stderr(&output, dir.path()).replace(pandemic, "PANDEMIC");
    expect![[r#"
        error: PANDEMIC:29: due_week: week 26 is after the horizon of 12 weeks asked for (this file's horizon_weeks is 26)
        error: PANDEMIC:35: due_week: week 26 is after the horizon of 12 weeks asked for (this file's horizon_weeks is 26)
        error: PANDEMIC: 2 problems in the plan's request
    "#]]
    .assert_eq(&said);
    let scenario = "name = \"x\"\nhorizon_weeks = 0\n\n[[event]]\nkind = \"site\"\nsite = \"site-133\"\nstart_week = 1\nduration_weeks = 2\n";
    std::fs::write(dir.path().join("s.toml"), scenario).unwrap();
    let output = run(dir.path(), &["stress", "--scenario", "s.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: s.toml:2: horizon_weeks: must be 1 to 520, not 0
        error: s.toml: 1 problem in the scenario
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
}

#[test]
fn mistakes_in_requests_are_all_named_and_nothing_runs() {
    let dir = sample();
    std::fs::write(
        dir.path().join("bad-demand.toml"),
        "baseline = \"sometimes\"\nhorizon_weeks = 12\n\n[[target]]\nitem = \"unobtainium\"\nquantity = 10\ndue_week = 4\n\n[[target]]\nitem = \"icu-ventilator\"\nquantity = 0\ndue_week = 4\n\n[[target]]\nitem = \"icu-ventilator\"\nsite = \"wh-01\"\nquantity = 10\ndue_week = 30\n\n[[target]]\nitem = \"mab-vial\"\nquantity = 5\ndue_week = 3\n\n[[target]]\nitem = \"mab-vial\"\nquantity = 5\ndue_week = 3\n\n[[target]]\nitem = \"small-uas\"\nquantity = 1e308\ndue_week = 4\n",
    )
    .unwrap();
    let output =
        run(dir.path(), &["mobilize", "--demand", "bad-demand.toml", "--out", "never.json"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: bad-demand.toml:1: baseline: must be reserve, compete or ignore, not "sometimes"
        error: bad-demand.toml:5: item: no item "unobtainium" in the stored network
        error: bad-demand.toml:11: quantity: must be a number of units above 0, not 0
        error: bad-demand.toml:18: due_week: week 30 is after the horizon of 12 weeks
        error: bad-demand.toml:28: due_week: mab-vial is already due in week 3 anywhere; give one target with the quantities combined
        error: bad-demand.toml:32: quantity: must be at most 1e15, not 1e308
        error: bad-demand.toml: 6 problems in the plan's request
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    assert!(!dir.path().join("never.json").exists());

    std::fs::write(
        dir.path().join("syntax.toml"),
        "[[target]]\nitem = \"x\"\nquantity = \"lots\"\ndue_week = 1\n",
    )
    .unwrap();
    let output = run(dir.path(), &["mobilize", "--demand", "syntax.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: syntax.toml:3: quantity: expected a number, got "lots"
        error: syntax.toml: 1 problem in the demand
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    std::fs::write(
        dir.path().join("shape.toml"),
        "horizon_weeks = \"soon\"\n\n[[target]]\nitem = \"x\"\nquantity = \"lots\"\ndue_week = 1\n\n[[target]]\nitem = \"y\"\nquantity = 2\n\n[[target]]\nitem = \"z\"\nquantity = 2\ndue_week = 1\nsite_id = \"a\"\n",
    )
    .unwrap();
    let output = run(dir.path(), &["mobilize", "--demand", "shape.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: shape.toml:1: horizon_weeks: expected a whole number of at least 0, got "soon"
        error: shape.toml:5: quantity: expected a number, got "lots"
        error: shape.toml:8: due_week: missing; it is required
        error: shape.toml:16: site_id: unknown field "site_id" (did you mean "site"?); expected one of item, site, quantity, due_week, value
        error: shape.toml: 4 problems in the demand
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    let demand = repo("data/demand/ventilator-pandemic.toml");
    saved_plan(dir.path(), &demand);
    std::fs::write(
        dir.path().join("bad-events.toml"),
        "[[event]]\nkind = \"earthquake\"\n\n[[event]]\nkind = \"capacity\"\nsite = \"wh-01\"\nitem = \"icu-ventilator\"\nunits_per_week = 5\n\n[[event]]\nkind = \"new_source\"\nsite = \"site-001\"\nitem = \"icu-ventilator\"\nmax_units_per_week = 5\nlead_time_weeks = 1\nunit_cost = 100\n\n[[event]]\nkind = \"site\"\nsite = \"site-999\"\nstart_week = -1\n\n[[event]]\nsite = \"site-062\"\n\n[[event]]\nkind = \"capacity\"\nsite = \"site-133\"\nitem = \"icu-ventilator\"\nunits_per_week = 5\nstart_week = 1e308\n",
    )
    .unwrap();
    let output = run(dir.path(), &["replan", "--plan", "plan.json", "--event", "bad-events.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: bad-events.toml:2: kind: unknown event kind "earthquake"; expected one of site, organization, state, circle, process, link, surge, capacity, demand, new_source
        error: bad-events.toml:7: item: wh-01 is not a qualified source of icu-ventilator; add it with a new_source event
        error: bad-events.toml:12: site: no site "site-001" in the stored network
        error: bad-events.toml:20: site: no site "site-999" in the stored network
        error: bad-events.toml:21: start_week: must be 0 or more, not -1
        error: bad-events.toml:23: kind: every event needs a kind, one of site, organization, state, circle, process, link, surge, capacity, demand, new_source
        error: bad-events.toml:31: start_week: must be at most 1,000,000 weeks, not 1e308
        error: bad-events.toml: 7 problems in the plan's request
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    std::fs::write(dir.path().join("not-a-plan.json"), "{\"format\": \"arsenal-network\"}")
        .unwrap();
    let output =
        run(dir.path(), &["replan", "--plan", "not-a-plan.json", "--event", "bad-events.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: not-a-plan.json: expected "format": "arsenal-plan" (write plans with arsenal mobilize --out)
        error: not-a-plan.json is not a plan document
    "#]]
    .assert_eq(&stderr(&output, dir.path()));
    // A plan cut short is said to be, where it ends.
    let cut = "{\n  \"format\": \"arsenal-plan\",\n  \"version\": 1,\n  \"network\": {\n";
    std::fs::write(dir.path().join("cut.json"), cut).unwrap();
    let output = run(dir.path(), &["replan", "--plan", "cut.json", "--event", "bad-events.toml"]);
    assert_eq!(output.status.code(), Some(2));
    expect![[r#"
        error: cut.json:5: the JSON ends at line 5 column 0 before it is complete: was it cut short, or is a bracket, brace or quote left open?
        error: cannot read the plan cut.json
    "#]]
    .assert_eq(&stderr(&output, dir.path()));

    // A plan made on another network is not re-planned.
    assert!(run(dir.path(), &["-q", "export", "--out", "copy"]).status.success());
    assert!(run(dir.path(), &["-q", "import", "copy"]).status.success());
    std::fs::write(
        dir.path().join("ok.toml"),
        "[[event]]\nkind = \"site\"\nsite = \"site-133\"\nstart_week = 4\n",
    )
    .unwrap();
    let output = run(dir.path(), &["replan", "--plan", "plan.json", "--event", "ok.toml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output, dir.path()).contains("plan again with arsenal mobilize"),
        "{}",
        stderr(&output, dir.path())
    );
}

/// Where a plan is to be written is checked before planning (with `-v`, nothing is logged
/// loaded or planned), so a plan is never made and then lost; a missing directory is created.
#[test]
fn outputs_are_checked_before_planning() {
    let dir = sample();
    let demand = "data/examples/demand/ventilator-pandemic.toml";
    std::fs::create_dir_all(dir.path().join("taken")).unwrap();
    std::fs::write(dir.path().join("taken/notes.txt"), "mine").unwrap();
    std::fs::write(dir.path().join("a-file"), "").unwrap();
    let refused = [
        (vec!["--out", "taken"], "error: cannot write taken: it is a directory; name a file\n"),
        (
            vec!["--out", "plan.json/"],
            "error: cannot write plan.json/: it ends in '/', as a directory's name does; name a file\n",
        ),
        (
            vec!["--chart", "out.svg/"],
            "error: cannot write the chart out.svg/: it ends in '/', as a directory's name does; name a file\n",
        ),
        (
            vec!["--csv", "taken"],
            "error: cannot write taken: taken already holds \"notes.txt\", which is not an export file; choose a new or empty directory\n",
        ),
        (vec!["--csv", "a-file"], "error: cannot write a-file: it is a file; name a directory\n"),
        (vec!["--chart", "plan.pdf"], "error: plan.pdf: a chart file must end in .svg or .png\n"),
    ];
    for (flags, said) in refused {
        let mut args = vec!["-v", "mobilize", "--demand", demand];
        args.extend(&flags);
        let output = run(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{flags:?}");
        let stderr = stderr(&output, dir.path());
        assert!(stderr.ends_with(said), "{flags:?}: {stderr}");
        assert!(!stderr.contains("planned") && !stderr.contains("loaded"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("taken/notes.txt")).unwrap(), "mine");
    let output =
        run(dir.path(), &["-q", "mobilize", "--demand", demand, "--out", "new/deeper/plan.json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let saved = std::fs::read_to_string(dir.path().join("new/deeper/plan.json")).unwrap();
    assert!(json(&saved)["plan"].is_object());
}

#[test]
fn the_documented_examples_run() {
    let dir = sample();
    let doc = std::fs::read_to_string(repo("docs/planning-model.md")).unwrap();
    let blocks: Vec<&str> =
        doc.split("```toml\n").skip(1).map(|b| b.split("```").next().unwrap()).collect();
    assert_eq!(blocks.len(), 2, "a demand file and an events file");
    std::fs::write(dir.path().join("demand.toml"), blocks[0]).unwrap();
    std::fs::write(dir.path().join("events.toml"), blocks[1]).unwrap();
    let output =
        run(dir.path(), &["-q", "mobilize", "--demand", "demand.toml", "--out", "plan.json"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let output =
        run(dir.path(), &["-q", "replan", "--plan", "plan.json", "--event", "events.toml"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
}

/// A plan's chart draws at most eight products; its legend counts the others.
#[test]
fn a_plan_chart_counts_the_products_it_does_not_draw() {
    let dir = generated("1200");
    let demand = std::fs::read_to_string(dir.path().join("net/demand.csv")).unwrap();
    let mut products: Vec<(&str, &str)> = Vec::new();
    for line in demand.lines().skip(1) {
        let mut fields = line.split(',');
        let (Some(item), Some(site)) = (fields.next(), fields.next()) else { continue };
        if !products.iter().any(|(i, _)| *i == item) {
            products.push((item, site));
        }
    }
    assert!(products.len() >= 10, "{products:?}");
    let mut file = String::from("horizon_weeks = 20\n");
    for (item, site) in &products[..10] {
        let target =
            format!("item = \"{item}\"\nsite = \"{site}\"\nquantity = 10\ndue_week = 18\n");
        file.push_str(&format!("\n[[target]]\n{target}"));
    }
    std::fs::write(dir.path().join("ten.toml"), file).unwrap();
    let output = run(dir.path(), &["-q", "mobilize", "--demand", "ten.toml", "--chart", "ten.svg"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let svg = std::fs::read_to_string(dir.path().join("ten.svg")).unwrap();
    assert!(svg.contains("2 other products not drawn"), "the legend counts the two left out");

    // The report's table shows the targets short first, and says what it leaves out.
    let args = ["-q", "mobilize", "--demand", "ten.toml", "--json"];
    let document = json(&stdout(&run(dir.path(), &args)));
    let targets = document["plan"]["targets"].as_array().unwrap();
    // Short as the plan explains it: those with a reason.
    let short =
        targets.iter().filter(|t| t["shortfall"].as_array().is_some_and(|r| !r.is_empty())).count();
    assert!((1..10).contains(&short), "{short} of 10 targets short: the test needs both kinds");
    let text = stdout(&run(dir.path(), &["-q", "mobilize", "--demand", "ten.toml", "--top", "1"]));
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.contains("why short")).collect();
    assert!(!rows[1].contains("100.0%"), "a short target comes first: {text}");
    let rest = match short - 1 {
        0 => "all met in full".to_owned(),
        n => format!("{n} of them short"),
    };
    assert_eq!(rows[2], format!("  ... and 9 more targets, {rest}"), "{text}");
}

/// A plan whose program the memory left to the process could not hold is refused as invalid
/// input before it is laid out, with its size, that memory and what the process holds, and
/// writes nothing.
#[test]
fn a_plan_too_large_for_the_memory_is_refused() {
    let dir = generated("1000");
    let demand = std::fs::read_to_string(dir.path().join("net/demand.csv")).unwrap();
    let row = demand.lines().nth(1).unwrap();
    let mut fields = row.split(',');
    let (item, site) = (fields.next().unwrap(), fields.next().unwrap());
    let file = format!(
        "horizon_weeks = 520\nbaseline = \"compete\"\n\n[[target]]\nitem = \"{item}\"\nsite = \"{site}\"\nquantity = 10\ndue_week = 500\n"
    );
    std::fs::write(dir.path().join("decade.toml"), file).unwrap();
    let output = run(dir.path(), &["-q", "mobilize", "--demand", "decade.toml", "--out", "p.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output, dir.path()));
    let said = stderr(&output, dir.path());
    assert!(said.contains("the planning program would have "), "{said}");
    assert!(said.contains(" GiB of memory can hold"), "{said}");
    assert!(said.contains("; this process may use ") && said.contains(" GiB already"), "{said}");
    assert!(!dir.path().join("p.json").exists());
}

/// A plan out of its time limit fails, saying so, and writes nothing; a plan within it is the
/// plan without one; a time limit that is not one is refused before anything runs.
#[test]
fn a_plan_out_of_time_fails_and_writes_nothing() {
    let dir = sample();
    let demand = repo("data/demand/ventilator-pandemic.toml");
    let plan = |limit: &str, out: &str| {
        run(
            dir.path(),
            &["-q", "mobilize", "--demand", &demand, "--time-limit", limit, "--out", out],
        )
    };
    let output = plan("1ns", "late.json");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output, dir.path()));
    let said = stderr(&output, dir.path());
    let start =
        "error: the plan ran out of its time limit of 1ns while building the program (after ";
    assert!(said.starts_with(start), "{said}");
    assert!(!dir.path().join("late.json").exists());

    let output = plan("10m", "timely.json");
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    saved_plan(dir.path(), &demand);
    let plan_of = |file: &str| {
        let mut plan = json(&std::fs::read_to_string(dir.path().join(file)).unwrap());
        plan["plan"]["program"]["seconds"] = serde_json::Value::Null;
        plan
    };
    assert_eq!(plan_of("timely.json"), plan_of("plan.json"));

    for (limit, reason) in [
        ("0", "a time limit is more than zero seconds, not 0"),
        ("-10m", "a time limit is more than zero, not -10m"),
        (
            "soon",
            "expected a time such as 90s, 10m, 1h30m or 2d (a number alone is seconds), not \"soon\"",
        ),
    ] {
        let output = plan(limit, "never.json");
        assert_eq!(output.status.code(), Some(2), "{limit}");
        let said = stderr(&output, dir.path());
        let expected =
            format!("error: invalid value '{limit}' for '--time-limit <TIME>': {reason}");
        assert!(said.starts_with(&expected), "{said}");
        assert!(!dir.path().join("never.json").exists());
    }
}
