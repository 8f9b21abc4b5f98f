//! The LP layer solves small programs whose answers are known by hand, and stops when told.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{Col, Outcome, Problem, Row, Sense, Session, Stop, solve};

#[test]
fn hand_solved_programs() {
    // max x + 2y + z  s.t.  3x + y <= 6,  y + 2z <= 7,  x, y, z >= 0  ->  y = 6, z = 0.5, 12.5.
    let mut p = Problem::default();
    let x = p.col(1.0, 0.0, f64::INFINITY);
    let y = p.col(2.0, 0.0, f64::INFINITY);
    let z = p.col(1.0, 0.0, f64::INFINITY);
    p.row(f64::NEG_INFINITY, 6.0, &[(x, 3.0), (y, 1.0)]);
    p.row(f64::NEG_INFINITY, 7.0, &[(y, 1.0), (z, 2.0)]);
    let Outcome::Optimal(s) = solve(&p, Sense::Maximise) else { panic!("not optimal") };
    assert!((s.objective - 12.5).abs() < 1e-9);
    assert!((s.value(y) - 6.0).abs() < 1e-9 && (s.value(z) - 0.5).abs() < 1e-9);
    // The second row's dual: one more unit of its bound is worth 0.5 (through z).
    assert!((s.row_duals[1] - 0.5).abs() < 1e-9, "{:?}", s.row_duals);

    let mut infeasible = Problem::default();
    let x = infeasible.col(1.0, 0.0, 1.0);
    infeasible.row(2.0, f64::INFINITY, &[(x, 1.0)]);
    assert_eq!(solve(&infeasible, Sense::Minimise), Outcome::Infeasible);

    let mut unbounded = Problem::default();
    unbounded.col(1.0, 0.0, f64::INFINITY);
    assert_eq!(solve(&unbounded, Sense::Maximise), Outcome::Unbounded);
}

/// max x + 2y + z  s.t.  3x + y <= 6,  y + 2z <= `second`,  x, y, z >= 0.
fn three_columns(second: f64) -> Problem {
    let mut p = Problem::default();
    let x = p.col(1.0, 0.0, f64::INFINITY);
    let y = p.col(2.0, 0.0, f64::INFINITY);
    let z = p.col(1.0, 0.0, f64::INFINITY);
    p.row(f64::NEG_INFINITY, 6.0, &[(x, 3.0), (y, 1.0)]);
    p.row(f64::NEG_INFINITY, second, &[(y, 1.0), (z, 2.0)]);
    p
}

fn objective(outcome: Outcome) -> f64 {
    let Outcome::Optimal(s) = outcome else { panic!("not optimal: {outcome:?}") };
    s.objective
}

#[test]
fn one_instance_per_thread_keeps_nothing_between_programs() {
    // Programs of other sizes, senses and outcomes in between: each answer is its own.
    assert!((objective(solve(&three_columns(7.0), Sense::Maximise)) - 12.5).abs() < 1e-9);
    let mut small = Problem::default();
    let x = small.col(1.0, 1.0, 4.0);
    assert!((objective(solve(&small, Sense::Minimise)) - 1.0).abs() < 1e-9);
    small.row(2.0, f64::INFINITY, &[(x, 1.0)]);
    assert!((objective(solve(&small, Sense::Minimise)) - 2.0).abs() < 1e-9);
    assert!((objective(solve(&small, Sense::Maximise)) - 4.0).abs() < 1e-9);
    small.row(5.0, f64::INFINITY, &[(x, 1.0)]);
    assert_eq!(solve(&small, Sense::Minimise), Outcome::Infeasible);
    // y + 2z <= 9: y = 6, z = 1.5.
    assert!((objective(solve(&three_columns(9.0), Sense::Maximise)) - 13.5).abs() < 1e-9);
    assert_eq!(solve(&Problem::default(), Sense::Minimise), objective_zero());
}

fn objective_zero() -> Outcome {
    Outcome::Optimal(super::Solution {
        objective: 0.0,
        cols: Vec::new(),
        row_duals: Vec::new(),
        col_duals: Vec::new(),
    })
}

