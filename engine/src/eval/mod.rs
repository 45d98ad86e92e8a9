//! Evaluation: expressions and templates ([`expr`]), the built-in functions ([`functions`]),
//! decoding a block against a schema ([`decode`]), input variables ([`vars`]) and sensitivity
//! marks ([`marks`]).

pub mod decode;
pub mod expr;
pub mod functions;
pub mod marks;
pub mod vars;

pub use expr::{binary, eval_standalone, get_attr, index, render_template, Declared, Evaluator, Scope};
