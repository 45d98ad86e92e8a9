//! Loading: every `*.tf` file of a directory into a [`Module`], with spans kept for diagnostics.
//!
//! Parsing is hcl-edit's; this module only sorts top-level blocks into variables, locals,
//! resources, data sources, outputs, module calls and provider configurations, and pulls out
//! meta-arguments (`count`, `for_each`, `depends_on`, `provider`, `lifecycle`).

pub mod backend;
mod blocks;
mod braces;
mod files;
pub mod format;
mod json;
mod language;
pub mod literals;
mod load;
mod overrides;
mod parse;
mod providers;
mod provisioners;
pub mod refs;
pub mod sources;
pub mod tree;

pub use load::{load, load_checking, traversal_text};

use crate::core::addr::{Mode, ResourceAddr};
use crate::core::diagnostic::{SourceFile, Span};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// An expression and the file it came from.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The parsed expression.
    pub expr: Expression,
    /// The file, for spans of sub-expressions.
    pub file: Arc<SourceFile>,
}

impl Expr {
    /// The span of the whole expression.
    pub fn span(&self) -> Option<Span> {
        self.span_of(&self.expr)
    }

    /// The span of a key of an object expression that is part of this one.
    pub fn span_of_key(&self, key: &hcl_edit::expr::ObjectKey) -> Option<Span> {
        key.span().map(|range| Span {
            file: self.file.clone(),
            range,
        })
    }

    /// The span of a sub-expression of this one.
    pub fn span_of(&self, e: &Expression) -> Option<Span> {
        e.span().map(|range| Span {
            file: self.file.clone(),
            range,
        })
    }
}

/// `name = expr` inside a body.
#[derive(Debug, Clone)]
pub struct Attr {
    /// The argument name.
    pub name: String,
    /// The value expression.
    pub expr: Expr,
    /// The span of the name, where "unsupported argument" points.
    pub name_span: Option<Span>,
}

/// A nested block inside a body.
#[derive(Debug, Clone)]
pub struct Block {
    /// The block type (`cors_rule`, `statement`).
    pub kind: String,
    /// Labels, if any.
    pub labels: Vec<String>,
    /// Contents.
    pub body: Body,
    /// The span of the block type name.
    pub span: Option<Span>,
    /// The span of the first label (a resource's type), for messages about it.
    pub label_span: Option<Span>,
}

/// The contents of a block: arguments and nested blocks, in source order for blocks.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Arguments by name.
    pub attrs: BTreeMap<String, Attr>,
    /// Nested blocks in source order.
    pub blocks: Vec<Block>,
    /// Read from Terraform's JSON syntax, where a provider's nested block is written like an
    /// argument (an object, or an array of objects): decoding against the schema tells them
    /// apart.
    pub json: bool,
}

impl Body {
    /// The span of what a provider's problem names: `attr`, `attr.key` (a key of an object
    /// argument, e.g. `parameters.Env`) or `block.attr` (an argument of a nested block, e.g.
    /// `versioning_configuration.status`), or `block` (the first block of that kind).
    pub fn span_of(&self, path: &str) -> Option<Span> {
        let mut parts = path.splitn(2, '.');
        let first = parts.next()?;
        let rest = parts.next();
        let Some(attr) = self.attrs.get(first) else {
            let mut blocks = self.blocks.iter().filter(|b| b.kind == first);
            return match rest {
                Some(rest) => blocks.find_map(|b| b.body.span_of(rest)),
                // A problem with a whole block is shown at its first one.
                None => blocks.find_map(|b| b.span.clone()),
            };
        };
        let Some(key) = rest else {
            return attr.expr.span();
        };
        if let hcl_edit::expr::Expression::Object(obj) = &attr.expr.expr {
            for (k, v) in obj.iter() {
                let name = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    hcl_edit::expr::ObjectKey::Expression(e) => e.as_str().map(str::to_string),
                };
                if name.as_deref() == Some(key) {
                    let range = match (k.span(), v.expr().span()) {
                        (Some(a), Some(b)) => a.start..b.end,
                        (a, b) => a.or(b)?,
                    };
                    return Some(Span {
                        file: attr.expr.file.clone(),
                        range,
                    });
                }
            }
        }
        attr.expr.span()
    }
}

/// `lifecycle { ... }` of a resource.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Any plan that destroys this resource is an error.
    pub prevent_destroy: bool,
    /// Attributes whose configured changes are ignored (`all` ignores every one).
    pub ignore_changes: Vec<String>,
    /// `precondition` blocks: checked before the resource is planned.
    pub preconditions: Vec<Condition>,
    /// `postcondition` blocks: checked on the planned and the applied object (`self`).
    pub postconditions: Vec<Condition>,
    /// `replace_triggered_by`: references to resources (or their attributes) whose planned
    /// change replaces this resource.
    pub replace_triggered_by: Vec<Expr>,
}

