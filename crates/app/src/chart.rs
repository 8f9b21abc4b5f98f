//! Charts of stress-test results and plans, as SVG or PNG (by the file's extension), drawn with plotters
//! and an embedded font (DejaVu Sans), so nothing is needed from the system; written atomically.

use std::path::Path;
use std::sync::Once;

use engine::simulate::MonteCarloReport;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use crate::plan::PlanReport;
use crate::{Error, StressReport};

const SIZE: (u32, u32) = (1100, 650);
const FONT: &str = "sans-serif";
/// Products drawn at most (those with the largest value short).
pub const MAX_SERIES: usize = 8;

/// Draws the fill rate over time of each product that falls short (those short first, at most
/// `MAX_SERIES`; the legend counts the others), and one line for the products served in full
/// throughout, which would hide each other at 100 %.
pub fn fill_rates(report: &StressReport, path: &Path) -> Result<(), Error> {
    draw(path, &FillRates(report))
}

struct FillRates<'a>(&'a StressReport);

impl Plot for FillRates<'_> {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let report = self.0;
        let outcome = &report.outcome;
        let unit = outcome.period.noun();
        let (short, full): (Vec<_>, Vec<_>) =
            outcome.products.iter().partition(|p| p.first_short.is_some());
        let undrawn = short.len().saturating_sub(MAX_SERIES);
        let products: Vec<_> = short.into_iter().take(MAX_SERIES).collect();
        let horizon = outcome.horizon as usize;
        let rate = |d: f64, s: f64| if d > 0.0 { 100.0 * s / d } else { 100.0 };
        let lowest = products
            .iter()
            .flat_map(|p| p.due.iter().zip(&p.served).map(|(d, s)| rate(*d, *s)))
            .fold(100.0f64, f64::min);
        let floor = ((lowest / 10.0).floor() * 10.0).clamp(0.0, 90.0);
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Fill rate by {unit}: {}", report.scenario), (FONT, 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..horizon.saturating_sub(1).max(1) as f64, floor..101.0)?;
        chart
            .configure_mesh()
            .x_desc(format!("{unit} (from 0)"))
            .y_desc("demand served when due (%)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .draw()?;
        let lines: Vec<Vec<(f64, f64)>> = products
            .iter()
            .map(|product| {
                let rates = product.due.iter().zip(&product.served).map(|(d, s)| rate(*d, *s));
                rates.enumerate().map(|(t, r)| (t as f64, r)).collect()
            })
            .collect();
        for (i, (product, points)) in products.iter().zip(&lines).enumerate() {
            let color = Palette99::pick(i).to_rgba();
            chart
                .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))?
                .label(format!("{} ({:.1} %)", product.item, 100.0 * product.fill_rate))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
        if undrawn > 0 {
            let undrawn = model::counted(undrawn, "other product");
            legend_note(&mut chart, format!("{undrawn} short, not drawn"))?;
        }
        if !full.is_empty() {
            let noun = if products.is_empty() { "product" } else { "other product" };
            let line = (0..horizon.max(1)).map(|t| (t as f64, 100.0));
            let grey = BLACK.mix(0.45);
            chart
                .draw_series(LineSeries::new(line, grey.stroke_width(2)))?
                .label(format!("{} at 100 %", model::counted(full.len(), noun)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], grey.stroke_width(3))
                });
        }
        // Lines start and end at 100 % when products recover; one that does not ends low.
        let rows = products.len() + usize::from(undrawn > 0) + usize::from(!full.is_empty());
        let corners = [SeriesLabelPosition::LowerRight, SeriesLabelPosition::LowerLeft];
        let (x, y) = (chart.x_range(), chart.y_range());
        chart
            .configure_series_labels()
            .position(quietest_corner(&corners, &lines, (x.start, x.end), (y.start, y.end), rows))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 16))
            .draw()?;
        Ok(())
    }
}

/// Draws the distribution of the value lost per scenario of a Monte Carlo run.
pub fn loss_distribution(report: &MonteCarloReport, path: &Path) -> Result<(), Error> {
    draw(path, &Losses(report))
}

/// Bars of the loss histogram.
const BINS: usize = 30;

struct Losses<'a>(&'a MonteCarloReport);

