//! What a re-plan changed: demand met per target, the work each site gains or loses, the
//! production that moved, and the orders (shipments per supplier, customer and item) that moved.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::report::PlanReport;

/// Changes are left out below this many units (rounding).
const NOISE: f64 = 1e-6;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlanDiff {
    pub value_met_before: f64,
    pub value_met_after: f64,
    pub cost_before: f64,
    pub cost_after: f64,
    /// Every target of either plan.
    pub targets: Vec<TargetChange>,
    /// Sites whose work (value of what they start making) changed, the largest change first.
    pub sites: Vec<SiteChange>,
    /// Production that changed, by site and item, the largest change in value first.
    pub production: Vec<WorkChange>,
    /// Orders that changed, by supplier, customer and item, the largest change in value first.
    pub orders: Vec<OrderChange>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetChange {
    pub item: String,
    pub site: Option<String>,
    pub due_week: u32,
    /// `None` where the plan had no such target.
    pub quantity_before: Option<f64>,
    pub quantity_after: Option<f64>,
    pub met_before: f64,
    pub met_after: f64,
}

impl TargetChange {
    /// Whether the re-plan changed it: its quantity, or what is met of it beyond the solver's
    /// noise (as orders, production and sites are told changed).
    pub fn changed(&self) -> bool {
        self.quantity_before != self.quantity_after || changed(self.met_before, self.met_after)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SiteChange {
    pub site: String,
    pub value_before: f64,
    pub value_after: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WorkChange {
    pub site: String,
    pub item: String,
    pub units_before: f64,
    pub units_after: f64,
    /// First and last week production starts, before and after.
    pub weeks_before: Option<(u32, u32)>,
    pub weeks_after: Option<(u32, u32)>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct OrderChange {
    pub supplier: String,
    pub customer: String,
    pub item: String,
    pub new_link: bool,
    pub units_before: f64,
    pub units_after: f64,
    pub weeks_before: Option<(u32, u32)>,
    pub weeks_after: Option<(u32, u32)>,
}

/// Totals and the weeks spanned, by key, for the plan before (`.0`) and after (`.1`).
type Sides<K> = BTreeMap<K, [(f64, Option<(u32, u32)>); 2]>;

fn add<K: Ord>(sides: &mut Sides<K>, key: K, side: usize, units: f64, week: u32) {
    let entry = &mut sides.entry(key).or_insert([(0.0, None), (0.0, None)])[side];
    entry.0 += units;
    entry.1 = Some(entry.1.map_or((week, week), |(a, b)| (a.min(week), b.max(week))));
}

fn changed(before: f64, after: f64) -> bool {
    (after - before).abs() > NOISE * (1.0 + before.abs().max(after.abs()))
}

/// What changed from `before` to `after`; `value` gives an item's unit value.
pub fn diff(before: &PlanReport, after: &PlanReport, value: &dyn Fn(&str) -> f64) -> PlanDiff {
    let mut targets: Vec<TargetChange> = Vec::new();
    for (side, report) in [before, after].into_iter().enumerate() {
        for t in &report.targets {
            let at = targets
                .iter()
                .position(|c| c.item == t.item && c.site == t.site && c.due_week == t.due_week)
                .unwrap_or_else(|| {
                    targets.push(TargetChange {
                        item: t.item.clone(),
                        site: t.site.clone(),
                        due_week: t.due_week,
                        quantity_before: None,
                        quantity_after: None,
                        met_before: 0.0,
                        met_after: 0.0,
                    });
                    targets.len() - 1
                });
            let change = &mut targets[at];
            if side == 0 {
                change.quantity_before = Some(t.quantity);
                change.met_before = t.met;
            } else {
                change.quantity_after = Some(t.quantity);
                change.met_after = t.met;
            }
        }
    }

    let mut work: Sides<(String, String)> = BTreeMap::new();
    let mut orders: Sides<(String, String, String, bool)> = BTreeMap::new();
    for (side, report) in [before, after].into_iter().enumerate() {
        for p in &report.production {
            add(&mut work, (p.site.clone(), p.item.clone()), side, p.units, p.week);
        }
        for s in &report.shipments {
            let key = (s.supplier.clone(), s.customer.clone(), s.item.clone(), s.new_link);
            add(&mut orders, key, side, s.units, s.week);
        }
    }
    let mut sites: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut production: Vec<WorkChange> = Vec::new();
    for ((site, item), [(b, wb), (a, wa)]) in work {
        let entry = sites.entry(site.clone()).or_default();
        entry.0 += b * value(&item);
        entry.1 += a * value(&item);
        if changed(b, a) || wb != wa {
            production.push(WorkChange {
                site,
                item,
                units_before: b,
                units_after: a,
                weeks_before: wb,
                weeks_after: wa,
            });
        }
    }
    production.sort_by(|x, y| {
        let size = |w: &WorkChange| (w.units_after - w.units_before).abs() * value(&w.item);
        size(y).total_cmp(&size(x))
    });
    let mut orders: Vec<OrderChange> = orders
        .into_iter()
        .filter(|(_, [(b, wb), (a, wa)])| changed(*b, *a) || wb != wa)
        .map(|((supplier, customer, item, new_link), [(b, wb), (a, wa)])| OrderChange {
            supplier,
            customer,
            item,
            new_link,
            units_before: b,
            units_after: a,
            weeks_before: wb,
            weeks_after: wa,
        })
        .collect();
    orders.sort_by(|x, y| {
        let size = |o: &OrderChange| (o.units_after - o.units_before).abs() * value(&o.item);
        size(y).total_cmp(&size(x))
    });
    let mut sites: Vec<SiteChange> = sites
        .into_iter()
        .filter(|(_, (b, a))| changed(*b, *a))
        .map(|(site, (b, a))| SiteChange { site, value_before: b, value_after: a })
        .collect();
    sites.sort_by(|x, y| {
        let size = |s: &SiteChange| (s.value_after - s.value_before).abs();
        size(y).total_cmp(&size(x))
    });
    PlanDiff {
        value_met_before: before.value_met,
        value_met_after: after.value_met,
        cost_before: before.cost.total(),
        cost_after: after.cost.total(),
        targets,
        sites,
        production,
        orders,
    }
}
