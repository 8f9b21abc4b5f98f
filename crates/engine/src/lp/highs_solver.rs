//! Solves a `Problem` with HiGHS; the only module that names `highs::`.

use highs::{ColProblem, HighsModelStatus, Sense as HighsSense};

use super::{Outcome, Problem, Sense, Solution};

/// Programs with fewer columns and rows together than this are small: they are solved without
/// presolve and with Dantzig pricing.
const SMALL_BELOW: usize = 5_000;

/// Solves a problem to optimality, single-threaded and silent (callers parallelize across
/// problems).
pub fn solve(problem: &Problem, sense: Sense) -> Outcome {
    let mut pb = ColProblem::default();
    let rows: Vec<highs::Row> = problem
        .row_lower
        .iter()
        .zip(&problem.row_upper)
        .map(|(&l, &u)| pb.add_row(l..=u))
        .collect();
    let mut by_col: Vec<Vec<(highs::Row, f64)>> = vec![Vec::new(); problem.n_cols()];
    for &(row, col, a) in &problem.entries {
        by_col[col as usize].push((rows[row as usize], a));
    }
    for (col, terms) in by_col.into_iter().enumerate() {
        pb.add_column(problem.costs[col], problem.col_lower[col]..=problem.col_upper[col], terms);
    }
    let sense = match sense {
        Sense::Minimise => HighsSense::Minimise,
        Sense::Maximise => HighsSense::Maximise,
    };
    let mut model = pb.optimise(sense);
    model.set_option("output_flag", false);
    model.set_option("threads", 1);
    // On the small programs solved per site, presolve costs more than it saves and Dantzig
    // pricing beats the default dual edge weights (measured: docs/benchmarks.md).
    if problem.n_cols() + problem.n_rows() < SMALL_BELOW {
        model.set_option("presolve", "off");
        model.set_option("simplex_dual_edge_weight_strategy", 0);
    }
    let solved = match model.try_solve() {
        Ok(solved) => solved,
        Err(status) => return Outcome::Failed(format!("HiGHS failed: {status:?}")),
    };
    match solved.status() {
        HighsModelStatus::Optimal => {
            let solution = solved.get_solution();
            let cols = solution.columns().to_vec();
            let objective = cols.iter().zip(&problem.costs).map(|(x, c)| x * c).sum();
            Outcome::Optimal(Solution { objective, cols, row_duals: solution.dual_rows().to_vec() })
        }
        HighsModelStatus::Infeasible => Outcome::Infeasible,
        HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible => Outcome::Unbounded,
        status => Outcome::Failed(format!("HiGHS stopped with status {status:?}")),
    }
}
