//! `infinstor graph`.

use crate::common::Context;
use crate::ui;
use std::path::PathBuf;

/// `graph` arguments (Terraform's, plus `-format`).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Which graph: plan (every node the plan walks: variables, locals, outputs, module calls,
    /// providers), plan-refresh-only (the same nodes), plan-destroy (those nodes in destroy
    /// order) or apply (a new plan's changes, coloured by action). Without it, the resources
    /// and their dependencies, one cluster per module, as Terraform prints.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub type_: Option<GraphType>,
    /// Draw the changes of this saved plan (implies --type apply).
    #[arg(long, value_name = "PLANFILE")]
    pub plan: Option<PathBuf>,
    /// dot (Graphviz) or svg (drawn with the layout of `show --format html`).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Terraform's highlighting of cycles: not supported; a cycle is an error naming each of
    /// its nodes.
    #[arg(long = "draw-cycles")]
    pub draw_cycles: bool,
    /// Deprecated in Terraform and without effect there; accepted with a warning.
    #[arg(long = "module-depth", value_name = "N", allow_negative_numbers = true)]
    pub module_depth: Option<i64>,
}

/// `-type` values.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphType {
    /// Every node the plan walks.
    Plan,
    /// Every node a refresh-only plan walks (the same as plan).
    PlanRefreshOnly,
    /// Every node, in destroy order.
    PlanDestroy,
    /// The changes of a plan.
    Apply,
}

/// `-format` values.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// An SVG drawing.
    Svg,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    if a.draw_cycles {
        anyhow::bail!(
            "-draw-cycles is not supported yet: infinstor does not draw a graph with a cycle; `infinstor validate` names every node of each cycle instead."
        );
    }
    if a.module_depth.is_some() {
        eprintln!("Warning: -module-depth has no effect (Terraform deprecated it); every module is shown.");
    }
    if a.plan.is_some() && a.type_.is_some_and(|t| t != GraphType::Apply) {
        anyhow::bail!("-plan draws a plan's changes, which is -type=apply; leave out -type or give -type=apply.");
    }
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let svg = a.format == GraphFormat::Svg;
    let kind = match a.type_ {
        None if a.plan.is_none() => engine::ops::GraphType::Resources,
        Some(GraphType::Plan | GraphType::PlanRefreshOnly) => engine::ops::GraphType::Plan,
        Some(GraphType::PlanDestroy) => engine::ops::GraphType::PlanDestroy,
        None | Some(GraphType::Apply) => {
            let plan = match &a.plan {
                Some(p) => engine::ops::read_plan_file(&ctx.options(), p)?,
                None => {
                    let outcome = engine.plan(&ctx.options(), ctx.prompt())?;
                    for w in &outcome.warnings.0 {
                        eprintln!("{w}");
                    }
                    outcome.plan
                }
            };
            let pic = engine::review::picture::of_plan(&plan, &ctx.factory);
            let text = if svg {
                engine::review::picture::svg::svg(&pic)
            } else {
                engine::review::picture::dot::dot(&pic)
            };
            print!("{text}");
            return Ok(0);
        }
    };
    print!("{}", engine.graph_text(&ctx.options(), kind, svg)?);
    Ok(0)
}
