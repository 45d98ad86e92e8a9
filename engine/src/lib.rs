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
//! 4. **refresh** ([`refresh`]): configure the providers, then read every managed object in
//!    state, in parallel, and in one call per kind where the provider can read many at once
//!    (one paged listing per Route53 zone).
//! 5. **plan** ([`planner`]): visit nodes in dependency order with bounded parallelism. Each
//!    resource node evaluates its instances' configuration against its [`schema::Schema`]
//!    ([`decode`]) and asks the [`provider::Provider`] to plan; values not known until apply are
//!    [`value::Value::Unknown`]. [`plan`] compares planned and prior per the schema (JSON
//!    documents semantically, sets without order) into an [`plan::Action`]; `force_new`
//!    attributes give a replacement. State instances without configuration become deletes.
//!    [`access`] reviews the policy documents of the plan.
//! 6. **render** ([`render`], [`markdown`], [`plan_json`]): text, Markdown and Terraform's
//!    plan JSON from the [`plan::Plan`]; renderers never compute diffs.
//! 7. **apply** ([`apply`]): walk again with now-known values; each instance is checked
//!    against what the plan promised and applied; the state is written after every single
//!    operation ([`store`]). A failure skips only its dependents. Ready changes that share a
//!    provider batch key (Route53 records of one zone) go to the provider in one call.
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
