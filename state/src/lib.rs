//! State: what infinstor last knew about the objects it manages.
//!
//! [`State`] is the model, keyed by typed [`addr::InstanceAddr`]es and changed only through its
//! methods. Its file format is Terraform's state format version 4 (`version`, `serial`,
//! `lineage`, `resources[].instances[]`, `outputs`), plus the create `intents` that make an
//! interrupted apply recoverable, in [`file`]. Where the bytes live is a [`Backend`]: a
//! local file written atomically, with a lock naming its holder.
//!
//! ```
//! use state::{InstanceAddr, InstanceState, State};
//! let artifacts: InstanceAddr = "aws_s3_bucket.artifacts".parse().unwrap();
//! let mut s = State::new();
//! s.set_instance(&artifacts, InstanceState::new("aws", serde_json::json!({"id": "b", "bucket": "b"})));
//! assert_eq!(s.instance(&artifacts).map(|i| i.attributes["id"].clone()),
//!            Some(serde_json::json!("b")));
//! ```
#![deny(missing_docs)]

pub mod addr;
pub mod backend;
pub mod codec;
mod contents;
pub mod crypt;
pub mod error;
pub mod file;
pub mod holder;
pub mod journal;
pub mod kms;
mod legacy;
pub mod lock;
pub mod model;
pub mod provider_addr;

pub use addr::InstanceAddr;
pub use backend::{Appended, Backend, LocalBackend, Location};
pub use error::StateError;
pub use journal::{Edit, Editor};
pub use lock::{LockGuard, LockInfo};
pub use model::{InstanceState, Intent, OutputState, State};
