//! Loading: every `*.tf` file of a directory into a [`Module`], with spans kept for diagnostics.
//!
//! Parsing is hcl-edit's; this module only sorts top-level blocks into variables, locals,
//! resources, data sources, outputs, module calls and provider configurations, and pulls out
//! meta-arguments (`count`, `for_each`, `depends_on`, `provider`, `lifecycle`).

use crate::addr::{Mode, ResourceAddr};
use crate::diagnostic::{suggestion, Diagnostic, Diagnostics, SourceFile, Span};
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
}

/// The contents of a block: arguments and nested blocks, in source order for blocks.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// Arguments by name.
    pub attrs: BTreeMap<String, Attr>,
    /// Nested blocks in source order.
    pub blocks: Vec<Block>,
}

/// `lifecycle { ... }` of a resource.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    /// Create the replacement before destroying the old object.
    pub create_before_destroy: bool,
    /// Any plan that destroys this resource is an error.
    pub prevent_destroy: bool,
    /// Attributes whose configured changes are ignored (`all` ignores every one).
    pub ignore_changes: Vec<String>,
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
    /// `provider = aws.ALIAS` as `aws.ALIAS` (`aws` when absent).
    pub provider: String,
    /// Lifecycle options.
    pub lifecycle: Lifecycle,
    /// The arguments and blocks that the resource type's schema describes.
    pub body: Body,
    /// The span of the block header.
    pub span: Option<Span>,
}

impl Resource {
    /// `resource "aws_s3_bucket" "artifacts"`, for diagnostics.
    pub fn describe(&self) -> String {
        let kind = match self.addr.mode {
            Mode::Managed => "resource",
            Mode::Data => "data",
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
    /// Shown in `output`.
    pub description: Option<String>,
    /// Explicit dependencies.
    pub depends_on: Vec<DependsOn>,
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
}

fn span(file: &Arc<SourceFile>, range: Option<std::ops::Range<usize>>) -> Option<Span> {
    range.map(|range| Span {
        file: file.clone(),
        range,
    })
}

fn convert_body(file: &Arc<SourceFile>, body: &hcl_edit::structure::Body, diags: &mut Diagnostics) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        if let Some(attr) = structure.as_attribute() {
            let name = attr.key.as_str().to_string();
            let name_span = span(file, attr.key.span());
            if out.attrs.contains_key(&name) {
                diags.push(
                    Diagnostic::error(
                        "Duplicate argument",
                        format!("The argument \"{name}\" was already set. Each argument may be set only once; remove one of them."),
                    )
                    .at(name_span.clone()),
                );
                continue;
            }
            out.attrs.insert(
                name.clone(),
                Attr {
                    name,
                    expr: Expr {
                        expr: attr.value.clone(),
                        file: file.clone(),
                    },
                    name_span,
                },
            );
        } else if let Some(block) = structure.as_block() {
            out.blocks.push(Block {
                kind: block.ident.as_str().to_string(),
                labels: block.labels.iter().map(|l| l.as_str().to_string()).collect(),
                body: convert_body(file, &block.body, diags),
                span: span(file, block.ident.span()),
            });
        }
    }
    out
}

/// Evaluates a literal (no references) bool/string argument used by the loader itself.
fn literal_bool(attr: Option<&Attr>, diags: &mut Diagnostics) -> Option<bool> {
    let attr = attr?;
    match &attr.expr.expr {
        Expression::Bool(b) => Some(*b.value()),
        _ => {
            diags.push(
                Diagnostic::error(
                    "Invalid value",
                    format!(
                        "\"{}\" must be a literal true or false here; references are not allowed.",
                        attr.name
                    ),
                )
                .at(attr.expr.span()),
            );
            None
        }
    }
}

fn literal_string(attr: Option<&Attr>, diags: &mut Diagnostics) -> Option<String> {
    let attr = attr?;
    match attr.expr.expr.as_str() {
        Some(s) => Some(s.to_string()),
        None => {
            diags.push(
                Diagnostic::error(
                    "Invalid value",
                    format!(
                        "\"{}\" must be a literal string here; references and templates are not allowed.",
                        attr.name
                    ),
                )
                .at(attr.expr.span()),
            );
            None
        }
    }
}

/// The text of a reference expression such as `aws_iam_role.r` or `aws.west`.
pub fn traversal_text(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut s = traversal_text(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(ident) => {
                        s.push('.');
                        s.push_str(ident.as_str());
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        s.push_str(&format!("[{}]", n.value()));
                    }
                    TraversalOperator::Index(Expression::String(st)) => {
                        s.push_str(&format!("[{}]", serde_json::Value::String(st.value().to_string())));
                    }
                    _ => return None,
                }
            }
            Some(s)
        }
        _ => None,
    }
}

