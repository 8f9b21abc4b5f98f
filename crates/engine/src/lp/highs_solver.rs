//! Solves a `Problem` with HiGHS; the only module that names `highs::`, and the only unsafe
//! code: the calls of HiGHS's C interface (`highs_sys`) that the `highs` crate does not wrap,
//! to pass a new program to an instance, to change all costs or a row's bounds at once, to read
//! and set a simplex basis, and to ask during a solve whether to stop.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};

use highs::{
    ColProblem, HighsModelStatus, HighsStatus, Model, RowProblem, Sense as HighsSense, SolvedModel,
};
use highs_sys::{HighsCallbackDataIn, HighsCallbackDataOut, HighsInt};

use super::{Col, Iteration, Method, Outcome, Problem, Row, Sense, Solution, Stop};

/// Programs with fewer columns and rows together than this are small: they are solved without
/// presolve and with Dantzig pricing.
const SMALL_BELOW: usize = 5_000;

/// Solves a problem to optimality, single-threaded and silent (callers parallelize across
/// problems). Each thread keeps one HiGHS instance for these one-off solves and passes it each
/// new program: creating an instance costs more than solving the small programs of the risk
/// report (measured: docs/benchmarks.md).
pub fn solve(problem: &Problem, sense: Sense) -> Outcome {
    SCRATCH.with(|slot| {
        let mut slot = slot.borrow_mut();
        let mut model = slot.take().unwrap_or_else(empty_model);
        if !load(&mut model, problem, sense) {
            return Outcome::Failed("HiGHS refused the program".into());
        }
        let answer = Answer::of(problem);
        match model.try_solve() {
            Ok(solved) => {
                let outcome = answer.outcome(&solved);
                *slot = Some(Model::from(solved));
                outcome
            }
            Err(status) => Outcome::Failed(format!("HiGHS failed: {status:?}")),
        }
    })
}

thread_local! {
    /// The instance `solve` reuses on this thread; `None` before the first solve and after
    /// HiGHS failed outright (the next solve starts a new one).
    static SCRATCH: RefCell<Option<Model>> = const { RefCell::new(None) };
}

/// A HiGHS instance with no program, single-threaded and silent.
fn empty_model() -> Model {
    let mut model = ColProblem::default().optimise(HighsSense::Minimise);
    model.set_option("output_flag", false);
    model.set_option("threads", 1);
    model
}

/// Replaces the instance's program by `problem` (HiGHS drops the old program's basis and
/// solution) and sets the options for its size. False when HiGHS refused it.
#[allow(unsafe_code)]
fn load(model: &mut Model, problem: &Problem, sense: Sense) -> bool {
    let (n_cols, n_rows) = (problem.n_cols(), problem.n_rows());
    let (Ok(cols), Ok(rows), Ok(n_entries)) = (
        HighsInt::try_from(n_cols),
        HighsInt::try_from(n_rows),
        HighsInt::try_from(problem.entries.len()),
    ) else {
        return false;
    };
    // Entries grouped by column (a counting sort keeps each column's rows in input order).
    let mut start: Vec<HighsInt> = vec![0; n_cols + 1];
    for &(_, col, _) in &problem.entries {
        start[col as usize + 1] += 1;
    }
    for c in 0..n_cols {
        start[c + 1] += start[c];
    }
    let mut next: Vec<usize> = start[..n_cols].iter().map(|&s| s as usize).collect();
    let mut index: Vec<HighsInt> = vec![0; problem.entries.len()];
    let mut value = vec![0.0; problem.entries.len()];
    for &(row, col, a) in &problem.entries {
        let at = &mut next[col as usize];
        index[*at] = row as HighsInt;
        value[*at] = a;
        *at += 1;
    }
    let sense = match sense {
        Sense::Minimise => highs_sys::OBJECTIVE_SENSE_MINIMIZE,
        Sense::Maximise => highs_sys::OBJECTIVE_SENSE_MAXIMIZE,
    };
    // SAFETY: the pointer is a live HiGHS instance owned by `model`; HiGHS copies `n_cols`
    // costs and column bounds, `n_rows` row bounds, `n_cols + 1` column starts and `n_entries`
    // row indices and values, the lengths of the slices passed (`Problem` keeps its column and
    // row vectors the same length); it rejects row indices out of range.
    let status = unsafe {
        highs_sys::Highs_passLp(
            model.as_mut_ptr(),
            cols,
            rows,
            n_entries,
            highs_sys::MATRIX_FORMAT_COLUMN_WISE,
            sense,
            0.0,
            problem.costs.as_ptr(),
            problem.col_lower.as_ptr(),
            problem.col_upper.as_ptr(),
            problem.row_lower.as_ptr(),
            problem.row_upper.as_ptr(),
            start.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
        )
    };
    // On the small programs solved per site, presolve costs more than it saves and Dantzig
    // pricing beats the default dual edge weights (measured: docs/benchmarks.md).
    let small = is_small(problem);
    model.set_option("presolve", if small { "off" } else { "choose" });
    model.set_option("simplex_dual_edge_weight_strategy", if small { 0 } else { -1 });
    status != STATUS_ERROR
}

