//! `infinstor workspace list | show | new | select | delete`.

use crate::common::Context;
use crate::ui;

/// Workspace subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// List the workspaces; the selected one is marked with `*`.
    List,
    /// Print the selected workspace.
    Show,
    /// Create a workspace with an empty state and select it.
    New {
        /// The workspace name (letters, digits, `-`, `_`, `.`).
        name: String,
    },
    /// Select a workspace.
    Select {
        /// The workspace name.
        name: String,
        /// Create it when it does not exist.
        #[arg(long = "or-create")]
        or_create: bool,
    },
    /// Delete a workspace's state.
    Delete {
        /// The workspace name.
        name: String,
        /// Delete it even though its state still records objects (they stay in AWS, unmanaged).
        #[arg(long)]
        force: bool,
    },
}

pub fn run(ctx: &Context, c: WorkspaceCommand) -> anyhow::Result<u8> {
    let term = ui::Terminal::new(ctx.color);
    let engine = engine::Engine {
        factory: &ctx.factory,
        ui: &term,
        stop: &ctx.stop,
    };
    let opts = ctx.options();
    match c {
        WorkspaceCommand::List => {
            let (names, current) = engine.workspace_list(&opts)?;
            for name in names {
                let mark = if name == current { "*" } else { " " };
                println!("{mark} {name}");
            }
        }
        WorkspaceCommand::Show => println!("{}", engine.workspace(&opts)?),
        WorkspaceCommand::New { name } => {
            engine.workspace_new(&opts, &name)?;
            println!("Created and switched to workspace \"{name}\". Its state is empty: `infinstor plan` shows everything to create.");
        }
        WorkspaceCommand::Select { name, or_create } => {
            engine.workspace_select(&opts, &name, or_create)?;
            println!("Switched to workspace \"{name}\".");
        }
        WorkspaceCommand::Delete { name, force } => {
            let forgotten = engine.workspace_delete(&opts, &name, force)?;
            if forgotten > 0 {
                println!(
                    "Deleted workspace \"{name}\"; its {forgotten} object(s) stay in AWS and are no longer managed."
                );
            } else {
                println!("Deleted workspace \"{name}\".");
            }
        }
    }
    Ok(0)
}
