//! Plans and re-plans for people: what can be met and when, why targets fall short, the
//! bottlenecks and what one more unit of each is worth, the plan by site and week, and what a
//! re-plan changed.

use std::fmt::Write;

use app::counted;
use app::plan::{PlanDiff, PlanReport, Replanned};
use engine::plan::Baseline;

use super::{count, money};

/// Weeks as ranges: "0-3, 7, 9-12".
fn weeks(list: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < list.len() {
        let mut j = i;
        while j + 1 < list.len() && list[j + 1] == list[j] + 1 {
            j += 1;
        }
        out.push(if i == j { list[i].to_string() } else { format!("{}-{}", list[i], list[j]) });
        i = j + 1;
    }
    if out.is_empty() { "-".to_owned() } else { out.join(", ") }
}

fn span(weeks: Option<(u32, u32)>) -> String {
    match weeks {
        None => "-".to_owned(),
        Some((a, b)) if a == b => format!("week {a}"),
        Some((a, b)) => format!("weeks {a}-{b}"),
    }
}

/// Units: whole from 100 on, to a tenth below. What rounds to 100 at a tenth is shown whole too,
/// so that 99.99 met of a target of 100 reads "100", as the target does, not "100.0".
fn units(x: f64) -> String {
    match x.abs() {
        a if a >= 99.95 => money(x),
        a if a < 0.05 => "0".to_owned(),
        _ => format!("{x:.1}"),
    }
}

/// A change as written: `-12` or `+12`.
fn signed(written: String) -> String {
    if written.starts_with('-') { written } else { format!("+{written}") }
}

