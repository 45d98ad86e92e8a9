//! `infinstor validate` and `infinstor init`.

use crate::common::Context;
use crate::ui;

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let warnings = engine.validate(&ctx.options())?;
    for w in &warnings.0 {
        eprintln!("{w}");
    }
    println!("Success! The configuration is valid.");
    Ok(0)
}

/// `init`: there is nothing to download (the aws provider is built in, modules are local);
/// it loads the configuration and says what it found and where state goes.
pub fn init(ctx: &Context) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let modules = engine.init(&ctx.options())?;
    println!("Initializing modules...");
    for (path, source) in &modules {
        println!("- {path} in {source}");
    }
    println!("\nInitializing provider plugins...\n- hashicorp/aws: built into infinstor, nothing to install");
    println!("\nState: local file {}", ctx.state.display());
    println!("\ninfinstor has been successfully initialized! Run `infinstor plan` to see what would change.");
    Ok(0)
}
