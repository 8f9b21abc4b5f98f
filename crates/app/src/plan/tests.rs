//! A plan stops in the middle of a solve when it is cancelled or out of time, and says which;
//! time limits as people write them.

use std::sync::Mutex;
use std::time::Duration;

use super::clock::shown;
use super::{PlanReport, plan_text, time_limit, time_limit_seconds};
use crate::{Error, Progress};

/// What `CancelAt` has seen: the stages begun, whether its stage is running, and how often it
/// was asked whether to stop while it ran.
#[derive(Default)]
struct Seen {
    stages: Vec<String>,
    inside: bool,
    asked_inside: usize,
}

/// Cancels the work once the stage `at` has begun. While a stage runs, only the solver asks.
struct CancelAt {
    at: &'static str,
    seen: Mutex<Seen>,
}

impl Progress for CancelAt {
    fn begin(&self, label: &str, _: Option<u64>) {
        let mut seen = self.seen.lock().unwrap();
        seen.stages.push(label.to_owned());
        seen.inside = label.starts_with(self.at);
    }
    fn advance(&self, _: u64) {}
    fn end(&self) {
        self.seen.lock().unwrap().inside = false;
    }
    fn cancelled(&self) -> bool {
        let mut seen = self.seen.lock().unwrap();
        if seen.inside {
            seen.asked_inside += 1;
        }
        seen.stages.iter().any(|s| s == self.at)
    }
}

/// The demo's plan of the sample network, with `limits`.
fn sample_plan(limits: super::Limits, progress: &dyn Progress) -> Result<PlanReport, Error> {
    let network = crate::network::sample_network(&crate::Silent).unwrap();
    let (file, text) = crate::sample::DEMO_DEMAND;
    plan_text(&network, file, text, limits, progress)
}

/// Cancelled while it solves, a plan stops inside that solve: the solver asked, and no later
/// stage began.
#[test]
fn a_plan_cancelled_while_it_solves_stops_in_the_solve() {
    let stages = ["solving: demand met", "solving: cost, and checking bottlenecks"];
    for (n, at) in stages.into_iter().enumerate() {
        let progress = CancelAt { at, seen: Mutex::default() };
        let stopped = sample_plan((3, None), &progress);
        assert!(matches!(stopped, Err(Error::Cancelled)), "{at}: {stopped:?}");
        let seen = progress.seen.into_inner().unwrap();
        assert!(seen.asked_inside > 0, "{at}: the solver never asked");
        // A solving stage goes on under the name of the method whose iterations it counts.
        let mut begun: Vec<&str> = seen
            .stages
            .iter()
            .map(|label| stages.into_iter().find(|&s| label.starts_with(s)).unwrap_or(label))
            .collect();
        begun.dedup();
        assert_eq!(
            begun,
            ["building the program"].iter().chain(&stages[..=n]).copied().collect::<Vec<_>>()
        );
    }
}

/// Stages begun, and the steps each reported.
#[derive(Default)]
struct Stages(Mutex<Vec<(String, Vec<u64>)>>);

impl Progress for Stages {
    fn begin(&self, label: &str, _: Option<u64>) {
        self.0.lock().unwrap().push((label.to_owned(), Vec::new()));
    }
    fn advance(&self, done: u64) {
        if let Some((_, steps)) = self.0.lock().unwrap().last_mut() {
            steps.push(done);
        }
    }
    fn end(&self) {}
}

/// A plan's solving stages count the solver's iterations, under the name of its method.
#[test]
fn a_plan_shows_the_iterations_of_its_solves() {
    let progress = Stages::default();
    sample_plan((3, None), &progress).unwrap();
    let stages = progress.0.into_inner().unwrap();
    let labels: Vec<&str> = stages.iter().map(|(label, _)| label.as_str()).collect();
    for stage in ["solving: demand met", "solving: cost, and checking bottlenecks"] {
        let at = labels.iter().position(|&l| l == stage).unwrap_or_else(|| panic!("{labels:?}"));
        let (counted, steps) = &stages[at + 1];
        assert!(
            [", simplex iterations", ", interior point iterations"]
                .iter()
                .any(|method| *counted == format!("{stage}{method}")),
            "{labels:?}"
        );
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{counted}: {steps:?}");
        assert!(steps.last() > steps.first(), "{counted}: {steps:?}");
    }
}

