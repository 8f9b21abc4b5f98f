//! Progress reported from parallel work.

use std::sync::Mutex;

use super::{Progress, with_progress};

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
