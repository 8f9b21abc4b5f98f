//! Human-readable output: findings and summaries.

pub(crate) mod planning;

use std::fmt::Write;
use std::path::Path;

use app::interchange::Finding;
use app::{counted, grouped, listed};
use engine::risk::Structure;
use engine::simulate::Undrawn;
use engine::summary::{Summary, Tally};

use crate::args::DEFAULT_DATA;

/// Prints errors, then warnings, each capped at `max`.
pub(crate) fn findings(findings: &[Finding], max: usize) {
    let (errors, warnings): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.is_error());
    for (list, noun) in [(errors, "error"), (warnings, "warning")] {
        for finding in list.iter().take(max) {
            eprintln!("{finding}");
        }
        if list.len() > max {
            let more = counted(list.len() - max, &format!("more {noun}"));
            eprintln!("... and {more} (raise --max-errors to see them)");
        }
    }
}

/// A line of the largest `tallies`, at most `max`; of `sites` (how many, and what the tallies
/// name: `a state`), those no tally counts are said to lack it.
fn tallies(
    out: &mut String,
    title: &str,
    tallies: &[Tally],
    max: usize,
    sites: Option<(usize, &str)>,
) {
    let mut shown: Vec<String> =
        tallies.iter().take(max).map(|t| format!("{} {}", t.name, count(t.count))).collect();
    let more = tallies.len().saturating_sub(max);
    if more > 0 {
        shown.push(format!("+{} more", count(more)));
    }
    let (total, what) = sites.unwrap_or_default();
    let without = total.saturating_sub(tallies.iter().map(|t| t.count).sum());
    if shown.is_empty() && without > 0 {
        shown.push(format!("none: no site gives {what}"));
    } else if without > 0 {
        shown.push(format!("{} without {what}", count(without)));
    }
    // Semicolons between entries, as their counts hold commas.
    let _ = writeln!(
        out,
        "  {title:<18} {}",
        if shown.is_empty() { "-".to_owned() } else { shown.join("; ") }
    );
}

pub(crate) fn summary(summary: &Summary) -> String {
    let c = &summary.counts;
    let mut out = String::new();
    let _ = writeln!(out, "Network");
    let _ = writeln!(
        out,
        "  organizations {:>10}   sites        {:>10}   items     {:>10}",
        count(c.organizations),
        count(c.sites),
        count(c.items)
    );
    let _ = writeln!(
        out,
        "  capabilities  {:>10}   BOM lines    {:>10}   routings  {:>10}",
        count(c.capabilities),
        count(c.bom_lines),
        count(c.routings)
    );
    let _ = writeln!(
        out,
        "  sources       {:>10}   links        {:>10}   inventory {:>10}",
        count(c.sources),
        count(c.links),
        count(c.inventory)
    );
    let _ = writeln!(out, "  demand        {:>10}", count(c.demand));
    let _ = writeln!(out, "Sites");
    tallies(&mut out, "by kind", &summary.sites_by_kind, 10, None);
    tallies(&mut out, "by state", &summary.sites_by_state, 10, Some((c.sites, "a state")));
    tallies(&mut out, "by country", &summary.sites_by_country, 10, Some((c.sites, "a country")));
    let _ = writeln!(out, "Items");
    tallies(&mut out, "by kind", &summary.items_by_kind, 10, None);
    let examples = match summary.sole_sourced_examples.as_slice() {
        [] => String::new(),
        all if all.len() == summary.sole_sourced_items => format!(": {}", all.join(", ")),
        some => format!("; the {} most valuable: {}", some.len(), some.join(", ")),
    };
    let _ = writeln!(
        out,
        "  sole-sourced       {} of {}{examples}",
        count(summary.sole_sourced_items),
        count(c.items)
    );
    let _ = writeln!(out, "  with no source     {}", summary.unsourced_items);
    let _ = writeln!(out, "  BOM depth          {}", counted(summary.bom_depth, "level"));
    let _ = writeln!(out, "Capacity by process (hours per week)");
    for p in summary.capacity_by_process.iter().take(12) {
        let (hours, sites) = (units(p.hours_per_week), counted(p.sites, "site"));
        let _ = writeln!(out, "  {:<26} {hours:>14}  at {sites}", p.process);
    }
    if summary.capacity_by_process.len() > 12 {
        let more = counted(summary.capacity_by_process.len() - 12, "more process");
        let _ = writeln!(out, "  ... and {more}");
    }
    out
}