/// A plan out of time fails with the limit and where it was; one with time to spare is the
/// plan without a limit.
#[test]
fn a_plan_out_of_time_says_so_and_one_in_time_is_unchanged() {
    let Err(Error::TimeLimit(said)) =
        sample_plan((3, Some(Duration::from_nanos(1))), &crate::Silent)
    else {
        panic!("a plan of 1ns finished");
    };
    let (before, after) = said.split_once(" (after ").unwrap();
    assert_eq!(before, "the plan ran out of its time limit of 1ns while building the program");
    assert!(
        after.ends_with(" s); give it more time, or ask for less: fewer targets, a shorter horizon, or today's demand reserved instead of competing with the targets, which takes the solver longest"),
        "{said}"
    );

    let timeless = |mut report: PlanReport| {
        report.program.seconds = super::Seconds::default();
        serde_json::to_value(report).unwrap()
    };
    let unlimited = sample_plan((3, None), &crate::Silent).unwrap();
    let limited = sample_plan((3, Some(Duration::from_secs(3600))), &crate::Silent).unwrap();
    assert_eq!(timeless(limited), timeless(unlimited));
}

#[test]
fn time_limits_as_written() {
    let secs = Duration::from_secs;
    for (text, limit) in [
        ("600", secs(600)),
        ("2.5", Duration::from_millis(2500)),
        ("90s", secs(90)),
        (" 10m ", secs(600)),
        ("1h30m", secs(5400)),
        ("1 hour 30 minutes", secs(5400)),
        ("PT5M", secs(300)),
        ("2d", secs(2 * 86_400)),
        ("1 week", secs(7 * 86_400)),
    ] {
        assert_eq!(time_limit(text), Ok(limit), "{text}");
    }
    for (text, said) in [
        ("0", "a time limit is more than zero seconds, not 0"),
        ("-5", "a time limit is more than zero seconds, not -5"),
        ("NaN", "a time limit is more than zero seconds, not NaN"),
        ("inf", "inf seconds is too long"),
        ("1e30", "1e30 seconds is too long"),
        ("3 years", "a time limit is given in weeks, days, hours, minutes or seconds, not 3 years"),
        ("0s", "a time limit is more than zero, not 0s"),
        ("-10m", "a time limit is more than zero, not -10m"),
        (
            "soon",
            "expected a time such as 90s, 10m, 1h30m or 2d (a number alone is seconds), not \"soon\"",
        ),
        ("", "expected a time such as 90s, 10m, 1h30m or 2d (a number alone is seconds), not \"\""),
    ] {
        assert_eq!(time_limit(text), Err(said.to_owned()), "{text}");
    }
    assert_eq!(time_limit_seconds(0.25), Ok(Duration::from_millis(250)));
    assert!(time_limit_seconds(-1.0).is_err());
    for (limit, text) in
        [(secs(600), "10m"), (secs(5400), "1h 30m"), (Duration::from_nanos(1), "1ns")]
    {
        assert_eq!(shown(limit), text);
    }
}

/// Saved bases read back for a program of their own size only; a count written wrong is
/// refused before any status is laid out, however large it claims to be.
#[test]
fn saved_bases_read_back_for_their_size_only() {
    use engine::lp::Basis;
    use engine::plan::{Bases, Size};

    use super::SavedBases;

    let bases = Bases {
        met: Basis { cols: vec![0, 0, 1, 2, 2, 2], rows: vec![1, 1, 0, 4] },
        cost: Basis { cols: vec![1, 1, 1, 0, 0, 3], rows: vec![1, 0, 0, 1, 1] },
    };
    let saved = SavedBases::of(&bases);
    assert_eq!(
        (saved.met.as_str(), saved.cost.as_str()),
        ("02,11,23|12,01,41", "13,02,31|11,02,12")
    );
    let size = |columns, rows| Size { columns, rows, nonzeros: 0 };
    assert!(saved.is_well_formed());
    assert_eq!(saved.bases(size(6, 4)), Some(bases));
    for other in [size(5, 4), size(7, 4), size(6, 3), size(6, 5)] {
        assert_eq!(saved.bases(other), None, "{other:?}");
    }
    let huge = SavedBases { met: format!("0{}|14", usize::MAX), cost: saved.cost.clone() };
    assert!(huge.is_well_formed() && huge.bases(size(6, 4)).is_none());
    let half = usize::MAX / 2 + 1;
    let beyond = SavedBases { met: format!("0{half},0{half}|14"), cost: saved.cost.clone() };
    assert!(!beyond.is_well_formed() && beyond.bases(size(6, 4)).is_none());
    for text in ["02,11,23", "02,11,23|12,01,5", "x2|12", "02,11,23|12,-1", "02|1\u{e9}"] {
        let bad = SavedBases { met: text.to_owned(), cost: saved.cost.clone() };
        assert!(!bad.is_well_formed() && bad.bases(size(6, 4)).is_none(), "{text}");
    }
}
