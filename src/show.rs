//! `infinstor show [PLANFILE]`.

use crate::common::Context;
use crate::ui;
use std::io::Write as _;
use std::path::PathBuf;

/// `show` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A plan saved with `plan --out`; without it, the current state is shown.
    pub planfile: Option<PathBuf>,
    #[command(flatten)]
    pub format: crate::plan::FormatArgs,
    /// The same as `--format json`, in Terraform's spelling (`show -json PLANFILE`, which
    /// tools such as checkov tell users to run).
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, mut a: Args) -> anyhow::Result<u8> {
    if a.json {
        if a.format.format != crate::plan::Format::Text {
            anyhow::bail!("-json is --format json; give one of them.");
        }
        a.format.format = crate::plan::Format::Json;
    }
    if let Some(p) = &a.planfile {
        let plan = engine::ops::read_plan_file(&ctx.options(), p)?;
        let show_cmd = format!("infinstor show {}", p.display());
        crate::plan::print_plan(ctx, &plan, &a.format, &show_cmd)?;
        return Ok(0);
    }
    if a.format.format != crate::plan::Format::Text {
        anyhow::bail!(
            "`show` of the state prints text only; --format markdown, json and html apply to a saved plan (`infinstor show PLANFILE --format json`). For the state as JSON, use `infinstor state pull`."
        );
    }
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let opts = ctx.options();
    let instances = engine.state_show_all(&opts)?;
    if instances.is_empty() {
        println!("The state file is empty. No resources are represented.");
        return Ok(0);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (a, v) in instances {
        writeln!(out, "{}", crate::state_cmd::instance_text(&a, &v))?;
    }
    out.flush()?;
    Ok(0)
}