/// The demo's report; `here` is the path this binary was run by, when it was run by a path.
pub(crate) fn demo(demo: &app::DemoReport, config: &app::Config, here: Option<&Path>) -> String {
    let mut out = String::new();
    let dir = config.store_name();
    if demo.imported {
        let _ = writeln!(out, "Loaded the bundled sample network into {dir}.\n");
    } else {
        let _ = writeln!(out, "The sample network is already in {dir}.\n");
    }
    out.push_str(&summary(&demo.summary));
    let _ = writeln!(out, "\nTop risks");
    let _ = writeln!(
        out,
        "  (exposure: demand value lost while a site recovers, after re-routing; critical site: without it"
    );
    let _ = writeln!(
        out,
        "   a product cannot be made at all; concentrated: one state holds most of an item's capacity)"
    );
    for e in demo.risks.exposure.iter().take(2).filter(|e| e.loss.is_some_and(|l| l > 0.0)) {
        let _ = writeln!(
            out,
            "  exposure: site {} down for its {} recovery loses {} of demand (index {:.2}); demand is met for {}",
            e.site,
            weeks(Some(e.ttr_weeks)),
            e.loss.map_or("?".to_owned(), money),
            e.exposure_index.unwrap_or(0.0),
            e.tts_weeks.map_or("ever".to_owned(), |t| format!("{t:.1} weeks"))
        );
    }
    for c in demo.risks.structure.critical_sites.iter().take(3) {
        let _ = writeln!(
            out,
            "  critical site {} ({}): sole source of {}, stops {} ({} a week)",
            c.site,
            c.state.clone().or_else(|| c.country.clone()).unwrap_or_default(),
            list(&c.items, 2),
            list(&c.products, 3),
            money(c.value_at_stake)
        );
    }
    for c in demo.risks.structure.concentration.iter().take(2) {
        let top = c
            .by_state
            .first()
            .map(|s| format!("{} {:.0}%", s.region.as_deref().unwrap_or("?"), 100.0 * s.share))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  concentrated: {} has {} sources but {top} of its capacity (HHI {:.0})",
            c.item, c.n_sources, c.hhi_state
        );
    }
    let stress = &demo.stress;
    let _ = writeln!(
        out,
        "\nStress test: {} ({}, fill rate = demand served in the week it was due)",
        stress.scenario,
        counted(stress.outcome.horizon as usize, "week")
    );
    for p in stress.outcome.products.iter().filter(|p| p.first_short.is_some()).take(3) {
        let cause = p
            .causes
            .first()
            .map_or(String::new(), |c| format!("; first cause {} ({})", c.site, c.item));
        let _ = writeln!(
            out,
            "  {}: fill rate {:.1} %, short from week {} for {}, {} of demand not served on time{cause}",
            p.item,
            100.0 * p.fill_rate,
            p.first_short.unwrap_or(0),
            counted(p.periods_short as usize, "week"),
            money(p.value_short)
        );
    }
    let _ = writeln!(out, "  chart: {}", demo.chart.display());
    out.push_str(&planning::demo(&demo.plan));
    let examples = demo.examples.display();
    let _ = writeln!(
        out,
        "\nTry next (the example files are in {examples}, written again by each demo: copy one to edit it):"
    );
    if let Some(here) = here {
        let _ = writeln!(
            out,
            "  (arsenal here is {}; `cargo install --path crates/cli` in the checkout puts it on your PATH)",
            here.display()
        );
    }
    if config.database().is_some() {
        let _ = writeln!(
            out,
            "  (the network is in {}: these commands read it there while ARSENAL_DATABASE_URL names it, or with --database URL)",
            config.store_name()
        );
    }
    // The commands that read the store name the demo's unless it is the default one.
    let arsenal = if config.database().is_none() && config.data_dir() != Path::new(DEFAULT_DATA) {
        format!("arsenal --data {}", config.data_dir().display())
    } else {
        "arsenal".to_owned()
    };
    let next = [
        (format!("{arsenal} risks"), "exposure, critical sites, sole sources, concentration"),
        (
            format!("{arsenal} stress --scenario {examples}/scenarios/gulf-hurricane.toml"),
            "a hurricane near Houston, week by week",
        ),
        (
            format!(
                "{arsenal} stress --monte-carlo 1000 --hazards {examples}/hazards/default.toml"
            ),
            "random disruptions: the distribution of losses (copy the hazards to edit them)",
        ),
        (
            format!(
                "{arsenal} mobilize --demand {examples}/demand/ventilator-pandemic.toml --out plan.json"
            ),
            "the whole plan, site by site and week by week",
        ),
        (
            format!(
                "{arsenal} replan --plan plan.json --event {examples}/events/ventilator-assembler-down.toml"
            ),
            "an assembler goes down: what moves",
        ),
        (format!("{arsenal} map icu-ventilator"), "what a ventilator depends on, tier by tier"),
        (format!("{arsenal} summary --json"), "the same summary, for programs"),
        (format!("{arsenal} export --out sample-copy"), "the network as CSV files you can edit"),
        (format!("{arsenal} import sample-copy"), "import your edits (validated, all or nothing)"),
        ("arsenal generate --sites 10000 --out big".to_owned(), "a synthetic network of any size"),
        (
            "arsenal --data big-data import big".to_owned(),
            "... imported into its own data directory",
        ),
        (
            format!("{arsenal} key create --org org-008 --role member"),
            "an API key for the server (docs/api.md)",
        ),
        (format!("{arsenal} serve"), "the JSON HTTP API on 127.0.0.1:8080"),
    ];
    // Each line can be pasted into a shell as it is; the comments line up unless a command
    // is long.
    let width = next.iter().map(|(command, _)| command.len()).filter(|&n| n <= 50).max();
    let width = width.unwrap_or(0);
    for (command, what) in &next {
        let _ = writeln!(out, "  {command:<width$}  # {what}");
    }
    out
}

