//! A plan's time limit: read from a command line or a request, and kept while the program is
//! built and solved. The solver asks the clock in every iteration whether to stop, so a plan
//! stops within moments of its limit or of being cancelled, not after its solve.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use engine::lp::{Iteration, Method, Stop};
use engine::plan::Size;

use crate::{Error, Progress};

/// The time limit written `text`: a number of seconds (`600`, `2.5`) or a duration in words
/// (`90s`, `10m`, `1h30m`, `1 hour 30 minutes`, `2d`, ISO 8601's `PT5M`), more than zero. A day
/// is 24 hours and a week 7 days; months and years, of no one length, are refused.
pub fn time_limit(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        return time_limit_seconds(seconds);
    }
    let span: jiff::Span = text.parse().map_err(|_| {
        format!("expected a time such as 90s, 10m, 1h30m or 2d (a number alone is seconds), not {text:?}")
    })?;
    let duration = span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()).map_err(|_| {
        format!("a time limit is given in weeks, days, hours, minutes or seconds, not {text}")
    })?;
    if duration.is_negative() || duration.is_zero() {
        return Err(format!("a time limit is more than zero, not {text}"));
    }
    Duration::try_from(duration).map_err(|e| format!("{text}: {e}"))
}

/// The time limit of `seconds` seconds, more than zero.
pub fn time_limit_seconds(seconds: f64) -> Result<Duration, String> {
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(format!("a time limit is more than zero seconds, not {seconds}"));
    }
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("{} seconds is too long", model::Shown(seconds)))
}

/// A duration as a person writes it: `10m`, `1h 30m`, `2.5s`.
pub(crate) fn shown(duration: Duration) -> String {
    match jiff::SignedDuration::try_from(duration) {
        Ok(d) => format!("{d:#}"),
        Err(_) => format!("{} s", duration.as_secs_f64()),
    }
}

/// Stops a plan when its progress asks to or its time is up: the solver asks it in every
/// iteration, and tells it of each, which it shows as the progress of the solving stage.
pub(crate) struct Clock<'a> {
    progress: &'a dyn Progress,
    started: Instant,
    limit: Option<Duration>,
    solving: Mutex<Solving>,
}

/// The solving stage under way: its label, the method whose iterations its progress counts,
/// and the iterations of that method's earlier solves in the stage and of the one going on.
#[derive(Default)]
struct Solving {
    label: &'static str,
    method: Option<Method>,
    before: u64,
    now: u64,
}

impl<'a> Clock<'a> {
    /// Starts the clock of a plan with `limit` (none: no limit).
    pub(crate) fn start(progress: &'a dyn Progress, limit: Option<Duration>) -> Clock<'a> {
        Clock { progress, started: Instant::now(), limit, solving: Mutex::default() }
    }

    /// Begins the solving stage `label`: its progress counts the iterations of the solves from
    /// here on, and names the method that makes them.
    pub(crate) fn solving(&self, label: &'static str) {
        *self.solving.lock().unwrap_or_else(PoisonError::into_inner) =
            Solving { label, ..Solving::default() };
        self.progress.begin(label, None);
    }

    fn out_of_time(&self) -> bool {
        self.limit.is_some_and(|limit| self.started.elapsed() >= limit)
    }

    /// Fails as `stopped` would when the plan must stop before it goes on to `stage`.
    pub(crate) fn go_on(&self, stage: &str, size: Option<Size>) -> Result<(), Error> {
        if self.now() { Err(self.stopped(stage, size)) } else { Ok(()) }
    }

    /// Why the plan stopped while it was at `stage`, with a program of `size` when built:
    /// cancelled, or out of time.
    pub(crate) fn stopped(&self, stage: &str, size: Option<Size>) -> Error {
        if self.progress.cancelled() {
            return Error::Cancelled;
        }
        let limit = self.limit.map_or_else(|| "none".to_owned(), shown);
        let program = size.map_or_else(String::new, |size| {
            format!(
                ", on a program of {} columns and {} rows",
                model::grouped(size.columns as u64),
                model::grouped(size.rows as u64)
            )
        });
        Error::TimeLimit(format!(
            "the plan ran out of its time limit of {limit} while {stage} (after {:.1} s{program}); give it more time, or ask for less: fewer targets, a shorter horizon, or today's demand reserved instead of competing with the targets, which takes the solver longest",
            self.started.elapsed().as_secs_f64()
        ))
    }
}

impl Stop for Clock<'_> {
    fn now(&self) -> bool {
        self.progress.cancelled() || self.out_of_time()
    }

    fn time_left(&self) -> Option<Duration> {
        Some(self.limit?.saturating_sub(self.started.elapsed()))
    }

    fn iterated(&self, at: Iteration) {
        let mut solving = self.solving.lock().unwrap_or_else(PoisonError::into_inner);
        if solving.method != Some(at.method) {
            *solving =
                Solving { label: solving.label, method: Some(at.method), ..Solving::default() };
            self.progress.relabel(&format!("{}, {} iterations", solving.label, at.method.name()));
        }
        // A count that goes back is the next solve's (a bottleneck's check, say).
        if at.count < solving.now {
            solving.before += solving.now;
        }
        solving.now = at.count;
        self.progress.advance(solving.before + solving.now);
    }
}
