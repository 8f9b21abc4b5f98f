//! Planning tests: hand-solved fixtures (their answers worked out in the comments), the checker
//! on broken plans, warm re-plans against cold solves, and generated networks, where every plan
//! passes the checker and the pruned program gives the same optimum as the unpruned one.

use std::collections::HashMap;

use proptest::prelude::*;

use super::layout::Layout;
use super::windows::{Via, Windows};
use super::{
    BYTES_PER_COLUMN, Baseline, Bases, Changes, Checked, Constraint, Failure, Model, Options, Plan,
    Program, Reason, Target, check, explain,
};
use crate::fixture;
use crate::generate::{GenerateConfig, generate};
use crate::graph::Graph;
use crate::lp::Basis;
use crate::simulate::{Change, Event, Scenario, Target as Struck};

/// A graph from a fixture, with (site, item, lead weeks, unit cost) set on its sources.
fn graph(text: &str, sources: &[(&str, &str, f64, f64)]) -> Graph {
    let mut network = fixture::network(text);
    for &(site, item, lead, cost) in sources {
        let source = network
            .sources
            .iter_mut()
            .find(|s| s.site == site && s.item == item)
            .expect("fixture source");
        source.lead_time_weeks = lead;
        source.unit_cost = cost;
    }
    Graph::build(&network).unwrap()
}

fn index(names: &[crate::graph::Name], id: &str) -> u32 {
    names.iter().position(|n| &**n == id).expect("fixture id") as u32
}

/// Options for fixtures: `horizon` weeks, no steady demand, no new links.
fn options(horizon: u32) -> Options {
    Options { horizon, baseline: Baseline::Ignore, new_links: false, ..Options::default() }
}

/// `quantity` of `item` (at `site`, or anywhere) within `due` weeks, worth its unit value.
fn target(graph: &Graph, item: &str, site: Option<&str>, quantity: f64, due: u32) -> Target {
    let item = index(&graph.item_ids, item);
    Target {
        item,
        site: site.map(|s| index(&graph.site_ids, s)),
        quantity,
        due,
        value: graph.items[item as usize].unit_value,
    }
}

/// HiGHS's primal feasibility tolerance (its default): a column of an optimal solution may sit
/// this far below zero.
const PRIMAL_TOLERANCE: f64 = 1e-7;

/// What a plan came to; every plan here has passed the checker, which agrees with the program's
/// objectives.
struct Solved {
    met: f64,
    /// The cost of the plan, as the checker adds it up.
    cost: f64,
    /// How far the solver's cost objective may stray from the plan's cost: the plan leaves out
    /// columns the solver left within its tolerance of zero, and with freight priced by value
    /// and distance a column's cost can be large.
    cost_slack: f64,
    plan: Plan,
    bases: Bases,
    checked: Checked,
    bottlenecks: Vec<super::Bottleneck>,
    reasons: Vec<(u32, Vec<Reason>)>,
}

/// The memory of a machine of the kind: 24 GiB.
const MACHINE: u64 = 24 << 30;

/// Solves `model`, starting from the bases of a plan of `start`'s model when given.
fn solve(model: &Model<'_>, start: Option<(&Model<'_>, &Bases)>) -> Solved {
    let mut program = Program::new(model, MACHINE).unwrap();
    assert_eq!(program.size().columns as u64, Layout::columns(model));
    if let Some((previous, bases)) = start {
        assert!(program.start_from(previous, |_| Some(bases.clone())));
    }
    let met = program.maximise_met(&|| false).unwrap();
    let (bottlenecks, objective) = program.bottlenecks_and_cost(5, &|| false).unwrap();
    let cost_slack = PRIMAL_TOLERANCE * program.layout.costs.iter().map(|c| c.abs()).sum::<f64>();
    let bases = program.bases().expect("both solves leave a basis");
    let plan = program.plan();
    let checked = check(model, &plan);
    assert!(checked.violations.is_empty(), "{:#?}", checked.violations);
    assert!(close(checked.met_value, met, 1e-6), "met {} vs {met}", checked.met_value);
    let cost = checked.cost.total();
    assert!(
        within(cost, objective, 1e-6, cost_slack),
        "cost {:?} vs objective {objective} (slack {cost_slack})",
        checked.cost
    );
    let reasons = explain(model, &checked.met, &bottlenecks);
    Solved { met, cost, cost_slack, plan, bases, checked, bottlenecks, reasons }
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    within(a, b, relative, 0.0)
}

/// `a` and `b` agree to `relative`, or differ by at most `absolute` more.
fn within(a: f64, b: f64, relative: f64, absolute: f64) -> bool {
    (a - b).abs() <= relative * (1.0 + a.abs().max(b.abs())) + absolute
}

/// Two plans' costs agree, allowing for both solves' tolerances.
fn same_cost(a: &Solved, b: &Solved) -> bool {
    within(a.cost, b.cost, 1e-6, a.cost_slack + b.cost_slack)
}

