//! `arsenal`, the one binary: parses the command line into an `app::Config` and a command, runs
//! the use case, and prints the result for people or, with `--json`, for programs.
//!
//! Exit codes: 0 success, 1 failure, 2 invalid input data. A command whose standard output is
//! closed under it (`arsenal summary | head -3`) stops there quietly, with 0.
#![allow(clippy::print_stderr)]

mod args;
mod progress;
mod report;

use std::io::{IsTerminal, Write, stdout};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use crate::args::{Args, Command, KeyCommand, LogFormat, MapFormat, OrgCommand, PlanOutput};

fn main() -> ExitCode {
    let args = Args::parse();
    let serving = matches!(args.command, Command::Serve { .. });
    let level = match args.verbose {
        0 if serving => "info",
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    // The highs crate logs a warning whenever HiGHS's status is one, as when a solve is stopped;
    // Arsenal says what came of a solve itself.
    let filter = format!("{level},highs=error");
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        // Standard output was closed under it (`arsenal ... | head`): stop there, as filters do.
        Err(error) if closed_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let invalid =
                matches!(error.downcast_ref::<app::Error>(), Some(app::Error::Invalid { .. }));
            if let Some(app::Error::Invalid { findings, .. }) = error.downcast_ref::<app::Error>() {
                report::findings(findings, args.max_errors());
            }
            eprintln!("error: {error:#}");
            ExitCode::from(if invalid { 2 } else { 1 })
        }
    }
}

/// Whether writing to standard output failed because nobody reads it any more.
fn closed_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Writes a new key, the only time its secret is shown, and makes sure it left the process.
fn show_key(key: &app::access::NewKey, json: bool) -> anyhow::Result<()> {
    let mut out = stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(key)?)?;
    } else {
        writeln!(
            out,
            "created key {} for {} ({}); it is shown only this once, keep it secret:",
            key.id,
            key.organization,
            key.role.as_str()
        )?;
        writeln!(out, "{}", key.key)?;
    }
    out.flush()?;
    Ok(())
}

/// Leaves `value` for the system to take back when the process ends, which it is about to: a
/// stress report of thousands of products took about 0.2 s to free at national scale, while
/// the graph's memory was being freed on another thread (`app::free_aside`).
fn keep_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// The JSON network document of `arsenal import -`, read whole from standard input; the other
/// formats are files or directories, and a terminal is not a document.
fn standard_input(format: Option<args::ImportFormat>) -> Result<String, app::Error> {
    let refused =
        |message: &str| app::Error::Invalid { message: message.into(), findings: Vec::new() };
    if format.is_some_and(|f| !matches!(f, args::ImportFormat::Json)) {
        return Err(refused(
            "import - reads a JSON network document from standard input; CSV files and Willems chains are imported from their path",
        ));
    }
    let input = std::io::stdin();
    if input.is_terminal() {
        return Err(refused(
            "import - reads a JSON network document from standard input, which is a terminal here: pipe one in (arsenal export --out - | arsenal --data copy import -)",
        ));
    }
    std::io::read_to_string(input)
        .map_err(|e| refused(&format!("cannot read standard input as text: {e}")))
}

/// Checks, before planning, that what `--out`, `--csv` and `--chart` ask for can be written.
fn check_plan_outputs(output: &PlanOutput) -> Result<(), app::Error> {
    app::plan::check_outputs(output.out.as_deref(), output.csv.as_deref(), output.chart.as_deref())
}

/// Writes what `--out`, `--csv` and `--chart` ask for.
fn save_plan(document: &app::plan::PlanDocument, output: &PlanOutput) -> anyhow::Result<()> {
    if let Some(path) = &output.out {
        app::plan::write(document, path)?;
    }
    if let Some(dir) = &output.csv {
        app::plan::write_csv(&document.plan, dir)?;
    }
    if let Some(path) = &output.chart {
        app::chart::cumulative_output(&document.plan, path)?;
    }
    Ok(())
}

/// Says where the plan's files went.
fn saved(output: &PlanOutput, quiet: bool) -> std::io::Result<()> {
    if quiet {
        return Ok(());
    }
    if let Some(path) = &output.out {
        writeln!(
            stdout(),
            "plan saved to {} (for arsenal replan --plan {})",
            path.display(),
            path.display()
        )?;
    }
    if let Some(dir) = &output.csv {
        writeln!(stdout(), "plan tables written to {}", dir.display())?;
    }
    if let Some(path) = &output.chart {
        writeln!(stdout(), "chart written to {}", path.display())?;
    }
    Ok(())
}

