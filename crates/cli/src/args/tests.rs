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

/// `--database` takes what the PostgreSQL client takes, and names anything else before it
/// connects.
#[test]
fn a_database_is_a_postgres_url() {
    use clap::Parser;
    let store = |url: &str| {
        Args::try_parse_from(["arsenal", "--database", url, "summary"])
            .map(|args| args.database().unwrap_or_default())
            .map_err(|e| e.to_string())
    };
    let embedded = Args::try_parse_from(["arsenal", "--database", "", "summary"]).unwrap();
    assert_eq!(embedded.database(), None, "empty is the embedded store");
    for good in ["postgres://a@h:5432/d", "postgresql://h/d", "host=h user=a dbname=d"] {
        assert_eq!(store(good).as_deref(), Ok(good));
    }
    for bad in ["mysql://x", "sqlite://arsenal-data", "arsenal-data"] {
        let said = store(bad).unwrap_err();
        assert!(said.contains("expected a PostgreSQL URL") && said.contains(bad), "{said}");
    }
}

/// `--top` shows at least one row, on every command that has it; 0 is refused with the way to
/// see every row.
#[test]
fn top_is_one_or_more() {
    use clap::Parser;
    let commands: [&[&str]; 4] = [
        &["risks"],
        &["stress", "--scenario", "s.toml"],
        &["mobilize", "--demand", "d.toml"],
        &["replan", "--plan", "p.json", "--event", "e.toml"],
    ];
    for command in commands {
        let with = |top: &str| {
            let args = [&["arsenal"][..], command, &["--top", top]].concat();
            Args::try_parse_from(args).map_err(|e| e.to_string())
        };
        let refused = with("0").unwrap_err();
        assert!(
            refused.contains("invalid value '0' for '--top <TOP>': must be 1 or more rows"),
            "{command:?}: {refused}"
        );
        assert!(with("1").is_ok(), "{command:?}");
        assert!(with("x").is_err(), "{command:?}");
    }
}

/// `--listen` takes an address or a host name with its port, and says what it expects of
/// anything else.
#[test]
fn listen_takes_a_host_and_port() {
    use clap::Parser;
    let listen = |text: &str| {
        Args::try_parse_from(["arsenal", "serve", "--listen", text])
            .map(|args| match args.command {
                super::Command::Serve { listen, .. } => listen.to_string(),
                _ => unreachable!("serve parses as serve"),
            })
            .map_err(|e| e.to_string())
    };
    assert_eq!(listen("0.0.0.0:9000").unwrap(), "0.0.0.0:9000");
    assert_eq!(listen("[::1]:9000").unwrap(), "[::1]:9000");
    assert_eq!(listen("localhost:9000").unwrap(), "127.0.0.1:9000");
    let port = listen("9000").unwrap_err();
    assert!(port.contains("a port alone is not enough: 127.0.0.1:9000"), "{port}");
    for bad in [":9000", "nope", "127.0.0.1:99999"] {
        let said = listen(bad).unwrap_err();
        assert!(said.contains("expected HOST:PORT, such as 127.0.0.1:8080"), "{bad}: {said}");
    }
}

#[test]
fn min_organizations_is_one_or_more() {
    use clap::Parser;
    let with = |n: &str| Args::try_parse_from(["arsenal", "serve", "--min-organizations", n]);
    let refused = with("0").map(|_| ()).unwrap_err().to_string();
    assert!(
        refused.contains("invalid value '0' for '--min-organizations <MIN_ORGANIZATIONS>': must be 1 or more organizations"),
        "{refused}"
    );
    assert!(with("1").is_ok());
}