const TWO_SITES: &str = "
    site a OH US
    site b OH US
    item p product 100 0 a:10,b:5
";

#[test]
fn two_sites_one_product() {
    // Lead time one week, due within 4 weeks: starts in weeks 0-2 count, 15 a week, 45 in all.
    let g = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let model =
        Model::new(&g, &[target(&g, "p", None, 100.0, 4)], &Changes::default(), &options(4));
    let solved = solve(&model, None);
    assert!(close(solved.met, 45.0 * 100.0, 1e-9), "{}", solved.met);
    // Everything is needed: 30 at cost 1 and 15 at cost 2 (the second solve may give up 1e-9
    // of the value met, and so of the cost).
    assert!(close(solved.cost, 60.0, 1e-8), "{}", solved.cost);
    let reasons = &solved.reasons[0].1;
    assert!(
        matches!(&reasons[..], [Reason::Bottlenecks { .. }]),
        "short for capacity: {reasons:?}"
    );

    // Only 20 wanted: the cheaper site makes them all.
    let model = Model::new(&g, &[target(&g, "p", None, 20.0, 4)], &Changes::default(), &options(4));
    let solved = solve(&model, None);
    assert!(close(solved.met, 2000.0, 1e-9) && close(solved.cost, 20.0, 1e-8));
    let a = index(&g.site_ids, "a");
    assert!(solved.plan.production.iter().all(|p| model.source(p.source).0 == a));
    assert!(solved.reasons.is_empty());
}

/// p is made at a from r, made at m and two weeks in transit; 4 p are in stock at a.
const STOCKED: &str = "
    site m OH US
    site a OH US
    item p product 50 0 a:100
    item r material 1 0 m:100
    bom p r 1
    link m a r 0 2
    inventory a p 4
";

/// A source whose lead time is longer than any horizon makes nothing in time, as with a lead
/// time of a week past the longest horizon; 1e15 weeks no longer overflows a week's count.
#[test]
fn lead_times_past_the_longest_horizon_deliver_nothing() {
    for lead in [1e15, 521.0] {
        // r takes a week at m and 2 in transit, then p `lead` weeks at a: only the 4 p in
        // stock count.
        let g = graph(STOCKED, &[("m", "r", 1.0, 1.0), ("a", "p", lead, 1.0)]);
        let targets = [target(&g, "p", Some("a"), 100.0, 5)];
        let solved = solve(&Model::new(&g, &targets, &Changes::default(), &options(10)), None);
        assert!(close(solved.met, 4.0 * 50.0, 1e-9), "lead {lead}: {}", solved.met);
    }
}

#[test]
fn shared_component_goes_to_the_more_valuable_product() {
    // Component k (10 a week at c, no lead time) reaches a or b a week later; p1 (worth 10) and
    // p2 (worth 20) are made on arrival. Due within 5 weeks: k made in weeks 0-3 counts, 40
    // units, all for p2: 800. One more unit of k a week (weeks 0-3) is worth 4 x 20 = 80.
    let g = graph(
        "
        site c OH US
        site a OH US
        site b OH US
        item p1 product 10 0 a:100
        item p2 product 20 0 b:100
        item k part 1 0 c:10
        bom p1 k 1
        bom p2 k 1
        link c a k 0 1
        link c b k 0 1
        ",
        &[("c", "k", 0.0, 1.0), ("a", "p1", 0.0, 1.0), ("b", "p2", 0.0, 1.0)],
    );
    let targets = [target(&g, "p1", None, 100.0, 5), target(&g, "p2", None, 100.0, 5)];
    let model = Model::new(&g, &targets, &Changes::default(), &options(5));
    let solved = solve(&model, None);
    assert!(close(solved.met, 800.0, 1e-9), "{}", solved.met);
    assert!(close(solved.checked.met[1], 40.0, 1e-9) && solved.checked.met[0] < 1e-9);
    let k_source = g.sources.range(index(&g.item_ids, "k")).start as u32;
    let first = &solved.bottlenecks[0];
    assert_eq!(first.constraint, Constraint::Capacity { source: k_source });
    assert_eq!(first.weeks, vec![0, 1, 2, 3]);
    assert!(close(first.marginal, 80.0, 1e-9), "{first:?}");
    let gain = first.gain.as_ref().unwrap();
    assert!(close(gain.value, 80.0, 1e-9), "{gain:?}");
    assert_eq!(gain.targets.len(), 1);
    assert!(gain.targets[0].0 == 1 && close(gain.targets[0].1, 4.0, 1e-9));
    // Both are short because of k's capacity (the bottleneck their chains share).
    let reason = vec![Reason::Bottlenecks { bottlenecks: vec![0] }];
    assert_eq!(solved.reasons, vec![(0, reason.clone()), (1, reason)]);
}

