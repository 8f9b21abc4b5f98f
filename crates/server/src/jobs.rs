//! Background jobs: the long questions (risks, stress tests, Monte Carlo, plans and re-plans)
//! over the whole network, for operators. A job is checked when it is posted (a bad request is
//! answered at once with every problem located), then queued and answered on a blocking thread,
//! one job at a time (the engines use every core of rayon's global pool; the parallel work of
//! requests, such as checking the next job, runs in a pool of its own and never waits behind a
//! job); its stage, progress, cancellation and result are kept in memory, so a restart forgets
//! them. Supply maps are quick and answered directly.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use app::{Answer, Ask, Question};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::State as Shared;
use crate::access::Authenticated;
use crate::confidential::record;
use crate::error::ApiError;
use crate::network::{Body, Params, Snapshot, snapshot};
use crate::wire::{
    self, Job, JobKind, JobStatus, MapQuery, MobilizeJob, MonteCarloJob, ReplanJob, RisksJob,
    StressJob,
};

/// Jobs queued or running at once, at most; more are refused until one ends.
pub const MAX_WAITING: usize = 8;
/// Finished jobs kept with their results; the oldest are forgotten first.
pub const MAX_FINISHED: usize = 32;

/// Every job the server knows, oldest first.
pub(crate) struct Jobs {
    /// Makes ids unique across restarts of the server.
    tag: String,
    next: AtomicU64,
    all: Mutex<BTreeMap<u64, Arc<Entry>>>,
    /// Held by the job that runs.
    turn: tokio::sync::Semaphore,
}

impl Default for Jobs {
    fn default() -> Jobs {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Jobs {
            tag: format!("j{:x}", started & 0xf_ffff),
            next: AtomicU64::new(1),
            all: Mutex::new(BTreeMap::new()),
            turn: tokio::sync::Semaphore::new(1),
        }
    }
}

/// One job.
pub(crate) struct Entry {
    id: String,
    kind: JobKind,
    organization: String,
    cancel: AtomicBool,
    state: Mutex<Progress>,
}

/// What changes as a job runs.
struct Progress {
    status: JobStatus,
    stage: Option<String>,
    done: u64,
    total: Option<u64>,
    started: Option<Instant>,
    seconds: f64,
    error: Option<wire::ErrorDetail>,
    answer: Option<Arc<Answer>>,
}

impl Entry {
    fn progress(&self) -> std::sync::MutexGuard<'_, Progress> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn view(&self) -> Job {
        let p = self.progress();
        Job {
            id: self.id.clone(),
            kind: self.kind,
            status: p.status,
            organization: self.organization.clone(),
            stage: p.stage.clone(),
            done: p.done,
            total: p.total,
            cancelling: self.cancel.load(Ordering::SeqCst) && p.status == JobStatus::Running,
            seconds: p.started.map_or(p.seconds, |s| s.elapsed().as_secs_f64()),
            error: p.error.clone(),
        }
    }

    fn finish(&self, status: JobStatus, answer: Option<Answer>, error: Option<ApiError>) {
        let mut p = self.progress();
        p.status = status;
        p.seconds = p.started.take().map_or(0.0, |s| s.elapsed().as_secs_f64());
        p.answer = answer.map(Arc::new);
        p.error = error.map(|e| e.answer().1.error);
    }
}

/// The engines report their stages here, and learn whether to stop.
struct Report(Arc<Entry>);

impl app::Progress for Report {
    fn begin(&self, label: &str, total: Option<u64>) {
        let mut p = self.0.progress();
        p.stage = Some(label.to_owned());
        p.total = total;
        p.done = 0;
    }

    fn advance(&self, done: u64) {
        self.0.progress().done = done;
    }

    fn end(&self) {}

    fn cancelled(&self) -> bool {
        self.0.cancel.load(Ordering::SeqCst)
    }
}

