//! `infinstor plan`.

use crate::common::Context;
use crate::ui;
use std::io::Write as _;
use std::path::PathBuf;

/// Flags shared by plan, apply and destroy.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PlanFlags {
    /// Set a variable: NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a .tfvars (HCL) or .tfvars.json file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Read every managed object before planning (--refresh=false skips it).
    #[arg(long, value_name = "BOOL", default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub refresh: bool,
    /// Limit the plan to this resource and what it depends on (repeatable).
    #[arg(long = "target", value_name = "ADDR")]
    pub targets: Vec<String>,
    /// Replace this instance even if it has no changes (repeatable).
    #[arg(long = "replace", value_name = "ADDR")]
    pub replace: Vec<String>,
    /// How many operations run at once.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub parallelism: usize,
    /// Only record in state what refresh reads (changes made outside infinstor); change
    /// nothing in AWS.
    #[arg(long = "refresh-only")]
    pub refresh_only: bool,
}

impl PlanFlags {
    /// Engine options from these flags.
    pub fn options(&self, ctx: &Context, destroy: bool) -> engine::Options {
        let mut o = ctx.options();
        o.vars.cli = self.vars.clone();
        o.vars.files = self.var_files.clone();
        o.refresh = self.refresh;
        o.targets = self.targets.clone();
        o.replace = self.replace.clone();
        o.parallelism = self.parallelism.max(1);
        o.destroy = destroy;
        o.refresh_only = self.refresh_only;
        o
    }
}

/// `plan` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub flags: PlanFlags,
    /// Save the plan to FILE for `infinstor apply FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Plan to destroy every object in the state.
    #[arg(long)]
    pub destroy: bool,
    /// For import blocks whose resource has no block yet: write one to this new FILE, from
    /// the object read by its import ID, then plan with it.
    #[arg(long = "generate-config-out", value_name = "FILE")]
    pub generate_config_out: Option<PathBuf>,
    #[command(flatten)]
    pub format: FormatArgs,
}

/// How a plan is printed.
#[derive(clap::Args, Debug, Clone)]
pub struct FormatArgs {
    /// text (Terraform's shape), markdown (for a pull-request comment), json (Terraform's
    /// plan JSON representation) or html (one self-contained page: the plan's graph coloured
    /// by action, each node's diff, and the access review).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// With --format markdown: the most characters to print (detail is dropped to fit).
    #[arg(long = "max-chars", default_value_t = engine::review::markdown::DEFAULT_MAX_CHARS, value_name = "N")]
    pub max_chars: usize,
}

/// Output formats.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Markdown for a pull-request comment.
    Markdown,
    /// Terraform's plan JSON representation.
    Json,
    /// One self-contained HTML page of the plan's graph.
    Html,
}

/// Prints a plan in the chosen format to stdout. `show_cmd` is how to see the full plan.
pub fn print_plan(
    ctx: &Context,
    plan: &engine::core::plan::Plan,
    f: &FormatArgs,
    show_cmd: &str,
) -> anyhow::Result<()> {
    let color = ctx.color;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match f.format {
        Format::Text => out.write_all(engine::review::text::text(plan, &ctx.factory, color).as_bytes())?,
        Format::Markdown => {
            out.write_all(engine::review::markdown::markdown(plan, &ctx.factory, f.max_chars, show_cmd).as_bytes())?
        }
        Format::Html => {
            let picture = engine::review::picture::of_plan(plan, &ctx.factory);
            out.write_all(engine::review::picture::page::html(&picture, "infinstor plan").as_bytes())?
        }
        Format::Json => {
            // Streamed: the document of a large plan would not fit in memory whole.
            engine::review::plan_json::write_plan_json(plan, &mut out)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(())
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let mut opts = a.flags.options(ctx, a.destroy);
    opts.generate_config_out = a.generate_config_out.clone();
    let outcome = engine.plan(&opts, ctx.prompt())?;
    for w in &outcome.warnings.0 {
        eprintln!("{w}");
    }
    let show_cmd = match &a.out {
        Some(out) => format!("infinstor show {}", out.display()),
        None => "infinstor plan".to_string(),
    };
    print_plan(ctx, &outcome.plan, &a.format, &show_cmd)?;
    if let Some(out) = &a.out {
        engine::ops::write_plan_file(&opts, out, &outcome.plan)?;
        let note = format!(
            "Saved the plan to: {}\n\nTo perform exactly these actions, run:\n  infinstor apply {}",
            out.display(),
            out.display()
        );
        // Machine-readable output stays clean on stdout.
        if a.format.format == Format::Text {
            println!("\n{note}");
        } else {
            eprintln!("{note}");
        }
    }
    if a.detailed_exitcode && outcome.plan.has_changes() {
        return Ok(2);
    }
    Ok(0)
}