#[test]
fn lead_time_longer_than_the_due_date() {
    // r takes 3 weeks at m, 2 in transit, then p takes 2 at a: a new p is ready in week 7, after
    // the due week 5. Only the 4 in stock count.
    let g = graph(STOCKED, &[("m", "r", 3.0, 1.0), ("a", "p", 2.0, 1.0)]);
    let model =
        Model::new(&g, &[target(&g, "p", Some("a"), 100.0, 5)], &Changes::default(), &options(10));
    let solved = solve(&model, None);
    assert!(close(solved.met, 4.0 * 50.0, 1e-9), "{}", solved.met);
    let (m, a) = (index(&g.site_ids, "m"), index(&g.site_ids, "a"));
    let (p, r) = (index(&g.item_ids, "p"), index(&g.item_ids, "r"));
    assert_eq!(
        solved.reasons,
        vec![(
            0,
            vec![Reason::LeadTime {
                earliest: 7,
                due: 5,
                path: vec![(m, r, 3), (a, r, 5), (a, p, 7)]
            }]
        )]
    );
}

#[test]
fn hours_bottleneck_dual_matches_one_more_hour() {
    // 20 cnc hours a week at 4 an hour make 5 p a week (the source could make 10); starts in
    // weeks 0-2 count: 15 p, 1500. One more hour a week makes 0.25 p more in each of 3 weeks:
    // 75.
    let g = graph(
        "
        site a OH US
        item p product 100 0 a:10
        capability a cnc 20
        routing p cnc 4
        ",
        &[],
    );
    let model =
        Model::new(&g, &[target(&g, "p", None, 100.0, 4)], &Changes::default(), &options(4));
    let solved = solve(&model, None);
    assert!(close(solved.met, 1500.0, 1e-9), "{}", solved.met);
    let (a, cnc) = (index(&g.site_ids, "a"), index(&g.processes, "cnc"));
    assert_eq!(solved.bottlenecks.len(), 1);
    let hours = &solved.bottlenecks[0];
    assert_eq!(hours.constraint, Constraint::Hours { site: a, process: cnc });
    assert!(close(hours.marginal, 75.0, 1e-9), "{hours:?}");
    assert!(close(hours.gain.as_ref().unwrap().value, 75.0, 1e-9), "{hours:?}");
}

#[test]
fn a_down_source_binds_only_in_the_weeks_it_works() {
    // a makes 10 p a week with no lead time; due within 4 weeks, but a is down in weeks 1 and
    // 2: it makes 10 in week 0 and 10 in week 3, 2000. Its capacity binds in weeks 0 and 3
    // (in weeks 1 and 2 the outage binds): one more unit a week is 2 p, 200, and solving again
    // with one more unit in the weeks it works gives the same.
    let g = graph("site a OH US\nitem p product 100 0 a:10", &[("a", "p", 0.0, 1.0)]);
    let changes = site_down(&g, "a", 1, 2);
    let model = Model::new(&g, &[target(&g, "p", None, 100.0, 4)], &changes, &options(4));
    let solved = solve(&model, None);
    assert!(close(solved.met, 2000.0, 1e-9), "{}", solved.met);
    let capacity = &solved.bottlenecks[0];
    assert_eq!(capacity.constraint, Constraint::Capacity { source: 0 });
    assert_eq!(capacity.weeks, vec![0, 3]);
    assert!(close(capacity.marginal, 200.0, 1e-9), "{capacity:?}");
    assert!(close(capacity.gain.as_ref().unwrap().value, 200.0, 1e-9), "{capacity:?}");

    // The same with process hours: 20 cnc hours a week at 2 an hour (the source could make
    // 100 a week), the process down in weeks 1 and 2: one more hour a week is 2 x 0.5 p, 100.
    let g = graph(
        "site a OH US\nitem p product 100 0 a:100\ncapability a cnc 20\nrouting p cnc 2",
        &[("a", "p", 0.0, 1.0)],
    );
    let cnc = index(&g.processes, "cnc");
    let change = Change::Outage { target: Struck::Process(cnc), capacity: 0.0 };
    let changes = Changes {
        scenario: Scenario {
            events: vec![Event { change, start: 1, duration: 2, recovery: 0 }],
            opening: Vec::new(),
        },
        capacities: Vec::new(),
    };
    let model = Model::new(&g, &[target(&g, "p", None, 100.0, 4)], &changes, &options(4));
    let solved = solve(&model, None);
    assert!(close(solved.met, 2000.0, 1e-9), "{}", solved.met);
    let hours = &solved.bottlenecks[0];
    assert_eq!(hours.constraint, Constraint::Hours { site: 0, process: cnc });
    assert_eq!(hours.weeks, vec![0, 3]);
    assert!(close(hours.marginal, 100.0, 1e-9), "{hours:?}");
    assert!(close(hours.gain.as_ref().unwrap().value, 100.0, 1e-9), "{hours:?}");
}