fn depends_on(attr: Option<&Attr>, diags: &mut Diagnostics) -> Vec<DependsOn> {
    let Some(attr) = attr else { return Vec::new() };
    let Expression::Array(items) = &attr.expr.expr else {
        diags.push(
            Diagnostic::error(
                "Invalid depends_on",
                "depends_on must be a list of references, e.g. [aws_iam_role.r, module.dns].",
            )
            .at(attr.expr.span()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match traversal_text(item) {
            Some(target) => out.push(DependsOn {
                target,
                span: attr.expr.span_of(item),
            }),
            None => diags.push(
                Diagnostic::error("Invalid depends_on", "Each item of depends_on must be a reference to a resource, data source or module, e.g. aws_iam_role.r.")
                    .at(attr.expr.span_of(item)),
            ),
        }
    }
    out
}

fn lifecycle(body: &Body, diags: &mut Diagnostics) -> Lifecycle {
    let mut lc = Lifecycle::default();
    for block in body.blocks.iter().filter(|b| b.kind == "lifecycle") {
        for (name, attr) in &block.body.attrs {
            match name.as_str() {
                "create_before_destroy" => lc.create_before_destroy = literal_bool(Some(attr), diags).unwrap_or(false),
                "prevent_destroy" => lc.prevent_destroy = literal_bool(Some(attr), diags).unwrap_or(false),
                "ignore_changes" => match &attr.expr.expr {
                    Expression::Variable(v) if v.as_str() == "all" => lc.ignore_changes = vec!["all".into()],
                    Expression::Array(items) => {
                        for item in items.iter() {
                            match traversal_text(item).or_else(|| item.as_str().map(str::to_string)) {
                                Some(t) => lc.ignore_changes.push(t),
                                None => diags.push(
                                    Diagnostic::error(
                                        "Invalid ignore_changes",
                                        "Each item must be an attribute name such as tags or tags[\"Owner\"].",
                                    )
                                    .at(attr.expr.span_of(item)),
                                ),
                            }
                        }
                    }
                    _ => diags.push(
                        Diagnostic::error(
                            "Invalid ignore_changes",
                            "ignore_changes must be a list of attribute names or the keyword all.",
                        )
                        .at(attr.expr.span()),
                    ),
                },
                other => diags.push(
                    Diagnostic::error(
                        "Unsupported argument",
                        format!(
                            "An argument named \"{other}\" is not expected in lifecycle.{}",
                            suggestion(other, ["create_before_destroy", "prevent_destroy", "ignore_changes"])
                        ),
                    )
                    .at(attr.name_span.clone()),
                ),
            }
        }
    }
    lc
}

fn label_count_ok(block: &Block, want: usize, example: &str, diags: &mut Diagnostics) -> bool {
    if block.labels.len() == want {
        return true;
    }
    diags.push(
        Diagnostic::error(
            format!("Invalid {} block", block.kind),
            format!("A {} block needs {want} label(s), like: {example}", block.kind),
        )
        .at(block.span.clone()),
    );
    false
}

fn add_file(module: &mut Module, file: &Arc<SourceFile>, diags: &mut Diagnostics, depth: usize) {
    let parsed = match hcl_edit::parser::parse_body(&file.text) {
        Ok(body) => body,
        Err(e) => {
            let offset = e.location().offset();
            diags.push(
                Diagnostic::error(
                    "Invalid HCL syntax",
                    format!("{}. Fix the syntax at the marked position.", e.message()),
                )
                .at(Some(Span {
                    file: file.clone(),
                    range: offset..offset + 1,
                })),
            );
            return;
        }
    };
    let body = convert_body(file, &parsed, diags);
    for (name, attr) in &body.attrs {
        diags.push(
            Diagnostic::error(
                "Unexpected argument at top level",
                format!("\"{name}\" must be inside a block such as locals {{ ... }} or resource \"TYPE\" \"NAME\" {{ ... }}."),
            )
            .at(attr.name_span.clone()),
        );
    }
    for block in body.blocks {
        match block.kind.as_str() {
            "terraform" => {}
            "provider" => {
                if !label_count_ok(&block, 1, "provider \"aws\" { region = \"us-east-1\" }", diags) {
                    continue;
                }
                let name = block.labels[0].clone();
                let mut pbody = block.body.clone();
                let alias = literal_string(pbody.attrs.get("alias"), diags);
                pbody.attrs.remove("alias");
                let key = match alias {
                    Some(a) => format!("{name}.{a}"),
                    None => name.clone(),
                };
                if module.providers.contains_key(&key) {
                    diags.push(
                        Diagnostic::error(
                            "Duplicate provider configuration",
                            format!("provider \"{key}\" is configured twice; give the second one an alias = \"...\"."),
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                }
                module.providers.insert(
                    key.clone(),
                    ProviderConfig {
                        key,
                        name,
                        body: pbody,
                        span: block.span.clone(),
                    },
                );
            }
            "variable" => {
                if !label_count_ok(&block, 1, "variable \"external_id\" { type = string }", diags) {
                    continue;
                }
                let name = block.labels[0].clone();
                let b = &block.body;
                for (arg, attr) in &b.attrs {
                    if !["type", "default", "description", "sensitive", "nullable"].contains(&arg.as_str()) {
                        diags.push(
                            Diagnostic::error(
                                "Unsupported argument",
                                format!(
                                    "An argument named \"{arg}\" is not expected in a variable block.{}",
                                    suggestion(arg, ["type", "default", "description", "sensitive", "nullable"])
                                ),
                            )
                            .at(attr.name_span.clone()),
                        );
                    }
                }
                let validations = b
                    .blocks
                    .iter()
                    .filter(|v| v.kind == "validation")
                    .filter_map(|v| {
                        let condition = v.body.attrs.get("condition")?.expr.clone();
                        let error_message = v.body.attrs.get("error_message")?.expr.clone();
                        Some(Validation {
                            condition,
                            error_message,
                        })
                    })
                    .collect();
                if module.variables.contains_key(&name) {
                    diags.push(
                        Diagnostic::error(
                            "Duplicate variable declaration",
                            format!("variable \"{name}\" is declared twice; remove one."),
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                }
                module.variables.insert(
                    name.clone(),
                    Variable {
                        name,
                        type_: b.attrs.get("type").map(|a| a.expr.clone()),
                        default: b.attrs.get("default").map(|a| a.expr.clone()),
                        description: literal_string(b.attrs.get("description"), diags),
                        sensitive: literal_bool(b.attrs.get("sensitive"), diags).unwrap_or(false),
                        nullable: literal_bool(b.attrs.get("nullable"), diags).unwrap_or(true),
                        validations,
                        span: block.span.clone(),
                    },
                );
            }
            "locals" => {
                for (name, attr) in block.body.attrs {
                    if module.locals.contains_key(&name) {
                        diags.push(
                            Diagnostic::error(
                                "Duplicate local value",
                                format!("local.{name} is defined twice; remove one."),
                            )
                            .at(attr.name_span.clone()),
                        );
                        continue;
                    }
                    module.locals.insert(name, attr);
                }
            }
            "resource" | "data" => {
                if !label_count_ok(&block, 2, "resource \"aws_s3_bucket\" \"artifacts\" { ... }", diags) {
                    continue;
                }
                let mode = if block.kind == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                let addr = ResourceAddr {
                    mode,
                    type_: block.labels[0].clone(),
                    name: block.labels[1].clone(),
                };
                let mut body = block.body.clone();
                let count = body.attrs.remove("count").map(|a| a.expr);
                let for_each = body.attrs.remove("for_each").map(|a| a.expr);
                if count.is_some() && for_each.is_some() {
                    diags.push(
                        Diagnostic::error(
                            "Invalid combination of \"count\" and \"for_each\"",
                            "A resource may use count or for_each, not both; remove one.",
                        )
                        .at(block.span.clone()),
                    );
                }
                let deps = depends_on(body.attrs.get("depends_on"), diags);
                body.attrs.remove("depends_on");
                let provider = match body.attrs.remove("provider") {
                    Some(attr) => traversal_text(&attr.expr.expr).unwrap_or_else(|| {
                        diags.push(
                            Diagnostic::error(
                                "Invalid provider reference",
                                "provider must be written as aws or aws.ALIAS, without quotes.",
                            )
                            .at(attr.expr.span()),
                        );
                        "aws".to_string()
                    }),
                    None => addr.type_.split('_').next().unwrap_or("aws").to_string(),
                };
                let lc = lifecycle(&body, diags);
                body.blocks.retain(|b| b.kind != "lifecycle");
                if module.resources.contains_key(&addr) {
                    diags.push(
                        Diagnostic::error(
                            "Duplicate resource",
                            format!("{addr} is declared twice; rename or remove one."),
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                }
                module.resources.insert(
                    addr.clone(),
                    Resource {
                        addr,
                        count,
                        for_each,
                        depends_on: deps,
                        provider,
                        lifecycle: lc,
                        body,
                        span: block.span.clone(),
                    },
                );
            }
            "output" => {
                if !label_count_ok(&block, 1, "output \"role_arn\" { value = aws_iam_role.r.arn }", diags) {
                    continue;
                }
                let name = block.labels[0].clone();
                let Some(value) = block.body.attrs.get("value") else {
                    diags.push(
                        Diagnostic::error(
                            "Missing required argument",
                            format!("output \"{name}\" needs a value = ... argument."),
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                };
                module.outputs.insert(
                    name.clone(),
                    Output {
                        name,
                        value: value.expr.clone(),
                        sensitive: literal_bool(block.body.attrs.get("sensitive"), diags).unwrap_or(false),
                        description: literal_string(block.body.attrs.get("description"), diags),
                        depends_on: depends_on(block.body.attrs.get("depends_on"), diags),
                        span: block.span.clone(),
                    },
                );
            }
            "module" => {
                if !label_count_ok(&block, 1, "module \"dns\" { source = \"./modules/dns\" }", diags) {
                    continue;
                }
                let name = block.labels[0].clone();
                let Some(source) = literal_string(block.body.attrs.get("source"), diags) else {
                    diags.push(
                        Diagnostic::error(
                            "Missing required argument",
                            format!("module \"{name}\" needs source = \"./path\" (a local directory)."),
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                };
                if !(source.starts_with("./") || source.starts_with("../")) {
                    diags.push(
                        Diagnostic::error("Unsupported module source", format!("Only local module sources starting with ./ or ../ are supported; got \"{source}\". Copy the module into the repository and use its relative path."))
                            .at(block.body.attrs.get("source").and_then(|a| a.expr.span())),
                    );
                    continue;
                }
                let child_dir = module.dir.join(&source);
                if depth > 32 {
                    diags.push(
                        Diagnostic::error(
                            "Module nesting too deep",
                            "Modules call each other more than 32 levels deep; check for a module that calls itself.",
                        )
                        .at(block.span.clone()),
                    );
                    continue;
                }
                let child = load_dir(&child_dir, diags, depth + 1, block.span.clone());
                let mut inputs = block.body.attrs.clone();
                for meta in ["source", "version", "providers", "count", "for_each"] {
                    inputs.remove(meta);
                }
                let deps = depends_on(inputs.get("depends_on"), diags);
                inputs.remove("depends_on");
                module.module_calls.insert(
                    name.clone(),
                    ModuleCall {
                        name,
                        source,
                        inputs,
                        depends_on: deps,
                        module: Box::new(child),
                        span: block.span.clone(),
                    },
                );
            }
            other => diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!(
                        "Blocks of type \"{other}\" are not expected here.{}",
                        suggestion(
                            other,
                            [
                                "resource",
                                "data",
                                "variable",
                                "output",
                                "locals",
                                "module",
                                "provider",
                                "terraform"
                            ]
                        )
                    ),
                )
                .at(block.span.clone()),
            ),
        }
    }
}

fn display_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

fn load_dir(dir: &Path, diags: &mut Diagnostics, depth: usize, called_at: Option<Span>) -> Module {
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "Cannot read module directory",
                    format!("{}: {e}. Check the path exists.", dir.display()),
                )
                .at(called_at),
            );
            return module;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|x| x == "tf").unwrap_or(false))
        .collect();
    paths.sort();
    if paths.is_empty() && depth > 0 {
        diags.push(Diagnostic::error("Empty module", format!("{} has no .tf files.", dir.display())).at(called_at));
    }
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let file = SourceFile::new(&path, display_path(&path), text);
                module.files.push(file.clone());
                add_file(&mut module, &file, diags, depth);
            }
            Err(e) => diags.push(Diagnostic::error(
                "Cannot read configuration file",
                format!("{}: {e}", path.display()),
            )),
        }
    }
    module
}

/// Loads the root module from `dir`, reporting every problem found at once.
pub fn load(dir: &Path) -> Result<(Module, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::default();
    let module = load_dir(dir, &mut diags, 0, None);
    if module.files.is_empty() && !diags.has_errors() {
        diags.push(Diagnostic::error(
            "No configuration files",
            format!(
                "{} has no .tf files. Run infinstor in the directory of your configuration or pass -C DIR.",
                dir.display()
            ),
        ));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((module, diags))
    }
}
