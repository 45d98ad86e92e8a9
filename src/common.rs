//! Global flags and what every command needs: the working directory, state path, colours,
//! the provider factory and the interrupt flag.

use anyhow::Context as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Flags accepted by every command.
#[derive(clap::Args, Debug)]
pub struct Global {
    /// Run in DIR, as if started there (configuration, state and plan paths are relative to it).
    #[arg(
        help_heading = "Global options",
        short = 'C',
        long = "chdir",
        global = true,
        value_name = "DIR"
    )]
    pub chdir: Option<PathBuf>,
    /// The local state file (default infinstor.state.json); not with a remote backend.
    #[arg(help_heading = "Global options", long, global = true, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// Disable colours (also when NO_COLOR is set or output is not a terminal).
    #[arg(help_heading = "Global options", long = "no-color", global = true)]
    pub no_color: bool,
    /// Ask for missing variables and confirmation on a terminal (--input=false never asks).
    #[arg(help_heading = "Global options", long, global = true, value_name = "BOOL", default_value_t = true, num_args = 0..=1, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub input: bool,
    /// Wait this long for a state lock another process holds (e.g. 30s, 5m; 0s fails at once).
    #[arg(help_heading = "Global options", long = "lock-timeout", global = true, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
}

/// `30s`, `5m`, `1h`, `250ms`.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (n, unit) = text.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30s or 5m"))?;
    let secs = match unit {
        "ms" => return Ok(std::time::Duration::from_millis(n)),
        "s" | "" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("{text:?} is not a duration such as 30s or 5m")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

impl Global {
    /// Whether to colour output.
    pub fn color(&self) -> bool {
        !self.no_color && std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
    }
}

/// `force-unlock ID`.
#[derive(clap::Args, Debug)]
pub struct ForceUnlockArgs {
    /// The lock ID printed by the command that found the lock.
    pub id: String,
    /// Remove the lock even when its holder is still running on this host.
    #[arg(long)]
    pub force: bool,
}

/// Shared by all commands.
pub struct Context {
    /// Colour output.
    pub color: bool,
    /// The local state file, when given.
    pub state: Option<PathBuf>,
    /// Set on the first Ctrl-C.
    pub stop: Arc<AtomicBool>,
    /// Builds AWS providers.
    pub factory: providers::AllProviders,
    /// Whether a terminal may be asked for values and confirmation.
    pub input: bool,
    /// How long to wait for a state lock.
    pub lock_timeout: std::time::Duration,
}

impl Context {
    /// Changes directory and installs the Ctrl-C handler.
    pub fn new(g: &Global) -> anyhow::Result<Context> {
        if let Some(dir) = &g.chdir {
            std::env::set_current_dir(dir).with_context(|| {
                format!(
                    "cannot change to directory {}; check the -C/--chdir path",
                    dir.display()
                )
            })?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let presses = Arc::new(AtomicUsize::new(0));
        let (s, p) = (stop.clone(), presses.clone());
        // Installing fails only if a handler exists already; then Ctrl-C keeps its default.
        let _ = ctrlc::set_handler(move || {
            if p.fetch_add(1, Ordering::SeqCst) == 0 {
                s.store(true, Ordering::SeqCst);
                // Waits for AWS (a certificate's validation, a stack) end now; calls in
                // flight finish and are recorded.
                providers::interrupt();
                eprintln!("\nInterrupt received. Stopping waits, finishing the calls in flight and saving state; nothing new will start. Press Ctrl-C again to exit at once.");
            } else {
                eprintln!("\nTwo interrupts received. Exiting immediately. The state file records every operation that finished; an object whose create was in flight is adopted by the next plan.");
                std::process::exit(130);
            }
        });
        Ok(Context {
            color: g.color(),
            state: g.state.clone(),
            stop,
            factory: providers::AllProviders::new(),
            input: g.input,
            lock_timeout: g.lock_timeout,
        })
    }

    /// How to ask for a missing variable: on the terminal, unless --input=false.
    pub fn prompt(&self) -> engine::ops::Prompt<'static> {
        if self.input {
            Some(&crate::ui::prompt_variable)
        } else {
            None
        }
    }

    /// Engine options with the global settings filled in.
    pub fn options(&self) -> engine::Options {
        engine::Options {
            dir: PathBuf::from("."),
            state_path: self.state.clone(),
            env: std::env::vars().collect(),
            lock_timeout: self.lock_timeout,
            ..engine::Options::default()
        }
    }
}

/// `force-unlock ID`.
pub fn force_unlock(ctx: &Context, a: ForceUnlockArgs) -> anyhow::Result<u8> {
    let ui = crate::ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &ui,
        stop: &ctx.stop,
    };
    engine.force_unlock(&ctx.options(), &a.id, a.force)?;
    println!("infinstor state has been successfully unlocked.");
    Ok(0)
}

/// `taint ADDR` / `untaint ADDR`.
pub fn taint(ctx: &Context, addr: &str, tainted: bool) -> anyhow::Result<u8> {
    let term = crate::ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    engine.taint(&ctx.options(), addr, tainted)?;
    if tainted {
        println!("Resource instance {addr} has been marked as tainted: the next apply replaces it.");
    } else {
        println!("Resource instance {addr} has been successfully untainted.");
    }
    Ok(0)
}

/// This build's platform as Terraform names it (Go's `GOOS_GOARCH`, e.g. `linux_amd64`), which
/// scripts that read `version -json` parse.
pub fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}