impl Plot for Losses<'_> {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let report = self.0;
        // Whole numbers on the axis when nothing (or next to nothing) was lost.
        let worst = report.loss.worst.max(10.0);
        let width = worst / BINS as f64;
        let mut counts = [0u32; BINS];
        for &loss in &report.losses {
            counts[((loss / width) as usize).min(BINS - 1)] += 1;
        }
        let n = report.losses.len().max(1) as f64;
        let top = counts.iter().map(|&c| f64::from(c) / n).fold(0.0, f64::max) * 100.0;
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "Value lost per scenario: {}, seed {}{}",
                    model::counted(report.scenarios as usize, "scenario"),
                    report.seed,
                    if report.loss.worst > 0.0 { "" } else { " (none lost anything)" }
                ),
                (FONT, 26),
            )
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            // A band above the bars and the lines they are marked with holds the legend (four
            // lines, of about 520 pixels), so that it covers neither.
            .build_cartesian_2d(0f64..worst * 1.02, 0f64..(top * 1.1 / 0.78).max(1.0))?;
        chart
            .configure_mesh()
            .x_desc(if report.undisrupted_loss > 0.0 {
                "value of demand not served on time, beyond the undisrupted run"
            } else {
                "value of demand not served on time"
            })
            .y_desc("share of scenarios (%)")
            .x_label_formatter(&|x| compact(*x))
            // The band may reach past 100 %, which no share does.
            .y_label_formatter(&|y| if *y <= 100.0 { format!("{y:.0}") } else { String::new() })
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .draw()?;
        let bars = counts.iter().enumerate().map(|(i, &c)| {
            let x0 = i as f64 * width;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, 100.0 * f64::from(c) / n)],
                BLUE.mix(0.6).filled(),
            )
        });
        chart
            .draw_series(bars)?
            .label("scenarios")
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], BLUE.mix(0.6).filled()));
        for (name, value, color) in [
            ("mean", report.loss.mean, BLACK),
            ("95th percentile", report.loss.p95, RED),
            ("99th percentile", report.loss.p99, MAGENTA),
        ] {
            chart
                .draw_series(LineSeries::new(
                    [(value, 0.0), (value, top * 1.1)],
                    color.stroke_width(2),
                ))?
                .label(format!("{name}: {}", model::grouped(value.max(0.0).round() as u64)))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 16))
            .draw()?;
        Ok(())
    }
}

/// Draws, for each product of a plan, its cumulative output delivered against its cumulative
/// target, both as a share of the product's total target (so products of any size share one
/// chart): solid lines delivered, dashed lines due.
pub fn cumulative_output(report: &PlanReport, path: &Path) -> Result<(), Error> {
    draw(path, &Cumulative(report))
}

struct Cumulative<'a>(&'a PlanReport);

/// A product's (name, delivered by week, due by week), cumulative and in % of its total target.
type Series = (String, Vec<f64>, Vec<f64>);

impl Cumulative<'_> {
    fn series(&self) -> Vec<Series> {
        let report = self.0;
        let weeks = report.horizon_weeks as usize;
        let mut products: Vec<(String, Vec<f64>, Vec<f64>)> = Vec::new();
        for t in &report.targets {
            let at = match products.iter().position(|p| p.0 == t.item) {
                Some(at) => at,
                None => {
                    products.push((t.item.clone(), vec![0.0; weeks + 1], vec![0.0; weeks + 1]));
                    products.len() - 1
                }
            };
            let (_, delivered, due) = &mut products[at];
            for (week, units) in t.by_week.iter().enumerate() {
                delivered[(week + 1).min(weeks)] += units;
            }
            due[(t.due_week as usize).min(weeks)] += t.quantity;
        }
        for (_, delivered, due) in &mut products {
            let total: f64 = due.iter().sum();
            for line in [&mut *delivered, &mut *due] {
                let mut sum = 0.0;
                for slot in line.iter_mut() {
                    sum += *slot;
                    *slot = if total > 0.0 { 100.0 * sum / total } else { 0.0 };
                }
            }
        }
        products
    }
}