/// Beyond this, `money` and `units` write a number in scientific notation, to four digits: a
/// grouped figure would be too long to read (and past 9.2e18 too long for an integer).
const GROUPED_BELOW: f64 = 1e15;

/// `x` to four digits in scientific notation, when it is too large to group (or not finite).
fn scientific(x: f64) -> Option<String> {
    (!x.is_finite() || x.abs() >= GROUPED_BELOW).then(|| format!("{x:.3e}"))
}

/// A confidence interval, each end `shown`: an end the scenarios cannot bound is said so.
fn between(interval: engine::simulate::Interval, shown: impl Fn(f64) -> String) -> String {
    match (interval.low(), interval.high()) {
        (Some(low), Some(high)) => format!("{} to {}", shown(low), shown(high)),
        (Some(low), None) => format!("{} to beyond the worst seen", shown(low)),
        (None, Some(high)) => format!("up to {}", shown(high)),
        (None, None) => "too few scenarios".into(),
    }
}

/// Money to the whole unit, grouped by thousands.
fn money(x: f64) -> String {
    if let Some(shown) = scientific(x) {
        return shown;
    }
    let whole = x.round() as i64;
    let sign = if whole < 0 { "-" } else { "" };
    format!("{sign}{}", grouped(whole.unsigned_abs()))
}

/// Units to a tenth, the whole units grouped by thousands as `money` groups them.
fn units(x: f64) -> String {
    if let Some(shown) = scientific(x) {
        return shown;
    }
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", grouped(tenths / 10), tenths % 10)
}

/// A count grouped by thousands.
fn count(n: usize) -> String {
    grouped(n as u64)
}

/// Names in a table's cell: at most `max`, then how many more (`a, b +3`); prose says
/// `listed`'s "a, b and 3 more".
fn list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let shown: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let more = names.len().saturating_sub(max);
    if more > 0 { format!("{} +{}", shown.join(", "), count(more)) } else { shown.join(", ") }
}

/// The warning for the sites a GeoJSON map leaves out, having no coordinates.
pub(crate) fn not_drawn(sites: &[&str]) -> Option<String> {
    let n = sites.len();
    (n > 0).then(|| {
        format!(
            "warning: {} of the map {} no coordinates and {} not drawn: {}",
            counted(n, "site"),
            if n == 1 { "has" } else { "have" },
            if n == 1 { "is" } else { "are" },
            listed(sites, 5)
        )
    })
}

