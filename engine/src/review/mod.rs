//! What a person (or a tool) reads about a plan: [`text`], [`markdown`] for a pull request,
//! Terraform's [`plan_json`], the [`picture`] (an HTML page or SVG of the plan's graph), and
//! the [`access`] review of policy documents. Renderers read the
//! plan; they never compute a diff.

pub mod access;
pub mod markdown;
pub mod picture;
pub mod plan_json;
pub mod relevance;
pub mod text;
