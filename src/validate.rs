//! `infinstor validate` and `infinstor init`.

use crate::common::Context;
use crate::ui;

/// `validate` flags.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the result as JSON (Terraform's validate shape), on stdout, also when invalid.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let result = engine.validate(&ctx.options());
    if a.json {
        let diags = match result {
            Ok(warnings) => warnings,
            Err(engine::EngineError::Diagnostics(d)) => d,
            Err(other) => return Err(other.into()),
        };
        println!("{}", serde_json::to_string_pretty(&diags.validate_json())?);
        return Ok(u8::from(diags.has_errors()));
    }
    for w in &result?.0 {
        eprintln!("{w}");
    }
    println!("Success! The configuration is valid.");
    Ok(0)
}

/// `init` flags.
#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// A backend argument (`KEY=VALUE`) or a file of them, merged into the configuration's
    /// backend block (repeatable; later ones win).
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// Copy the existing state to the new backend when the backend changed.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// Use the backend as configured, copying no state from the previous one.
    #[arg(long, conflicts_with = "migrate_state")]
    pub reconfigure: bool,
    /// Install the newest module versions the constraints allow, instead of the locked ones.
    #[arg(long)]
    pub upgrade: bool,
}

/// `init`: fetches remote modules, sets up the backend (copying state with `-migrate-state`)
/// and lists the modules; the aws provider is built in.
pub fn init(ctx: &Context, a: InitArgs) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let options = engine::ops::InitOptions {
        backend_config: a.backend_config,
        migrate_state: a.migrate_state,
        reconfigure: a.reconfigure,
        upgrade: a.upgrade,
    };
    let report = engine.init(&ctx.options(), &options)?;
    println!("Initializing the backend...");
    for (workspace, from, to, serial) in &report.migrated {
        println!("- copied the state of workspace \"{workspace}\" (serial {serial}) from {from} to {to}");
    }
    if !report.migrated.is_empty() {
        println!("  The copies are in use from now on; the originals were left where they were.");
    }
    println!("- {} backend: state in {}", report.backend, report.state);
    println!("\nInitializing modules...");
    for (path, source) in &report.modules {
        match report.installed.iter().find(|i| &i.path == path) {
            Some(i) if i.fetched => println!("- {path}: downloaded {source} ({})", i.detail),
            Some(i) => println!("- {path}: {source} ({}, as locked in infinstor.lock.json)", i.detail),
            None => println!("- {path} in {source}"),
        }
    }
    println!("\nInitializing provider plugins...\n- hashicorp/aws: built into infinstor, nothing to install");
    println!("\ninfinstor has been successfully initialized! Run `infinstor plan` to see what would change.");
    Ok(0)
}