impl Jobs {
    fn get(&self, id: &str) -> Result<Arc<Entry>, ApiError> {
        let all = self.all.lock().unwrap_or_else(PoisonError::into_inner);
        all.values()
            .find(|e| e.id == id)
            .cloned()
            .ok_or_else(|| ApiError::NotFound(format!("no job {id} (finished jobs are kept until {MAX_FINISHED} newer ones finish, and until the server restarts)")))
    }

    /// A new queued job, unless too many are waiting; forgets the oldest finished ones.
    fn add(&self, kind: JobKind, organization: &str) -> Result<Arc<Entry>, ApiError> {
        let mut all = self.all.lock().unwrap_or_else(PoisonError::into_inner);
        let waiting =
            |e: &Entry| matches!(e.progress().status, JobStatus::Queued | JobStatus::Running);
        if all.values().filter(|e| waiting(e)).count() >= MAX_WAITING {
            return Err(ApiError::Busy(format!(
                "{MAX_WAITING} jobs are queued or running already; wait for one to finish or cancel one"
            )));
        }
        let finished: Vec<u64> = all.iter().filter(|(_, e)| !waiting(e)).map(|(n, _)| *n).collect();
        for n in finished.iter().take(finished.len().saturating_sub(MAX_FINISHED - 1)) {
            all.remove(n);
        }
        let n = self.next.fetch_add(1, Ordering::SeqCst);
        let entry = Arc::new(Entry {
            id: format!("{}-{n}", self.tag),
            kind,
            organization: organization.to_owned(),
            cancel: AtomicBool::new(false),
            state: Mutex::new(Progress {
                status: JobStatus::Queued,
                stage: None,
                done: 0,
                total: None,
                started: None,
                seconds: 0.0,
                error: None,
                answer: None,
            }),
        });
        all.insert(n, Arc::clone(&entry));
        Ok(entry)
    }
}

/// Checks `ask` against the network and queues it; answers 202 with the job.
async fn start(
    state: Arc<Shared>,
    caller: Authenticated,
    kind: JobKind,
    ask: Ask,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    caller.operator()?;
    let snapshot = snapshot(&state)?;
    let (checking, pool) = (Arc::clone(&snapshot), state.requests_pool()?);
    let question = tokio::task::spawn_blocking(move || pool.install(|| checking.twin.ask(&ask)))
        .await
        .map_err(|e| ApiError::Internal(format!("checking a job: {e}")))??;
    let job = state.jobs.add(kind, &caller.0.organization)?;
    if let Err(error) = record(&state, &caller, &format!("run {}", kind_name(kind)), &job.id).await
    {
        // No record, no run: the job ends here instead of holding a place in the queue.
        let unrecorded = ApiError::Internal(format!("job {}: the audit log refused it", job.id));
        job.finish(JobStatus::Failed, None, Some(unrecorded));
        return Err(error);
    }
    // The answer shows the job as queued, whatever it has come to by the time it is sent.
    let queued = job.view();
    tokio::spawn(run(Arc::clone(&state), snapshot, question, Arc::clone(&job)));
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// Waits for its turn, then answers the question on a blocking thread.
async fn run(state: Arc<Shared>, snapshot: Arc<Snapshot>, question: Question, job: Arc<Entry>) {
    let Ok(_turn) = state.jobs.turn.acquire().await else { return };
    if job.cancel.load(Ordering::SeqCst) {
        job.finish(JobStatus::Cancelled, None, None);
        return;
    }
    {
        let mut p = job.progress();
        p.status = JobStatus::Running;
        p.started = Some(Instant::now());
    }
    tracing::info!(job = %job.id, kind = kind_name(job.kind), "job started");
    let report = Report(Arc::clone(&job));
    let answered =
        tokio::task::spawn_blocking(move || snapshot.twin.answer(&question, &report)).await;
    match answered {
        Ok(Ok(answer)) => job.finish(JobStatus::Done, Some(answer), None),
        Ok(Err(app::Error::Cancelled)) => job.finish(JobStatus::Cancelled, None, None),
        Ok(Err(error)) => job.finish(JobStatus::Failed, None, Some(error.into())),
        Err(error) => job.finish(
            JobStatus::Failed,
            None,
            Some(ApiError::Internal(format!("job {}: {error}", job.id))),
        ),
    }
    let view = job.view();
    tracing::info!(job = %view.id, status = ?view.status, seconds = view.seconds, "job ended");
}

fn kind_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Risks => "risks",
        JobKind::Stress => "stress",
        JobKind::MonteCarlo => "monte carlo",
        JobKind::Mobilize => "mobilize",
        JobKind::Replan => "replan",
    }
}