/// Every command's help ends with examples (the top-level help with where to start), and every
/// example of `arsenal` is a command line that parses (what a shell would pass, up to a pipe or a
/// redirection); other commands among them (a `cp` of an example file) are left to the shell.
#[test]
fn every_command_has_examples_that_parse() {
    use clap::Parser;
    let mut command = Args::command();
    let mut checked = 0;
    let top = ("arsenal".to_owned(), command.render_long_help().to_string(), "Start here:");
    let subcommands = command
        .get_subcommands_mut()
        .filter(|sub| sub.get_name() != "help")
        .map(|sub| (sub.get_name().to_owned(), sub.render_long_help().to_string(), "Examples:"))
        .collect::<Vec<_>>();
    for (name, help, heading) in std::iter::once(top).chain(subcommands) {
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|line| *line != heading)
            .skip(1)
            .take_while(|line| line.starts_with("  "))
            .collect();
        assert!(!examples.is_empty(), "{name}: no examples in\n{help}");
        for example in examples.into_iter().filter(|line| line.starts_with("  arsenal ")) {
            let words = shlex::split(example).unwrap_or_else(|| panic!("{name}: {example}"));
            let words = words.iter().take_while(|w| !matches!(w.as_str(), "|" | ">"));
            // Asking for help is a command line that parses.
            let parsed = Args::try_parse_from(words).map(|_| ()).or_else(|e| {
                (e.kind() == clap::error::ErrorKind::DisplayHelp).then_some(()).ok_or(e)
            });
            if let Err(e) = parsed {
                panic!("{name}: {example}: {e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} examples");
}

/// Every numeric option takes a number with a minus sign as its value, so a negative one is
/// refused by what checks the value (or by the command, for a fraction), not as an unknown
/// option `-1`.
#[test]
fn negative_numbers_are_values() {
    use std::any::TypeId;

    use clap::Parser;
    fn unguarded(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        let numeric =
            [TypeId::of::<u32>(), TypeId::of::<u64>(), TypeId::of::<usize>(), TypeId::of::<f64>()];
        for arg in command.get_arguments() {
            let kind = arg.get_value_parser().type_id();
            if numeric.iter().any(|t| kind == *t) && !arg.is_allow_negative_numbers_set() {
                found.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            unguarded(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }
    let mut found = Vec::new();
    unguarded(&Args::command(), "arsenal", &mut found);
    assert!(found.is_empty(), "numeric options that take -1 for an option: {found:?}");

    let refused: [&[&str]; 6] = [
        &["stress", "--monte-carlo", "5", "--seed", "-1"],
        &["stress", "--monte-carlo", "-5"],
        &["generate", "--out", "x", "--sites", "-5"],
        &["risks", "--top", "-3"],
        &["serve", "--min-organizations", "-2"],
        &["mobilize", "--demand", "d.toml", "--horizon", "-0.5"],
    ];
    for words in refused {
        let said = Args::try_parse_from([&["arsenal"][..], words].concat()).unwrap_err();
        let option = words[words.len() - 2];
        let value = words[words.len() - 1];
        assert_eq!(said.kind(), clap::error::ErrorKind::ValueValidation, "{words:?}: {said}");
        let said = said.to_string();
        assert!(
            said.contains(&format!("invalid value '{value}' for '{option} "))
                && said.contains("expected a whole number of 0 or more, not a negative one"),
            "{words:?}: {said}"
        );
    }
    // The value a fraction is given reaches the command, which says what range it takes.
    let passed: [&[&str]; 3] = [
        &["stress", "--monte-carlo", "5", "--threshold", "-0.5"],
        &["stress", "--scenario", "s.toml", "--horizon", "-3"],
        &["serve", "--alert-weeks", "-1"],
    ];
    for words in passed {
        let parsed = Args::try_parse_from([&["arsenal"][..], words].concat());
        assert!(parsed.is_ok(), "{words:?}: {:?}", parsed.map(|_| ()));
    }
    let bad = Args::try_parse_from(["arsenal", "stress", "--monte-carlo", "5", "--seed", "x"]);
    let said = bad.map(|_| ()).unwrap_err().to_string();
    assert!(said.contains("invalid digit found in string"), "{said}");
}

/// A whole number too large for its option says the largest the option takes.
#[test]
fn a_number_too_large_names_the_largest() {
    use clap::Parser;

    let cases: [(&[&str], &str); 3] = [
        (&["map", "icu-ventilator", "--depth", "99999999999"], "4294967295"),
        (
            &["stress", "--monte-carlo", "5", "--seed", "18446744073709551616"],
            "18446744073709551615",
        ),
        (&["risks", "--top", "99999999999999999999"], "18446744073709551615"),
    ];
    for (words, largest) in cases {
        let said = Args::try_parse_from([&["arsenal"][..], words].concat()).unwrap_err();
        assert_eq!(said.kind(), clap::error::ErrorKind::ValueValidation, "{words:?}: {said}");
        let value = words[words.len() - 1];
        let expected = format!("{value} is too large: the largest this takes is {largest}");
        assert!(said.to_string().contains(&expected), "{words:?}: {said}");
    }
}
