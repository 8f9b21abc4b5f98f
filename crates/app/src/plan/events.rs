//! The events of a re-plan, one at a time: outages and surges (resolved as the stress test's
//! scenario events are), capacities set from a week, demand changes and newly qualified
//! sources; each gives its resolution or the field at fault and why.

use engine::graph::Graph;
use engine::plan::{CapacityChange, Changes};
use engine::simulate::Period;
use model::{Network, Shown};

use super::formats::{PLAN_EVENT_KINDS, PlanEvent, TargetSpec};
use super::inputs::{Bad, amount, find};
use crate::lookup::absent;
use crate::scenario::{EVENT_KINDS, EventSpec, bad_kind, within_max_weeks};

/// The weeks `start_week .. start_week + duration_weeks` of an event, in whole weeks, with the
/// duration running to the end of the horizon when not given.
fn window(event: &PlanEvent, horizon: u32) -> Result<(u32, u32), Bad> {
    let start = event.start_week.unwrap_or(0.0);
    if !(start.is_finite() && start >= 0.0) {
        return Err(("start_week", format!("must be 0 or more, not {}", Shown(start))));
    }
    let start = Period::Week.periods(within_max_weeks("start_week", start)?, 0);
    let until = match event.duration_weeks {
        None => horizon.max(start),
        Some(d) if d.is_finite() && d > 0.0 => {
            start + Period::Week.periods(within_max_weeks("duration_weeks", d)?, 1)
        }
        Some(d) => {
            return Err(("duration_weeks", format!("must be more than 0, not {}", Shown(d))));
        }
    };
    Ok((start, until))
}

/// An outage or surge event, as the stress test's scenario events are resolved, or every
/// field at fault and why.
pub(super) fn outage(
    event: &PlanEvent,
    graph: &Graph,
    horizon: u32,
) -> Result<engine::simulate::Event, Vec<Bad>> {
    if !EVENT_KINDS.contains(&event.kind.as_str()) {
        let kinds: Vec<&str> = EVENT_KINDS.iter().chain(PLAN_EVENT_KINDS).copied().collect();
        return Err(vec![bad_kind(&event.kind, &kinds)]);
    }
    // A bad window is reported with the event's other problems, found on a window of week 0.
    let window = window(event, horizon);
    let (start, until) = window.as_ref().map_or((0, 1), |&w| w);
    let spec = EventSpec {
        kind: event.kind.clone(),
        site: event.site.clone(),
        organization: event.organization.clone(),
        state: event.state.clone(),
        latitude: event.latitude,
        longitude: event.longitude,
        radius_km: event.radius_km,
        process: event.process.clone(),
        supplier: event.supplier.clone(),
        customer: event.customer.clone(),
        item: event.item.clone(),
        factor: event.factor,
        capacity: event.capacity,
        start_week: Some(f64::from(start)),
        duration_weeks: Some(f64::from((until - start).max(1))),
        recovery_weeks: event.recovery_weeks,
    };
    let resolved = crate::scenario::event(&spec, graph, Period::Week);
    match window {
        Ok(_) => resolved,
        Err(bad) => Err(std::iter::once(bad).chain(resolved.err().unwrap_or_default()).collect()),
    }
}

/// What a capacity change does when it lowers the level the network has: a capacity event
/// sets the level, so one meant to add hours or units must give the new total.
pub(super) fn lowers(change: &CapacityChange, graph: &Graph) -> Option<(&'static str, String)> {
    let (field, what, had, set, unit) = match *change {
        CapacityChange::Hours { site, process, hours_per_week, .. } => (
            "hours_per_week",
            format!(
                "{}'s hours of {}",
                graph.site_ids[site as usize], graph.processes[process as usize]
            ),
            graph.hours_per_week(site, process),
            hours_per_week,
            "hours",
        ),
        CapacityChange::Source { source, units_per_week, .. } => {
            let edge = &graph.sources.entries()[source as usize];
            let item = (0..graph.n_items() as u32)
                .find(|&i| graph.sources.range(i).contains(&(source as usize)))
                .unwrap_or_default();
            (
                "units_per_week",
                format!(
                    "{}'s units of {}",
                    graph.site_ids[edge.site as usize], graph.item_ids[item as usize]
                ),
                edge.max_units_per_week,
                units_per_week,
                "units",
            )
        }
    };
    (set < had).then(|| {
        (field, format!(
            "lowers {what} from {} to {} a week (a capacity event sets the level; to add {unit}, give the new total)",
            Shown(had),
            Shown(set)
        ))
    })
}

