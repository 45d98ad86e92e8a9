//! The plan as a picture: the dependency graph of a plan, laid out in layers and coloured by
//! what happens to each object, as one self-contained HTML page ([`page::html`]) or SVG
//! ([`svg::svg`]).
//!
//! [`model`] says what is shown (nodes, module groups, edges, the access review), [`layout`]
//! where it goes; the page's script ([`page`]'s `page.js`) draws it, opens and closes groups,
//! and shows a node's diff when it is clicked.

pub mod dot;
pub mod layout;
pub mod model;
pub mod page;
pub mod svg;

pub use model::{of_plan, Picture};

#[cfg(test)]
mod tests;