/// The risk report as tables, `top` rows per section; `scoped` when it was asked for one item's
/// supply chain (`--item`).
pub(crate) fn risks(report: &app::RiskReport, top: usize, scoped: bool) -> String {
    let mut out = structure(&report.structure, top, scoped);
    if let (Some(item), Some(first)) = (report.structure.products.first(), report.used_by.first()) {
        // Under the first line, which names the products assessed.
        let note = format!(
            "  {item} has no demand of its own, so nothing is at stake here (every value is 0); it goes into {} (`arsenal risks --item {first}`, or without --item, counts their demand)\n",
            listed(&report.used_by, 10)
        );
        out.insert_str(out.find('\n').map_or(out.len(), |n| n + 1), &note);
    }
    let _ = writeln!(
        out,
        "\nRisk exposure: value of demand lost with the site down for its time to recover (TTR), after"
    );
    let _ = writeln!(
        out,
        "re-routing through qualified sources with spare capacity and inventory; index = loss / largest loss;"
    );
    let _ = writeln!(
        out,
        "time to survive (TTS) = how long all demand is still met with the site down"
    );
    let _ = writeln!(
        out,
        "  {:<20} {:>8} {:>14} {:>6} {:>10}  how",
        "site", "TTR", "loss", "index", "TTS"
    );
    let mut shown = 0;
    for e in report.exposure.iter().filter(|e| e.loss != Some(0.0)).take(top) {
        shown += 1;
        let loss = e.loss.map_or("failed".to_owned(), money);
        let index = e.exposure_index.map_or("-".to_owned(), |i| format!("{i:.2}"));
        let _ = writeln!(
            out,
            "  {:<20} {:>8} {:>14} {:>6} {:>10}  {}",
            e.site,
            weeks(Some(e.ttr_weeks)),
            loss,
            index,
            weeks(e.tts_weeks),
            how(e)
        );
    }
    let losing = report.exposure.iter().filter(|e| e.loss != Some(0.0)).count();
    if losing > shown {
        let more = counted(losing - shown, "more site");
        let _ = writeln!(out, "  ... and {more} with a loss");
    }
    let sites = report.exposure.len();
    if losing == sites {
        let _ = writeln!(out, "  every one of the {} loses something", counted(sites, "site"));
        return out;
    }
    let method = |m| count(report.exposure.iter().filter(|e| e.method == m).count());
    let _ = writeln!(
        out,
        "  {} of {} sites lose nothing ({} make nothing any demand needs, {} are covered by spare capacity elsewhere, the rest were solved)",
        count(sites - losing),
        count(sites),
        method(engine::risk::Method::NoDownstreamDemand),
        method(engine::risk::Method::AbsorbedBySpareCapacity),
    );
    out
}

fn weeks(weeks: Option<f64>) -> String {
    match weeks {
        None => "ever".to_owned(),
        Some(w) => format!("{w:.1} wk"),
    }
}

fn how(e: &engine::risk::SiteExposure) -> String {
    match (&e.failure, e.method) {
        (Some(failure), _) => failure.clone(),
        (None, engine::risk::Method::Program) => "LP, whole network".to_owned(),
        (None, engine::risk::Method::RestrictedProgram) => {
            "LP on the part it feeds (exact)".to_owned()
        }
        (None, engine::risk::Method::AbsorbedBySpareCapacity) => {
            "spare capacity elsewhere".to_owned()
        }
        (None, engine::risk::Method::NoDownstreamDemand) => "no downstream demand".to_owned(),
        (None, engine::risk::Method::Bounded) => "BOUND: loss at most, TTS at least".to_owned(),
    }
}

