//! Human-readable output: findings and summaries.

use std::fmt::Write;

use app::interchange::Finding;
use engine::summary::{Summary, Tally};

/// Prints errors, then warnings, each capped at `max`.
pub(crate) fn findings(findings: &[Finding], max: usize) {
    let (errors, warnings): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.is_error());
    for (list, noun) in [(errors, "error"), (warnings, "warning")] {
        for finding in list.iter().take(max) {
            eprintln!("{finding}");
        }
        if list.len() > max {
            eprintln!(
                "... and {} more {noun}(s) (raise --max-errors to see them)",
                list.len() - max
            );
        }
    }
}

fn tallies(out: &mut String, title: &str, tallies: &[Tally], max: usize) {
    let shown: Vec<String> =
        tallies.iter().take(max).map(|t| format!("{} {}", t.name, t.count)).collect();
    let more = tallies.len().saturating_sub(max);
    let tail = if more > 0 { format!(", +{more} more") } else { String::new() };
    let _ = writeln!(
        out,
        "  {title:<18} {}{tail}",
        if shown.is_empty() { "-".to_owned() } else { shown.join(", ") }
    );
}

pub(crate) fn summary(summary: &Summary) -> String {
    let c = &summary.counts;
    let mut out = String::new();
    let _ = writeln!(out, "Network");
    let _ = writeln!(
        out,
        "  organizations {:>10}   sites        {:>10}   items     {:>10}",
        c.organizations, c.sites, c.items
    );
    let _ = writeln!(
        out,
        "  capabilities  {:>10}   BOM lines    {:>10}   routings  {:>10}",
        c.capabilities, c.bom_lines, c.routings
    );
    let _ = writeln!(
        out,
        "  sources       {:>10}   links        {:>10}   inventory {:>10}",
        c.sources, c.links, c.inventory
    );
    let _ = writeln!(out, "  demand        {:>10}", c.demand);
    let _ = writeln!(out, "Sites");
    tallies(&mut out, "by kind", &summary.sites_by_kind, 10);
    tallies(&mut out, "by state", &summary.sites_by_state, 10);
    tallies(&mut out, "by country", &summary.sites_by_country, 10);
    let _ = writeln!(out, "Items");
    tallies(&mut out, "by kind", &summary.items_by_kind, 10);
    let _ = writeln!(out, "  sole-sourced       {} of {}", summary.sole_sourced_items, c.items);
    if !summary.sole_sourced_examples.is_empty() {
        let _ = writeln!(out, "  most valuable      {}", summary.sole_sourced_examples.join(", "));
    }
    let _ = writeln!(out, "  with no source     {}", summary.unsourced_items);
    let _ = writeln!(out, "  BOM depth          {} levels", summary.bom_depth);
    let _ = writeln!(out, "Capacity by process (hours per week)");
    for p in summary.capacity_by_process.iter().take(12) {
        let _ =
            writeln!(out, "  {:<26} {:>14.1}  at {} site(s)", p.process, p.hours_per_week, p.sites);
    }
    if summary.capacity_by_process.len() > 12 {
        let _ =
            writeln!(out, "  ... and {} more processes", summary.capacity_by_process.len() - 12);
    }
    out
}

pub(crate) fn demo(demo: &app::DemoReport, config: &app::Config) -> String {
    let mut out = String::new();
    let dir = config.data_dir.display();
    if demo.imported {
        let _ = writeln!(out, "Loaded the bundled sample network into {dir}.\n");
    } else {
        let _ = writeln!(out, "The sample network is already in {dir}.\n");
    }
    out.push_str(&summary(&demo.summary));
    let _ = writeln!(out, "\nTry next:");
    let _ = writeln!(
        out,
        "  arsenal summary --json                      the same summary, for programs"
    );
    let _ = writeln!(
        out,
        "  arsenal export --out sample-copy             the network as CSV files you can edit"
    );
    let _ = writeln!(
        out,
        "  arsenal import sample-copy                  import your edits (validated, all or nothing)"
    );
    let _ = writeln!(
        out,
        "  arsenal generate --sites 10000 --out big    a synthetic network of any size"
    );
    let _ = writeln!(
        out,
        "  arsenal --data big-data import big          ... imported into its own data directory"
    );
    out
}
