//! The command line's definition.

use clap::CommandFactory;

use super::Args;

/// Every option and argument of every command says what it is in `--help`.
#[test]
fn every_option_has_help() {
    fn undocumented(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if !matches!(id, "help" | "version") && arg.get_help().is_none() {
                found.push(format!("{path} {id}"));
            }
        }
        for sub in command.get_subcommands() {
            undocumented(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }
    let command = Args::command();
    command.clone().debug_assert();
    let mut found = Vec::new();
    undocumented(&command, "arsenal", &mut found);
    assert!(found.is_empty(), "options without help: {found:?}");
}