/// Whether a program is small (`SMALL_BELOW`).
fn is_small(problem: &Problem) -> bool {
    problem.n_cols() + problem.n_rows() < SMALL_BELOW
}

/// What a solve's outcome needs of its program.
struct Answer<'a> {
    costs: &'a [f64],
    row_lower: &'a [f64],
    row_upper: &'a [f64],
}

impl<'a> Answer<'a> {
    fn of(problem: &'a Problem) -> Answer<'a> {
        Answer {
            costs: &problem.costs,
            row_lower: &problem.row_lower,
            row_upper: &problem.row_upper,
        }
    }

    fn outcome(&self, solved: &SolvedModel) -> Outcome {
        match solved.status() {
            HighsModelStatus::Optimal => {
                let solution = solved.get_solution();
                let cols = solution.columns().to_vec();
                let objective = cols.iter().zip(self.costs).map(|(x, c)| x * c).sum();
                Outcome::Optimal(Solution {
                    objective,
                    cols,
                    row_duals: solution.dual_rows().to_vec(),
                    col_duals: solution.dual_columns().to_vec(),
                })
            }
            // No columns: the only point is the empty one, a solution when every row allows it.
            HighsModelStatus::ModelEmpty if self.zero_fits() => Outcome::Optimal(Solution {
                objective: 0.0,
                cols: vec![0.0; self.costs.len()],
                row_duals: vec![0.0; self.row_lower.len()],
                col_duals: vec![0.0; self.costs.len()],
            }),
            HighsModelStatus::Infeasible | HighsModelStatus::ModelEmpty => Outcome::Infeasible,
            HighsModelStatus::Unbounded | HighsModelStatus::UnboundedOrInfeasible => {
                Outcome::Unbounded
            }
            HighsModelStatus::ReachedInterrupt | HighsModelStatus::ReachedTimeLimit => {
                Outcome::Stopped
            }
            status => Outcome::Failed(format!("HiGHS stopped with status {status:?}")),
        }
    }

    fn zero_fits(&self) -> bool {
        self.row_lower.iter().zip(self.row_upper).all(|(&l, &u)| l <= 0.0 && 0.0 <= u)
    }
}

/// A program kept in the solver between solves: change its objective, bounds or rows, or give it
/// a starting point, and solve again from where the last solve ended (HiGHS keeps its basis).
pub struct Session {
    /// `None` only after HiGHS failed outright; every later solve then fails too.
    model: Option<Model>,
    costs: Vec<f64>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    /// Whether the program is small (`is_small`).
    small: bool,
    /// HiGHS's handles of the rows and columns, by index.
    rows: Vec<highs::Row>,
    cols: Vec<highs::Col>,
}

impl Session {
    /// Loads `problem` into the solver, single-threaded and silent.
    pub fn new(problem: &Problem, sense: Sense) -> Session {
        let mut model = empty_model();
        let loaded = load(&mut model, problem, sense);
        // The highs crate hands out handles only as rows and columns are added one by one, so
        // empty problems of the same size make them.
        let mut row_handles = ColProblem::default();
        let rows = (0..problem.n_rows()).map(|_| row_handles.add_row(0.0..=0.0)).collect();
        let mut col_handles = RowProblem::default();
        let cols = (0..problem.n_cols()).map(|_| col_handles.add_column(0.0, 0.0..=0.0)).collect();
        Session {
            model: loaded.then_some(model),
            costs: problem.costs.clone(),
            row_lower: problem.row_lower.clone(),
            row_upper: problem.row_upper.clone(),
            small: is_small(problem),
            rows,
            cols,
        }
    }