#[test]
fn stock_bottleneck_dual_matches_one_more_unit() {
    // p (worth 30) needs 2 r; the only r is 10 in stock at a: 5 p. One more r is half a p: 15.
    let g = graph(
        "
        site a OH US
        item p product 30 0 a:100
        item r material 1 0 -
        bom p r 2
        inventory a r 10
        ",
        &[("a", "p", 0.0, 1.0)],
    );
    let model =
        Model::new(&g, &[target(&g, "p", None, 100.0, 3)], &Changes::default(), &options(3));
    let solved = solve(&model, None);
    assert!(close(solved.met, 150.0, 1e-9), "{}", solved.met);
    let stock = &solved.bottlenecks[0];
    assert!(matches!(stock.constraint, Constraint::Stock { .. }), "{stock:?}");
    assert!(
        close(stock.marginal, 15.0, 1e-9) && close(stock.gain.as_ref().unwrap().value, 15.0, 1e-9)
    );
    let r = index(&g.item_ids, "r");
    assert!(solved.reasons[0].1.contains(&Reason::NoSource { item: r }), "{:?}", solved.reasons);
}

#[test]
fn new_links_reach_spare_capacity() {
    // a's only supplier of k, s1, makes 5 a week; s2, qualified but not linked, makes 100.
    // Without new links: k shipped in weeks 0-8 arrives by week 9, 45 p. With them (open from
    // week 2), all 100.
    let text = "
        site s1 OH US at=40.0,-83.0
        site s2 TX US at=30.0,-97.0
        site a OH US at=40.0,-84.0
        item p product 100 0 a:100
        item k part 1 0 s1:5,s2:100
        bom p k 1
        link s1 a k 0 1
    ";
    let g = graph(text, &[("s1", "k", 0.0, 1.0), ("s2", "k", 0.0, 1.0), ("a", "p", 0.0, 1.0)]);
    let targets = [target(&g, "p", Some("a"), 100.0, 10)];
    let model = Model::new(&g, &targets, &Changes::default(), &options(10));
    assert!(close(solve(&model, None).met, 4500.0, 1e-9));
    let open = Options { new_links: true, ..options(10) };
    let model = Model::new(&g, &targets, &Changes::default(), &open);
    let solved = solve(&model, None);
    assert!(close(solved.met, 10_000.0, 1e-9), "{}", solved.met);
    let s2 = index(&g.site_ids, "s2");
    assert!(solved.plan.shipments.iter().any(|s| {
        let arc = &model.arcs[s.arc as usize];
        arc.link.is_none() && arc.supplier == s2 && s.period >= 2
    }));
}

#[test]
fn a_replan_holds_the_links_behind_a_source_that_goes_down() {
    // a's supplier of k, s1, makes 5 a week from m that only a new link from s3 can bring; s2,
    // qualified but not linked, makes 100 from the m s3 ships it. The plan takes k from s2 over
    // a new link. With s2 down all along it qualifies for no new link, so nothing it makes, nor
    // the link that feeds it, can reach the target any more; the re-plan's model still holds
    // that link (and every decision of the plan).
    let text = "
        site s1 OH US at=40.0,-83.0
        site s2 TX US at=30.0,-97.0
        site s3 TX US at=31.0,-97.0
        site a OH US at=40.0,-84.0
        item p product 100 0 a:100
        item k part 1 0 s1:5,s2:100
        item m part 1 0 s3:200
        bom p k 1
        bom k m 1
        link s1 a k 0 1
        link s3 s2 m 0 1
    ";
    let g = graph(text, &[("s2", "k", 0.0, 1.0), ("s3", "m", 0.0, 1.0), ("a", "p", 0.0, 1.0)]);
    let targets = [target(&g, "p", Some("a"), 100.0, 10)];
    let open = Options { new_links: true, ..options(10) };
    let first = Model::new(&g, &targets, &Changes::default(), &open);
    let before = solve(&first, None);
    let (s3, s2, m) = (index(&g.site_ids, "s3"), index(&g.site_ids, "s2"), index(&g.item_ids, "m"));
    let from_s2 = |s: &super::Shipment| first.arcs[s.arc as usize].supplier == s2;
    assert!(before.plan.shipments.iter().any(from_s2), "{:?}", before.plan);
    let changes = site_down(&g, "s2", 0, 10);
    let alone = Model::new(&g, &targets, &changes, &open);
    assert_eq!(alone.arc_of((s3, s2, m)), None);
    let after = Model::covering(&g, &targets, &changes, &open, &first);
    assert!(after.arc_of((s3, s2, m)).is_some());
    holds_every_decision(&after, &first).unwrap();
    let warm = solve(&after, Some((&first, &before.bases)));
    let cold = solve(&alone, None);
    assert!(close(warm.met, cold.met, 1e-9) && close(warm.cost, cold.cost, 1e-8));
    assert!(cold.met < before.met, "{} against {}", cold.met, before.met);
}

