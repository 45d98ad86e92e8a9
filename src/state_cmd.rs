//! `infinstor state list | show | rm | mv | pull | push | rekey`.

use crate::common::Context;
use crate::ui;
use engine::core::value::Value;

/// State subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum StateCommand {
    /// List every instance address.
    List,
    /// Show one instance's attributes (sensitive ones hidden).
    Show {
        /// The instance address.
        addr: String,
    },
    /// Forget instances; the objects stay in AWS.
    Rm {
        /// Instance or resource addresses.
        #[arg(required = true)]
        addrs: Vec<String>,
    },
    /// Move an instance to another address (after renaming it in the configuration).
    Mv {
        /// The current address.
        src: String,
        /// The new address.
        dst: String,
    },
    /// Print the state file.
    Pull,
    /// Replace the state with a file (`-` reads stdin).
    Push {
        /// The state file to push.
        path: std::path::PathBuf,
        /// Push even a file of another deployment or an older one.
        #[arg(long)]
        force: bool,
    },
    /// Encrypt the sensitive values of every workspace's state with the configured key, or
    /// change the key (INFINSTOR_STATE_NEW_PASSPHRASE / INFINSTOR_STATE_NEW_KMS_KEY).
    Rekey {
        /// Write the values in clear instead (turns encryption off).
        #[arg(long)]
        decrypt: bool,
    },
}

/// An instance as `# ADDR:` followed by its attributes.
pub fn instance_text(addr: &str, v: &Value) -> String {
    let mut lines = vec![format!("# {addr}:")];
    if let Some(m) = v.as_map() {
        let width = m.keys().map(|k| k.len()).max().unwrap_or(0);
        for (k, val) in m {
            lines.push(format!("    {k:<width$} = {val}"));
        }
    }
    lines.join("\n") + "\n"
}

pub fn run(ctx: &Context, c: StateCommand) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let opts = ctx.options();
    match c {
        StateCommand::List => {
            for a in engine.state_list(&opts)? {
                println!("{a}");
            }
        }
        StateCommand::Show { addr } => {
            let v = engine.state_show(&opts, &addr)?;
            print!("{}", instance_text(&addr, &v));
        }
        StateCommand::Rm { addrs } => {
            let removed = engine.state_rm(&opts, &addrs)?;
            for r in &removed {
                println!("Removed {r}");
            }
            println!("Successfully removed {} resource instance(s).", removed.len());
        }
        StateCommand::Mv { src, dst } => {
            let moves = engine.state_mv(&opts, &src, &dst)?;
            for (from, to) in &moves {
                println!("Move \"{from}\" to \"{to}\"");
            }
            println!("Successfully moved {} object(s).", moves.len());
        }
        StateCommand::Pull => print!("{}", engine.state_pull(&opts)?),
        StateCommand::Push { path, force } => {
            let bytes = if path.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
                buf
            } else {
                std::fs::read(&path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
            };
            let serial = engine.state_push(&opts, &bytes, force)?;
            println!("State pushed (serial {serial}).");
        }
        StateCommand::Rekey { decrypt } => {
            for (workspace, values) in engine.state_rekey(&opts, decrypt)? {
                let how = if decrypt {
                    "in clear"
                } else {
                    "encrypted with the new key"
                };
                println!("Workspace \"{workspace}\": {values} sensitive value(s) now {how}.");
            }
        }
    }
    Ok(0)
}