/// The structural sections, `top` rows each, of every end product or, `scoped`, of the one item
/// asked for.
fn structure(report: &Structure, top: usize, scoped: bool) -> String {
    let mut out = String::new();
    match report.products.first() {
        Some(item) if scoped => {
            let _ = writeln!(out, "Risks of the supply chain of {item}");
        }
        _ => {
            let _ = writeln!(out, "Risks of {}", counted(report.products.len(), "end product"));
        }
    }
    if !report.unmakeable.is_empty() {
        let _ = writeln!(
            out,
            "  cannot be made at all (an item has no qualified source): {}",
            listed(&report.unmakeable, 10)
        );
    }
    let _ = writeln!(
        out,
        "
Critical sites: without the site, a product cannot be made at all, whatever the re-routing"
    );
    let _ = writeln!(
        out,
        "  {:<20} {:<12} {:>14}  {:<30} products",
        "site", "region", "value/week", "sole source of"
    );
    for c in report.critical_sites.iter().take(top) {
        let region = c.state.clone().or_else(|| c.country.clone()).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<20} {:<12} {:>14}  {:<30} {}",
            c.site,
            region,
            money(c.value_at_stake),
            list(&c.items, 2),
            list(&c.products, 3)
        );
    }
    if report.critical_sites.is_empty() {
        let _ = writeln!(out, "  none: no product that can be made now needs any one site");
    }
    if report.critical_sites.len() > top {
        let _ = writeln!(out, "  ... and {} more", count(report.critical_sites.len() - top));
    }
    let _ = writeln!(
        out,
        "
Sole sources: items with exactly one qualified source site"
    );
    let _ = writeln!(out, "  {:<24} {:<20} {:>14}  needed by", "item", "site", "value/week");
    for s in report.sole_sources.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:<24} {:<20} {:>14}  {}",
            s.item,
            s.site,
            money(s.value_at_stake),
            list(&s.products, 3)
        );
    }
    if report.sole_sources.is_empty() {
        let _ = writeln!(out, "  none: no item has exactly one qualified source site");
    }
    if report.sole_sources.len() > top {
        let _ = writeln!(out, "  ... and {} more", count(report.sole_sources.len() - top));
    }
    let _ = writeln!(
        out,
        "
Concentration: share of qualified capacity by region, Herfindahl-Hirschman index (0-10,000)"
    );
    let _ = writeln!(
        out,
        "  {:<24} {:>7} {:>9} {:>11}  largest shares",
        "item", "sources", "HHI state", "HHI country"
    );
    for c in report.concentration.iter().take(top) {
        let shares: Vec<String> = c
            .by_state
            .iter()
            .take(3)
            .map(|s| format!("{} {:.0}%", s.region.as_deref().unwrap_or("?"), 100.0 * s.share))
            .collect();
        let flag = match (&c.single_state, &c.single_foreign_country) {
            (_, Some(country)) => format!("  all in {country}"),
            (Some(state), None) => format!("  all in {state}"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<24} {:>7} {:>9.0} {:>11.0}  {}{flag}",
            c.item,
            c.n_sources,
            c.hhi_state,
            c.hhi_country,
            shares.join(", ")
        );
    }
    if report.concentration.is_empty() {
        let _ =
            writeln!(out, "  none: no item has two or more qualified source sites with capacity");
    }
    if report.concentration.len() > top {
        let _ = writeln!(out, "  ... and {} more", count(report.concentration.len() - top));
    }
    out
}

/// The stress-test report: per product, what the scenario cost and why; `top` products shown.
pub(crate) fn stress(report: &app::StressReport, top: usize) -> String {
    use engine::simulate::{Reason, Unmet};
    let outcome = &report.outcome;
    let unit = outcome.period.noun();
    let mut out = String::new();
    let unmet = match outcome.unmet {
        Unmet::Backlog => "unserved demand is backlogged",
        Unmet::LostSales => "unserved demand is lost",
    };
    let _ = writeln!(
        out,
        "Scenario {:?}: {}, {} simulated, {unmet}.",
        report.scenario,
        counted(report.events, "event"),
        counted(outcome.horizon as usize, unit)
    );
    for note in &report.notes {
        let _ = writeln!(out, "  {note}");
    }
    let short: Vec<_> = outcome.products.iter().filter(|p| p.first_short.is_some()).collect();
    let _ = writeln!(
        out,
        "Value not served on time: {} over {} of {}.",
        money(outcome.value_short),
        count(short.len()),
        counted(outcome.products.len(), "product")
    );
    if short.is_empty() {
        let _ = writeln!(out, "Every product keeps a 100 % fill rate.");
        return out;
    }
    let _ = writeln!(
        out,
        "\n  {:<22} {:>9} {:>11} {:>7} {:>12} {:>14} {:>10}  first cause",
        "product",
        "fill rate",
        "first short",
        format!("{unit}s"),
        "units short",
        "value short",
        "recovers"
    );
    for p in short.iter().take(top) {
        let recovers =
            p.time_to_recover.map_or("not yet".to_owned(), |t| counted(t as usize, unit));
        let unmakeable = report.unmakeable.iter().any(|u| **u == *p.item);
        let none = if unmakeable { "none: it cannot be made (see above)" } else { "-" };
        let cause = p.causes.first().map_or(none.to_owned(), |c| {
            let why = match &c.reason {
                Reason::Disrupted => "disrupted".to_owned(),
                Reason::Capacity => "at capacity".to_owned(),
                Reason::Hours { process } => format!("out of {process} hours"),
                Reason::LinkCut { supplier } => format!("link from {supplier} cut"),
                Reason::Surge => "demand surge".to_owned(),
            };
            format!("{} ({}) {why}", c.site, c.item)
        });
        let _ = writeln!(
            out,
            "  {:<22} {:>8.1}% {:>11} {:>7} {:>12} {:>14} {:>10}  {cause}",
            p.item,
            100.0 * p.fill_rate,
            p.first_short.map_or("-".to_owned(), |t| format!("{unit} {t}")),
            p.periods_short,
            units(p.units_short),
            money(p.value_short),
            recovers,
        );
    }
    if short.len() > top {
        let more = counted(short.len() - top, "more product");
        let _ = writeln!(out, "  ... and {more} short");
    }
    let _ = writeln!(
        out,
        "\nfill rate = demand served in the {unit} it was due / demand due; recovers = {unit}s from the first shortfall to the end of the last"
    );
    out
}

