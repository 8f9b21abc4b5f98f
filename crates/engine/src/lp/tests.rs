//! The LP layer solves small programs whose answers are known by hand.

use super::{Col, Outcome, Problem, Row, Sense, Session, solve};

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
    assert!((objective(session.solve()) - 12.5).abs() < 1e-9);
    // One more unit of the second row is worth its dual, 0.5; taking it back restores 12.5.
    let second = Row(1);
    assert_eq!(session.row_bounds(second), (f64::NEG_INFINITY, 7.0));
    session.set_row_bounds(second, f64::NEG_INFINITY, 8.0);
    assert_eq!(session.row_bounds(second), (f64::NEG_INFINITY, 8.0));
    assert!((objective(session.solve()) - 13.0).abs() < 1e-9);
    session.set_row_bounds(second, f64::NEG_INFINITY, 7.0);
    assert!((objective(session.solve()) - 12.5).abs() < 1e-9);
    // min x + y + z with 3x + y >= 3 added: x = 1 (cost 1) beats y = 3.
    session.add_row(3.0, f64::INFINITY, &[(Col(0), 3.0), (Col(1), 1.0)]);
    session.set_objective(&[1.0, 1.0, 1.0], Sense::Minimise);
    assert!((objective(session.solve()) - 1.0).abs() < 1e-9);
}

/// A row HiGHS refuses (a coefficient of 1e15 or more) fails the session's next solve instead
/// of panicking, and every solve after it.
#[test]
fn a_refused_row_fails_the_next_solve() {
    let mut session = Session::new(&three_columns(7.0), Sense::Maximise);
    assert!((objective(session.solve()) - 12.5).abs() < 1e-9);
    let refused = session.add_row(0.0, f64::INFINITY, &[(Col(0), 1e300)]);
    assert_eq!(refused, Row(2));
    for _ in 0..2 {
        let Outcome::Failed(why) = session.solve() else { panic!("solved with a refused row") };
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