fn run(args: &Args) -> anyhow::Result<()> {
    let config = app::Config::new(args.data.clone(), args.database());
    let progress = progress::Bars::new(args.quiet);
    match &args.command {
        Command::Import { path, format, json, .. } => {
            let report = if path.as_os_str() == "-" {
                let text = standard_input(*format)?;
                app::import_json(&config, &text, "standard input", &progress)?
            } else {
                app::import(&config, path, format.map(Into::into), &progress)?
            };
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                report::findings(&report.warnings, args.max_errors());
                if !args.quiet {
                    writeln!(
                        stdout(),
                        "imported {} records from {} into {}",
                        app::grouped(report.records as u64),
                        report.source,
                        config.store_name()
                    )?;
                }
            }
        }
        // `--out -` is standard output, for the JSON document; the confirmation goes to
        // standard error there, so that the output is the document alone.
        Command::Export { out, format, .. } if out.as_os_str() == "-" => {
            if !matches!(args::ExportFormat::of(*format, out), args::ExportFormat::Json) {
                return Err(app::Error::Invalid {
                    message: "--out - writes to standard output, which takes one document: a CSV export is a directory of files, so name one with --out DIR, or leave out --format csv".into(),
                    findings: Vec::new(),
                }
                .into());
            }
            let network = app::network(&config, &progress)?;
            app::interchange::write_json(&network, &mut stdout().lock())?;
            if !args.quiet {
                let records = app::grouped(network.n_records() as u64);
                eprintln!("exported {records} records to standard output");
            }
        }
        Command::Export { out, format, force } => {
            let format = args::ExportFormat::of(*format, out);
            let records = app::export(&config, out, format.into(), *force, &progress)?;
            if !args.quiet {
                // A name such as `copy.csv` reads like one file: say it is a directory.
                let what = match format {
                    args::ExportFormat::Csv => " (a directory: one CSV file per table)",
                    args::ExportFormat::Json => "",
                };
                let records = app::grouped(records as u64);
                writeln!(stdout(), "exported {records} records to {}{what}", out.display())?;
            }
        }
        Command::Summary { json } => {
            let summary = app::summary(&config, &progress)?;
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&summary)?)?;
            } else {
                write!(stdout(), "{}", report::summary(&summary))?;
            }
        }
        Command::Generate { sites, seed, out, force } => {
            let config = engine::generate::GenerateConfig { n_sites: *sites, seed: *seed };
            let records = app::generate(&config, out, *force, &progress)?;
            if !args.quiet {
                writeln!(
                    stdout(),
                    "generated {} sites ({} records) with seed {seed} into {} (a directory: one CSV file per table)",
                    app::grouped(*sites as u64),
                    app::grouped(records as u64),
                    out.display()
                )?;
            }
        }
        Command::Map { item, depth, site, format } => {
            let map = app::map(&config, item, site.as_deref(), *depth, &progress)?;
            match format {
                MapFormat::Tree => write!(stdout(), "{}", app::map::to_tree(&map))?,
                MapFormat::Json => writeln!(stdout(), "{}", serde_json::to_string_pretty(&map)?)?,
                MapFormat::Dot => write!(stdout(), "{}", app::map::to_dot(&map))?,
                MapFormat::Geojson => {
                    let geojson = app::map::to_geojson(&map);
                    writeln!(stdout(), "{}", serde_json::to_string_pretty(&geojson)?)?;
                    if let Some(warning) = report::not_drawn(&app::map::unlocated(&map)) {
                        eprintln!("{warning}");
                    }
                }
            }
        }
        Command::Risks { top, item, json, reference } => {
            let method =
                if *reference { app::ExposureMethod::Reference } else { app::ExposureMethod::Fast };
            let report = app::risks(&config, item.as_deref(), method, &progress)?;
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&report)?)?;
            } else {
                write!(stdout(), "{}", report::risks(&report, *top, item.is_some()))?;
            }
        }
        Command::Stress {
            scenario,
            monte_carlo,
            seed,
            hazards,
            time_limit,
            threshold,
            period,
            horizon,
            unmet,
            priority,
            top,
            json,
            chart,
        } => {
            // The chart's path is checked before the work, so that no result is lost to it.
            chart.as_deref().map_or(Ok(()), app::chart::check)?;
            if let Some(scenarios) = monte_carlo {
                let options = app::MonteCarloOptions {
                    scenarios: *scenarios,
                    seed: *seed,
                    period: (*period).into(),
                    horizon_weeks: *horizon,
                    unmet: (*unmet).into(),
                    threshold: *threshold,
                    hazards: match hazards {
                        Some(path) => app::scenario::load_hazards(path)?,
                        None => engine::simulate::Hazards::default(),
                    },
                    time_limit: *time_limit,
                };
                let report = app::monte_carlo(&config, &options, &progress)?;
                if let Some(chart) = chart {
                    app::chart::loss_distribution(&report, chart)?;
                }
                if *json {
                    writeln!(stdout(), "{}", serde_json::to_string_pretty(&report)?)?;
                } else {
                    write!(stdout(), "{}", report::monte_carlo(&report, *top))?;
                }
            } else if let Some(scenario) = scenario {
                let options = app::StressOptions {
                    period: (*period).into(),
                    horizon_weeks: *horizon,
                    unmet: (*unmet).into(),
                    priority: priority.clone(),
                };
                let report = app::stress(&config, scenario, &options, &progress)?;
                if let Some(chart) = chart {
                    app::chart::fill_rates(&report, chart)?;
                }
                if *json {
                    writeln!(stdout(), "{}", serde_json::to_string_pretty(&report)?)?;
                } else {
                    write!(stdout(), "{}", report::stress(&report, *top))?;
                }
                keep_to_exit(report);
            }
            if let Some(chart) = chart.as_ref().filter(|_| !*json && !args.quiet) {
                writeln!(stdout(), "chart written to {}", chart.display())?;
            }
        }
        Command::Mobilize { demand, scenario, horizon, output } => {
            check_plan_outputs(output)?;
            let options = app::plan::MobilizeOptions {
                demand: demand.clone(),
                scenario: scenario.clone(),
                horizon_weeks: *horizon,
                recheck: output.recheck.unwrap_or(app::plan::DEFAULT_RECHECK),
                time_limit: output.time_limit,
            };
            let document = app::plan::mobilize(&config, &options, &progress)?;
            save_plan(&document, output)?;
            if output.json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&document)?)?;
            } else {
                write!(stdout(), "{}", report::planning::plan(&document.plan, output.top))?;
                saved(output, args.quiet)?;
            }
        }
        Command::Replan { plan, event, cold, output } => {
            check_plan_outputs(output)?;
            let options = app::plan::ReplanOptions {
                plan: plan.clone(),
                events: event.clone(),
                recheck: output.recheck.unwrap_or(app::plan::REPLAN_RECHECK),
                cold: *cold,
                time_limit: output.time_limit,
            };
            let replanned = app::plan::replan(&config, &options, &progress)?;
            save_plan(&replanned.document, output)?;
            if output.json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&replanned)?)?;
            } else {
                write!(stdout(), "{}", report::planning::replan(&replanned, event, output.top))?;
                saved(output, args.quiet)?;
            }
        }
        Command::Demo { json } => {
            let demo = app::demo(&config, &progress)?;
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&demo)?)?;
            } else {
                // Run by its path (`cargo xtask demo`, `target/release/arsenal`), not by name.
                let by_path = std::env::args_os()
                    .next()
                    .map(std::path::PathBuf::from)
                    .filter(|program| program.components().count() > 1);
                write!(stdout(), "{}", report::demo(&demo, &config, by_path.as_deref()))?;
            }
        }
        Command::Serve {
            listen,
            min_organizations,
            max_share,
            mqtt,
            mqtt_password,
            mqtt_ca,
            mqtt_cert,
            mqtt_key,
            mqtt_client_id,
            alert_weeks,
            alert_threshold,
            alert_webhook,
            alert_webhook_ca,
            plan_time_limit,
        } => {
            let alert_webhook = alert_webhook
                .as_deref()
                .map(|url| server::webhook(url, alert_webhook_ca.as_deref()))
                .transpose()
                .map_err(|message| app::Error::Invalid {
                    message: format!("--alert-webhook: {message}"),
                    findings: Vec::new(),
                })?;
            let reach = server::mqtt::Reach {
                password: mqtt_password.as_deref(),
                ca: mqtt_ca.as_deref(),
                identity: mqtt_cert.as_deref().zip(mqtt_key.as_deref()),
            };
            let mqtt = mqtt.as_deref().map(|url| server::mqtt::broker(url, reach)).transpose();
            let mqtt = mqtt.map_err(|message| app::Error::Invalid {
                message: format!("--mqtt: {message}"),
                findings: Vec::new(),
            })?;
            let client_id =
                server::mqtt::client_id(mqtt_client_id).map_err(|message| app::Error::Invalid {
                    message: format!("--mqtt-client-id: {message}"),
                    findings: Vec::new(),
                })?;
            let mqtt = mqtt.map(|broker| server::mqtt::Broker { client_id, ..broker });
            for (flag, value) in
                [("--max-share", max_share), ("--alert-threshold", alert_threshold)]
            {
                if !(0.0..=1.0).contains(value) {
                    return Err(app::Error::Invalid {
                        message: format!(
                            "{flag} must be from 0 to 1, not {value}{}",
                            app::as_percentage(*value)
                        ),
                        findings: Vec::new(),
                    }
                    .into());
                }
            }
            let most = f64::from(app::plan::MAX_HORIZON_WEEKS);
            if !(alert_weeks.is_finite() && (1.0..=most).contains(alert_weeks)) {
                return Err(app::Error::Invalid {
                    message: format!("--alert-weeks must be 1 to {most}, not {alert_weeks}"),
                    findings: Vec::new(),
                }
                .into());
            }
            let settings = server::Settings {
                disclosure: app::access::Disclosure {
                    min_organizations: *min_organizations,
                    max_share: *max_share,
                },
                alerts: app::alerts::AlertOptions {
                    weeks: *alert_weeks,
                    threshold: *alert_threshold,
                },
                key_recheck: server::KEY_RECHECK,
                alert_webhook,
                network_recheck: server::NETWORK_RECHECK,
                plan_time_limit: *plan_time_limit,
            };
            server::serve(config, settings, *listen, mqtt, |address| {
                // The server goes on serving when nobody reads its output.
                let _ = writeln!(stdout(), "listening on http://{address}");
            })
            .with_context(|| format!("cannot serve on {listen}"))?;
        }
        Command::Key { command: KeyCommand::Create { org, role, json } } => {
            let role = role.parse().map_err(|message| app::Error::Invalid {
                message: format!("--role: {message}"),
                findings: Vec::new(),
            })?;
            let key = app::access::create_key(&config, org, role)?;
            // The secret is stored only as a hash: a key nobody saw is of no use to keep.
            if let Err(error) = show_key(&key, *json) {
                app::access::revoke_key(&config, &key.id)?;
                anyhow::bail!("cannot show the new key ({error}), so key {} was revoked", key.id);
            }
        }
        Command::Key { command: KeyCommand::List { json } } => {
            let keys = app::access::keys(&config)?;
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&keys)?)?;
            } else {
                write!(stdout(), "{}", report::keys(&keys))?;
            }
        }
        Command::Key { command: KeyCommand::Revoke { id } } => {
            let key = app::access::revoke_key(&config, id)?;
            if !args.quiet {
                writeln!(stdout(), "revoked key {} ({}, {})", key.id, key.organization, key.role)?;
            }
        }
        Command::Org { command: OrgCommand::Add { id, name } } => {
            app::access::register_organization(&config, id, name)?;
            if !args.quiet {
                writeln!(
                    stdout(),
                    "registered organization {id} ({name}); create its keys with `arsenal key create --org {id}`"
                )?;
            }
        }
        Command::Org { command: OrgCommand::Remove { id } } => {
            app::access::remove_organization(&config, id)?;
            if !args.quiet {
                writeln!(stdout(), "removed organization {id}")?;
            }
        }
        Command::Org { command: OrgCommand::List { json } } => {
            let organizations = app::access::registered_organizations(&config)?;
            if *json {
                writeln!(stdout(), "{}", serde_json::to_string_pretty(&organizations)?)?;
            } else {
                write!(stdout(), "{}", report::registered(&organizations))?;
            }
        }
    }
    Ok(())
}