/// A body as the named JSON document the engines parse, every problem located in it.
fn document(name: &str, value: &serde_json::Value) -> app::Request {
    app::Request::json(name, value.to_string())
}

fn period(p: wire::SimPeriod) -> app::Period {
    match p {
        wire::SimPeriod::Week => app::Period::Week,
        wire::SimPeriod::Day => app::Period::Day,
    }
}

fn unmet(u: wire::SimUnmet) -> app::Unmet {
    match u {
        wire::SimUnmet::LostSales => app::Unmet::LostSales,
        wire::SimUnmet::Backlog => app::Unmet::Backlog,
    }
}

/// What a job answers 202 with, and what it fails with before it is queued.
const STARTED: &str = "Queued; follow it at /jobs/{id}";

/// Starts a risk report: sole sources, concentration, critical sites and every site's exposure
/// (docs/risk-model.md).
#[utoipa::path(post, path = "/jobs/risks", tag = "jobs", request_body = RisksJob,
    security(("api_key" = [])),
    responses(
        (status = 202, description = STARTED, body = Job),
        (status = 400, description = "A bad body", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such item", body = wire::ErrorBody),
        (status = 429, description = "Too many jobs waiting", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn risks(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Body<RisksJob>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    start(state, caller, JobKind::Risks, Ask::Risks { item: body.0.item }).await
}

/// Starts a stress test: a disruption scenario run period by period (docs/scenarios.md).
#[utoipa::path(post, path = "/jobs/stress", tag = "jobs", request_body = StressJob,
    security(("api_key" = [])),
    responses(
        (status = 202, description = STARTED, body = Job),
        (status = 400, description = "A bad scenario, each problem located", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 429, description = "Too many jobs waiting", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn stress(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Body<StressJob>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let job = body.0;
    let options = app::StressOptions {
        period: period(job.period),
        horizon_weeks: job.horizon_weeks,
        unmet: unmet(job.unmet),
        priority: job.priority,
    };
    let ask = Ask::Stress { scenario: document("scenario", &job.scenario), options };
    start(state, caller, JobKind::Stress, ask).await
}

/// Starts a Monte Carlo run: random disruptions from hazard models, and the distribution of
/// what they cost.
#[utoipa::path(post, path = "/jobs/monte-carlo", tag = "jobs", request_body = MonteCarloJob,
    security(("api_key" = [])),
    responses(
        (status = 202, description = STARTED, body = Job),
        (status = 400, description = "Bad settings or hazards, each problem located", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 429, description = "Too many jobs waiting", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn monte_carlo(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Body<MonteCarloJob>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let job = body.0;
    let hazards = match &job.hazards {
        Some(value) => app::scenario::hazards(&document("hazards", value))?,
        None => app::Hazards::default(),
    };
    let options = app::MonteCarloOptions {
        scenarios: job.scenarios,
        seed: job.seed,
        period: period(job.period),
        horizon_weeks: job.horizon_weeks,
        unmet: unmet(job.unmet),
        threshold: job.threshold,
        hazards,
        time_limit: seconds_field(job.time_limit_seconds)?,
    };
    start(state, caller, JobKind::MonteCarlo, Ask::MonteCarlo(options)).await
}

/// Starts a production plan for demand targets, with its bottleneck report
/// (docs/planning-model.md).
#[utoipa::path(post, path = "/jobs/mobilize", tag = "jobs", request_body = MobilizeJob,
    security(("api_key" = [])),
    responses(
        (status = 202, description = STARTED, body = Job),
        (status = 400, description = "Bad demand or scenario, each problem located", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 429, description = "Too many jobs waiting", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn mobilize(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Body<MobilizeJob>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    let job = body.0;
    let scenario = job.scenario.as_ref().map(|s| document("scenario", s));
    let ask = app::plan::PlanAsk::mobilize(
        &document("demand", &job.demand),
        scenario.as_ref(),
        job.horizon_weeks,
        job.recheck,
    )?
    .within(time_limit(&state, job.time_limit_seconds)?);
    start(state, caller, JobKind::Mobilize, Ask::Plan(Box::new(ask))).await
}

/// Starts a re-plan: a finished plan again after events, started from its solver state, with
/// what changed.
#[utoipa::path(post, path = "/jobs/replan", tag = "jobs", request_body = ReplanJob,
    security(("api_key" = [])),
    responses(
        (status = 202, description = STARTED, body = Job),
        (status = 400, description = "Bad events, each problem located", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such plan job", body = wire::ErrorBody),
        (status = 409, description = "That job has no plan (not a plan, or not finished)", body = wire::ErrorBody),
        (status = 429, description = "Too many jobs waiting", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn replan(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    body: Body<ReplanJob>,
) -> Result<(StatusCode, Json<Job>), ApiError> {
    caller.operator()?;
    let job = body.0;
    let earlier = state.jobs.get(&job.plan)?;
    let saved = match earlier.progress().answer.as_deref() {
        Some(Answer::Plan(document)) => document.clone(),
        Some(Answer::Replan(replanned)) => replanned.document.clone(),
        _ => {
            return Err(ApiError::Conflict(format!(
                "job {} holds no plan: only a finished mobilize or replan job does",
                job.plan
            )));
        }
    };
    let ask = app::plan::PlanAsk::replan(
        saved,
        &format!("job {}", job.plan),
        &document("events", &job.events),
        job.recheck,
        job.cold,
    )?
    .within(time_limit(&state, job.time_limit_seconds)?);
    start(state, caller, JobKind::Replan, Ask::Plan(Box::new(ask))).await
}

/// A plan job's time limit: its `time_limit_seconds`, checked, and at most the server's.
fn time_limit(
    state: &Shared,
    seconds: Option<f64>,
) -> Result<Option<std::time::Duration>, ApiError> {
    let asked = seconds_field(seconds)?;
    Ok(match (asked, state.plan_time_limit) {
        (Some(asked), Some(most)) => Some(asked.min(most)),
        (asked, most) => asked.or(most),
    })
}

/// A job's `time_limit_seconds`, checked.
fn seconds_field(seconds: Option<f64>) -> Result<Option<std::time::Duration>, ApiError> {
    seconds.map(app::plan::time_limit_seconds).transpose().map_err(|reason| ApiError::Invalid {
        message: format!("the body is not valid: time_limit_seconds: {reason}"),
        details: vec![wire::Problem {
            location: "body".into(),
            field: Some("time_limit_seconds".into()),
            message: reason,
        }],
    })
}

/// Every job kept, oldest first.
#[utoipa::path(get, path = "/jobs", tag = "jobs",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Queued, running and recently finished jobs", body = Vec<Job>),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
    ))]
pub(crate) async fn list(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
) -> Result<Json<Vec<Job>>, ApiError> {
    caller.operator()?;
    let all = state.jobs.all.lock().unwrap_or_else(PoisonError::into_inner);
    Ok(Json(all.values().map(|e| e.view()).collect()))
}

/// One job: its status, stage and progress.
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The job", body = Job),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such job", body = wire::ErrorBody),
    ))]
pub(crate) async fn one(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    caller.operator()?;
    Ok(Json(state.jobs.get(&id)?.view()))
}

/// Cancels a job: a queued one at once, a running one at its next unit of work (a site, a
/// scenario; a plan's solver, in its next iteration).
#[utoipa::path(delete, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The job, cancelled or cancelling", body = Job),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such job", body = wire::ErrorBody),
        (status = 409, description = "The job has finished already", body = wire::ErrorBody),
    ))]
pub(crate) async fn cancel(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    caller.operator()?;
    let job = state.jobs.get(&id)?;
    {
        let mut p = job.progress();
        match p.status {
            JobStatus::Queued => p.status = JobStatus::Cancelled,
            JobStatus::Running => {}
            status => {
                return Err(ApiError::Conflict(format!(
                    "job {id} has finished already: {}",
                    where_it_stands(status)
                )));
            }
        }
        job.cancel.store(true, Ordering::SeqCst);
    }
    tracing::info!(job = %id, "cancellation asked");
    Ok(Json(job.view()))
}

/// A finished job's result: the document the CLI prints with `--json` for the same question.
#[utoipa::path(get, path = "/jobs/{id}/result", tag = "jobs",
    params(("id" = String, Path, description = "The job's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The result: a risk report, a stress report, a Monte Carlo report, a plan document, or a re-plan with its differences", body = Object),
        (status = 400, description = "A query parameter was given: this endpoint takes none", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such job", body = wire::ErrorBody),
        (status = 409, description = "The job has not finished, failed or was cancelled", body = wire::ErrorBody),
    ))]
pub(crate) async fn result(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let job = state.jobs.get(&id)?;
    let (status, answer, error) = {
        let p = job.progress();
        (p.status, p.answer.clone(), p.error.as_ref().map(|e| e.message.clone()))
    };
    let answer = answer.ok_or_else(|| {
        let why = error.map_or(String::new(), |message| format!(": {message}"));
        ApiError::Conflict(format!("job {id} has no result: {}{why}", where_it_stands(status)))
    })?;
    let bytes = tokio::task::spawn_blocking(move || serde_json::to_vec(&*answer))
        .await
        .map_err(|e| ApiError::Internal(format!("result of {id}: {e}")))?
        .map_err(|e| ApiError::Internal(format!("result of {id}: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], bytes).into_response())
}

/// Where a job stands, to end a sentence: `job 3 has no result: it was cancelled`.
fn where_it_stands(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued => "it is waiting for the jobs before it",
        JobStatus::Running => "it is still running",
        JobStatus::Done => "it is done",
        JobStatus::Failed => "it failed",
        JobStatus::Cancelled => "it was cancelled",
    }
}

/// The supply map of an item: every item and site it depends on, tier by tier, with quantities
/// per unit; over qualified sources, or over the actual links into one customer site.
#[utoipa::path(get, path = "/items/{id}/map", tag = "jobs",
    params(("id" = String, Path, description = "The item's id"), MapQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The map: JSON by default, Graphviz DOT (text/vnd.graphviz) or GeoJSON (application/geo+json) by `format`", body = Object),
        (status = 400, description = "A bad query parameter", body = wire::ErrorBody),
        (status = 401, description = "No key, or not a valid one", body = wire::ErrorBody),
        (status = 403, description = "Not an operator", body = wire::ErrorBody),
        (status = 404, description = "No such item or site", body = wire::ErrorBody),
        (status = 503, description = "No network loaded yet", body = wire::ErrorBody),
    ))]
pub(crate) async fn map(
    State(state): State<Arc<Shared>>,
    caller: Authenticated,
    Path(id): Path<String>,
    Params(query): Params<MapQuery>,
) -> Result<Response, ApiError> {
    caller.operator()?;
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "dot" | "geojson") {
        return Err(ApiError::query(
            "format",
            format!("must be json, dot or geojson, not {format:?}"),
        ));
    }
    let snapshot = snapshot(&state)?;
    let map = snapshot.twin.map(&id, query.site.as_deref(), query.depth)?;
    record(&state, &caller, "read map", &id).await?;
    Ok(match format {
        "dot" => {
            ([(header::CONTENT_TYPE, "text/vnd.graphviz")], app::map::to_dot(&map)).into_response()
        }
        "geojson" => {
            ([(header::CONTENT_TYPE, "application/geo+json")], Json(app::map::to_geojson(&map)))
                .into_response()
        }
        _ => Json(map).into_response(),
    })
}