impl Plot for Cumulative<'_> {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let report = self.0;
        let weeks = report.horizon_weeks.max(1) as f64;
        let mut chart = ChartBuilder::on(root)
            .caption(format!("Cumulative output against target: {}", report.name), (FONT, 26))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..weeks, 0f64..105.0)?;
        chart
            .configure_mesh()
            .x_desc("end of week")
            .y_desc("share of the product's total target (%)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 18))
            .draw()?;
        let series = self.series();
        let undrawn = series.len().saturating_sub(MAX_SERIES);
        let mut lines = Vec::new();
        for (i, (item, delivered, due)) in series.into_iter().take(MAX_SERIES).enumerate() {
            let color = Palette99::pick(i).to_rgba();
            let points = |line: &[f64]| -> Vec<(f64, f64)> {
                line.iter().enumerate().map(|(w, &y)| (w as f64, y)).collect()
            };
            let met = delivered.last().copied().unwrap_or(0.0);
            chart
                .draw_series(LineSeries::new(points(&delivered), color.stroke_width(2)))?
                .label(format!("{item}: {met:.0} % delivered"))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
            // Targets fall due at the end of a week: a step, not a ramp.
            let steps: Vec<(f64, f64)> = due
                .iter()
                .enumerate()
                .flat_map(|(w, &y)| {
                    let before = if w == 0 { 0.0 } else { due[w - 1] };
                    [(w as f64, before), (w as f64, y)]
                })
                .collect();
            let dashed = DashedLineSeries::new(steps.iter().copied(), 6, 4, color.stroke_width(1));
            let series = chart.draw_series(dashed)?;
            if i == 0 {
                series.label("dashed: cumulative target").legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(1))
                });
            }
            lines.extend([points(&delivered), steps]);
        }
        if undrawn > 0 {
            legend_note(
                &mut chart,
                format!("{} not drawn", model::counted(undrawn, "other product")),
            )?;
        }
        // Output and targets rise from the lower left to the upper right: targets due early
        // fill the upper left, deliveries short the lower right.
        let rows = lines.len() / 2 + usize::from(!lines.is_empty()) + usize::from(undrawn > 0);
        let corners = [SeriesLabelPosition::UpperLeft, SeriesLabelPosition::LowerRight];
        let (x, y) = (chart.x_range(), chart.y_range());
        chart
            .configure_series_labels()
            .position(quietest_corner(&corners, &lines, (x.start, x.end), (y.start, y.end), rows))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 16))
            .draw()?;
        Ok(())
    }
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// A line of the legend with nothing drawn for it: what the chart leaves out.
fn legend_note<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    text: String,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart
        .draw_series(LineSeries::new(Vec::<(f64, f64)>::new(), BLACK))?
        .label(text)
        .legend(|(x, y)| EmptyElement::at((x, y)));
    Ok(())
}

/// The first of `corners` where a legend `rows` lines high covers the fewest points of `lines`
/// (sampled along each segment, in the plot's coordinates over `x` and `y`), so that it hides
/// as little as it can.
fn quietest_corner(
    corners: &[SeriesLabelPosition],
    lines: &[Vec<(f64, f64)>],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    rows: usize,
) -> SeriesLabelPosition {
    use SeriesLabelPosition::{LowerLeft, UpperLeft, UpperRight};
    // A legend is about two fifths of the plot wide, and 22 pixels a line of about 520 high.
    let wide = 0.4 * (x1 - x0);
    let high = ((rows as f64 * 22.0 + 10.0) / 520.0).min(1.0) * (y1 - y0);
    let samples = lines.iter().flat_map(|line| line.windows(2)).flat_map(|segment| {
        let ((xa, ya), (xb, yb)) = (segment[0], segment[1]);
        (0..8).map(move |k| {
            let t = f64::from(k) / 8.0;
            (xa + t * (xb - xa), ya + t * (yb - ya))
        })
    });
    let covered = |corner: &SeriesLabelPosition| {
        let left = matches!(corner, UpperLeft | LowerLeft);
        let upper = matches!(corner, UpperLeft | UpperRight);
        samples
            .clone()
            .filter(|&(x, y)| {
                (if left { x <= x0 + wide } else { x >= x1 - wide })
                    && (if upper { y >= y1 - high } else { y <= y0 + high })
            })
            .count()
    };
    corners.iter().min_by_key(|c| covered(c)).cloned().unwrap_or(UpperRight)
}

