//! The `infinstor` command line: parses arguments and calls one engine operation per command.

mod apply;
mod common;
mod console;
mod fmt;
mod graph;
mod import;
mod output;
mod plan;
mod show;
mod state_cmd;
mod ui;
mod validate;
mod workspace;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// A plan of tens of thousands of resources is mostly small allocations: mimalloc makes them
/// cheaper than the system allocator (see README, "Size of a deployment").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Plan and apply AWS deployments described in Terraform-compatible HCL.
#[derive(Parser, Debug)]
#[command(name = "infinstor", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: common::Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Show what apply would change.
    Plan(plan::Args),
    /// Make the changes: of a saved plan, or of a new plan after confirmation.
    Apply(apply::Args),
    /// Destroy every object in the state.
    Destroy(apply::DestroyArgs),
    /// Record in state what changed outside infinstor (apply --refresh-only --auto-approve).
    Refresh(plan::PlanFlags),
    /// Show a saved plan, or the current state.
    Show(show::Args),
    /// Show root module outputs from the state.
    Output(output::Args),
    /// Rewrite .tf and .tfvars files in the canonical layout (--check: only report, exit 3).
    Fmt(fmt::Args),
    /// Check the configuration without contacting AWS: every mistake at once.
    Validate(validate::Args),
    /// Fetch git and registry modules, set up the backend (where state lives), list the modules.
    Init(validate::InitArgs),
    /// Evaluate expressions (one per line, from stdin or typed) against the configuration and state.
    Console,
    /// Print the dependency graph in Graphviz DOT, or draw it as SVG.
    Graph(graph::Args),
    /// Inspect or edit the state.
    #[command(subcommand)]
    State(state_cmd::StateCommand),
    /// List, create, select or delete workspaces (separate states of one configuration).
    #[command(subcommand)]
    Workspace(workspace::WorkspaceCommand),
    /// Adopt an existing AWS object into the state.
    Import(import::Args),
    /// Release a state lock left behind by a process that died.
    ForceUnlock(common::ForceUnlockArgs),
    /// Mark an instance for replacement by the next apply.
    Taint {
        /// The instance address.
        addr: String,
    },
    /// Undo `taint`.
    Untaint {
        /// The instance address.
        addr: String,
    },
    /// Print the version.
    Version {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Every long flag of the command line and its subcommands (`var`, `auto-approve`, ...).
fn long_flags(cmd: &clap::Command, out: &mut std::collections::BTreeSet<String>) {
    out.extend(cmd.get_arguments().filter_map(|a| a.get_long().map(str::to_string)));
    for sub in cmd.get_subcommands() {
        long_flags(sub, out);
    }
}

/// Terraform spells its flags with one dash (`-var`, `-auto-approve`, `-out=tfplan`); each such
/// argument naming one of our long flags is read as its two-dash form. Single-letter flags
/// (`-C`) and values (`-1` after `--var x=`) are left alone.
fn terraform_spellings(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut flags = std::collections::BTreeSet::new();
    long_flags(&Cli::command(), &mut flags);
    flags.insert("help".into());
    flags.insert("version".into());
    args.map(|arg| {
        let Some(text) = arg.to_str() else { return arg };
        let Some(rest) = text.strip_prefix('-').filter(|r| !r.starts_with('-')) else {
            return arg;
        };
        let name = rest.split('=').next().unwrap_or(rest);
        if name.len() > 1 && flags.contains(name) {
            format!("-{text}").into()
        } else {
            arg
        }
    })
    .collect()
}

/// Commands that delete objects or locks: never offered as a guess for a mistyped command.
const DESTRUCTIVE: &[&str] = &["destroy", "force-unlock"];

/// Parses the command line; a mistyped command gets a suggestion only among the commands
/// that change nothing by themselves.
fn parse() -> Cli {
    match Cli::try_parse_from(terraform_spellings(std::env::args_os())) {
        Ok(cli) => cli,
        Err(e) if e.kind() == clap::error::ErrorKind::InvalidSubcommand => {
            let typed = e
                .get(clap::error::ContextKind::InvalidSubcommand)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let cmd = Cli::command();
            let safe: Vec<&str> = cmd
                .get_subcommands()
                .map(|c| c.get_name())
                .filter(|n| !DESTRUCTIVE.contains(n))
                .collect();
            eprintln!(
                "error: unrecognized command '{typed}'.{}\n\nRun `infinstor --help` for the commands.",
                engine::core::diagnostic::suggestion(&typed, safe)
            );
            std::process::exit(2);
        }
        Err(e) => e.exit(),
    }
}

fn main() -> ExitCode {
    // The S3 backend and KMS-encrypted state live outside `state` (no AWS SDK below providers).
    state_s3::install();
    let cli = parse();
    let ctx = match common::Context::new(&cli.global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", ui::error_text(&e.to_string(), cli.global.color()));
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        Command::Plan(a) => plan::run(&ctx, a),
        Command::Apply(a) => apply::run(&ctx, a),
        Command::Destroy(a) => apply::destroy(&ctx, a),
        Command::Refresh(flags) => apply::refresh(&ctx, flags),
        Command::Show(a) => show::run(&ctx, a),
        Command::Output(a) => output::run(&ctx, a),
        Command::Fmt(a) => fmt::run(std::path::Path::new(""), ctx.color, a),
        Command::Validate(a) => validate::run(&ctx, a),
        Command::Init(a) => validate::init(&ctx, a),
        Command::Console => console::run(&ctx),
        Command::Graph(a) => graph::run(&ctx, a),
        Command::State(c) => state_cmd::run(&ctx, c),
        Command::Workspace(c) => workspace::run(&ctx, c),
        Command::Import(a) => import::run(&ctx, a),
        Command::ForceUnlock(a) => common::force_unlock(&ctx, a),
        Command::Taint { addr } => common::taint(&ctx, &addr, true),
        Command::Untaint { addr } => common::taint(&ctx, &addr, false),
        Command::Version { json } => {
            let version = env!("CARGO_PKG_VERSION");
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "infinstor_version": version, "platform": common::platform() })
                );
            } else {
                println!("infinstor v{version}");
            }
            Ok(0)
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "infinstor", &mut std::io::stdout());
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}", ui::error_text(&ui::chain_text(&e), ctx.color));
            ExitCode::from(1)
        }
    }
}