/// The plan: targets, shortfalls, bottlenecks, and the plan by site and week.
pub(crate) fn plan(report: &PlanReport, top: usize) -> String {
    let mut out = String::new();
    let baseline = match report.baseline {
        Baseline::Reserve => "today's demand keeps its normal flows; the plan uses what they leave",
        Baseline::Compete => "today's demand competes with the targets, week by week",
        Baseline::Ignore => "today's demand is set aside; the targets have the whole network",
    };
    let horizon = counted(report.horizon_weeks as usize, "week");
    let _ = writeln!(out, "Plan {:?}: {horizon} ({baseline}).", report.name);
    for note in &report.notes {
        let _ = writeln!(out, "  {note}");
    }
    let share = if report.value_demanded > 0.0 {
        100.0 * report.value_met / report.value_demanded
    } else {
        100.0
    };
    let _ = writeln!(
        out,
        "Demand met by its due week: {} of {} in value ({share:.1} %); cost {} (production {}, freight {}, new links {}).",
        money(report.value_met),
        money(report.value_demanded),
        money(report.cost.total()),
        money(report.cost.production),
        money(report.cost.freight),
        money(report.cost.setup)
    );
    let _ = writeln!(
        out,
        "\n  {:<22} {:<10} {:>4} {:>10} {:>10} {:>7} {:>6}  why short",
        "product", "site", "due", "quantity", "met", "share", "first"
    );
    // The targets short first (each group in the request's order), so that none hides below
    // `top` rows of targets met in full.
    let (short, met): (Vec<_>, Vec<_>) = report.targets.iter().partition(|t| t.is_short());
    for t in short.iter().chain(&met).take(top) {
        let first =
            t.by_week.iter().position(|&u| u > 1e-9).map_or("-".to_owned(), |w| w.to_string());
        let why: Vec<String> =
            t.shortfall.iter().map(|s| s.describe(&report.bottlenecks)).collect();
        let _ = writeln!(
            out,
            "  {:<22} {:<10} {:>4} {:>10} {:>10} {:>6.1}% {:>6}  {}",
            t.item,
            t.site.as_deref().unwrap_or("anywhere"),
            t.due_week,
            units(t.quantity),
            units(t.met),
            100.0 * t.met / t.quantity,
            first,
            if why.is_empty() { "-".to_owned() } else { why.join("; ") }
        );
    }
    if report.targets.len() > top {
        let more = app::counted(report.targets.len() - top, "more target");
        let left_short = short.len().saturating_sub(top);
        let which = match left_short {
            0 => "all met in full".to_owned(),
            n if n == report.targets.len() - top => "all short".to_owned(),
            n => format!("{} of them short", count(n)),
        };
        let _ = writeln!(out, "  ... and {more}, {which}");
    }
    if !report.steady_demand_short.is_empty() {
        let total: f64 = report.steady_demand_short.iter().map(|s| s.value).sum();
        let _ = writeln!(
            out,
            "  today's demand not served in the week due: {} at {}",
            money(total),
            app::counted(report.steady_demand_short.len(), "site")
        );
    }

    let checked = match report.bottlenecks.iter().filter(|b| b.gain.is_some()).count() {
        0 => String::new(),
        1 => "; the first checked by solving again".to_owned(),
        n => format!("; the first {n} checked by solving again"),
    };
    let _ = writeln!(
        out,
        "\nBottlenecks: what one more unit of each is worth in demand met (from the duals{checked})"
    );
    if report.bottlenecks.is_empty() {
        let _ = writeln!(out, "  none: every target is met, or nothing more can reach it in time");
    }
    for b in report.bottlenecks.iter().take(top) {
        let checked = match &b.gain {
            Some(gain) => {
                let products: Vec<String> = gain
                    .products
                    .iter()
                    .take(3)
                    .map(|p| match p.due_week {
                        Some(w) => format!("{} {} by week {w}", signed(units(p.units)), p.item),
                        None => format!("{} {} (today's demand)", signed(units(p.units)), p.item),
                    })
                    .collect();
                let gained = signed(money(gain.value));
                format!("  solved again: {gained} ({})", products.join(", "))
            }
            None => String::new(),
        };
        let when = if b.kind == "stock" {
            String::new()
        } else {
            let plural = if b.weeks.len() == 1 { "week" } else { "weeks" };
            format!(" (binds in {plural} {})", weeks(&b.weeks))
        };
        let _ = writeln!(
            out,
            "  {}: +{} of demand met per {}{when}{checked}",
            b.describe(),
            money(b.marginal_value),
            b.unit(),
        );
    }
    if report.bottlenecks_found > report.bottlenecks.len().min(top) {
        let _ =
            writeln!(out, "  ... {} binding constraints in all", count(report.bottlenecks_found));
    }

    let sites: std::collections::BTreeSet<&str> =
        report.production.iter().map(|p| p.site.as_str()).collect();
    let lanes: std::collections::BTreeSet<(&str, &str, &str)> = report
        .shipments
        .iter()
        .map(|s| (s.supplier.as_str(), s.customer.as_str(), s.item.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "\nThe plan: {} at {}, {} on {} ({}).",
        counted(report.production.len(), "production order"),
        counted(sites.len(), "site"),
        counted(report.shipments.len(), "shipment"),
        counted(lanes.len(), "lane"),
        counted(report.new_links, "new link")
    );
    let mut by_site: Vec<(String, String, f64, u32, u32)> = Vec::new();
    for p in &report.production {
        match by_site.iter_mut().find(|r| r.0 == p.site && r.1 == p.item) {
            Some(r) => {
                r.2 += p.units;
                r.3 = r.3.min(p.week);
                r.4 = r.4.max(p.week);
            }
            None => by_site.push((p.site.clone(), p.item.clone(), p.units, p.week, p.week)),
        }
    }
    by_site.sort_by(|a, b| b.2.total_cmp(&a.2));
    if !by_site.is_empty() {
        let _ = writeln!(out, "  {:<14} {:<24} {:>12}  weeks started", "site", "item", "units");
    }
    for (site, item, total, first, last) in by_site.iter().take(top) {
        let _ = writeln!(
            out,
            "  {site:<14} {item:<24} {:>12}  {}",
            units(*total),
            span(Some((*first, *last)))
        );
    }
    if by_site.len() > top {
        let _ = writeln!(
            out,
            "  ... and {} more (the full plan: --out, --csv or --json)",
            count(by_site.len() - top)
        );
    }
    let s = &report.program.seconds;
    let size = &report.program.size;
    let _ = writeln!(
        out,
        "\nProgram: {} columns, {} rows, {} nonzeros; {:.2} s to build, {:.2} s solving (demand met {:.2} s, bottleneck checks and cost {:.2} s){}.",
        money(size.columns as f64),
        money(size.rows as f64),
        money(size.nonzeros as f64),
        s.model + s.build,
        s.solve_met + s.cost_and_bottlenecks,
        s.solve_met,
        s.cost_and_bottlenecks,
        if report.program.warm_start { ", started from the saved plan" } else { "" }
    );
    out
}

/// The demo's plan in brief: what can be met, and the bottlenecks with what one more unit of
/// each is worth.
pub(crate) fn demo(report: &PlanReport) -> String {
    let mut out = String::new();
    let quantity: f64 = report.targets.iter().map(|t| t.quantity).sum();
    let met: f64 = report.targets.iter().map(|t| t.met).sum();
    let _ = writeln!(
        out,
        "\nMobilization: {} ({}, on top of today's demand)",
        report.name,
        counted(report.horizon_weeks as usize, "week")
    );
    let _ = writeln!(
        out,
        "  {} of {} units can be delivered by their due weeks ({} of {} in value), at a cost of {}",
        units(met),
        units(quantity),
        money(report.value_met),
        money(report.value_demanded),
        money(report.cost.total())
    );
    let _ = writeln!(
        out,
        "  bottlenecks (what one more unit is worth in demand met; checked by solving again):"
    );
    for b in report.bottlenecks.iter().take(3) {
        let gain = b.gain.as_ref().and_then(|g| g.products.first()).map_or(String::new(), |p| {
            let by = p.due_week.map_or(String::new(), |w| format!(" by week {w}"));
            format!(" (+{} {}{by})", units(p.units), p.item)
        });
        let _ = writeln!(
            out,
            "    {}: +{} per {}{gain}",
            b.describe(),
            money(b.marginal_value),
            b.unit()
        );
    }
    if let Some(why) = report.targets.iter().flat_map(|t| &t.shortfall).next() {
        let _ = writeln!(out, "  why short: {}", why.describe(&report.bottlenecks));
    }
    out
}

/// A re-plan: what changed, then the new plan's targets.
pub(crate) fn replan(replanned: &Replanned, events: &std::path::Path, top: usize) -> String {
    let mut out = String::new();
    let d: &PlanDiff = &replanned.diff;
    let plan = &replanned.document.plan;
    let _ = writeln!(
        out,
        "Re-planned {:?} with {} from {}{}.",
        plan.name,
        app::counted(replanned.events, "event"),
        events.display(),
        if plan.program.warm_start { ", starting from the saved plan" } else { "" }
    );
    let _ = writeln!(
        out,
        "Demand met by its due week, in value: {} -> {} ({}); cost {} -> {}.",
        money(d.value_met_before),
        money(d.value_met_after),
        signed(money(d.value_met_after - d.value_met_before)),
        money(d.cost_before),
        money(d.cost_after)
    );
    let _ = writeln!(
        out,
        "\n  {:<22} {:<10} {:>4} {:>10} {:>12} {:>12}",
        "product", "site", "due", "quantity", "met before", "met after"
    );
    // The targets that changed first (each group in the request's order).
    let (changed, same): (Vec<_>, Vec<_>) = d.targets.iter().partition(|t| t.changed());
    for t in changed.iter().chain(&same).take(top) {
        let quantity = match (t.quantity_before, t.quantity_after) {
            (Some(b), Some(a)) if (a - b).abs() > 1e-9 => format!("{}->{}", units(b), units(a)),
            (_, Some(a)) => units(a),
            (Some(b), None) => format!("{} removed", units(b)),
            (None, None) => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {:<22} {:<10} {:>4} {:>10} {:>12} {:>12}",
            t.item,
            t.site.as_deref().unwrap_or("anywhere"),
            t.due_week,
            quantity,
            units(t.met_before),
            units(t.met_after)
        );
    }
    if d.targets.len() > top {
        let left = d.targets.len() - top;
        let which = match changed.len().saturating_sub(top) {
            0 => "all as before".to_owned(),
            n if n == left => "all changed".to_owned(),
            n => format!("{} of them changed", count(n)),
        };
        let _ = writeln!(out, "  ... and {}, {which}", app::counted(left, "more target"));
    }
    let _ = writeln!(out, "\nSites that gain or lose work (value of what they start making):");
    if d.sites.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for s in d.sites.iter().take(top) {
        let _ = writeln!(
            out,
            "  {:<14} {:>14} -> {:>14}  ({})",
            s.site,
            money(s.value_before),
            money(s.value_after),
            signed(money(s.value_after - s.value_before))
        );
    }
    if d.sites.len() > top {
        let _ = writeln!(out, "  ... and {}", app::counted(d.sites.len() - top, "more site"));
    }
    let _ = writeln!(out, "\nOrders that moved (shipments by supplier, customer and item):");
    if d.orders.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for o in d.orders.iter().take(top) {
        let _ = writeln!(
            out,
            "  {} -> {} {}{}: {} -> {} units, {} -> {}",
            o.supplier,
            o.customer,
            o.item,
            if o.new_link { " (new link)" } else { "" },
            units(o.units_before),
            units(o.units_after),
            span(o.weeks_before),
            span(o.weeks_after)
        );
    }
    if d.orders.len() > top {
        let _ = writeln!(out, "  ... and {} more", count(d.orders.len() - top));
    }
    let _ = writeln!(out, "\nProduction that moved:");
    if d.production.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for w in d.production.iter().take(top) {
        let _ = writeln!(
            out,
            "  {} {}: {} -> {} units, {} -> {}",
            w.site,
            w.item,
            units(w.units_before),
            units(w.units_after),
            span(w.weeks_before),
            span(w.weeks_after)
        );
    }
    if d.production.len() > top {
        let _ = writeln!(out, "  ... and {} more", count(d.production.len() - top));
    }
    let _ = writeln!(out, "\nThe new plan:");
    out.push_str(&self::plan(plan, top));
    out
}

#[cfg(test)]
mod tests {
    use super::units;

    #[test]
    fn units_are_whole_from_what_rounds_to_100_and_nothing_below_a_twentieth() {
        let shown = [99.94, 99.95, 99.999_999, 100.0, 1234.5, -100.0, 12.34].map(units);
        assert_eq!(shown, ["99.9", "100", "100", "100", "1,235", "-100", "12.3"]);
        // What rounds to nothing is nothing, with no sign.
        let shown = [0.0, -0.0, 0.049, -0.049, 0.05, -0.05].map(units);
        assert_eq!(shown, ["0", "0", "0", "0", "0.1", "-0.1"]);
    }
}