/// The Monte Carlo report: the loss distribution, the products most at risk, and what carried
/// the tail; `top` rows per section.
pub(crate) fn monte_carlo(report: &engine::simulate::MonteCarloReport, top: usize) -> String {
    let unit = report.period.noun();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (seed {}), {} each, {:.1} events per scenario on average.",
        counted(report.scenarios as usize, "random scenario"),
        report.seed,
        counted(report.horizon as usize, unit),
        report.mean_events
    );
    if report.scenarios < report.asked {
        let _ = writeln!(
            out,
            "  note: the time limit ran out after the first {} of the {} asked for; the report covers those",
            count(report.scenarios as usize),
            count(report.asked as usize)
        );
    }
    for &hazard in &report.undrawn {
        let why = match hazard {
            Undrawn::Regional => {
                "regional events are centred on sites with coordinates, and no site has any"
            }
            Undrawn::State => "state events strike the sites of a state, and no site has a state",
        };
        let field = hazard.field();
        let _ = writeln!(out, "  note: {field} is above 0, but {why}: none was drawn");
    }
    let l = &report.loss;
    if report.undisrupted_loss > 0.0 {
        let _ = writeln!(
            out,
            "\nValue of demand not served on time because of the disruptions, per scenario (beyond the {} the network leaves unserved in {} with no disruption):",
            money(report.undisrupted_loss),
            counted(report.horizon as usize, unit)
        );
    } else {
        let _ = writeln!(out, "\nValue of demand not served on time, per scenario:");
    }
    // Over the intervals, which start after the name and the value.
    let _ = writeln!(out, "{:38}95 % confidence interval", "");
    let i = &l.interval;
    for (name, value, interval) in [
        ("mean", l.mean, Some(i.mean)),
        ("median", l.p50, Some(i.p50)),
        ("95th percentile", l.p95, Some(i.p95)),
        ("99th percentile", l.p99, Some(i.p99)),
        ("worst", l.worst, None),
    ] {
        let interval = interval.map_or_else(String::new, |i| format!("   {}", between(i, money)));
        let _ = writeln!(out, "  {name:<16} {:>16}{interval}", money(value));
    }
    let _ = writeln!(
        out,
        "\nProducts: share of scenarios with a fill rate below {:.0} %",
        100.0 * report.threshold
    );
    let _ = writeln!(
        out,
        "  {:<22} {:>12} {:>16} {:>16}",
        "product", "probability", "95 % interval", "mean fill rate"
    );
    let percent = |share: f64| format!("{:.1}%", 100.0 * share);
    for p in report.products.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:<22} {:>11.1}% {:>16} {:>15.2}%",
            p.item,
            100.0 * p.probability_below,
            between(p.probability_interval, percent),
            100.0 * p.mean_fill_rate
        );
    }
    if report.products.len() > top {
        let _ = writeln!(out, "  ... and {}", counted(report.products.len() - top, "more product"));
    }
    if !report.unmakeable.is_empty() {
        let _ = writeln!(
            out,
            "  cannot be made at all (an item has no qualified source), so short in every scenario: {}",
            report.unmakeable.join(", ")
        );
    }
    let tail = |out: &mut String, title: &str, rows: &[engine::simulate::Contribution]| {
        let _ = writeln!(out, "\n{title}");
        if rows.is_empty() {
            let _ = writeln!(out, "  (no scenario at or above the 95th percentile lost anything)");
        }
        for c in rows.iter().take(top) {
            let _ =
                writeln!(out, "  {:<22} {:>6.1}% {:>16}", c.name, 100.0 * c.share, money(c.value));
        }
        if rows.len() > top {
            let _ = writeln!(out, "  ... and {} more", count(rows.len() - top));
        }
    };
    tail(
        &mut out,
        "Sites that carry the tail (scenarios at or above the 95th percentile): share of tail loss",
        &report.tail_sites,
    );
    tail(&mut out, "Regions that carry the tail", &report.tail_regions);
    out
}