#[test]
fn a_session_changes_row_bounds_and_the_objective() {
    let p = three_columns(7.0);
    let mut session = Session::new(&p, Sense::Maximise);
    assert!((objective(session.solve(&|| false)) - 12.5).abs() < 1e-9);
    // One more unit of the second row is worth its dual, 0.5; taking it back restores 12.5.
    let second = Row(1);
    assert_eq!(session.row_bounds(second), (f64::NEG_INFINITY, 7.0));
    session.set_row_bounds(second, f64::NEG_INFINITY, 8.0);
    assert_eq!(session.row_bounds(second), (f64::NEG_INFINITY, 8.0));
    assert!((objective(session.solve(&|| false)) - 13.0).abs() < 1e-9);
    session.set_row_bounds(second, f64::NEG_INFINITY, 7.0);
    assert!((objective(session.solve(&|| false)) - 12.5).abs() < 1e-9);
    // min x + y + z with 3x + y >= 3 added: x = 1 (cost 1) beats y = 3.
    session.add_row(3.0, f64::INFINITY, &[(Col(0), 3.0), (Col(1), 1.0)]);
    session.set_objective(&[1.0, 1.0, 1.0], Sense::Minimise);
    assert!((objective(session.solve(&|| false)) - 1.0).abs() < 1e-9);
}

/// A row HiGHS refuses (a coefficient of 1e15 or more) fails the session's next solve instead
/// of panicking, and every solve after it.
#[test]
fn a_refused_row_fails_the_next_solve() {
    let mut session = Session::new(&three_columns(7.0), Sense::Maximise);
    assert!((objective(session.solve(&|| false)) - 12.5).abs() < 1e-9);
    let refused = session.add_row(0.0, f64::INFINITY, &[(Col(0), 1e300)]);
    assert_eq!(refused, Row(2));
    for _ in 0..2 {
        let Outcome::Failed(why) = session.solve(&|| false) else {
            panic!("solved with a refused row")
        };
        assert!(why.contains("HiGHS refused"), "{why}");
    }
}

/// The spread of a program's numbers leaves zeros out and takes magnitudes.
#[test]
fn the_spread_of_numbers() {
    let p = three_columns(7.0);
    assert_eq!(super::spread(p.numbers()), Some((1.0, 3.0)));
    assert_eq!(super::spread([0.0, -1e12, 3.7e-4]), Some((3.7e-4, 1e12)));
    assert_eq!(super::spread([0.0]), None);
}

/// A transportation program: `n` sources of 10 units each ship to `n` sinks that take 9 each,
/// at costs no two alike. Its optimum needs many iterations of either method.
fn transportation(n: u32) -> Problem {
    let mut p = Problem::default();
    let ship: Vec<Vec<Col>> = (0..n)
        .map(|i| (0..n).map(|j| p.col(f64::from((i * 7 + j * 13) % 97 + 1), 0.0, 10.0)).collect())
        .collect();
    for row in &ship {
        p.row(f64::NEG_INFINITY, 10.0, &row.iter().map(|&c| (c, 1.0)).collect::<Vec<_>>());
    }
    for j in 0..n as usize {
        p.row(9.0, 9.0, &ship.iter().map(|row| (row[j], 1.0)).collect::<Vec<_>>());
    }
    p
}

/// A solve asks its `Stop` as it goes, by either method, and ends `Stopped` when told to; the
/// session is not spoiled: the next solve, not stopped, reaches the optimum of a fresh one.
#[test]
fn a_stopped_solve_ends_stopped_and_the_session_goes_on() {
    let p = transportation(40);
    let optimum = objective(solve(&p, Sense::Minimise));
    for interior in [false, true] {
        let mut session = Session::new(&p, Sense::Minimise);
        session.prefer_interior_point(interior);
        let asked = AtomicUsize::new(0);
        let stop_at_third = || asked.fetch_add(1, Ordering::Relaxed) >= 2;
        assert_eq!(session.solve(&stop_at_third), Outcome::Stopped, "interior point: {interior}");
        assert_eq!(asked.load(Ordering::Relaxed), 3, "interior point: {interior}");
        let asked_again = AtomicUsize::new(0);
        let never = || {
            asked_again.fetch_add(1, Ordering::Relaxed);
            false
        };
        let finished = objective(session.solve(&never));
        assert!((finished - optimum).abs() < 1e-6 * optimum, "{finished} vs {optimum}");
        assert!(asked_again.load(Ordering::Relaxed) > 0, "interior point: {interior}");
    }
}

