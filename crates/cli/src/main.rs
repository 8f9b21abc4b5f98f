//! `arsenal`, the one binary: parses the command line into an `app::Config` and a command, runs
//! the use case, and prints the result for people or, with `--json`, for programs.
//!
//! Exit codes: 0 success, 1 failure, 2 invalid input data.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod progress;
mod report;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Args, Command, MapFormat};

fn main() -> ExitCode {
    let args = Args::parse();
    let filter = match args.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
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

fn run(args: &Args) -> anyhow::Result<()> {
    let config = app::Config { data_dir: args.data.clone() };
    let progress = progress::Bars::new(args.quiet);
    match &args.command {
        Command::Import { path, format, json, .. } => {
            let report = app::import(&config, path, format.map(Into::into), &progress)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                report::findings(&report.warnings, args.max_errors());
                if !args.quiet {
                    println!(
                        "imported {} records from {} into {}",
                        report.records,
                        report.source,
                        config.data_dir.display()
                    );
                }
            }
        }
        Command::Export { out, format } => {
            let records = app::export(&config, out, (*format).into(), &progress)?;
            if !args.quiet {
                println!("exported {records} records to {}", out.display());
            }
        }
        Command::Summary { json } => {
            let summary = app::summary(&config, &progress)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                print!("{}", report::summary(&summary));
            }
        }
        Command::Generate { sites, seed, out } => {
            let config = engine::generate::GenerateConfig { n_sites: *sites, seed: *seed };
            let records = app::generate(&config, out, &progress)?;
            if !args.quiet {
                println!(
                    "generated {sites} sites ({records} records) with seed {seed} into {}",
                    out.display()
                );
            }
        }
        Command::Map { item, depth, site, format } => {
            let map = app::map(&config, item, site.as_deref(), *depth, &progress)?;
            match format {
                MapFormat::Tree => print!("{}", app::map::to_tree(&map)),
                MapFormat::Json => println!("{}", serde_json::to_string_pretty(&map)?),
                MapFormat::Dot => print!("{}", app::map::to_dot(&map)),
                MapFormat::Geojson => {
                    println!("{}", serde_json::to_string_pretty(&app::map::to_geojson(&map))?)
                }
            }
        }
        Command::Risks { top, item, json, reference } => {
            let method =
                if *reference { app::ExposureMethod::Reference } else { app::ExposureMethod::Fast };
            let report = app::risks(&config, item.as_deref(), method, &progress)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report::risks(&report, *top));
            }
        }
        Command::Stress {
            scenario,
            monte_carlo,
            seed,
            hazards,
            threshold,
            period,
            horizon,
            unmet,
            priority,
            top,
            json,
            chart,
        } => {
            if let Some(scenarios) = monte_carlo {
                let options = app::MonteCarloOptions {
                    scenarios: *scenarios,
                    seed: *seed,
                    period: (*period).into(),
                    horizon_weeks: *horizon,
                    unmet: (*unmet).into(),
                    threshold: *threshold,
                    hazards: hazards.clone(),
                };
                let report = app::monte_carlo(&config, &options, &progress)?;
                if let Some(chart) = chart {
                    app::chart::loss_distribution(&report, chart)?;
                }
                if *json {
                    println!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    print!("{}", report::monte_carlo(&report, *top));
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
                    println!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    print!("{}", report::stress(&report, *top));
                }
            }
            if let Some(chart) = chart.as_ref().filter(|_| !*json && !args.quiet) {
                println!("chart written to {}", chart.display());
            }
        }
        Command::Demo { json } => {
            let demo = app::demo(&config, &progress)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&demo)?);
            } else {
                print!("{}", report::demo(&demo, &config));
            }
        }
    }
    Ok(())
}