fn site_down(graph: &Graph, site: &str, start: u32, duration: u32) -> Changes {
    let site = index(&graph.site_ids, site);
    let change = Change::Outage { target: Struck::Site(site), capacity: 0.0 };
    Changes {
        scenario: Scenario {
            events: vec![Event { change, start, duration, recovery: 0 }],
            opening: Vec::new(),
        },
        capacities: Vec::new(),
    }
}

#[test]
fn replan_from_the_old_plan_equals_a_cold_solve() {
    let g = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let targets = [target(&g, "p", None, 40.0, 8)];
    let first = Model::new(&g, &targets, &Changes::default(), &options(8));
    let before = solve(&first, None);
    let changes = site_down(&g, "a", 2, 6);
    let model = Model::covering(&g, &targets, &changes, &options(8), &first);
    let warm = solve(&model, Some((&first, &before.bases)));
    let cold = solve(&model, None);
    assert!(close(warm.met, cold.met, 1e-9) && close(warm.cost, cold.cost, 1e-8));
    // a makes 10 in each of weeks 0-1, b 5 in each of weeks 0-6: 55 possible, 40 wanted.
    assert!(close(cold.met, 4000.0, 1e-9), "{}", cold.met);
}

/// A re-plan is given its plan's program's size to ask for bases of, and starts from nothing
/// when the bases it gets are not of that size.
#[test]
fn bases_of_another_size_are_not_carried() {
    let g = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let targets = [target(&g, "p", None, 40.0, 8)];
    let first = Model::new(&g, &targets, &Changes::default(), &options(8));
    let before = solve(&first, None);
    let size = Program::new(&first, MACHINE).unwrap().size();
    assert!(before.bases.fit(size));
    let model = Model::covering(&g, &targets, &site_down(&g, "a", 2, 6), &options(8), &first);
    let mut asked = None;
    let mut program = Program::new(&model, MACHINE).unwrap();
    assert!(program.start_from(&first, |size| {
        asked = Some(size);
        Some(before.bases.clone())
    }));
    assert_eq!(asked, Some(size));
    let mut one_short = before.bases.clone();
    one_short.cost.rows.pop();
    let mut one_more = before.bases.clone();
    one_more.met.cols.push(Basis::LOWER);
    for bases in [one_short, one_more] {
        assert!(!bases.fit(size));
        let mut program = Program::new(&model, MACHINE).unwrap();
        assert!(!program.start_from(&first, |_| Some(bases)));
    }
    let mut program = Program::new(&model, MACHINE).unwrap();
    assert!(!program.start_from(&first, |_| None));
}
/// A re-plan's model shares the flows of its plan's model when it is of the same graph and its
/// targets have the same sites, and builds its own otherwise; the optima are a cold solve's.
#[test]
fn a_replan_shares_its_plans_flows_only_when_they_are_the_same() {
    let g = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let targets = [target(&g, "p", Some("b"), 40.0, 8)];
    let first = Model::new(&g, &targets, &Changes::default(), &options(8));
    let before = solve(&first, None);
    let changes = site_down(&g, "a", 2, 6);
    let copy = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let elsewhere = [target(&g, "p", Some("a"), 40.0, 8)];
    for (g, targets, shared) in
        [(&g, &targets, true), (&copy, &targets, false), (&g, &elsewhere, false)]
    {
        let model = Model::covering(g, targets, &changes, &options(8), &first);
        assert_eq!(std::sync::Arc::ptr_eq(&model.flows, &first.flows), shared);
        let warm = solve(&model, Some((&first, &before.bases)));
        let cold = solve(&Model::new(g, targets, &changes, &options(8)), None);
        assert!(close(warm.met, cold.met, 1e-9) && close(warm.cost, cold.cost, 1e-8));
    }
}

#[test]
fn replan_keeps_what_the_event_does_not_touch() {
    // 30 p from a (10 a week, cheaper than b) in any three of weeks 0-6: the plan picks some.
    // Taking a down in a week it did not use changes nothing, and the re-plan says so.
    let g = graph(TWO_SITES, &[("b", "p", 1.0, 2.0)]);
    let targets = [target(&g, "p", None, 30.0, 8)];
    let first = Model::new(&g, &targets, &Changes::default(), &options(8));
    let before = solve(&first, None);
    let used: Vec<u32> = before.plan.production.iter().map(|p| p.period).collect();
    let idle = (0..7).find(|t| !used.contains(t)).expect("a week a does not use");
    let model = Model::covering(&g, &targets, &site_down(&g, "a", idle, 1), &options(8), &first);
    let warm = solve(&model, Some((&first, &before.bases)));
    assert!(close(warm.met, before.met, 1e-9) && close(warm.cost, before.cost, 1e-8));
    let key = |plan: &Plan| -> Vec<(u32, u32, u64)> {
        let mut rows: Vec<(u32, u32, u64)> = plan
            .production
            .iter()
            .map(|p| (p.source, p.period, (p.units * 1e6).round() as u64))
            .collect();
        rows.sort_unstable();
        rows
    };
    assert_eq!(key(&warm.plan), key(&before.plan));
}

