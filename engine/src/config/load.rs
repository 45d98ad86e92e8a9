//! A module directory's bodies (read by [`super::files`]) sorted into a [`Module`]: its top-level
//! blocks (see [`super::blocks`]), every problem reported with its span.

use super::language::{self, Allowed};
use super::*;
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics, Span};
use crate::core::provider::ProviderInfo;
use hcl_edit::expr::{Expression, TraversalOperator};
use std::path::Path;

/// Evaluates a literal (no references) bool/string argument used by the loader itself.
pub(super) fn literal_bool(attr: Option<&Attr>, diags: &mut Diagnostics) -> Option<bool> {
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

pub(super) fn literal_string(attr: Option<&Attr>, diags: &mut Diagnostics) -> Option<String> {
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

pub(super) fn depends_on(attr: Option<&Attr>, diags: &mut Diagnostics) -> Vec<DependsOn> {
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

pub(super) fn lifecycle(body: &Body, diags: &mut Diagnostics) -> Lifecycle {
    let mut lc = Lifecycle::default();
    for block in body.blocks.iter().filter(|b| b.kind == "lifecycle") {
        language::LIFECYCLE.check(&block.body, diags);
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
                _ => {}
            }
        }
        if let Some(attr) = block.body.attrs.get("replace_triggered_by") {
            let Expression::Array(items) = &attr.expr.expr else {
                diags.push(
                    Diagnostic::error(
                        "Invalid replace_triggered_by",
                        "replace_triggered_by is a list of references, e.g. [aws_ecs_service.svc.id].",
                    )
                    .at(attr.expr.span()),
                );
                continue;
            };
            for item in items.iter() {
                let is_resource = match item {
                    Expression::Traversal(t) => match &t.expr {
                        Expression::Variable(v) => !matches!(
                            v.as_str(),
                            "var" | "local" | "module" | "data" | "each" | "count" | "path" | "terraform" | "self"
                        ),
                        _ => false,
                    },
                    _ => false,
                };
                if !is_resource {
                    diags.push(
                        Diagnostic::error(
                            "Invalid replace_triggered_by",
                            "replace_triggered_by refers to managed resources of this module or their attributes (aws_s3_bucket.b, aws_s3_bucket.b.id, aws_s3_bucket.b[each.key]); use a terraform_data resource to trigger on other values.",
                        )
                        .at(attr.expr.span_of(item)),
                    );
                    continue;
                }
                lc.replace_triggered_by.push(Expr {
                    expr: item.clone(),
                    file: attr.expr.file.clone(),
                });
            }
        }
        lc.preconditions.extend(conditions(&block.body, "precondition", diags));
        lc.postconditions
            .extend(conditions(&block.body, "postcondition", diags));
    }
    lc
}

/// The `precondition` or `postcondition` blocks (`kind`) of a body: each needs a condition
/// and an error_message.
pub(super) fn conditions(body: &Body, kind: &str, diags: &mut Diagnostics) -> Vec<Condition> {
    let mut out = Vec::new();
    for block in body.blocks.iter().filter(|b| b.kind == kind) {
        Allowed {
            within: "a condition block",
            args: &["condition", "error_message"],
            blocks: &[],
            not_yet: &[],
        }
        .check(&block.body, diags);
        let (Some(condition), Some(error_message)) =
            (block.body.attrs.get("condition"), block.body.attrs.get("error_message"))
        else {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!("A {kind} block needs condition = ... and error_message = \"...\"."),
                )
                .at(block.span.clone()),
            );
            continue;
        };
        if !super::refs::names_anything(&condition.expr.expr) {
            let what = if kind == "assert" { "assert" } else { "condition" };
            diags.push(
                Diagnostic::error(
                    format!("Invalid {what} expression"),
                    "The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.",
                )
                .at(condition.expr.span()),
            );
            continue;
        }
        out.push(Condition {
            condition: condition.expr.clone(),
            error_message: error_message.expr.clone(),
            span: block.span.clone(),
        });
    }
    out
}

pub(super) fn label_count_ok(block: &Block, want: usize, example: &str, diags: &mut Diagnostics) -> bool {
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

/// Where a module being loaded sits: its key (the call names from the root) and what `init`
/// installed, for module calls with remote sources.
pub(super) struct Place<'a> {
    /// The root module's directory.
    pub root: &'a Path,
    /// The lock file's record of installed modules.
    pub lock: &'a super::sources::Lock,
    /// The call names from the root (`["dr", "network"]`); empty for the root module.
    pub key: Vec<String>,
    /// The providers there are, which `required_providers` may name.
    pub providers: &'a [ProviderInfo],
}

impl Place<'_> {
    /// How deep the module is.
    pub fn depth(&self) -> usize {
        self.key.len()
    }

    /// The place of a child called `name`.
    pub fn child(&self, name: &str) -> Place<'_> {
        let mut key = self.key.clone();
        key.push(name.to_string());
        Place {
            root: self.root,
            lock: self.lock,
            key,
            providers: self.providers,
        }
    }
}