    /// Solves the program as it now stands, starting from the last solve's basis (or the
    /// starting point given by `start_from`), until `stop` stops it.
    pub fn solve(&mut self, stop: &dyn Stop) -> Outcome {
        if stop.time_left().is_some_and(|left| left.is_zero()) {
            return Outcome::Stopped;
        }
        let Some(model) = self.model.take() else {
            return Outcome::Failed(
                "HiGHS refused the program or failed on an earlier solve".into(),
            );
        };
        let solved = match run(model, stop) {
            Ok(solved) => solved,
            Err(status) => return Outcome::Failed(format!("HiGHS failed: {status:?}")),
        };
        let outcome = self.outcome(&solved);
        self.model = Some(Model::from(solved));
        outcome
    }

    fn outcome(&self, solved: &SolvedModel) -> Outcome {
        Answer { costs: &self.costs, row_lower: &self.row_lower, row_upper: &self.row_upper }
            .outcome(solved)
    }

    /// Replaces the objective: `costs` for every column, optimised in `sense`.
    #[allow(unsafe_code)]
    pub fn set_objective(&mut self, costs: &[f64], sense: Sense) {
        let Some(model) = &mut self.model else { return };
        let (Some(last), true) = (costs.len().checked_sub(1), costs.len() == self.costs.len())
        else {
            return;
        };
        let Ok(last) = HighsInt::try_from(last) else { return };
        // SAFETY: the pointer is a live HiGHS instance owned by `model`; HiGHS reads one cost
        // per column from 0 to `last`, which is as many as `costs` holds and the program has
        // (checked above).
        let status = unsafe {
            highs_sys::Highs_changeColsCostByRange(model.as_mut_ptr(), 0, last, costs.as_ptr())
        };
        if status != STATUS_ERROR {
            self.costs.copy_from_slice(costs);
        }
        model.set_sense(match sense {
            Sense::Minimise => HighsSense::Minimise,
            Sense::Maximise => HighsSense::Maximise,
        });
    }

    /// Changes a column's bounds.
    pub fn set_bounds(&mut self, col: Col, lower: f64, upper: f64) {
        if let Some(model) = &mut self.model {
            model.change_column_bounds(self.cols[col.0 as usize], lower..=upper);
        }
    }

    /// Solves by HiGHS's interior point method (with crossover, so a basis and duals follow)
    /// instead of letting it choose (the dual simplex, from the last basis when there is one).
    pub fn prefer_interior_point(&mut self, interior: bool) {
        if let Some(model) = &mut self.model {
            model.set_option("solver", if interior { "ipm" } else { "choose" });
        }
    }

    /// The number of columns.
    pub fn n_cols(&self) -> usize {
        self.cols.len()
    }

    /// Adds a row `lower <= Σ coefficient·column <= upper`. A row HiGHS refuses (a
    /// coefficient of 1e15 or more, say) leaves the session failed: the next solve says so.
    pub fn add_row(&mut self, lower: f64, upper: f64, terms: &[(Col, f64)]) -> Row {
        let row = Row(self.rows.len() as u32);
        if let Some(model) = &mut self.model {
            let cols = &self.cols;
            let terms = terms.iter().map(|&(c, a)| (cols[c.0 as usize], a));
            match model.try_add_row(lower..=upper, terms) {
                Ok(handle) => {
                    self.rows.push(handle);
                    self.row_lower.push(lower);
                    self.row_upper.push(upper);
                }
                Err(_) => self.model = None,
            }
        }
        row
    }

    /// A row's bounds.
    pub fn row_bounds(&self, row: Row) -> (f64, f64) {
        (self.row_lower[row.0 as usize], self.row_upper[row.0 as usize])
    }

