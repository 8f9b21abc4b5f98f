//! Naming a solved plan: the engine's indices turned into the network's ids, the shortfalls'
//! and bottlenecks' indices into the report's, and the plan's rows by site and week.

use engine::graph::Graph;
use engine::plan::{Baseline, Bottleneck, Checked, Constraint, Model, Origin, Plan, Reason};

use super::report::{
    BOTTLENECKS_KEPT, BottleneckRow, DeliveryRow, GainRow, PathStep, PlanReport, ProductGain,
    ProductionRow, ProgramStats, ShipmentRow, Shortfall, SteadyShort, TargetResult,
};

/// A product's net change in a checked bottleneck's gain at or below this many units is
/// deliveries traded between its targets, not a change.
const NET_UNITS: f64 = 1e-6;

/// Everything solving gave, for the report.
pub(crate) struct Solved<'a> {
    pub(crate) name: String,
    pub(crate) model: &'a Model<'a>,
    pub(crate) plan: &'a Plan,
    pub(crate) checked: &'a Checked,
    pub(crate) bottlenecks: &'a [Bottleneck],
    pub(crate) reasons: &'a [(u32, Vec<Reason>)],
    pub(crate) baseline: Baseline,
}

impl Solved<'_> {
    pub(crate) fn report(&self, program: ProgramStats) -> PlanReport {
        let model = self.model;
        let graph: &Graph = self.model_graph();
        let site = |s: u32| graph.site_ids[s as usize].to_string();
        let item = |i: u32| graph.item_ids[i as usize].to_string();

        // Bottlenecks kept: the first ones, and any a shortfall names.
        let mut kept: Vec<usize> = (0..self.bottlenecks.len().min(BOTTLENECKS_KEPT)).collect();
        for (_, reasons) in self.reasons {
            for reason in reasons {
                if let Reason::Bottlenecks { bottlenecks } = reason {
                    kept.extend(bottlenecks.iter().map(|&b| b as usize));
                }
            }
        }
        kept.sort_unstable();
        kept.dedup();
        let new_index = |b: u32| kept.binary_search(&(b as usize)).unwrap_or_default();

        let mut targets: Vec<TargetResult> = Vec::new();
        let mut row_of_target: Vec<Option<usize>> = vec![None; model.targets.len()];
        for (k, row) in model.targets.iter().enumerate() {
            if let Origin::Target(_) = row.origin {
                row_of_target[k] = Some(targets.len());
                targets.push(TargetResult {
                    item: item(row.item),
                    site: row.site.map(site),
                    due_week: row.due,
                    quantity: row.quantity,
                    value_per_unit: row.value,
                    met: self.checked.met[k],
                    by_week: vec![0.0; row.due as usize],
                    shortfall: Vec::new(),
                });
            }
        }
        let mut deliveries = Vec::new();
        let mut steady: Vec<(u32, u32, f64)> = Vec::new();
        for d in &self.plan.deliveries {
            let row = &model.targets[d.target as usize];
            let target = row_of_target[d.target as usize];
            if let Some(slot) = target.and_then(|t| targets[t].by_week.get_mut(d.period as usize)) {
                *slot += d.units;
            }
            deliveries.push(DeliveryRow {
                target,
                item: item(row.item),
                site: site(model.position(d.position).0),
                week: d.period,
                units: d.units,
            });
        }
        for (k, row) in model.targets.iter().enumerate() {
            if let Origin::Baseline { .. } = row.origin {
                let short = row.quantity - self.checked.met[k];
                if short > 1e-9 * (1.0 + row.quantity) {
                    let at = row.site.unwrap_or_default();
                    match steady.iter_mut().find(|s| s.0 == row.item && s.1 == at) {
                        Some(s) => s.2 += short,
                        None => steady.push((row.item, at, short)),
                    }
                }
            }
        }
        let steady_demand_short = steady
            .into_iter()
            .map(|(i, s, units)| SteadyShort {
                item: item(i),
                site: site(s),
                units,
                value: units * graph.items[i as usize].unit_value,
            })
            .collect();
        for (k, reasons) in self.reasons {
            let Some(t) = row_of_target[*k as usize] else { continue };
            targets[t].shortfall = reasons
                .iter()
                .map(|reason| match reason {
                    Reason::NoSource { item: i } => Shortfall::NoSource { item: item(*i) },
                    Reason::SourcesDown { item: i, sites } => Shortfall::SourcesDown {
                        item: item(*i),
                        sites: sites.iter().map(|&s| site(s)).collect(),
                    },
                    Reason::LeadTime { earliest, due, path } => Shortfall::LeadTime {
                        earliest_week: *earliest,
                        due_week: *due,
                        path: path
                            .iter()
                            .map(|&(s, i, week)| PathStep { site: site(s), item: item(i), week })
                            .collect(),
                    },
                    Reason::Unreachable => Shortfall::Unreachable,
                    Reason::Bottlenecks { bottlenecks } => Shortfall::Bottlenecks {
                        bottlenecks: bottlenecks.iter().map(|&b| new_index(b)).collect(),
                    },
                    Reason::OtherDemand => Shortfall::OtherDemand,
                })
                .collect();
        }

        let bottlenecks = kept
            .iter()
            .map(|&b| {
                let bottleneck = &self.bottlenecks[b];
                let (kind, at, process, made) = match bottleneck.constraint {
                    Constraint::Hours { site, process } => ("hours", site, Some(process), None),
                    Constraint::Capacity { source } => {
                        let (s, i) = model.source(source);
                        ("capacity", s, None, Some(i))
                    }
                    Constraint::Stock { position } => {
                        let (s, i) = model.position(position);
                        ("stock", s, None, Some(i))
                    }
                };
                let state =
                    graph.sites[at as usize].state.map(|s| graph.states[s as usize].to_string());
                BottleneckRow {
                    kind: kind.to_owned(),
                    site: site(at),
                    state,
                    process: process.map(|p| graph.processes[p as usize].to_string()),
                    item: made.map(item),
                    marginal_value: bottleneck.marginal,
                    weeks: bottleneck.weeks.clone(),
                    gain: bottleneck.gain.as_ref().map(|gain| {
                        let mut products: Vec<ProductGain> = Vec::new();
                        for &(k, units) in &gain.targets {
                            let row = &model.targets[k as usize];
                            let due_week =
                                matches!(row.origin, Origin::Target(_)).then_some(row.due);
                            let name = item(row.item);
                            match products
                                .iter_mut()
                                .find(|p| p.item == name && p.due_week == due_week)
                            {
                                Some(p) => p.units += units,
                                None => products.push(ProductGain { item: name, units, due_week }),
                            }
                        }
                        // Rows of one product and due week that trade deliveries net out.
                        products.retain(|p| p.units.abs() > NET_UNITS);
                        products.sort_by(|a, b| b.units.abs().total_cmp(&a.units.abs()));
                        GainRow { value: gain.value, products }
                    }),
                }
            })
            .collect();

        let production = self
            .plan
            .production
            .iter()
            .map(|p| {
                let (s, i) = model.source(p.source);
                ProductionRow {
                    site: site(s),
                    item: item(i),
                    week: p.period,
                    ready_week: p.period + model.lead(p.source),
                    units: p.units,
                }
            })
            .collect();
        let mut new_arcs: Vec<u32> = Vec::new();
        let shipments = self
            .plan
            .shipments
            .iter()
            .map(|s| {
                let arc = &model.arcs[s.arc as usize];
                if arc.link.is_none() {
                    new_arcs.push(s.arc);
                }
                ShipmentRow {
                    supplier: site(arc.supplier),
                    customer: site(arc.customer),
                    item: item(arc.item),
                    week: s.period,
                    arrives_week: s.period + arc.transit,
                    units: s.units,
                    new_link: arc.link.is_none(),
                }
            })
            .collect();
        new_arcs.sort_unstable();
        new_arcs.dedup();
        let value_demanded = targets.iter().map(|t| t.quantity * t.value_per_unit).sum();
        let value_met = targets.iter().map(|t| t.met * t.value_per_unit).sum();
        PlanReport {
            name: self.name.clone(),
            horizon_weeks: model.horizon,
            baseline: self.baseline,
            value_met,
            value_demanded,
            cost: self.checked.cost,
            targets,
            steady_demand_short,
            bottlenecks,
            bottlenecks_found: self.bottlenecks.len(),
            production,
            shipments,
            deliveries,
            new_links: new_arcs.len(),
            program,
            notes: Vec::new(),
        }
    }

    fn model_graph(&self) -> &Graph {
        self.model.graph()
    }
}