/// A capacity set from `start_week`: a source's units per week (`site` and `item`), or a
/// site's hours of a process (`site` and `process`).
pub(super) fn capacity(
    event: &PlanEvent,
    graph: &Graph,
    horizon: u32,
) -> Result<CapacityChange, Bad> {
    let (from, until) = window(event, horizon)?;
    let site = find(
        &graph.site_ids,
        event.site.as_deref().ok_or(("site", "a capacity event needs site".to_owned()))?,
        "site",
        "site",
    )?;
    match (&event.item, &event.process, event.units_per_week, event.hours_per_week) {
        (Some(item), None, Some(units), None) => {
            let item = find(&graph.item_ids, item, "item", "item")?;
            let source = graph
                .sources
                .range(item)
                .find(|&s| graph.sources.entries()[s].site == site)
                .ok_or(("item", format!("{} is not a qualified source of {}; add it with a new_source event", graph.site_ids[site as usize], graph.item_ids[item as usize])))?;
            Ok(CapacityChange::Source { source: source as u32, units_per_week: amount("units_per_week", units)?, from, until })
        }
        (None, Some(process), None, Some(hours)) => {
            let process = find(&graph.processes, process, "process", "process")?;
            Ok(CapacityChange::Hours { site, process, hours_per_week: amount("hours_per_week", hours)?, from, until })
        }
        _ => Err(("kind", "a capacity event sets either item and units_per_week (a source) or process and hours_per_week (a site's hours)".into())),
    }
}

/// A demand event: the target it sets (quantity 0 removes it).
pub(super) fn demand_change(event: &PlanEvent, graph: &Graph) -> Result<TargetSpec, Bad> {
    let item = event.item.clone().ok_or(("item", "a demand event needs item".to_owned()))?;
    find(&graph.item_ids, &item, "item", "item")?;
    if let Some(site) = &event.site {
        find(&graph.site_ids, site, "site", "site")?;
    }
    let quantity = event
        .quantity
        .ok_or(("quantity", "a demand event needs quantity (0 removes the target)".to_owned()))?;
    let quantity = amount("quantity", quantity)?;
    let due_week =
        event.due_week.ok_or(("due_week", "a demand event needs due_week".to_owned()))?;
    if due_week == 0 {
        return Err(("due_week", "must be at least 1".into()));
    }
    Ok(TargetSpec { item, site: event.site.clone(), quantity, due_week, value: event.value })
}

/// The source a new_source event qualifies.
pub(super) fn new_source(event: &PlanEvent, network: &Network) -> Result<model::Source, Bad> {
    let site = event.site.clone().ok_or(("site", "a new_source event needs site".to_owned()))?;
    let item = event.item.clone().ok_or(("item", "a new_source event needs item".to_owned()))?;
    if !network.sites.iter().any(|s| s.id == site) {
        return Err(("site", absent("site", &site, network.sites.iter().map(|s| s.id.as_str()))));
    }
    if !network.items.iter().any(|i| i.id == item) {
        return Err(("item", absent("item", &item, network.items.iter().map(|i| i.id.as_str()))));
    }
    if network.sources.iter().any(|s| s.site == site && s.item == item) {
        return Err((
            "item",
            format!(
                "{site} is already a qualified source of {item}; change its capacity with a capacity event"
            ),
        ));
    }
    let number = |field: &'static str, value: Option<f64>| match value {
        Some(v) => amount(field, v),
        None => Err((field, format!("a new_source event needs {field}"))),
    };
    Ok(model::Source {
        site,
        item,
        max_units_per_week: number("max_units_per_week", event.max_units_per_week)?,
        lead_time_weeks: number("lead_time_weeks", event.lead_time_weeks)?,
        unit_cost: number("unit_cost", event.unit_cost)?,
    })
}

/// A new source makes nothing before its `start_week`.
pub(super) fn starts_late(
    event: &PlanEvent,
    graph: &Graph,
    horizon: u32,
) -> Result<Option<CapacityChange>, Bad> {
    let (start, _) = window(event, horizon)?;
    if start == 0 {
        return Ok(None);
    }
    let site = find(&graph.site_ids, event.site.as_deref().unwrap_or_default(), "site", "site")?;
    let item = find(&graph.item_ids, event.item.as_deref().unwrap_or_default(), "item", "item")?;
    let source = graph
        .sources
        .range(item)
        .find(|&s| graph.sources.entries()[s].site == site)
        .unwrap_or_default();
    Ok(Some(CapacityChange::Source {
        source: source as u32,
        units_per_week: 0.0,
        from: 0,
        until: start,
    }))
}

/// Why a new source could make nothing: a process of its item's routing with no hours at its
/// site (neither a capability nor a capacity event).
pub(super) fn missing_hours(event: &PlanEvent, graph: &Graph, changes: &Changes) -> Option<String> {
    let site = graph.site(event.site.as_deref()?)?;
    let item = graph.item(event.item.as_deref()?)?;
    graph.routings.row(item).iter().find_map(|routing| {
        let set = changes.capacities.iter().any(|c| {
            matches!(c, CapacityChange::Hours { site: s, process, hours_per_week, .. } if *s == site && *process == routing.process && *hours_per_week > 0.0)
        });
        (graph.hours_per_week(site, routing.process) <= 0.0 && !set).then(|| {
            format!(
                "{} has no hours of {}, which {} needs; add a capacity event with process and hours_per_week",
                graph.site_ids[site as usize],
                graph.processes[routing.process as usize],
                graph.item_ids[item as usize]
            )
        })
    })
}
