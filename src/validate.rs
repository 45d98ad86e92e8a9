//! `infinstor validate`.

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
