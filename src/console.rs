//! `infinstor console`: evaluates expressions, one per line, against the configuration and the
//! state.

use crate::common::Context;
use crate::ui;
use std::io::{BufRead, IsTerminal, Write};

pub fn run(ctx: &Context) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let console = engine.console(&ctx.options())?;
    let interactive = std::io::stdin().is_terminal();
    let mut failed = false;
    let mut input = std::io::stdin().lock();
    loop {
        if interactive {
            eprint!("> ");
            std::io::stderr().flush()?;
        }
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if interactive && (text == "exit" || text == "quit") {
            break;
        }
        match console.answer(text) {
            Ok(shown) => println!("{shown}"),
            Err(d) => {
                failed = true;
                eprintln!("{}", ui::error_text(&d.to_string(), ctx.color));
            }
        }
    }
    Ok(u8::from(failed && !interactive))
}
