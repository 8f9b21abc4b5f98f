//! The command line, as clap parses it.

use std::path::{Path, PathBuf};

use clap::{ArgGroup, Parser, Subcommand, ValueEnum};

/// The data directory when neither `--data` nor `ARSENAL_DATA` names one.
pub(crate) const DEFAULT_DATA: &str = "arsenal-data";

/// The examples each command's help ends with (a test parses every one).
mod examples {
    pub(super) const ARSENAL: &str = "\
Start here:
  arsenal demo                    # the bundled sample network into ./arsenal-data, and what Arsenal sees in it
  arsenal import my-network       # your own: a directory of CSV files (docs/data-format.md)
  arsenal risks                   # then ask it: risks, map, stress, mobilize, replan, serve
  arsenal stress --help           # each command's options, with examples";
    pub(super) const IMPORT: &str = "\
Examples:
  arsenal import data/sample              # a directory of CSV files, one per table
  arsenal import network.json             # a JSON document, as `arsenal export` writes it
  arsenal import 07.csv --format willems  # a Willems (2008) supply chain
  arsenal --data big import big           # into its own data directory
  arsenal export --out - | arsenal --data copy import -   # a JSON document on standard input";
    pub(super) const EXPORT: &str = "\
Examples:
  arsenal export --out copy               # CSV files to edit, then `arsenal import copy`
  arsenal export --out network.json       # one JSON document
  arsenal export --out - | head           # the JSON document on standard output
  arsenal export --out copy --force       # replace an earlier export";
    pub(super) const SUMMARY: &str = "\
Examples:
  arsenal summary
  arsenal --data big summary --json";
    pub(super) const GENERATE: &str = "\
Examples:
  arsenal generate --sites 10000 --out big              # then: arsenal --data big import big
  arsenal generate --sites 300000 --seed 2 --out us     # the size of the U.S. base";
    pub(super) const MAP: &str = "\
Examples:
  arsenal map icu-ventilator                       # every tier, over qualified sources
  arsenal map icu-ventilator --depth 2             # the first two tiers
  arsenal map icu-ventilator --site wh-01          # the actual links into one site
  arsenal map icu-ventilator --format dot > v.dot  # for Graphviz: dot -Tsvg v.dot > v.svg
  arsenal map icu-ventilator --format geojson      # sites and links on a map";
    pub(super) const RISKS: &str = "\
Examples:
  arsenal risks
  arsenal risks --item icu-ventilator --top 5
  arsenal risks --json > risks.json";
    pub(super) const STRESS: &str = "\
Examples:
  arsenal stress --scenario arsenal-data/examples/scenarios/gulf-hurricane.toml --chart fill.svg
  arsenal stress --scenario s.toml --period day --unmet backlog --priority icu-ventilator
  arsenal stress --monte-carlo 1000 --seed 7 --chart losses.png
  cp arsenal-data/examples/hazards/default.toml h.toml    # the default hazards, to edit
  arsenal stress --monte-carlo 1000 --hazards h.toml --threshold 0.9 --json
  arsenal stress --monte-carlo 10000 --time-limit 5m    # the first scenarios 5 minutes allow";
    pub(super) const MOBILIZE: &str = "\
Examples:
  arsenal mobilize --demand arsenal-data/examples/demand/ventilator-pandemic.toml --out plan.json
  arsenal mobilize --demand demand.toml --scenario s.toml --chart plan.svg --csv plan-tables
  arsenal mobilize --demand demand.toml --time-limit 10m";
    pub(super) const REPLAN: &str = "\
Examples:
  arsenal replan --plan plan.json --event arsenal-data/examples/events/ventilator-assembler-down.toml
  arsenal replan --plan plan.json --event events.toml --out plan2.json --json";
    pub(super) const DEMO: &str = "\
Examples:
  arsenal demo                     # into ./arsenal-data
  arsenal --data try demo --json";
    pub(super) const SERVE: &str = "\
Examples:
  arsenal serve                                        # http://127.0.0.1:8080 (docs/api.md)
  arsenal serve --listen 0.0.0.0:8080 --mqtt 127.0.0.1:1883
  arsenal serve --mqtt mqtts://arsenal@broker.example --mqtt-ca ca.pem   # ARSENAL_MQTT_PASSWORD set
  arsenal serve --alert-weeks 8 --alert-webhook http://127.0.0.1:9000/alerts
  arsenal serve --plan-time-limit 30m
  arsenal --database postgres://arsenal@db:5432/arsenal serve   # one of several servers";
    pub(super) const KEY: &str = "\
Examples:
  arsenal key create --org org-008 --role member   # shown once: keep it
  arsenal key list
  arsenal key revoke 3f2a9c1b0d4e";
    pub(super) const ORG: &str = "\
Examples:
  arsenal org add national-office --name \"The national office\"
  arsenal key create --org national-office --role operator
  arsenal org list
  arsenal org remove national-office";
}