#[test]
fn every_source_down_is_a_reason() {
    let g = graph(TWO_SITES, &[]);
    let mut changes = site_down(&g, "a", 0, 10);
    changes.scenario.events.extend(site_down(&g, "b", 0, 10).scenario.events);
    let model = Model::new(&g, &[target(&g, "p", None, 10.0, 5)], &changes, &options(5));
    let solved = solve(&model, None);
    assert_eq!(solved.met, 0.0);
    let (a, b, p) = (index(&g.site_ids, "a"), index(&g.site_ids, "b"), index(&g.item_ids, "p"));
    assert!(
        solved.reasons[0].1.contains(&Reason::SourcesDown { item: p, sites: vec![a, b] }),
        "{:?}",
        solved.reasons
    );
}

#[test]
fn checker_finds_broken_plans() {
    let g = graph(TWO_SITES, &[]);
    let model = Model::new(&g, &[target(&g, "p", None, 45.0, 4)], &Changes::default(), &options(4));
    let solved = solve(&model, None);
    // Twice the production breaks capacities.
    let mut doubled = solved.plan.clone();
    for p in &mut doubled.production {
        p.units *= 2.0;
    }
    let found = check(&model, &doubled).violations;
    assert!(found.iter().any(|v| v.what.contains("exceeds its capacity")), "{found:?}");
    // Deliveries without the production behind them leave stock negative.
    let mut unmade = solved.plan.clone();
    unmade.production.clear();
    let found = check(&model, &unmade).violations;
    assert!(found.iter().any(|v| v.what.starts_with("stock of p at a")), "{found:?}");
    // A delivery after the due week.
    let mut late = solved.plan;
    late.deliveries[0].period = 4;
    let found = check(&model, &late).violations;
    assert!(found.iter().any(|v| v.what.contains("outside weeks 0 to 3")), "{found:?}");
}

/// Targets for the first `n` products of a generated network: `extra` times their steady
/// demand over the horizon, anywhere, due at its end.
fn generated_targets(graph: &Graph, n: usize, extra: f64, horizon: u32) -> Vec<Target> {
    let mut weekly = vec![0.0; graph.n_items()];
    for d in &graph.demand {
        weekly[d.item as usize] += d.units_per_week;
    }
    (0..graph.n_items() as u32)
        .filter(|&i| weekly[i as usize] > 0.0)
        .take(n)
        .map(|item| Target {
            item,
            site: None,
            quantity: extra * weekly[item as usize] * f64::from(horizon),
            due: horizon,
            value: graph.items[item as usize].unit_value,
        })
        .collect()
}

/// On a generated network with new links, whatever becomes of the steady demand, the plan passes
/// the checker, pruning the program changes neither optimum, and a re-plan after an outage
/// reaches the optima of a cold solve.
fn generated_case(seed: u64, sites: usize, baseline: Baseline) -> Result<(), TestCaseError> {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: sites, seed })).unwrap();
    let options = Options { horizon: 12, setup_cost: 500.0, baseline, ..Options::default() };
    let targets = generated_targets(&graph, 3, 0.6, 12);
    let model = Model::new(&graph, &targets, &Changes::default(), &options);
    let pruned = solve(&model, None);
    let mut whole = Model::everywhere(&graph, &targets, &Changes::default(), &options);
    same_windows(&model, &whole)?;
    whole.windows = Windows::everything(&whole);
    let unpruned = solve(&whole, None);
    prop_assert!(close(pruned.met, unpruned.met, 1e-7), "met {} vs {}", pruned.met, unpruned.met);
    prop_assert!(same_cost(&pruned, &unpruned), "cost {} vs {}", pruned.cost, unpruned.cost);

    // The site that starts the most production goes down from week 3: a re-plan from the plan's
    // bases holds every decision of the plan and reaches the optima of a solve from nothing.
    let mut starts = vec![0usize; graph.n_sites()];
    for p in &pruned.plan.production {
        starts[model.source(p.source).0 as usize] += 1;
    }
    let busiest = (0..starts.len()).max_by_key(|&s| starts[s]).unwrap_or(0);
    // Down from week 0, it offers nothing all along, and qualifies for no new link.
    for start in [3, 0] {
        let changes = site_down(&graph, &graph.site_ids[busiest], start, 20);
        let cold = solve(&Model::new(&graph, &targets, &changes, &options), None);
        let after = Model::covering(&graph, &targets, &changes, &options, &model);
        holds_every_decision(&after, &model)?;
        let warm = solve(&after, Some((&model, &pruned.bases)));
        prop_assert!(close(warm.met, cold.met, 1e-7), "met {} vs {}", warm.met, cold.met);
        prop_assert!(same_cost(&warm, &cold), "cost {} vs {}", warm.cost, cold.cost);
    }
    Ok(())
}