fn add_body(module: &mut Module, body: Body, diags: &mut Diagnostics, place: &Place<'_>) {
    let depth = place.depth();
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
            "terraform" => blocks::terraform(module, block, diags, place),
            "provider" if depth > 0 => diags.push(language::not_supported(
                "A provider block in a child module",
                "Configure providers in the root module and pass them to the module with providers = { aws = aws.ALIAS } on its call.",
                block.span.clone(),
            )),
            "provider" => blocks::provider(module, block, diags),
            "variable" => blocks::variable(module, block, diags),
            "locals" => blocks::locals(module, block, diags),
            "resource" | "data" | "ephemeral" => blocks::resource(module, block, diags),
            "output" => blocks::output(module, block, diags),
            "module" => blocks::module_call(module, block, diags, place),
            "moved" => blocks::moved(module, block, diags),
            "import" if depth > 0 => diags.push(
                Diagnostic::error(
                    "Invalid import block",
                    "Import blocks belong in the root module, as in Terraform; write the module's path in `to` (module.NAME.aws_s3_bucket.b).",
                )
                .at(block.span.clone()),
            ),
            "import" => blocks::import(module, block, diags),
            "removed" => blocks::removed(module, block, diags),
            "check" => blocks::check(module, block, diags),
            other => match language::TOP_LEVEL_NOT_YET.iter().find(|(n, _)| *n == other) {
                Some((_, instead)) => diags.push(language::not_supported(
                    &format!("The \"{other}\" block"),
                    instead,
                    block.span.clone(),
                )),
                None => diags.push(
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
            },
        }
    }
}

pub(super) fn load_dir(dir: &Path, diags: &mut Diagnostics, place: &Place<'_>, called_at: Option<Span>) -> Module {
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    let (files, bodies) = match super::files::read_dir(dir, diags) {
        Ok(read) => read,
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
    if files.is_empty() && place.depth() > 0 {
        diags.push(Diagnostic::error("Empty module", format!("{} has no .tf files.", dir.display())).at(called_at));
    }
    module.files = files;
    for body in bodies {
        add_body(&mut module, body, diags, place);
    }
    module
}

/// Loads the root module from `dir`, reporting every problem found at once; `providers` are
/// the ones a `required_providers` entry may name ([`ProviderFactory::providers`]).
///
/// [`ProviderFactory::providers`]: crate::core::provider::ProviderFactory::providers
pub fn load(dir: &Path, providers: &[ProviderInfo]) -> Result<(Module, Diagnostics), Diagnostics> {
    match load_checking(dir, providers) {
        (Some(module), diags) if !diags.has_errors() => Ok((module, diags)),
        (_, diags) => Err(diags),
    }
}

/// Errors after which the configuration is still whole enough to check the rest of it: what
/// infinstor does not support yet, at its place. `validate` goes on after them, so that one run
/// lists every such thing (every provider and type not supported yet, every argument).
const CONTINUABLE: &[&str] = &[
    "Unsupported provider",
    "Unsupported provider source",
    "Not supported yet",
];

/// Reads the configuration as [`load`] does, and also gives the module when the only errors
/// are [`CONTINUABLE`] ones.
pub fn load_checking(dir: &Path, providers: &[ProviderInfo]) -> (Option<Module>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let lock = match super::sources::Lock::read(dir) {
        Ok(lock) => lock,
        Err(message) => {
            diags.push(Diagnostic::error(
                "Invalid lock file",
                format!("{message}. Run `infinstor init` to write it again."),
            ));
            super::sources::Lock::default()
        }
    };
    let place = Place {
        root: dir,
        lock: &lock,
        key: Vec::new(),
        providers,
    };
    let mut module = load_dir(dir, &mut diags, &place, None);
    super::providers::resolve(&mut module, &mut diags);
    for (path, child) in super::tree::modules(&module) {
        if let (false, Some(b)) = (path.is_empty(), &child.backend) {
            diags.push(
                Diagnostic::warning(
                    "Backend configuration ignored",
                    format!("Only the root module's backend block says where state lives; this one in module.{} has no effect. Remove it.", path.join(".module.")),
                )
                .at(b.span.clone()),
            );
        }
    }
    if module.files.is_empty() && !diags.has_errors() {
        diags.push(Diagnostic::error(
            "No configuration files",
            format!(
                "{} has no .tf files. Run infinstor in the directory of your configuration or pass -C DIR.",
                dir.display()
            ),
        ));
    }
    // A module called several times is read once per call: its mistakes are reported once.
    diags.dedup();
    let whole = diags
        .0
        .iter()
        .all(|d| d.severity != crate::core::diagnostic::Severity::Error || CONTINUABLE.contains(&d.summary.as_str()));
    (whole.then_some(module), diags)
}