/// Arsenal: an open industrial digital twin of a network of manufacturers.
#[derive(Debug, Parser)]
#[command(name = "arsenal", version, about, long_about = None, after_help = examples::ARSENAL)]
pub(crate) struct Args {
    /// Data directory of the embedded store.
    #[arg(long, global = true, env = "ARSENAL_DATA", default_value = DEFAULT_DATA)]
    pub(crate) data: PathBuf,
    /// Keep the network in this PostgreSQL database (postgres://user@host:port/name) instead of
    /// the embedded store; the data directory still holds the files commands write.
    #[arg(long, global = true, env = "ARSENAL_DATABASE_URL", value_parser = database_url)]
    pub(crate) database: Option<String>,
    /// Print only results and errors: no progress bars, no confirmations.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Log what happens (-v for steps and timings, -vv for details).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// Logs as text, or as one JSON object a line (for a log collector).
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub(crate) log_format: LogFormat,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Validate a network and store it, replacing the stored one (all or nothing).
    #[command(after_help = examples::IMPORT)]
    Import {
        /// A directory of CSV files, a .json document, or a Willems chain file (recognised by its
        /// first line, /chain); `-` reads a JSON document from standard input.
        path: PathBuf,
        /// The format of PATH; by default a directory is csv and a .json file is json.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// Show at most this many errors (and as many warnings).
        #[arg(long, default_value_t = 50, allow_negative_numbers = true, value_parser = whole::<usize>)]
        max_errors: usize,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the stored network as a CSV directory or a JSON file.
    #[command(after_help = examples::EXPORT)]
    Export {
        /// The directory (csv) or file (json) to write; `-` writes the JSON document to
        /// standard output.
        #[arg(long)]
        out: PathBuf,
        /// csv: a directory of the import tables; json: one document (docs/data-format.md). By
        /// default json when --out ends in .json or is `-`, else csv.
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// Replace an earlier export at --out (edits made to its files are lost); a directory
        /// that holds other files is never replaced.
        #[arg(long)]
        force: bool,
    },
    /// Counts, where the sites are, sole sources, BOM depth and capacity by process.
    #[command(after_help = examples::SUMMARY)]
    Summary {
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic network (CSV) with the structure of a real manufacturing base.
    #[command(after_help = examples::GENERATE)]
    Generate {
        /// Number of sites, from 50 to 1000000 (300000 is the size of the U.S. manufacturing
        /// base).
        #[arg(long, default_value_t = 1000, allow_negative_numbers = true, value_parser = whole::<usize>)]
        sites: usize,
        /// Seed; the same seed always gives the same network.
        #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = whole::<u64>)]
        seed: u64,
        /// The directory to write.
        #[arg(long)]
        out: PathBuf,
        /// Replace an earlier network at --out (edits made to its files are lost); a directory
        /// that holds other files is never replaced.
        #[arg(long)]
        force: bool,
    },
    /// The multi-tier supply map of an item: what it depends on, tier by tier, and where.
    #[command(after_help = examples::MAP)]
    Map {
        /// The item id.
        item: String,
        /// Show at most this many tiers below the item.
        #[arg(long, allow_negative_numbers = true, value_parser = whole::<u32>)]
        depth: Option<u32>,
        /// Follow the actual links into this customer site instead of all qualified sources.
        #[arg(long)]
        site: Option<String>,
        /// tree (indented text), json, dot (Graphviz) or geojson (sites and links on a map).
        #[arg(long, value_enum, default_value = "tree")]
        format: MapFormat,
    },
    /// Ranked vulnerabilities: sole sources, geographic concentration, critical sites.
    #[command(after_help = examples::RISKS)]
    Risks {
        /// Show at most this many rows per section.
        #[arg(long, default_value_t = 10, allow_negative_numbers = true, value_parser = rows)]
        top: usize,
        /// Only the supply chain of this item.
        #[arg(long)]
        item: Option<String>,
        /// Print the whole risk report as JSON.
        #[arg(long)]
        json: bool,
        /// Solve the literal per-site programs over the whole network instead of the fast path
        /// (same numbers, much slower; for checking and benchmarks).
        #[arg(long)]
        reference: bool,
    },
    /// Run a disruption scenario week by week and report what each product loses, or many
    /// random scenarios (--monte-carlo) and the distribution of what they cost.
    // The options of Monte Carlo conflict with --scenario rather than require --monte-carlo:
    // clap takes `requires` as met by any argument of the group its target is in
    // (clap-rs/clap#4707), so --scenario met it and they were silently ignored.
    #[command(group(ArgGroup::new("run").required(true).args(["scenario", "monte_carlo"])))]
    #[command(after_help = examples::STRESS)]
    Stress {
        /// The scenario: a TOML or JSON file (see docs/scenarios.md).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Draw and run this many random scenarios from the hazard models.
        #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole::<u32>)]
        monte_carlo: Option<u32>,
        /// Seed of the random scenarios (the same seed gives the same results).
        #[arg(long, default_value_t = 1, conflicts_with = "scenario", allow_negative_numbers = true, value_parser = whole::<u64>)]
        seed: u64,
        /// Hazard models for --monte-carlo (a TOML file; documented defaults otherwise, written
        /// out by `arsenal demo` in its examples as hazards/default.toml).
        #[arg(long, conflicts_with = "scenario")]
        hazards: Option<PathBuf>,
        /// With --monte-carlo: start no scenario after this long (90s, 10m, 1h30m, or a number
        /// of seconds), and report on those done from the first [default: no limit].
        #[arg(long, value_name = "TIME", conflicts_with = "scenario", allow_hyphen_values = true, value_parser = app::plan::time_limit)]
        time_limit: Option<std::time::Duration>,
        /// With --monte-carlo: a product falls short in a scenario below this fill rate.
        #[arg(
            long,
            default_value_t = 0.95,
            conflicts_with = "scenario",
            allow_negative_numbers = true
        )]
        threshold: f64,
        /// Length of one simulated period.
        #[arg(long, value_enum, default_value_t = PeriodArg::Week)]
        period: PeriodArg,
        /// Weeks to simulate (default: the scenario's horizon_weeks, else 52).
        #[arg(long, allow_negative_numbers = true)]
        horizon: Option<f64>,
        /// What happens to demand not served in the period it is due.
        #[arg(long, value_enum, default_value_t = UnmetArg::LostSales)]
        unmet: UnmetArg,
        /// Products served first when stock is scarce, most important first (comma-separated);
        /// by default stock is shared in proportion to normal flows.
        #[arg(long, value_delimiter = ',', conflicts_with = "monte_carlo")]
        priority: Vec<String>,
        /// Show at most this many products and causes.
        #[arg(long, default_value_t = 10, allow_negative_numbers = true, value_parser = rows)]
        top: usize,
        /// Print the whole report as JSON (for a scenario, with every product's units due and
        /// served on time in every period).
        #[arg(long)]
        json: bool,
        /// Draw the fill rate of each product over time (with --monte-carlo: the distribution
        /// of the value lost) to this file (.svg or .png).
        #[arg(long)]
        chart: Option<PathBuf>,
    },
    /// Plan production across the network to meet demand targets: who makes what in which
    /// week, from which suppliers, what can be met, and the bottlenecks.
    #[command(after_help = examples::MOBILIZE)]
    Mobilize {
        /// The demand file: targets and planning options (TOML or JSON, see
        /// docs/planning-model.md).
        #[arg(long)]
        demand: PathBuf,
        /// A disruption the plan must live with (a stress-test scenario file).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Weeks to plan (default: the demand file's horizon_weeks, else its latest due week).
        #[arg(long, allow_negative_numbers = true, value_parser = whole::<u32>)]
        horizon: Option<u32>,
        #[command(flatten)]
        output: PlanOutput,
    },
    /// Apply events (outages, capacity and demand changes, newly qualified sources) to a saved
    /// plan, solve again starting from it, and show what changed.
    #[command(after_help = examples::REPLAN)]
    Replan {
        /// The plan saved by `arsenal mobilize --out` (or `arsenal replan --out`).
        #[arg(long)]
        plan: PathBuf,
        /// The events file (TOML or JSON, see docs/planning-model.md).
        #[arg(long)]
        event: PathBuf,
        /// Solve from nothing instead of from the saved plan (slower; for comparison).
        #[arg(long)]
        cold: bool,
        #[command(flatten)]
        output: PlanOutput,
    },
    /// Load the bundled sample network and show what Arsenal sees in it.
    #[command(after_help = examples::DEMO)]
    Demo {
        /// Print what the demo found (import, summary, risks, stress test, plan) as one JSON
        /// document.
        #[arg(long)]
        json: bool,
    },
    /// Serve the stored network over a JSON HTTP API (docs/api.md) until Ctrl-C or SIGTERM.
    #[command(after_help = examples::SERVE)]
    Serve {
        /// The address and port to listen on, HOST:PORT (port 0 picks a free one; 0.0.0.0:PORT
        /// listens on every interface).
        #[arg(long, default_value = "127.0.0.1:8080", value_parser = listen_address)]
        listen: std::net::SocketAddr,
        /// Publish an aggregate group only when at least this many organizations contribute.
        #[arg(long, default_value_t = 3, allow_negative_numbers = true, value_parser = organizations)]
        min_organizations: usize,
        /// ...and no organization holds more than this share of it (0 to 1).
        #[arg(long, default_value_t = 0.8, allow_negative_numbers = true)]
        max_share: f64,
        /// Also take events from this MQTT broker, on the topics arsenal/<organization>/events:
        /// HOST:PORT, mqtt://[USER@]HOST[:PORT], or mqtts://[USER@]HOST[:PORT] for TLS (port 8883
        /// by default; the broker's certificate is checked against the machine's trusted roots).
        #[arg(long, value_name = "URL")]
        mqtt: Option<String>,
        /// The password of the user --mqtt names; better set in the environment than on the
        /// command line, where other users of the machine can see it.
        #[arg(
            long,
            value_name = "PASSWORD",
            env = "ARSENAL_MQTT_PASSWORD",
            hide_env_values = true
        )]
        mqtt_password: Option<String>,
        /// With an mqtts:// broker: trust the certificate authority in this PEM file (a private
        /// CA) instead of the machine's roots.
        #[arg(long, value_name = "FILE", requires = "mqtt")]
        mqtt_ca: Option<PathBuf>,
        /// With an mqtts:// broker that asks for a client certificate: the server's certificate
        /// (PEM, with its chain)...
        #[arg(long, value_name = "FILE", requires_all = ["mqtt", "mqtt_key"])]
        mqtt_cert: Option<PathBuf>,
        /// ...and its private key (PEM).
        #[arg(long, value_name = "FILE", requires = "mqtt_cert")]
        mqtt_key: Option<PathBuf>,
        /// The server's MQTT client id; give each server on one broker its own.
        #[arg(long, value_name = "ID", default_value = server::mqtt::CLIENT_ID, requires = "mqtt")]
        mqtt_client_id: String,
        /// Alerts look this many weeks ahead...
        #[arg(long, default_value_t = 12.0, allow_negative_numbers = true)]
        alert_weeks: f64,
        /// ...and name every product whose predicted fill rate falls below this (0 to 1).
        #[arg(long, default_value_t = 0.95, allow_negative_numbers = true)]
        alert_threshold: f64,
        /// Post each new alert, as JSON, to this http:// or https:// URL (an https:// server's
        /// certificate is checked against the machine's trusted roots).
        #[arg(long, value_name = "URL")]
        alert_webhook: Option<String>,
        /// With an https:// webhook: trust the certificate authority in this PEM file (a
        /// private CA) instead of the machine's roots.
        #[arg(long, value_name = "FILE", requires = "alert_webhook")]
        alert_webhook_ca: Option<PathBuf>,
        /// The most time a plan or re-plan job may take to build and solve its program (90s,
        /// 10m, 1h30m, 2d, or a number of seconds), also for one that asks for more [default:
        /// as long as a job asks].
        #[arg(long, value_name = "TIME", allow_hyphen_values = true, value_parser = app::plan::time_limit)]
        plan_time_limit: Option<std::time::Duration>,
    },
    /// API keys for `arsenal serve` (docs/security.md).
    #[command(after_help = examples::KEY)]
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Organizations that hold keys without being in the network (docs/security.md).
    #[command(after_help = examples::ORG)]
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Create a key for an organization of the stored network or one added with `arsenal org
    /// add`; it is shown only this once.
    Create {
        /// The organization the key belongs to.
        #[arg(long)]
        org: String,
        /// operator (everything), member (its organization's confidential data) or viewer.
        #[arg(long)]
        role: String,
        /// Print the key (id, organization, role and the secret) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the keys (ids, organizations, roles; never the secrets).
    List {
        /// Print the keys as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id; a running server refuses it within 30 seconds.
    Revoke {
        /// The key's id (the part between `ak_` and the second `_`), or the whole key.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum OrgCommand {
    /// Register an organization that is not in the network (an operator's office, a member that
    /// runs no site yet), so keys can be created for it.
    Add {
        /// Its id: letters, digits, '-', '_' or '.'.
        id: String,
        /// Its name, shown by `arsenal org list`.
        #[arg(long)]
        name: String,
    },
    /// Remove a registered organization that holds no keys (revoke them first).
    Remove {
        /// Its id.
        id: String,
    },
    /// List the registered organizations (the network's own are in `arsenal export`).
    List {
        /// Print the organizations as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// How long a planning command may take, and what it checks, writes and shows.
#[derive(Debug, clap::Args)]
pub(crate) struct PlanOutput {
    /// Bottlenecks to check by solving again with one more unit each [default: 5 for mobilize,
    /// 3 for replan].
    #[arg(long, allow_negative_numbers = true, value_parser = whole::<usize>)]
    pub(crate) recheck: Option<usize>,
    /// Stop and fail if building and solving the plan take longer than this: 90s, 10m, 1h30m,
    /// 2d, or a number of seconds [default: no limit].
    #[arg(long, value_name = "TIME", allow_hyphen_values = true, value_parser = app::plan::time_limit)]
    pub(crate) time_limit: Option<std::time::Duration>,
    /// Show at most this many rows per table.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true, value_parser = rows)]
    pub(crate) top: usize,
    /// Print the whole plan as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Save the plan (JSON) for `arsenal replan` and for programs.
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write the plan as CSV tables (targets, production, shipments, deliveries, bottlenecks,
    /// bottleneck_gains) into this new directory.
    #[arg(long)]
    pub(crate) csv: Option<PathBuf>,
    /// Draw cumulative output against target per product (.svg or .png).
    #[arg(long)]
    pub(crate) chart: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ImportFormat {
    Csv,
    Json,
    Willems,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum MapFormat {
    Tree,
    Json,
    Dot,
    Geojson,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum PeriodArg {
    Week,
    Day,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum UnmetArg {
    /// Unserved demand stays owed and is served late.
    Backlog,
    /// Unserved demand is lost.
    LostSales,
}

impl From<PeriodArg> for engine::simulate::Period {
    fn from(period: PeriodArg) -> Self {
        match period {
            PeriodArg::Week => engine::simulate::Period::Week,
            PeriodArg::Day => engine::simulate::Period::Day,
        }
    }
}

impl From<UnmetArg> for engine::simulate::Unmet {
    fn from(unmet: UnmetArg) -> Self {
        match unmet {
            UnmetArg::Backlog => engine::simulate::Unmet::Backlog,
            UnmetArg::LostSales => engine::simulate::Unmet::LostSales,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum ExportFormat {
    Csv,
    Json,
}

impl From<ImportFormat> for app::interchange::Format {
    fn from(format: ImportFormat) -> Self {
        match format {
            ImportFormat::Csv => app::interchange::Format::Csv,
            ImportFormat::Json => app::interchange::Format::Json,
            ImportFormat::Willems => app::interchange::Format::Willems,
        }
    }
}

impl ExportFormat {
    /// The format asked for, or the one `out` names: json for a `.json` file or `-`.
    pub(crate) fn of(format: Option<Self>, out: &Path) -> Self {
        let json = out.as_os_str() == "-"
            || out.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        format.unwrap_or(if json { Self::Json } else { Self::Csv })
    }
}

impl From<ExportFormat> for app::interchange::Format {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Csv => app::interchange::Format::Csv,
            ExportFormat::Json => app::interchange::Format::Json,
        }
    }
}

/// A PostgreSQL connection: a `postgres://` or `postgresql://` URL, or `key=value` settings
/// (`host=db user=arsenal`), as the PostgreSQL client takes them; empty (an
/// `ARSENAL_DATABASE_URL=` set to nothing) for the embedded store.
fn database_url(text: &str) -> Result<String, String> {
    match text.split_once("://") {
        Some(("postgres" | "postgresql", _)) => Ok(text.to_owned()),
        None if text.is_empty() || text.contains('=') => Ok(text.to_owned()),
        _ => Err(format!(
            "expected a PostgreSQL URL, postgres://user@host:5432/name; the embedded store needs \
             no --database (--data DIR names its directory), not {text:?}"
        )),
    }
}

/// Where to listen: an IP address and port, or a host name and port (`localhost:8080`, the
/// host's first IPv4 address if it has one).
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(address) = text.parse() {
        return Ok(address);
    }
    let expected =
        "expected HOST:PORT, such as 127.0.0.1:8080 (or 0.0.0.0:8080 for every interface)";
    if text.parse::<u16>().is_ok() {
        return Err(format!("{expected}; a port alone is not enough: 127.0.0.1:{text}"));
    }
    let found: Vec<std::net::SocketAddr> = match text.to_socket_addrs() {
        Ok(found) => found.collect(),
        Err(e) => return Err(format!("{expected}: {e}")),
    };
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("{text} names no address; {expected}"))
}

/// A number of rows to show: 1 or more (`--top 0` would show the headings alone).
fn rows(text: &str) -> Result<usize, String> {
    at_least_one(text, "rows; the JSON output (--json) holds every row")
}

/// A count of 1 or more; `what` follows "must be 1 or more" in the message for 0.
fn at_least_one(text: &str, what: &str) -> Result<usize, String> {
    match whole::<usize>(text) {
        Ok(0) => Err(format!("must be 1 or more {what}")),
        other => other,
    }
}

/// A whole number of 0 or more (a count, a seed); a negative one is named as such rather than
/// as a bad digit, and one too large for its option says the largest it takes.
fn whole<T: Whole>(text: &str) -> Result<T, String> {
    text.parse::<T>().map_err(|e| match text.strip_prefix('-') {
        Some(rest) if rest.parse::<f64>().is_ok() => {
            "expected a whole number of 0 or more, not a negative one".to_owned()
        }
        _ if *e.kind() == std::num::IntErrorKind::PosOverflow => {
            format!("{text} is too large: the largest this takes is {}", T::LARGEST)
        }
        _ => e.to_string(),
    })
}

/// A whole-number type an option takes, and its largest value.
trait Whole: std::str::FromStr<Err = std::num::ParseIntError> {
    const LARGEST: u64;
}

impl Whole for u32 {
    const LARGEST: u64 = u32::MAX as u64;
}

impl Whole for u64 {
    const LARGEST: u64 = u64::MAX;
}

impl Whole for usize {
    const LARGEST: u64 = usize::MAX as u64;
}

/// `--min-organizations`: a group has at least one organization, so 0 would ask for nothing.
fn organizations(text: &str) -> Result<usize, String> {
    at_least_one(text, "organizations")
}

impl Args {
    /// The PostgreSQL database asked for, if any.
    pub(crate) fn database(&self) -> Option<String> {
        self.database.clone().filter(|url| !url.is_empty())
    }

    pub(crate) fn max_errors(&self) -> usize {
        match self.command {
            Command::Import { max_errors, .. } => max_errors,
            _ => 50,
        }
    }
}

#[cfg(test)]
mod tests;