/// A `precondition` or `postcondition` block.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Must be true.
    pub condition: Expr,
    /// What to tell the user when it is not.
    pub error_message: Expr,
    /// The block.
    pub span: Option<Span>,
}

/// A `provisioner "local-exec"` block of a resource: a command run on the machine that runs
/// infinstor after the object is created (or, with `when = destroy`, before it is destroyed).
#[derive(Debug, Clone)]
pub struct Provisioner {
    /// Runs before the object is destroyed instead of after it is created.
    pub when_destroy: bool,
    /// A failure is a warning (`on_failure = continue`) instead of an error that leaves the
    /// object tainted.
    pub on_failure_continue: bool,
    /// `command`, `working_dir`, `interpreter`, `environment`, `quiet`.
    pub body: Body,
    /// The block.
    pub span: Option<Span>,
}

/// A reference written in `depends_on`.
#[derive(Debug, Clone)]
pub struct DependsOn {
    /// The reference text, e.g. `aws_iam_role.r` or `module.dns`.
    pub target: String,
    /// Where it is written.
    pub span: Option<Span>,
}

/// `resource "TYPE" "NAME"` or `data "TYPE" "NAME"`.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Mode, type and name.
    pub addr: ResourceAddr,
    /// `count = ...`.
    pub count: Option<Expr>,
    /// `for_each = ...`.
    pub for_each: Option<Expr>,
    /// Explicit dependencies.
    pub depends_on: Vec<DependsOn>,
    /// The provider configuration of the root module that manages it (`aws`, `aws.ALIAS`):
    /// its `provider = aws.ALIAS` (`aws` when absent) as written, then, once the tree is
    /// loaded, followed through the `providers` maps of the module calls above it.
    pub provider: String,
    /// The provider configuration as its module names it (`aws`, `aws.ALIAS`), never
    /// rewritten: the plan JSON's `provider_config_key` is this name within the module.
    pub local_provider: String,
    /// `provisioner "local-exec"` blocks, in order.
    pub provisioners: Vec<Provisioner>,
    /// Lifecycle options.
    pub lifecycle: Lifecycle,
    /// The arguments and blocks that the resource type's schema describes.
    pub body: Body,
    /// The span of the block header.
    pub span: Option<Span>,
    /// The span of the type label, for messages about the type.
    pub type_span: Option<Span>,
    /// For a data source declared inside a `check` block: that check's name. Failing to read
    /// it is a warning, as a check never stops a run.
    pub check: Option<String>,
}

impl Resource {
    /// The value a reference to the whole resource gives, from its instances' values: a list
    /// with `count`, a map with `for_each`, else the one object (null when there is none).
    pub fn collect(
        &self,
        values: Vec<(crate::core::addr::InstanceKey, crate::core::value::Value)>,
    ) -> crate::core::value::Value {
        use crate::core::addr::InstanceKey;
        use crate::core::value::Value;
        if self.count.is_some() {
            let mut values = values;
            values.sort_by_key(|(k, _)| match k {
                InstanceKey::Int(i) => *i,
                _ => 0,
            });
            Value::List(values.into_iter().map(|(_, v)| v).collect())
        } else if self.for_each.is_some() {
            Value::Map(
                values
                    .into_iter()
                    .filter_map(|(k, v)| match k {
                        InstanceKey::Str(s) => Some((s, v)),
                        _ => None,
                    })
                    .collect(),
            )
        } else {
            values.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
        }
    }

    /// `resource "aws_s3_bucket" "artifacts"`, for diagnostics.
    pub fn describe(&self) -> String {
        let kind = match self.addr.mode {
            Mode::Managed => "resource",
            Mode::Data => "data",
            Mode::Ephemeral => "ephemeral",
        };
        format!("{kind} \"{}\" \"{}\"", self.addr.type_, self.addr.name)
    }
}

/// A `validation { condition, error_message }` block.
#[derive(Debug, Clone)]
pub struct Validation {
    /// Must be true.
    pub condition: Expr,
    /// Shown when it is not.
    pub error_message: Expr,
}

/// `variable "NAME"`.
#[derive(Debug, Clone)]
pub struct Variable {
    /// The name.
    pub name: String,
    /// The type constraint expression (`string`, `list(string)`, ...).
    pub type_: Option<Expr>,
    /// The default, if any; without one the variable is required.
    pub default: Option<Expr>,
    /// Shown when prompting.
    pub description: Option<String>,
    /// The value is hidden everywhere.
    pub sensitive: bool,
    /// Whether null is an accepted value.
    pub nullable: bool,
    /// `ephemeral = true`: the value may be ephemeral, is itself ephemeral, and is never kept
    /// in a plan file (an apply of a saved plan is given it again).
    pub ephemeral: bool,
    /// Custom checks.
    pub validations: Vec<Validation>,
    /// The block header.
    pub span: Option<Span>,
}

