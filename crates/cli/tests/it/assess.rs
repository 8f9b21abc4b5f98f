//! `arsenal map` and `arsenal risks` on the sample network, snapshotted.

use expect_test::expect;

use super::{generated, repo, run, sample, stderr, stdout, write_fixture};

#[test]
fn maps_of_the_sample() {
    let dir = sample();
    let tree = run(dir.path(), &["map", "mab-vial"]);
    assert!(tree.status.success(), "{}", stderr(&tree, dir.path()));
    expect![[r#"
        Supply map of mab-vial over qualified sources: 10 nodes in 3 tiers
        mab-vial Monoclonal antibody, 100 mg vial x1 - 2 sources: site-141 (Columbus, OH, US); site-142 (Worcester, MA, US)
          mab-drug-substance Monoclonal antibody drug substance x0.1 - 2 sources: site-130 (Chicago, IL, US); site-131 (Philadelphia, PA, US)
            media Chemically defined cell culture media x0.05 - 2 sources: site-051 (Grand Rapids, MI, US); site-052 (Seattle, WA, US)
            protein-a-resin Protein A chromatography resin x0.0002 - sole source site-053 (Portland, OR, US)
            bioreactor-bag Single-use bioreactor bag, 2000 L x0.00005 - 2 sources: site-054 (Nashville, TN, US); site-055 (Indianapolis, IN, US)
            cell-bank Working cell bank vial x0.00002 - sole source site-112 (Philadelphia, PA, US)
          glass-vial Glass vial, 10 mL x1 - 2 sources: site-109 (Albany, NY, US); site-110 (Pittsburgh, PA, US)
            glass-tubing Type I borosilicate glass tubing x0.012 - sole source site-050 (Erlangen, Bavaria, DE)
          stopper Elastomeric vial stopper x1 - sole source site-111 (Denver, CO, US)
            medical-silicone Medical-grade silicone x0.003 - sole source site-023 (Indianapolis, IN, US)
    "#]]
    .assert_eq(&stdout(&tree));
    let top = stdout(&run(dir.path(), &["map", "mab-vial", "--depth", "0"]));
    let heading = "Supply map of mab-vial over qualified sources: 1 node in 1 tier\n";
    assert!(top.starts_with(heading), "{top}");
    let dot = stdout(&run(dir.path(), &["map", "stopper", "--format", "dot"]));
    expect![[r#"
        digraph supply_map {
          rankdir=LR;
          node [shape=box];
          "stopper" [label="stopper
        x1, 1 source"];
          "medical-silicone" [label="medical-silicone
        x0.003, 1 source"];
          "medical-silicone" -> "stopper" [label="0.003"];
        }
    "#]]
    .assert_eq(&dot);
    let site = stdout(&run(dir.path(), &["map", "mab-vial", "--site", "wh-09", "--depth", "2"]));
    expect![[r#"
        Supply map of mab-vial as seen from site wh-09, following actual links: 7 nodes in 3 tiers
        mab-vial Monoclonal antibody, 100 mg vial x1 from wh-09 (Louisville, KY, US)
          mab-vial Monoclonal antibody, 100 mg vial x1 from site-142 (Worcester, MA, US)
            mab-drug-substance Monoclonal antibody drug substance x0.06 from site-131 (Philadelphia, PA, US)
            mab-drug-substance Monoclonal antibody drug substance x0.04 from site-130 (Chicago, IL, US)
            glass-vial Glass vial, 10 mL x0.6 from site-110 (Pittsburgh, PA, US)
            glass-vial Glass vial, 10 mL x0.4 from site-109 (Albany, NY, US)
            stopper Elastomeric vial stopper x1 from site-111 (Denver, CO, US)
    "#]].assert_eq(&site);
    let geojson: serde_json::Value = serde_json::from_str(&stdout(&run(
        dir.path(),
        &["map", "mab-vial", "--format", "geojson"],
    )))
    .unwrap();
    let features = geojson["features"].as_array().unwrap();
    let points = features.iter().filter(|f| f["geometry"]["type"] == "Point").count();
    let lines = features.iter().filter(|f| f["geometry"]["type"] == "LineString").count();
    expect!["15 sites, 22 links"].assert_eq(&format!("{points} sites, {lines} links"));
    let missing = run(dir.path(), &["map", "warp-drive"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing, dir.path()).contains("no item \"warp-drive\" in the stored network"));
    let misspelt = run(dir.path(), &["map", "icu-ventilatr"]);
    expect![[r#"
        error: no item "icu-ventilatr" in the stored network (did you mean "icu-ventilator"?)
    "#]]
    .assert_eq(&stderr(&misspelt, dir.path()));
    // A site the item is nothing to has no map of it: it is said, with sites it is something to.
    let elsewhere = run(dir.path(), &["map", "icu-ventilator", "--site", "site-019"]);
    assert_eq!(elsewhere.status.code(), Some(1));
    expect![[r#"
        error: site-019 neither makes icu-ventilator nor receives it along a link, nor holds or needs any, so there is no map of it as seen from site-019; it is made or received at site-132, site-133, site-134, wh-01, wh-02 and 3 more; a map asked with no site is over every qualified source
    "#]]
    .assert_eq(&stderr(&elsewhere, dir.path()));
}

#[test]
fn risks_of_the_sample() {
    let dir = sample();
    let output = run(dir.path(), &["risks", "--top", "3", "--item", "sic-inverter"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Risks of the supply chain of sic-inverter

        Critical sites: without the site, a product cannot be made at all, whatever the re-routing
          site                 region           value/week  sole source of                 products
          site-092             Bavaria             821,008  dbc-substrate                  sic-inverter
          site-123             NV                  821,008  sic-power-module               sic-inverter

        Sole sources: items with exactly one qualified source site
          item                     site                     value/week  needed by
          dbc-substrate            site-092                    821,008  sic-inverter
          sic-power-module         site-123                    821,008  sic-inverter

        Concentration: share of qualified capacity by region, Herfindahl-Hirschman index (0-10,000)
          item                     sources HHI state HHI country  largest shares
          silicon-wafer                  2      6459        6459  KS 77%, Hsinchu 23%
          gate-driver-board              2      6231       10000  TX 75%, IN 25%
          die-cast-housing               2      6166       10000  IN 74%, AL 26%
          ... and 9 more

        Risk exposure: value of demand lost with the site down for its time to recover (TTR), after
        re-routing through qualified sources with spare capacity and inventory; index = loss / largest loss;
        time to survive (TTS) = how long all demand is still met with the site down
          site                      TTR           loss  index        TTS  how
          site-098              52.0 wk     23,224,100   1.00     2.6 wk  LP on the part it feeds (exact)
          site-123              26.0 wk     16,970,379   0.73     5.3 wk  LP on the part it feeds (exact)
          site-094              52.0 wk      6,974,299   0.30     7.7 wk  LP on the part it feeds (exact)
          ... and 2 more sites with a loss
          295 of 300 sites lose nothing (271 make nothing any demand needs, 9 are covered by spare capacity elsewhere, the rest were solved)
    "#]].assert_eq(&stdout(&output));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["risks", "--json"]))).unwrap();
    assert_eq!(json["products"].as_array().unwrap().len(), 5);
    assert_eq!(json["sole_sources"].as_array().unwrap().len(), 13);
    assert!(json.get("used_by").is_none(), "only a component's report names its users");

    // A component has no demand of its own: the report says which products use it.
    let output = run(dir.path(), &["risks", "--top", "1", "--item", "li-cell"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    expect![[r#"
        Risks of the supply chain of li-cell
          li-cell has no demand of its own, so nothing is at stake here (every value is 0); it goes into battery-pack-48v, icu-ventilator, small-uas (`arsenal risks --item battery-pack-48v`, or without --item, counts their demand)
    "#]]
    .assert_eq(&text.lines().take(2).map(|l| format!("{l}\n")).collect::<String>());
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["risks", "--item", "li-cell", "--json"])))
            .unwrap();
    assert_eq!(
        json["used_by"],
        serde_json::json!(["battery-pack-48v", "icu-ventilator", "small-uas"])
    );
}

/// A Willems chain has no places and one source per item. A risk section with nothing to list
/// says so instead of showing an empty table, and a GeoJSON map names the sites it cannot draw.
#[test]
fn a_chain_without_places_says_what_it_cannot_show() {
    let dir = tempfile::tempdir().unwrap();
    let chain = repo("../shared/data/willems_2008/01.csv");
    let import = run(dir.path(), &["-q", "import", &chain]);
    assert!(import.status.success(), "{}", stderr(&import, dir.path()));
    let output = run(dir.path(), &["risks", "--top", "1"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    expect![[r#"
        Risks of 3 end products

        Critical sites: without the site, a product cannot be made at all, whatever the re-routing
          site                 region           value/week  sole source of                 products
          Part_0001                                187,670  Part_0001                      Retail_0001, Retail_0002, Retail_0003
          ... and 7 more

        Sole sources: items with exactly one qualified source site
          item                     site                     value/week  needed by
          Part_0001                Part_0001                   187,670  Retail_0001, Retail_0002, Retail_0003
          ... and 7 more

        Concentration: share of qualified capacity by region, Herfindahl-Hirschman index (0-10,000)
          item                     sources HHI state HHI country  largest shares
          none: no item has two or more qualified source sites with capacity
    "#]]
    .assert_eq(&text.lines().take(15).map(|l| format!("{l}\n")).collect::<String>());
    // Every site of the chain feeds its demand alone.
    assert!(
        text.ends_with(
            "  ... and 7 more sites with a loss\n  every one of the 8 sites loses something\n"
        ),
        "{text}"
    );

    let map = run(dir.path(), &["map", "Retail_0001", "--format", "geojson"]);
    assert!(map.status.success(), "{}", stderr(&map, dir.path()));
    let geojson: serde_json::Value = serde_json::from_str(&stdout(&map)).unwrap();
    assert_eq!(geojson["features"], serde_json::json!([]));
    expect![[r#"
        warning: 5 sites of the map have no coordinates and are not drawn: Retail_0001, Manuf_0001, Part_0001, Part_0002, Part_0003
    "#]]
    .assert_eq(&stderr(&map, dir.path()));
}

/// Where every item has two sources, no site is critical and no item sole-sourced.
#[test]
fn risks_say_when_nothing_is_sole_sourced() {
    let dir = tempfile::tempdir().unwrap();
    write_fixture(
        &dir.path().join("dual"),
        "
        --- organizations.csv
        id,name,kind,sponsor,focus
        acme,Acme Machining,company,,
        --- sites.csv
        id,organization,name,kind,latitude,longitude,city,state,country,naics,employees,certifications,ttr_weeks
        s1,acme,Acme Dayton,factory,39.76,-84.19,Dayton,OH,US,332710,40,,4
        s2,acme,Acme Houston,factory,29.76,-95.37,Houston,TX,US,332710,25,,6
        --- items.csv
        id,name,kind,unit,unit_value
        pump,Pump,product,each,900
        --- sources.csv
        site,item,max_units_per_week,lead_time_weeks,unit_cost
        s1,pump,100,2,700
        s2,pump,300,1,650
        --- demand.csv
        item,site,units_per_week
        pump,s1,50
        ",
    );
    let import = run(dir.path(), &["-q", "import", "dual"]);
    assert!(import.status.success(), "{}", stderr(&import, dir.path()));
    let output = run(dir.path(), &["risks"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    expect![[r#"
        Risks of 1 end product

        Critical sites: without the site, a product cannot be made at all, whatever the re-routing
          site                 region           value/week  sole source of                 products
          none: no product that can be made now needs any one site

        Sole sources: items with exactly one qualified source site
          item                     site                     value/week  needed by
          none: no item has exactly one qualified source site
    "#]]
    .assert_eq(&stdout(&output).lines().take(9).map(|l| format!("{l}\n")).collect::<String>());
}

/// The counts under the exposure table are grouped by thousands, as every other count is.
#[test]
fn exposure_counts_are_grouped() {
    let dir = generated("1200");
    let output = run(dir.path(), &["risks", "--top", "1"]);
    assert!(output.status.success(), "{}", stderr(&output, dir.path()));
    let text = stdout(&output);
    let last = text.lines().last().unwrap_or_default();
    assert!(last.contains(" of 1,200 sites lose nothing ("), "{text}");
}

/// The summary names the most valuable sole-sourced items as such.
#[test]
fn the_summary_names_the_most_valuable_sole_sources() {
    let dir = sample();
    let summary = stdout(&run(dir.path(), &["summary"]));
    let line = "\n  sole-sourced       13 of 63; the 10 most valuable: protein-a-resin, sic-power-module, cell-bank,";
    assert!(summary.contains(line), "{summary}");
}
