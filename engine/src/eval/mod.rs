//! Evaluation: expressions ([`expr`]) with their references and templates, what operators do to values
//! ([`operators`]), the built-in functions ([`functions`]) and calls of unknown ones ([`calls`]),
//! decoding a block against a schema ([`decode`]), input variables ([`vars`]), sensitivity
//! marks ([`marks`]), where ephemeral values may not go ([`ephemeral`]) and Terraform's type unification ([`unify`]).

pub mod calls;
pub mod checks;
pub mod decode;
pub mod ephemeral;
pub mod expr;
pub mod functions;
pub mod marks;
pub mod operators;
mod reference;
mod template;
pub(crate) mod unify;
pub mod vars;

pub use expr::{eval_standalone, Declared, Evaluator, Scope};
pub use operators::{binary, get_attr, index};
pub use template::render_template;
