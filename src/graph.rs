//! `infinstor graph`.

use crate::common::Context;
use crate::ui;

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    print!("{}", engine.graph_dot(&ctx.options())?);
    Ok(0)
}