/// The keys, one line each.
pub(crate) fn keys(keys: &[app::access::KeyInfo]) -> String {
    if keys.is_empty() {
        return "no keys; create one with `arsenal key create --org ORG --role ROLE`\n".into();
    }
    let mut out = format!("{:<14} {:<20} {:<9} created (UTC)\n", "id", "organization", "role");
    for k in keys {
        let _ = writeln!(out, "{:<14} {:<20} {:<9} {}", k.id, k.organization, k.role, k.created_at);
    }
    out
}

/// The registered organizations, one line each.
pub(crate) fn registered(organizations: &[app::access::Registered]) -> String {
    if organizations.is_empty() {
        return "no registered organizations; the network's own hold keys without registering\n"
            .into();
    }
    let mut out = format!("{:<20} {:<40} registered (UTC)\n", "id", "name");
    for o in organizations {
        let _ = writeln!(out, "{:<20} {:<40} {}", o.id, o.name, o.created_at);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{count, list, money, not_drawn, tallies, units};
    use engine::summary::Tally;

    #[test]
    fn counts_left_out_are_grouped_too() {
        let names: Vec<String> = (0..1_237).map(|i| format!("p{i}")).collect();
        assert_eq!(list(&names, 3), "p0, p1, p2 +1,234");
    }

    /// A warning is prose: what it leaves out is said in words, not a table's `+2`.
    #[test]
    fn warnings_say_how_many_more_in_words() {
        let sites = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(
            not_drawn(&sites).unwrap(),
            "warning: 7 sites of the map have no coordinates and are not drawn: a, b, c, d, e and 2 more"
        );
        assert_eq!(
            not_drawn(&["a"]).unwrap(),
            "warning: 1 site of the map has no coordinates and is not drawn: a"
        );
        assert!(not_drawn(&[]).is_none());
    }

    #[test]
    fn tallies_say_how_many_sites_they_leave_out() {
        let line = |shown: &[(&str, usize)], max, sites| {
            let shown: Vec<Tally> =
                shown.iter().map(|&(name, count)| Tally { name: name.into(), count }).collect();
            let mut out = String::new();
            tallies(&mut out, "by state", &shown, max, sites);
            out
        };
        let two = [("OH", 1_200), ("TX", 3)];
        assert_eq!(
            line(&two, 10, Some((1_203, "a state"))),
            "  by state           OH 1,200; TX 3\n"
        );
        assert_eq!(
            line(&two, 1, Some((2_500, "a state"))),
            "  by state           OH 1,200; +1 more; 1,297 without a state\n"
        );
        assert_eq!(
            line(&[], 10, Some((38, "a state"))),
            "  by state           none: no site gives a state\n"
        );
        assert_eq!(line(&[], 10, None), "  by state           -\n");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        let shown: Vec<String> = [0, 999, 1_000, 9_000, 2_319_748].map(count).to_vec();
        assert_eq!(shown, ["0", "999", "1,000", "9,000", "2,319,748"]);
        assert_eq!(money(98_969_636_602.4), "98,969,636,602");
        assert_eq!(money(-1_500.5), "-1,501");
        assert_eq!(units(134_876_103.46), "134,876,103.5");
        assert_eq!(units(0.04), "0.0");
        assert_eq!(units(-11_642.66), "-11,642.7");
    }

    /// From 1e15 on a figure is written to four digits in scientific notation, not cut off at
    /// the largest integer (a surge of 1e100 once showed 9,223,372,036,854,775,807).
    #[test]
    fn huge_numbers_are_written_in_scientific_notation() {
        assert_eq!(money(999_999_999_999_999.0), "999,999,999,999,999");
        assert_eq!(money(1.3853663998195174e16), "1.385e16");
        assert_eq!(money(-2.5e102), "-2.500e102");
        assert_eq!(units(9.223372036854776e21), "9.223e21");
        assert_eq!(money(f64::INFINITY), "inf");
    }
}