/// A `Stop` that panics stops the solve instead of unwinding into the solver.
#[test]
fn a_panicking_stop_stops_the_solve() {
    let mut session = Session::new(&transportation(20), Sense::Minimise);
    let outcome = session.solve(&|| panic!("a stop that panics"));
    assert_eq!(outcome, Outcome::Stopped);
}

/// A `Stop` with a time limit: never asks to stop, and counts how often it is asked.
struct Limited {
    left: Duration,
    asked: AtomicUsize,
}

impl Stop for Limited {
    fn now(&self) -> bool {
        self.asked.fetch_add(1, Ordering::Relaxed);
        false
    }

    fn time_left(&self) -> Option<Duration> {
        Some(self.left)
    }
}

/// A solve with no time left stops without asking, and one with a millisecond (the least it is
/// given) of a program that takes over a hundred times that stops on HiGHS's own clock; one with
/// time to spare, and the solves after it without a limit, reach the optimum.
#[test]
fn a_time_limit_stops_a_solve_and_binds_no_other() {
    let large = transportation(150);
    let mut session = Session::new(&large, Sense::Minimise);
    let nanosecond = Limited { left: Duration::from_nanos(1), asked: AtomicUsize::new(0) };
    assert_eq!(session.solve(&nanosecond), Outcome::Stopped);

    let p = transportation(40);
    let optimum = objective(solve(&p, Sense::Minimise));
    let mut session = Session::new(&p, Sense::Minimise);
    let out_of_time = Limited { left: Duration::ZERO, asked: AtomicUsize::new(0) };
    assert_eq!(session.solve(&out_of_time), Outcome::Stopped);
    assert_eq!(out_of_time.asked.load(Ordering::Relaxed), 0);
    let in_time = Limited { left: Duration::from_secs(3600), asked: AtomicUsize::new(0) };
    let stops: [&dyn Stop; 2] = [&in_time, &|| false];
    for stop in stops {
        session.set_row_bounds(Row(40), 8.0, 8.0);
        let eight = objective(session.solve(stop));
        session.set_row_bounds(Row(40), 9.0, 9.0);
        let nine = objective(session.solve(stop));
        assert!((nine - optimum).abs() < 1e-6 * optimum, "{nine} vs {optimum}");
        assert!(eight < nine, "{eight} vs {nine}");
    }
    assert!(in_time.asked.load(Ordering::Relaxed) > 0);
}

/// A `Stop` that keeps every iteration it is told of.
#[derive(Default)]
struct Watched(std::sync::Mutex<Vec<super::Iteration>>);

impl Stop for Watched {
    fn now(&self) -> bool {
        false
    }

    fn iterated(&self, at: super::Iteration) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(at);
    }
}

/// A solve tells its `Stop` of its iterations as it goes: by the method it was asked to use,
/// counted up from where the method started, never down.
#[test]
fn a_solve_tells_its_iterations() {
    use super::Method;
    let p = transportation(40);
    for (interior, method) in [(false, Method::Simplex), (true, Method::InteriorPoint)] {
        let mut session = Session::new(&p, Sense::Minimise);
        session.prefer_interior_point(interior);
        let watched = Watched::default();
        assert!(matches!(session.solve(&watched), Outcome::Optimal(_)));
        let seen = watched.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        let counts: Vec<u64> =
            seen.iter().filter(|at| at.method == method).map(|at| at.count).collect();
        assert!(counts.len() > 5, "{method:?}: {seen:?}");
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{method:?}: {counts:?}");
        assert!(counts.last() > counts.first(), "{method:?}: {counts:?}");
    }
}
