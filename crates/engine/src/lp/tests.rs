//! The LP layer solves small programs whose answers are known by hand.

use super::{Outcome, Problem, Sense, solve};

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
