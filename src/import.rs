//! `infinstor import ADDR ID`.

use crate::common::Context;
use crate::ui;

/// `import` arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The resource address in the configuration, e.g. aws_s3_bucket.artifacts.
    pub addr: String,
    /// The object's import ID (see the README's resource table), e.g. the bucket name.
    pub id: String,
    /// Set a variable: NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Read variables from a file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<std::path::PathBuf>,
}

pub fn run(ctx: &Context, a: Args) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let mut opts = ctx.options();
    opts.vars.cli = a.vars;
    opts.vars.files = a.var_files;
    println!("{}: Importing from ID \"{}\"...", a.addr, a.id);
    engine.import(&opts, &a.addr, &a.id, ctx.prompt())?;
    println!("{}: Import prepared!\n\nImport successful!\n\nThe resource is now managed by infinstor. Run `infinstor plan` to see how its configuration compares.", a.addr);
    Ok(0)
}
