//! The infinstor engine: from `.tf` files and a state file to a plan, and from a plan to
//! changed AWS objects and a new state file.
//!
//! # The pipeline
//!
//! 1. **load** ([`config::load`]): parse every `*.tf` file of a directory with hcl-edit,
//!    keeping spans for diagnostics; sort blocks into variables, locals, resources, data
//!    sources, outputs, module calls and provider configurations.
//! 2. **variables** ([`vars`]): collect values from `TF_VAR_*`, `terraform.tfvars`,
//!    `*.auto.tfvars`, `--var-file` and `--var`; convert to declared types; run validations.
//! 3. **graph** ([`graph::build`]): one node per provider, variable, local, resource, output of
//!    every module instance; edges from references and `depends_on`. Undeclared references and
//!    cycles are reported here, all at once.
//! 4. **walk** ([`session::Session::plan`]): visit nodes in dependency order with bounded
//!    parallelism. Each resource node evaluates its instances' configuration against its
//!    [`schema::Schema`] ([`decode`]), refreshes their state through the [`provider::Provider`],
//!    and asks the provider to plan; values not known until apply are [`value::Value::Unknown`].
//! 5. **diff** ([`plan`]): compare planned and prior per the schema (JSON documents
//!    semantically, sets without order) into an [`plan::Action`]; `force_new` attributes give a
//!    replacement. State instances without configuration become deletes.
//! 6. **render** ([`render`]): text from the [`plan::Plan`]; renderers never compute diffs.
//! 7. **apply** ([`session::Session::apply`]): walk again with now-known values; each instance
//!    is re-planned, checked against what the plan promised, applied, and the state is written
//!    after every single operation. A failure skips only its dependents.
//!
//! ```no_run
//! # use engine::{Options, Engine};
//! # fn demo(factory: &dyn engine::provider::ProviderFactory, ui: &dyn engine::session::Ui) {
//! let engine = Engine { factory, ui, stop: &std::sync::atomic::AtomicBool::new(false) };
//! let outcome = engine.plan(&Options::default(), None).expect("plan");
//! println!("{}", engine::render::text(&outcome.plan, false));
//! # }
//! ```
#![deny(missing_docs)]

pub mod access;
pub mod addr;
pub mod apply;
pub mod config;
pub mod decode;
pub mod diagnostic;
pub mod eval;
pub mod functions;
pub mod graph;
pub mod markdown;
pub mod marks;
pub mod ops;
pub mod plan;
pub mod plan_json;
pub mod planner;
pub mod policy;
pub mod provider;
pub mod refresh;
pub mod render;
pub mod schema;
pub mod session;
pub mod store;
pub mod value;
pub mod vars;

pub use ops::{Engine, EngineError, Options, PlanOutcome};