/// A chart that can be drawn on any plotters backend.
pub(crate) trait Plot {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// The kinds of chart file, by extension.
#[derive(Clone, Copy)]
enum Kind {
    Svg,
    Png,
}

fn kind(path: &Path) -> Result<Kind, Error> {
    match path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).as_deref() {
        Some("svg") => Ok(Kind::Svg),
        Some("png") => Ok(Kind::Png),
        _ => Err(Error::invalid(format!(
            "{}: a chart file must end in .svg or .png",
            path.display()
        ))),
    }
}

/// Checks, before the work a chart shows, that a chart can be written at `path`: an SVG or PNG
/// file in a directory that can be written (created if missing).
pub fn check(path: &Path) -> Result<(), Error> {
    kind(path)?;
    crate::interchange::check_writable(path)
        .map_err(|e| Error::invalid(format!("cannot write the chart {}: {e}", path.display())))
}

/// Renders `chart` to `path` (SVG or PNG) through a temporary sibling renamed into place.
pub(crate) fn draw(path: &Path, chart: &impl Plot) -> Result<(), Error> {
    register_font();
    let kind = kind(path)?;
    let failed = |e: &dyn std::fmt::Display| {
        Error::Internal(format!("cannot draw the chart {}: {e}", path.display()))
    };
    match kind {
        Kind::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                root.fill(&WHITE).map_err(|e| failed(&e))?;
                chart.plot(&root).map_err(|e| failed(&e))?;
                root.present().map_err(|e| failed(&e))?;
            }
            crate::interchange::write_atomic(path, |out| out.write_all(svg.as_bytes()))
                .map_err(|e| failed(&e))
        }
        Kind::Png => {
            let dir = crate::interchange::output_dir(path).map_err(|e| failed(&e))?;
            let file = crate::interchange::temporary_in(&dir, ".png").map_err(|e| failed(&e))?;
            {
                let root = BitMapBackend::new(file.path(), SIZE).into_drawing_area();
                root.fill(&WHITE).map_err(|e| failed(&e))?;
                chart.plot(&root).map_err(|e| failed(&e))?;
                root.present().map_err(|e| failed(&e))?;
            }
            file.persist(path).map_err(|e| failed(&e.error))?;
            Ok(())
        }
    }
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the dejavu crate.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
    });
}

/// An axis value in few characters: `50 M` for 50,000,000, `2.5 k` for 2,500.
fn compact(x: f64) -> String {
    let (scale, suffix) = match x.abs() {
        a if a >= 1e9 => (1e9, " B"),
        a if a >= 1e6 => (1e6, " M"),
        a if a >= 1e3 => (1e3, " k"),
        _ => (1.0, ""),
    };
    let shown = format!("{:.1}", x / scale);
    format!("{}{suffix}", shown.strip_suffix(".0").unwrap_or(&shown))
}

#[cfg(test)]
mod tests {
    use plotters::prelude::SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft};

    use super::{compact, quietest_corner};

    /// A legend goes to the corner the lines leave empty, the first one asked when both are.
    #[test]
    fn the_legend_goes_where_no_line_runs() {
        let weeks = |f: fn(f64) -> f64| -> Vec<(f64, f64)> {
            (0..=20).map(|w| (f64::from(w), f(f64::from(w)))).collect()
        };
        let corners = [UpperLeft, LowerRight];
        let at = |lines: &[Vec<(f64, f64)>]| {
            quietest_corner(&corners, lines, (0.0, 20.0), (0.0, 105.0), 3)
        };
        // Delivered early: the upper left is full, the lower right empty.
        assert_eq!(at(&[weeks(|w| (25.0 * w).min(100.0))]), LowerRight);
        // Delivered late and short: the other way round.
        assert_eq!(at(&[weeks(|w| 2.0 * w)]), UpperLeft);
        assert_eq!(at(&[]), UpperLeft);
        // A fill rate that never recovers leaves the lower left.
        let falls = weeks(|w| if w < 8.0 { 100.0 } else { 33.0 });
        let corners = [LowerRight, LowerLeft];
        assert_eq!(quietest_corner(&corners, &[falls], (0.0, 20.0), (30.0, 101.0), 2), LowerLeft);
    }

    #[test]
    fn axis_values_are_short() {
        let shown = [0.0, 950.0, 2_500.0, 5_000_000.0, 50_000_000.0, 1_300_000_000.0].map(compact);
        assert_eq!(shown, ["0", "950", "2.5 k", "5 M", "50 M", "1.3 B"]);
    }
}
