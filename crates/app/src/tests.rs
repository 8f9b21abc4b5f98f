//! Progress reported from parallel work; the hint for a share written as a percentage.

use std::sync::Mutex;

use super::{Progress, as_percentage, with_progress};

/// Records what it is told.
#[derive(Default)]
struct Recorded(Mutex<Vec<u64>>);

impl Progress for Recorded {
    fn begin(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, done: u64) {
        self.0.lock().unwrap().push(done);
    }
    fn end(&self) {}
}

/// Work that ends between two looks at its progress still ends at what it reported last: a job
/// of 50 scenarios that finished showed 0 of 50 done.
#[test]
fn finished_work_shows_all_it_did() {
    let progress = Recorded::default();
    let answer =
        with_progress(&progress, "scenarios", 50, |report| (1..=50).all(report).then_some(7))
            .unwrap();
    assert_eq!(answer, 7);
    assert_eq!(progress.0.lock().unwrap().last(), Some(&50));
}

/// Only what reads as a percentage gets the share it means.
#[test]
fn a_percentage_is_a_whole_number_from_2_to_100() {
    assert_eq!(as_percentage(95.0), " (a share: 95 % is 0.95)");
    assert_eq!(as_percentage(100.0), " (a share: 100 % is 1)");
    assert_eq!(as_percentage(2.0), " (a share: 2 % is 0.02)");
    for not in [1.5, 1.0, 0.5, -50.0, 150.0, 99.5, f64::NAN, f64::INFINITY] {
        assert_eq!(as_percentage(not), "", "{not}");
    }
}