/// `model` (new links and windows only upstream of the targets) has the windows of `whole` (the
/// same model gathered over every position) for every position, source and arc, and `whole` has
/// no window on an arc `model` leaves out; upstream, the earliest fresh units come the same way.
fn same_windows(model: &Model<'_>, whole: &Model<'_>) -> Result<(), TestCaseError> {
    let (ours, theirs) = (&model.windows, &whole.windows);
    prop_assert_eq!(&ours.position, &theirs.position);
    prop_assert_eq!(&ours.source, &theirs.source);
    let key = |m: &Model<'_>, a: u32| {
        let arc = &m.arcs[a as usize];
        (arc.supplier, arc.customer, arc.item)
    };
    let by_key: HashMap<_, _> =
        (0..model.arcs.len() as u32).map(|a| (key(model, a), ours.arc[a as usize])).collect();
    prop_assert!(model.arcs.len() <= whole.arcs.len());
    for a in 0..whole.arcs.len() as u32 {
        let window = theirs.arc[a as usize];
        prop_assert_eq!(by_key.get(&key(whole, a)).copied().unwrap_or(None), window);
    }
    let via = |m: &Model<'_>, via: Via| match via {
        Via::Arc(a) => format!("arc {:?}", key(m, a)),
        other => format!("{other:?}"),
    };
    for q in (0..model.n_positions()).filter(|&q| model.upstream[q]) {
        let ((t, how), (their_t, their_how)) = (ours.fresh[q], theirs.fresh[q]);
        prop_assert_eq!(t, their_t);
        prop_assert_eq!(via(model, how), via(whole, their_how));
    }
    Ok(())
}

/// `after` (a re-plan's model) has a window for every position, source and arc `before` has
/// one for, covering it within the horizon (but for a new link from a source that has no units
/// left in any week, which `after` does not qualify).
fn holds_every_decision(after: &Model<'_>, before: &Model<'_>) -> Result<(), TestCaseError> {
    let last = after.horizon - 1;
    let covers = |ours: Option<(u32, u32)>, theirs: Option<(u32, u32)>| match theirs {
        Some((a, b)) if a <= last => ours.is_some_and(|(x, y)| x <= a && y >= b.min(last)),
        _ => true,
    };
    let (ours, theirs) = (&after.windows, &before.windows);
    for q in 0..before.n_positions() as u32 {
        let mine = after.position_of(before.position(q)).and_then(|q| ours.position[q as usize]);
        prop_assert!(covers(mine, theirs.position[q as usize]), "position {q}");
    }
    for s in 0..before.flows.sources.len() as u32 {
        let mine = after.source_of(before.source(s)).and_then(|s| ours.source[s as usize]);
        prop_assert!(covers(mine, theirs.source[s as usize]), "source {s}");
    }
    for a in 0..before.arcs.len() as u32 {
        let found = after.arc_of(before.arc_key(a));
        let window = theirs.arc[a as usize]
            .filter(|w| found.is_some_and(|n| w.0 >= after.arcs[n as usize].opens));
        let mine = found.and_then(|n| ours.arc[n as usize]);
        prop_assert!(covers(mine, window), "arc {:?}", before.arc_key(a));
        // A new link comes only from a source with units to spare in some week.
        let new = before.arcs[a as usize].link.is_none();
        prop_assert!(
            found.is_some() || theirs.arc[a as usize].is_none() || new,
            "arc {a} left out"
        );
    }
    Ok(())
}

/// A program the memory given could not hold is refused before anything is laid out, with its
/// size: a machine of the kind refuses a 1,000-site network planned over ten years with today's
/// demand competing, and a program is given exactly `BYTES_PER_COLUMN` a column.
#[test]
fn a_program_past_what_the_memory_holds_is_refused_with_its_size() {
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 1000, seed: 1 })).unwrap();
    let plan = |horizon, baseline| {
        let options = Options { horizon, baseline, ..Options::default() };
        let targets = generated_targets(&graph, 1, 0.5, horizon);
        Model::new(&graph, &targets, &Changes::default(), &options)
    };
    let model = plan(520, Baseline::Compete);
    let columns = Layout::columns(&model);
    let most = MACHINE / BYTES_PER_COLUMN;
    assert_eq!(most, 8_589_934);
    assert!(columns > most, "{columns}");
    let Err(refused) = Program::new(&model, MACHINE) else {
        panic!("a program of {columns} columns")
    };
    assert_eq!(refused, Failure::TooLarge { columns, most, memory: MACHINE });
    let said = format!(
        "the planning program would have {} columns, more than the 8,589,934 that 24.0 GiB of memory can hold",
        model::grouped(columns)
    );
    assert!(refused.to_string().starts_with(&said), "{refused}");

    let small = plan(8, Baseline::Reserve);
    let columns = Layout::columns(&small);
    let memory = columns * BYTES_PER_COLUMN;
    assert!(Program::new(&small, memory).is_ok());
    let refused = Program::new(&small, memory - 1).err();
    assert_eq!(refused, Some(Failure::TooLarge { columns, most: columns - 1, memory: memory - 1 }));
}

