//! `infinstor output [NAME] [--json | --raw]`.

use crate::common::Context;
use crate::ui;
use anyhow::anyhow;

/// `output` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Only this output (a sensitive one is shown in clear when named).
    pub name: Option<String>,
    /// Print JSON.
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
    /// Print a string, number or bool output's value as it is, for shell scripts.
    #[arg(long, requires = "name")]
    pub raw: bool,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let outputs = engine.outputs(&ctx.options())?;
    if let Some(name) = &a.name {
        let (_, v) = outputs
            .iter()
            .find(|(k, _)| k == name)
            .ok_or_else(|| anyhow!("Output \"{name}\" not found. The state has no output with that name; apply first, or check `infinstor output`."))?;
        let clear = v.deep_unmark();
        if a.json {
            println!("{}", clear.to_json().unwrap_or(serde_json::Value::Null));
        } else if a.raw {
            match &clear {
                // As Terraform's -raw: the bytes of the value, no newline added, for scripts.
                engine::core::value::Value::String(s) => print!("{s}"),
                engine::core::value::Value::Number(_) | engine::core::value::Value::Bool(_) => print!("{clear}"),
                other => {
                    return Err(anyhow!(
                        "Output \"{name}\" is {}, which --raw cannot print; use --json.",
                        other.type_name()
                    ))
                }
            }
        } else {
            println!("{}", clear.to_block_string());
        }
        return Ok(0);
    }
    if a.json {
        let mut obj = serde_json::Map::new();
        for (k, v) in &outputs {
            // A sensitive value is printed only when its output is named (`output --json NAME`).
            let sensitive = v.contains_sensitive();
            let value = if sensitive {
                serde_json::Value::Null
            } else {
                v.to_json().unwrap_or(serde_json::Value::Null)
            };
            obj.insert(
                k.clone(),
                serde_json::json!({
                    "sensitive": sensitive,
                    "value": value,
                }),
            );
        }
        println!("{}", serde_json::to_string_pretty(&serde_json::Value::Object(obj))?);
        return Ok(0);
    }
    if outputs.is_empty() {
        eprintln!("Warning: No outputs found. The state has no outputs; add output blocks and apply.");
    }
    for (k, v) in outputs {
        println!("{k} = {}", v.to_block_string());
    }
    Ok(0)
}