/// `output "NAME"`.
#[derive(Debug, Clone)]
pub struct Output {
    /// The name.
    pub name: String,
    /// The value.
    pub value: Expr,
    /// Hidden in output listings.
    pub sensitive: bool,
    /// `ephemeral = true` (child modules only): the value may be ephemeral.
    pub ephemeral: bool,
    /// Shown in `output`.
    pub description: Option<String>,
    /// Explicit dependencies.
    pub depends_on: Vec<DependsOn>,
    /// `precondition` blocks, checked before the value is.
    pub preconditions: Vec<Condition>,
    /// The block header.
    pub span: Option<Span>,
}

/// `module "NAME" { source = "./dir" ... }`.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// The name.
    pub name: String,
    /// The `source` as written.
    pub source: String,
    /// Input variables.
    pub inputs: BTreeMap<String, Attr>,
    /// `providers = { aws = aws.dr }`: the child's configuration names, each with the caller's
    /// configuration it stands for and where that is written.
    pub providers: BTreeMap<String, (String, Option<Span>)>,
    /// `count`: one module instance per index.
    pub count: Option<Expr>,
    /// `for_each`: one module instance per key.
    pub for_each: Option<Expr>,
    /// Explicit dependencies.
    pub depends_on: Vec<DependsOn>,
    /// The loaded child module.
    pub module: Box<Module>,
    /// The block header.
    pub span: Option<Span>,
}

/// `provider "aws" { ... }`.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// `aws` or `aws.ALIAS`.
    pub key: String,
    /// The local name, `aws`.
    pub name: String,
    /// Arguments and blocks (without `alias`).
    pub body: Body,
    /// The block header.
    pub span: Option<Span>,
}

/// One module: a directory of `.tf` files.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The directory.
    pub dir: PathBuf,
    /// The files read, in name order.
    pub files: Vec<Arc<SourceFile>>,
    /// Variables by name.
    pub variables: BTreeMap<String, Variable>,
    /// Locals by name.
    pub locals: BTreeMap<String, Attr>,
    /// Resources and data sources.
    pub resources: BTreeMap<ResourceAddr, Resource>,
    /// Outputs by name.
    pub outputs: BTreeMap<String, Output>,
    /// Child modules by name.
    pub module_calls: BTreeMap<String, ModuleCall>,
    /// Provider configurations (only the root module's are used).
    pub providers: BTreeMap<String, ProviderConfig>,
    /// `terraform { backend "s3" { ... } }` (only the root module's is used).
    pub backend: Option<backend::BackendBlock>,
    /// `configuration_aliases` of `required_providers`: the aliased configurations
    /// (`aws.dns`) its callers must pass.
    pub configuration_aliases: BTreeMap<String, Option<Span>>,
    /// `provider_meta "aws" { user_agent = [...] }` of the `terraform` block: the products
    /// the module adds to the provider's User-Agent, by provider name.
    pub provider_meta: BTreeMap<String, Vec<String>>,
    /// `moved` blocks, in file order.
    pub moved: Vec<Moved>,
    /// `import` blocks.
    pub imports: Vec<Import>,
    /// `removed` blocks.
    pub removed: Vec<Removed>,
    /// `check` blocks.
    pub checks: Vec<Check>,
}

/// `check "NAME" { assert { condition, error_message } }`: assertions about the whole
/// deployment, reported as warnings after plan and apply.
#[derive(Debug, Clone)]
pub struct Check {
    /// The name.
    pub name: String,
    /// The `assert` blocks.
    pub asserts: Vec<Condition>,
    /// The block.
    pub span: Option<Span>,
}

/// `removed { from = ADDRESS  lifecycle { destroy = false } }`: a resource or module whose
/// block is gone, and whether its objects are destroyed or only forgotten.
#[derive(Debug, Clone)]
pub struct Removed {
    /// The resource or module.
    pub from: crate::core::addr::Target,
    /// Destroy the objects (as removing the block does), or forget them and leave them in AWS.
    pub destroy: bool,
    /// The block.
    pub span: Option<Span>,
}

/// `import { to = ADDRESS, id = "..." }`: adopt an existing object into state at plan time.
#[derive(Debug, Clone)]
pub struct Import {
    /// The instance that will own it (without its key when `key` gives it).
    pub to: crate::core::addr::InstanceAddr,
    /// The instance key of `to` when it is an expression (`aws_s3_bucket.b[each.key]`).
    pub key: Option<Expr>,
    /// `for_each`: one import per element of a map or set, with `each.key` and `each.value`.
    pub for_each: Option<Expr>,
    /// The provider's import ID (an expression known at plan time).
    pub id: Expr,
    /// The block.
    pub span: Option<Span>,
}

/// `moved { from = OLD, to = NEW }`: objects state records at `from` now belong to `to`.
#[derive(Debug, Clone)]
pub struct Moved {
    /// The old address.
    pub from: crate::core::addr::Target,
    /// The new address.
    pub to: crate::core::addr::Target,
    /// The block.
    pub span: Option<Span>,
}