/// A case where the cheapest plan costs next to nothing and the solver leaves columns with
/// costly freight a hair below zero: its cost objective came out negative (-0.002) while the
/// plan's cost was zero.
#[test]
fn generated_case_with_a_near_zero_cost() {
    generated_case(48, 76, Baseline::Reserve).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn generated_plans_check_and_pruning_is_exact(
        seed in 0u64..1000,
        sites in 60usize..140,
        baseline in prop::sample::select(vec![Baseline::Reserve, Baseline::Compete, Baseline::Ignore]),
    ) {
        generated_case(seed, sites, baseline)?;
    }
}

/// A failed solve of a program whose numbers span more than ten powers of ten says so, with the
/// likely cause; one of an ordinary span is left as it is.
#[test]
fn failures_of_programs_too_wide_for_the_solver_say_so() {
    use super::program::{Failure, explained};
    let failed = || Failure::Solver("HiGHS failed: Error".into());
    let wide = explained(Some((3.7425e-4, 1e12)), failed()).to_string();
    assert_eq!(
        wide,
        "the planning program could not be solved: HiGHS failed: Error; the program's numbers run from 3.74e-4 to 1.00e12 (the network's and the request's unit values, costs, capacities, hours and bill-of-materials quantities), too wide a spread for the solver: look for an amount given in the wrong unit"
    );
    assert_eq!(explained(Some((1e-3, 1.9e3)), failed()), failed());
    assert_eq!(explained(None, failed()), failed());
}

/// A plan's solves stop when their `Stop` says so: the first solve (by the simplex method, and
/// by interior point where the steady demand competes), the checks and the cost solve, and a
/// re-plan's cost solve on its own thread. Each is asked once and stops there. (With the steady
/// demand reserved, this re-plan's carried cost basis is optimal as it stands: a solve of no
/// iteration asks nothing, so the re-plan is stopped under the other two baselines.)
#[test]
fn a_plan_stops_in_any_of_its_solves_when_told() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let graph = Graph::build(&generate(&GenerateConfig { n_sites: 200, seed: 3 })).unwrap();
    let never = || false;
    for baseline in [Baseline::Compete, Baseline::Ignore, Baseline::Reserve] {
        let options = Options { horizon: 12, baseline, ..Options::default() };
        let targets = generated_targets(&graph, 3, 0.6, 12);
        let model = Model::new(&graph, &targets, &Changes::default(), &options);
        let asked = AtomicUsize::new(0);
        let stop = || {
            asked.fetch_add(1, Ordering::Relaxed);
            true
        };
        let mut program = Program::new(&model, MACHINE).unwrap();
        assert_eq!(program.maximise_met(&stop), Err(Failure::Stopped), "{baseline:?}");
        assert_eq!(asked.swap(0, Ordering::Relaxed), 1, "{baseline:?}");
        for recheck in [5, 0] {
            let mut program = Program::new(&model, MACHINE).unwrap();
            program.maximise_met(&never).unwrap();
            let stopped = program.bottlenecks_and_cost(recheck, &stop).err();
            assert_eq!(stopped, Some(Failure::Stopped), "{baseline:?}, recheck {recheck}");
            assert_eq!(asked.swap(0, Ordering::Relaxed), 1, "{baseline:?}, recheck {recheck}");
        }

        if baseline == Baseline::Reserve {
            continue;
        }
        // A re-plan after the busiest source's site goes down: its cost solve runs on a thread
        // of its own when no bottleneck is checked.
        let solved = solve(&model, None);
        let mut starts = vec![0usize; graph.n_sites()];
        for p in &solved.plan.production {
            starts[model.source(p.source).0 as usize] += 1;
        }
        let busiest = (0..starts.len()).max_by_key(|&s| starts[s]).unwrap_or(0);
        let changes = site_down(&graph, &graph.site_ids[busiest], 3, 20);
        let after = Model::covering(&graph, &targets, &changes, &options, &model);
        let mut program = Program::new(&after, MACHINE).unwrap();
        assert!(program.start_from(&model, |_| Some(solved.bases.clone())));
        program.maximise_met(&never).unwrap();
        let stopped = program.bottlenecks_and_cost(0, &stop).err();
        assert_eq!(stopped, Some(Failure::Stopped), "{baseline:?}, re-plan");
        assert_eq!(asked.swap(0, Ordering::Relaxed), 1, "{baseline:?}, re-plan");
    }
}
