//! `infinstor apply` and `infinstor destroy`.

use crate::common::Context;
use crate::plan::PlanFlags;
use crate::ui;
use anyhow::bail;
use std::path::PathBuf;

/// `apply` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A plan saved with `plan --out`; applied exactly, or refused if stale.
    pub planfile: Option<PathBuf>,
    /// Apply without asking for confirmation.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    #[command(flatten)]
    pub flags: PlanFlags,
}

/// `destroy` arguments.
#[derive(clap::Args, Debug)]
pub struct DestroyArgs {
    /// Destroy without asking for confirmation.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    #[command(flatten)]
    pub flags: PlanFlags,
}

/// Shows the plan and asks for approval. Without a terminal to ask on, records that in
/// `refused` (the plan was still made, so its problems are all reported first).
fn confirm(
    ctx: &Context,
    plan: &engine::core::plan::Plan,
    auto: bool,
    destroy: bool,
    refused: &std::cell::Cell<bool>,
) -> bool {
    print!("{}", engine::review::text::text(plan, &ctx.factory, ctx.color));
    if !plan.has_changes() {
        // Nothing changes in AWS, but the state still records what the plan found, as
        // Terraform's apply does: objects deleted outside leave it (so that a destroy ends
        // with an empty state), outputs and recorded forms are brought up to date. No
        // question: nothing is created, changed or destroyed.
        return true;
    }
    if auto {
        return true;
    }
    if !ctx.input || !ui::interactive() {
        refused.set(true);
        return false;
    }
    let question = if destroy {
        "\nDo you really want to destroy all resources?\n  infinstor will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
    } else {
        "\nDo you want to perform these actions?\n  infinstor will perform the actions described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: "
    };
    match ui::ask(question) {
        Some(answer) if answer == "yes" => true,
        _ => {
            println!("\nApply cancelled.");
            false
        }
    }
}

fn report(outcome: Option<engine::ops::ApplyOutcome>, destroy: bool) -> anyhow::Result<u8> {
    let Some(o) = outcome else { return Ok(0) };
    let (add, change, destroyed) = o.counts;
    if destroy {
        println!("\nDestroy complete! Resources: {destroyed} destroyed.");
    } else {
        println!("\nApply complete! Resources: {add} added, {change} changed, {destroyed} destroyed.");
    }
    if !o.outputs.is_empty() && !destroy {
        println!("\nOutputs:\n");
        for (k, v) in &o.outputs {
            println!("{k} = {}", v.to_block_string());
        }
    }
    for w in &o.warnings {
        eprintln!("\n{w}");
    }
    Ok(0)
}

fn run_interactive(ctx: &Context, flags: &PlanFlags, auto: bool, destroy: bool) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let opts = flags.options(ctx, destroy);
    let refused = std::cell::Cell::new(false);
    let outcome = engine.plan_and_apply(&opts, ctx.prompt(), &|p| confirm(ctx, p, auto, destroy, &refused))?;
    if refused.get() {
        bail!("{} needs confirmation, but input is off (--input=false) or stdin is not a terminal; nothing was changed. Review the plan above and run again with --auto-approve, or apply a saved plan: infinstor plan --out tfplan && infinstor apply tfplan", if destroy { "destroy" } else { "apply" });
    }
    report(outcome, destroy)
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    let Some(planfile) = &a.planfile else {
        return run_interactive(ctx, &a.flags, a.auto_approve, false);
    };
    let plan = engine::ops::read_plan_file(&ctx.options(), planfile)?;
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let outcome = engine.apply_saved(&a.flags.options(ctx, plan.destroy), &plan)?;
    report(Some(outcome), plan.destroy)
}

/// `refresh`: `apply --refresh-only --auto-approve`, as Terraform has it.
pub fn refresh(ctx: &Context, mut flags: PlanFlags) -> anyhow::Result<u8> {
    flags.refresh_only = true;
    run_interactive(ctx, &flags, true, false)
}

pub fn destroy(ctx: &Context, a: DestroyArgs) -> anyhow::Result<u8> {
    if !a.flags.replace.is_empty() {
        bail!("destroy destroys every object in state, so --replace has nothing to add; use it with plan or apply.");
    }
    run_interactive(ctx, &a.flags, a.auto_approve, true)
}