    /// Changes a row's bounds (the matrix stays, so the next solve starts from the last one's
    /// factorization as well as its basis).
    #[allow(unsafe_code)]
    pub fn set_row_bounds(&mut self, row: Row, lower: f64, upper: f64) {
        let Some(model) = &mut self.model else { return };
        let (Some(l), Some(u)) =
            (self.row_lower.get_mut(row.0 as usize), self.row_upper.get_mut(row.0 as usize))
        else {
            return;
        };
        let Ok(index) = HighsInt::try_from(row.0) else { return };
        // SAFETY: the pointer is a live HiGHS instance owned by `model`; HiGHS checks the row
        // index against its own rows.
        let status =
            unsafe { highs_sys::Highs_changeRowBounds(model.as_mut_ptr(), index, lower, upper) };
        if status != STATUS_ERROR {
            (*l, *u) = (lower, upper);
        }
    }

    /// The simplex basis of the last solve, when HiGHS holds a complete one.
    #[allow(unsafe_code)]
    pub fn basis(&self) -> Option<Basis> {
        let model = self.model.as_ref()?;
        let (n_cols, n_rows) = (self.cols.len(), self.rows.len());
        if model.num_cols() != n_cols || model.num_rows() != n_rows {
            return None;
        }
        let mut cols: Vec<HighsInt> = vec![-1; n_cols];
        let mut rows: Vec<HighsInt> = vec![-1; n_rows];
        // SAFETY: the pointer is a live HiGHS instance owned by `model`; HiGHS writes one status
        // per column and per row of its basis, which has at most `num_cols` and `num_rows`
        // entries, the lengths of the buffers (checked above).
        let status = unsafe {
            highs_sys::Highs_getBasis(model.as_ptr(), cols.as_mut_ptr(), rows.as_mut_ptr())
        };
        let code = |v: HighsInt| u8::try_from(v).ok().filter(|&c| c <= MAX_STATUS);
        let cols: Option<Vec<u8>> = cols.into_iter().map(code).collect();
        let rows: Option<Vec<u8>> = rows.into_iter().map(code).collect();
        (status == STATUS_OK).then_some(Basis { cols: cols?, rows: rows? })
    }

    /// Starts the next solve from `basis` (HiGHS completes or repairs one that does not fit).
    /// False when HiGHS refused it or its lengths are not the program's.
    #[allow(unsafe_code)]
    pub fn set_basis(&mut self, basis: &Basis) -> bool {
        let Some(model) = &mut self.model else { return false };
        if basis.cols.len() != model.num_cols() || basis.rows.len() != model.num_rows() {
            return false;
        }
        let cols: Vec<HighsInt> = basis.cols.iter().map(|&c| HighsInt::from(c)).collect();
        let rows: Vec<HighsInt> = basis.rows.iter().map(|&r| HighsInt::from(r)).collect();
        // SAFETY: the pointer is a live HiGHS instance owned by `model`; HiGHS reads exactly
        // `num_cols` and `num_rows` statuses, the lengths of the buffers (checked above), and
        // rejects codes it does not know.
        let status =
            unsafe { highs_sys::Highs_setBasis(model.as_mut_ptr(), cols.as_ptr(), rows.as_ptr()) };
        let set = status == STATUS_OK;
        // From a given basis, HiGHS's dual steepest-edge pricing first computes a weight per row
        // (a solve each), which on large programs costs more than the pivots a warm start
        // needs: devex pricing instead (measured: docs/benchmarks.md, Planning).
        if set && !self.small {
            model.set_option("simplex_dual_edge_weight_strategy", 1);
        }
        set
    }
}

/// The callbacks that ask whether to stop: the simplex method's, in each iteration, and the
/// interior point method's, in each of its inner iterations and crossover's.
const INTERRUPTS: [HighsInt; 2] =
    [highs_sys::kHighsCallbackSimplexInterrupt, highs_sys::kHighsCallbackIpmInterrupt];

/// Solves `model`, asking `stop` in every iteration and giving HiGHS the time it has left; a
/// solve it stops ends with the status `ReachedInterrupt` or `ReachedTimeLimit`
/// (`Outcome::Stopped`).
#[allow(unsafe_code)]
fn run(mut model: Model, stop: &dyn Stop) -> Result<SolvedModel, HighsStatus> {
    // HiGHS's run clock adds up the time of every solve of the instance, and its time limit is
    // on that clock (an instance solves again for a bottleneck check, say).
    let time_limit = stop.time_left().map_or(f64::INFINITY, |left| {
        // A limit of zero would be none in places: a solve with no time left is not run
        // (`Session::solve`), and one with less than a millisecond gets one.
        let left = left.as_secs_f64().max(1e-3);
        // SAFETY: the pointer is a live HiGHS instance owned by `model`.
        unsafe { highs_sys::Highs_getRunTime(model.as_ptr()) + left }
    });
    model.set_option("time_limit", time_limit);
    let asked: *const &dyn Stop = &stop;
    // SAFETY: the pointer is a live HiGHS instance owned by `model`. The callback's data is a
    // pointer to `stop`, which lives on this frame until the solve below returns; HiGHS calls
    // the callback only during that solve (on this thread: it is given one thread), and the
    // callbacks are stopped before `stop` goes.
    unsafe {
        highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(interrupt), asked as *mut c_void);
        for kind in INTERRUPTS {
            highs_sys::Highs_startCallback(model.as_mut_ptr(), kind);
        }
    }
    let mut solved = model.try_solve()?;
    // SAFETY: the pointer is the live instance the solve returned; stopping a callback only
    // marks it inactive.
    unsafe {
        for kind in INTERRUPTS {
            highs_sys::Highs_stopCallback(solved.as_mut_ptr(), kind);
        }
    }
    Ok(solved)
}

