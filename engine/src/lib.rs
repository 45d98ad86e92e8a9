//! The infinstor engine: from `.tf` files and a state file to a plan, and from a plan to
//! changed AWS objects and a new state file. It knows no AWS SDK and no AWS names: providers
//! come in through [`core::provider::ProviderFactory`].
//!
//! # The pipeline, one folder a stage
//!
//! 1. **load** ([`config`]): parse every `*.tf` file of a directory with hcl-edit, keeping
//!    spans for diagnostics; one function per top-level block kind sorts blocks into
//!    variables, locals, resources, data sources, outputs, module calls and provider
//!    configurations ([`config::load`]). [`config::refs`] finds the references of an
//!    expression, [`config::tree`] walks the module tree.
//! 2. **variables** ([`eval::vars`]): collect values from `TF_VAR_*`, `terraform.tfvars`,
//!    `*.auto.tfvars`, `--var-file` and `--var`; convert to declared types; run validations.
//! 3. **graph** ([`graph`]): one node per provider, variable, local, resource, output of every
//!    module instance; edges from references and `depends_on`. Undeclared references and
//!    cycles are reported here, all at once ([`graph::build`]). [`graph::walk`] visits nodes in
//!    dependency order with bounded parallelism; [`graph::dot`] prints it.
//! 4. **refresh** ([`plan::refresh`]): configure the providers, then read every managed object
//!    in state, in parallel, and in one call per kind where the provider can read many at once
//!    (one paged listing per Route53 zone).
//! 5. **plan** ([`plan`]): a [`plan::session::Session`] visits nodes in dependency order
//!    ([`plan::planner`]). Each resource node evaluates its instances' configuration
//!    ([`eval`]) against its [`core::schema::Schema`] ([`eval::decode`]) and asks the
//!    [`core::provider::Provider`] to plan; values not known until apply are
//!    [`core::value::Value::Unknown`]. [`plan::diff`] compares planned and prior per the schema
//!    into a [`core::plan::Action`]; `force_new` attributes give a replacement. State instances
//!    without configuration become deletes.
//! 6. **review** ([`review`]): text, Markdown and Terraform's plan JSON from the
//!    [`core::plan::Plan`], and the access review of its policy documents; renderers never
//!    compute diffs.
//! 7. **apply** ([`apply`]): walk again with now-known values; each instance is checked
//!    against what the plan promised and applied; the state is written after every single
//!    operation ([`apply::store`]). A failure skips only its dependents. Ready changes that
//!    share a provider batch key (Route53 records of one zone) go to the provider in one call.
//!
//! [`ops`] holds the operations the CLI calls, one function each; [`core`] the vocabulary every
//! stage shares (addresses, values, schemas, the provider trait, diagnostics, the plan model).
//!
//! ```no_run
//! # use engine::{Options, Engine};
//! # fn demo(factory: &dyn engine::core::provider::ProviderFactory, ui: &dyn engine::plan::session::Ui) {
//! let engine = Engine { factory, ui, stop: &std::sync::atomic::AtomicBool::new(false) };
//! let outcome = engine.plan(&Options::default(), None).expect("plan");
//! println!("{}", engine::review::text::text(&outcome.plan, factory, false));
//! # }
//! ```
#![deny(missing_docs)]

pub mod apply;
pub mod config;
pub mod core;
pub mod eval;
pub mod graph;
pub mod http;
pub mod install;
pub mod ops;
pub mod plan;
pub mod review;

pub use ops::{Console, Engine, EngineError, Options, PlanOutcome};
