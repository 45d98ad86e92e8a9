//! What every test and bench of the workspace needs: a real AWS API emulator (moto's server) on
//! 127.0.0.1 ([`Moto`]), SDK configuration pointed at it, and a temporary working directory in
//! which the real `infinstor` binary runs ([`Workspace`]).
//!
//! The emulator is never optional: when it cannot be started, [`Moto::start`] panics with the
//! command that installs it. Tests fail; they do not skip.
//!
//! ```no_run
//! let moto = test_support::Moto::start();
//! let s3 = aws_config::SdkConfig::clone(&moto.sdk_config());
//! assert!(moto.endpoint.starts_with("http://127.0.0.1:"));
//! # drop(s3);
//! ```
#![deny(missing_docs)]

mod moto;
mod proxy;
mod workspace;

pub use moto::Moto;
pub use proxy::{Call, Proxy, Rule};
pub use workspace::{block_on, copy_tree, Run, Workspace};

/// The repository's root directory (where `Cargo.toml` of the workspace is).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