/// HiGHS's callback: tells the `Stop` its data points to of the iteration HiGHS reports, asks
/// it whether to stop, and interrupts the solve when it says so (or panics, which must not
/// unwind into HiGHS).
#[allow(unsafe_code)]
unsafe extern "C" fn interrupt(
    kind: c_int,
    _message: *const c_char,
    out: *const HighsCallbackDataOut,
    input: *mut HighsCallbackDataIn,
    data: *mut c_void,
) {
    // SAFETY: `data` is the pointer `run` passed, to a `Stop` alive for the whole solve.
    let stop = unsafe { *(data as *const &dyn Stop) };
    // SAFETY: HiGHS passes its callback output, valid for the call, or none.
    let at = unsafe { out.as_ref() }.and_then(|out| iteration(kind, out));
    let stopping = catch_unwind(AssertUnwindSafe(|| {
        if let Some(at) = at {
            stop.iterated(at);
        }
        stop.now()
    }))
    .unwrap_or(true);
    // SAFETY: HiGHS passes its callback input, valid for the call, or none.
    if let (true, Some(input)) = (stopping, unsafe { input.as_mut() }) {
        input.user_interrupt = 1;
    }
}

/// The iteration an interrupt callback of `kind` reports in `out`: none from the interior point
/// method's inner iterations and crossover, which report no count (-1).
fn iteration(kind: c_int, out: &HighsCallbackDataOut) -> Option<Iteration> {
    let (method, count) = match kind {
        highs_sys::kHighsCallbackSimplexInterrupt => (Method::Simplex, out.simplex_iteration_count),
        highs_sys::kHighsCallbackIpmInterrupt => (Method::InteriorPoint, out.ipm_iteration_count),
        _ => return None,
    };
    Some(Iteration { method, count: u64::try_from(count).ok()? })
}

/// A simplex basis: a status for every column and row, in HiGHS's codes (0 at the lower bound,
/// 1 basic, 2 at the upper bound, 3 free at zero, 4 nonbasic).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Basis {
    pub cols: Vec<u8>,
    pub rows: Vec<u8>,
}

impl Basis {
    pub const LOWER: u8 = 0;
    pub const BASIC: u8 = 1;
}

/// The largest status code.
const MAX_STATUS: u8 = 4;

/// `kHighsStatusOk`.
const STATUS_OK: HighsInt = 0;

/// `kHighsStatusError`.
const STATUS_ERROR: HighsInt = -1;
