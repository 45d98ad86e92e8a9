//! The `infinstor` command line: parses arguments and calls one engine operation per command.

mod apply;
mod common;
mod graph;
mod import;
mod output;
mod plan;
mod show;
mod state_cmd;
mod ui;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    /// Show a saved plan, or the current state.
    Show(show::Args),
    /// Show root module outputs from the state.
    Output(output::Args),
    /// Check the configuration without contacting AWS.
    Validate,
    /// Print the dependency graph in Graphviz DOT.
    Graph,
    /// Inspect or edit the state.
    #[command(subcommand)]
    State(state_cmd::StateCommand),
    /// Adopt an existing AWS object into the state.
    Import(import::Args),
    /// Release a state lock left behind by a process that died.
    ForceUnlock(common::ForceUnlockArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Show(a) => show::run(&ctx, a),
        Command::Output(a) => output::run(&ctx, a),
        Command::Validate => validate::run(&ctx),
        Command::Graph => graph::run(&ctx),
        Command::State(c) => state_cmd::run(&ctx, c),
        Command::Import(a) => import::run(&ctx, a),
        Command::ForceUnlock(a) => common::force_unlock(&ctx, a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}", ui::error_text(&format!("{e:#}"), ctx.color));
            ExitCode::from(1)
        }
    }
}
