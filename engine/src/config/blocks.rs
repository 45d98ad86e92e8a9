//! One function per top-level block kind: each checks its labels and arguments and adds the
//! block to the module.

use super::language::{self, not_supported, Allowed};
use super::load::{
    conditions, depends_on, label_count_ok, lifecycle, literal_bool, literal_string, load_dir, traversal_text, Place,
};
use super::sources::{self, Source};
use super::*;
use crate::core::addr::{Mode, ResourceAddr};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::provider::ProviderInfo;

/// `provider_meta "aws" { user_agent = ["product/1.0"] }`: what a provider that reads module
/// metadata ([`ProviderInfo::takes_meta`]: AWS, as in Terraform) takes from a module, the
/// products it adds to the User-Agent of its requests.
fn provider_meta(module: &mut Module, block: &Block, diags: &mut Diagnostics, providers: &[ProviderInfo]) {
    if !label_count_ok(
        block,
        1,
        "provider_meta \"aws\" { user_agent = [\"my-module/1.0\"] }",
        diags,
    ) {
        return;
    }
    let name = &block.labels[0];
    if !providers.iter().any(|p| p.takes_meta && p.name == *name) {
        let readers: Vec<String> = providers
            .iter()
            .filter(|p| p.takes_meta)
            .map(|p| format!("provider_meta \"{}\" {{ user_agent = [...] }}", p.name))
            .collect();
        let read = match readers.is_empty() {
            true => "no provider reads module metadata".to_string(),
            false => format!("only {} is read", readers.join(" and ")),
        };
        diags.push(
            Diagnostic::error(
                "Invalid provider_meta block",
                format!("Provider \"{name}\" takes no module metadata; {read}."),
            )
            .at(block.span.clone()),
        );
        return;
    }
    Allowed {
        within: "a provider_meta block",
        args: &["user_agent"],
        blocks: &[],
        not_yet: &[],
    }
    .check(&block.body, diags);
    let Some(attr) = block.body.attrs.get("user_agent") else {
        return;
    };
    let products = match &attr.expr.expr {
        Expression::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>(),
        _ => None,
    };
    // A product is one token of the header: no spaces, nothing that ends the line.
    match products.filter(|p| p.iter().all(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_graphic()))) {
        Some(p) => module.provider_meta.entry(name.clone()).or_default().extend(p),
        None => diags.push(
            Diagnostic::error(
                "Invalid user_agent",
                "user_agent is a list of literal product strings without spaces, such as [\"github.com/org/module\", \"my-module/1.2.0\"].",
            )
            .at(attr.expr.span()),
        ),
    }
}

/// `terraform { ... }`: settings of the configuration itself. `required_version` is accepted
/// and not checked (it constrains Terraform's own version, not infinstor's); the providers it
/// requires must be ones infinstor has; `backend` says where the state lives.
pub(super) fn terraform(module: &mut Module, block: Block, diags: &mut Diagnostics, place: &Place<'_>) {
    Allowed {
        within: "the terraform block",
        args: &["required_version"],
        blocks: &["required_providers", "backend", "provider_meta"],
        not_yet: &[
            ("cloud", "HCP Terraform is not available; keep state in backend \"s3\" { ... } (shared by a team) or in a local file."),
            ("experiments", "Remove it."),
            ("language", "Remove it."),
        ],
    }
    .check(&block.body, diags);
    for meta in block.body.blocks.iter().filter(|b| b.kind == "provider_meta") {
        provider_meta(module, meta, diags, place.providers);
    }
    for b in block.body.blocks.iter().filter(|b| b.kind == "backend") {
        if module.backend.is_some() {
            diags.push(
                Diagnostic::error(
                    "Duplicate backend configuration",
                    "A configuration has at most one backend block; remove this one.",
                )
                .at(b.span.clone()),
            );
            continue;
        }
        module.backend = super::backend::parse(b, diags);
    }
    for rp in block.body.blocks.iter().filter(|b| b.kind == "required_providers") {
        for (name, attr) in &rp.body.attrs {
            let Some(expected_source) = place
                .providers
                .iter()
                .find(|p| p.name == *name)
                .map(|p| p.source.as_str())
            else {
                diags.push(
                    Diagnostic::error(
                        "Unsupported provider",
                        format!("infinstor has the {} providers; \"{name}\" is not available. Remove it from required_providers and the resources that use it.", listed(place.providers.iter().map(|p| format!("\"{}\"", p.name)))),
                    )
                    .at(attr.name_span.clone()),
                );
                continue;
            };
            let Expression::Object(obj) = &attr.expr.expr else {
                continue;
            };
            for (key, value) in obj.iter() {
                let key_text = match key {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(e) => e.as_str().unwrap_or_default().to_string(),
                };
                let span = attr.expr.span_of(value.expr());
                match key_text.as_str() {
                    // A provider plugin's version: infinstor's aws provider is built in.
                    "version" => {}
                    "source" => {
                        let source = value.expr().as_str().unwrap_or_default().to_ascii_lowercase();
                        let source = source.trim_start_matches("registry.terraform.io/");
                        // A one-part source is the type in the hashicorp namespace, as
                        // Terraform reads it (cdktf writes "aws").
                        let source = match source.contains('/') {
                            true => source.to_string(),
                            false => format!("hashicorp/{source}"),
                        };
                        if source != expected_source {
                            diags.push(
                                Diagnostic::error(
                                    "Unsupported provider source",
                                    format!("infinstor's {name} provider stands in for \"{expected_source}\"; \"{source}\" is not available."),
                                )
                                .at(span),
                            );
                        }
                    }
                    "configuration_aliases" => {
                        let Expression::Array(items) = value.expr() else {
                            diags.push(
                                Diagnostic::error(
                                    "Invalid configuration_aliases",
                                    "configuration_aliases is a list of provider references, e.g. [aws.dns, aws.dr].",
                                )
                                .at(span),
                            );
                            continue;
                        };
                        for item in items.iter() {
                            match traversal_text(item).filter(|t| t.starts_with(&format!("{name}."))) {
                                Some(alias) => {
                                    module.configuration_aliases.insert(alias, attr.expr.span_of(item));
                                }
                                None => diags.push(
                                    Diagnostic::error(
                                        "Invalid configuration_aliases",
                                        "Each entry names an aliased aws configuration, e.g. aws.dns (unquoted).",
                                    )
                                    .at(attr.expr.span_of(item)),
                                ),
                            }
                        }
                    }
                    other => diags.push(
                        Diagnostic::error(
                            "Unsupported argument",
                            format!(
                                "\"{other}\" is not expected in a required_providers entry; use source and version."
                            ),
                        )
                        .at(span),
                    ),
                }
            }
        }
    }
}

/// `provider "aws" { ... }`, keyed by name and alias.
pub(super) fn provider(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    if !label_count_ok(&block, 1, "provider \"aws\" { region = \"us-east-1\" }", diags) {
        return;
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
        return;
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

/// `variable "NAME" { ... }`.
pub(super) fn variable(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    if !label_count_ok(&block, 1, "variable \"external_id\" { type = string }", diags) {
        return;
    }
    let name = block.labels[0].clone();
    let b = &block.body;
    Allowed {
        within: "a variable block",
        args: &["type", "default", "description", "sensitive", "nullable", "ephemeral"],
        blocks: &["validation"],
        not_yet: &[],
    }
    .check(b, diags);
    let mut validations = Vec::new();
    for v in b.blocks.iter().filter(|v| v.kind == "validation") {
        Allowed {
            within: "a validation block",
            args: &["condition", "error_message"],
            blocks: &[],
            not_yet: &[],
        }
        .check(&v.body, diags);
        match (v.body.attrs.get("condition"), v.body.attrs.get("error_message")) {
            (Some(c), Some(m)) => validations.push(Validation {
                condition: c.expr.clone(),
                error_message: m.expr.clone(),
            }),
            _ => diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    "A validation block needs both condition = ... and error_message = \"...\".",
                )
                .at(v.span.clone()),
            ),
        }
    }
    if module.variables.contains_key(&name) {
        diags.push(
            Diagnostic::error(
                "Duplicate variable declaration",
                format!("variable \"{name}\" is declared twice; remove one."),
            )
            .at(block.span.clone()),
        );
        return;
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
            ephemeral: literal_bool(b.attrs.get("ephemeral"), diags).unwrap_or(false),
            validations,
            span: block.span.clone(),
        },
    );
}

/// `locals { ... }`: one entry per local value.
pub(super) fn locals(module: &mut Module, block: Block, diags: &mut Diagnostics) {
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

/// `resource`, `data` and `ephemeral` blocks, with their meta-arguments.
pub(super) fn resource(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    if !label_count_ok(&block, 2, "resource \"aws_s3_bucket\" \"artifacts\" { ... }", diags) {
        return;
    }
    let mode = match block.kind.as_str() {
        "data" => Mode::Data,
        "ephemeral" => Mode::Ephemeral,
        _ => Mode::Managed,
    };
    if mode == Mode::Ephemeral {
        // Nothing of an ephemeral resource outlives the run, so only its conditions apply.
        for lc in block.body.blocks.iter().filter(|b| b.kind == "lifecycle") {
            Allowed {
                within: "the lifecycle block of an ephemeral resource",
                args: &[],
                blocks: &["precondition", "postcondition"],
                not_yet: &[],
            }
            .check(&lc.body, diags);
        }
    }
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
    let provisioners = match mode {
        Mode::Managed => super::provisioners::take(&mut body, diags),
        Mode::Data | Mode::Ephemeral => Vec::new(),
    };
    drop_not_yet_blocks(&mut body, diags);
    if module.resources.contains_key(&addr) {
        diags.push(
            Diagnostic::error(
                "Duplicate resource",
                format!("{addr} is declared twice; rename or remove one."),
            )
            .at(block.span.clone()),
        );
        return;
    }
    module.resources.insert(
        addr.clone(),
        Resource {
            addr,
            count,
            for_each,
            depends_on: deps,
            local_provider: provider.clone(),
            provisioners,
            provider,
            lifecycle: lc,
            body,
            span: block.span.clone(),
            type_span: block.label_span.clone(),
            check: None,
        },
    );
}

/// Reports (and removes, so that they cause no further errors) the nested blocks of a
/// resource body, at any depth, that the language has but infinstor does not support yet.
fn drop_not_yet_blocks(body: &mut Body, diags: &mut Diagnostics) {
    body.blocks.retain(
        |b| match language::RESOURCE_BLOCKS_NOT_YET.iter().find(|(n, _)| *n == b.kind) {
            Some((name, instead)) => {
                diags.push(not_supported(&format!("A \"{name}\" block"), instead, b.span.clone()));
                false
            }
            None => true,
        },
    );
    for b in &mut body.blocks {
        if b.kind == "dynamic" {
            check_dynamic(b, diags);
        }
        drop_not_yet_blocks(&mut b.body, diags);
    }
}

/// `dynamic "TYPE" { for_each = ..., iterator = NAME, content { ... } }`: its shape, at load.
fn check_dynamic(block: &Block, diags: &mut Diagnostics) {
    language::DYNAMIC.check(&block.body, diags);
    if block.labels.len() != 1 {
        diags.push(
            Diagnostic::error(
                "Invalid dynamic block",
                "A dynamic block needs one label, the type of the blocks it makes: dynamic \"cors_rule\" { ... }.",
            )
            .at(block.span.clone()),
        );
    }
    if !block.body.attrs.contains_key("for_each") {
        diags.push(
            Diagnostic::error("Missing required argument", "A dynamic block needs for_each = ... .")
                .at(block.span.clone()),
        );
    }
    if let Some(it) = block.body.attrs.get("iterator") {
        if !matches!(it.expr.expr, Expression::Variable(_)) {
            diags.push(
                Diagnostic::error(
                    "Invalid iterator",
                    "iterator must be a plain name, such as iterator = rule.",
                )
                .at(it.expr.span()),
            );
        }
    }
    if block.body.blocks.iter().filter(|b| b.kind == "content").count() != 1 {
        diags.push(
            Diagnostic::error(
                "Invalid dynamic block",
                "A dynamic block needs exactly one content { ... } block: the arguments of each block it makes.",
            )
            .at(block.span.clone()),
        );
    }
}

/// `output "NAME" { ... }`.
pub(super) fn output(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    if !label_count_ok(&block, 1, "output \"role_arn\" { value = aws_iam_role.r.arn }", diags) {
        return;
    }
    let name = block.labels[0].clone();
    Allowed {
        within: "an output block",
        args: &["value", "sensitive", "description", "depends_on", "ephemeral"],
        blocks: &["precondition"],
        not_yet: &[],
    }
    .check(&block.body, diags);
    let Some(value) = block.body.attrs.get("value") else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                format!("output \"{name}\" needs a value = ... argument."),
            )
            .at(block.span.clone()),
        );
        return;
    };
    module.outputs.insert(
        name.clone(),
        Output {
            name,
            value: value.expr.clone(),
            sensitive: literal_bool(block.body.attrs.get("sensitive"), diags).unwrap_or(false),
            ephemeral: literal_bool(block.body.attrs.get("ephemeral"), diags).unwrap_or(false),
            description: literal_string(block.body.attrs.get("description"), diags),
            depends_on: depends_on(block.body.attrs.get("depends_on"), diags),
            preconditions: conditions(&block.body, "precondition", diags),
            span: block.span.clone(),
        },
    );
}

/// `module "NAME" { source = ... }`: loads the child directory, in place for a local path,
/// from where `init` installed it for a git or registry source.
pub(super) fn module_call(module: &mut Module, block: Block, diags: &mut Diagnostics, place: &Place<'_>) {
    if !label_count_ok(&block, 1, "module \"dns\" { source = \"./modules/dns\" }", diags) {
        return;
    }
    let name = block.labels[0].clone();
    for b in &block.body.blocks {
        diags.push(
            Diagnostic::error(
                "Unsupported block type",
                format!(
                    "A module call takes arguments only (source, inputs, depends_on); a \"{}\" block is not expected here.",
                    b.kind
                ),
            )
            .at(b.span.clone()),
        );
    }
    let Some(source) = literal_string(block.body.attrs.get("source"), diags) else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                format!("module \"{name}\" needs source = \"./path\" (a local directory), a git source or a registry address."),
            )
            .at(block.span.clone()),
        );
        return;
    };
    let source_span = block.body.attrs.get("source").and_then(|a| a.expr.span());
    let parsed = match Source::parse(&source) {
        Ok(p) => p,
        Err(mut message) => {
            if let Some(first) = message.get(..1) {
                message.replace_range(..1, &first.to_uppercase());
            }
            diags.push(Diagnostic::error("Unsupported module source", format!("{message}.")).at(source_span));
            return;
        }
    };
    let version = literal_string(block.body.attrs.get("version"), diags);
    if let (Some(attr), false) = (
        block.body.attrs.get("version"),
        matches!(parsed, Source::Registry { .. }),
    ) {
        diags.push(
            Diagnostic::error(
                "Invalid version",
                "A version constraint applies to registry modules only; a git source takes ?ref=TAG in its source instead. Remove it.",
            )
            .at(attr.name_span.clone()),
        );
    }
    if place.depth() > 32 {
        diags.push(
            Diagnostic::error(
                "Module nesting too deep",
                "Modules call each other more than 32 levels deep; check for a module that calls itself.",
            )
            .at(block.span.clone()),
        );
        return;
    }
    let child_place = place.child(&name);
    let child_dir = match &parsed {
        Source::Local(path) => module.dir.join(path),
        remote => {
            let key = child_place.key.join(".");
            let installed = place
                .lock
                .modules
                .get(&key)
                .filter(|l| l.source == source && l.constraint == version)
                .map(|_| sources::install_dir(place.root, &key))
                .filter(|d| d.is_dir());
            match installed {
                Some(dir) => match remote.subdir() {
                    Some(sub) => dir.join(sub),
                    None => dir,
                },
                None => {
                    diags.push(
                        Diagnostic::error(
                            "Module not installed",
                            format!("module.{key} ({source}) is not installed, or its source or version changed since `infinstor init` ran. Run `infinstor init` to fetch it (plan and apply never download anything)."),
                        )
                        .at(source_span),
                    );
                    return;
                }
            }
        }
    };
    let child = load_dir(&child_dir, diags, &child_place, block.span.clone());
    let mut inputs = block.body.attrs.clone();
    for meta in ["source", "version", "providers"] {
        inputs.remove(meta);
    }
    let providers = block
        .body
        .attrs
        .get("providers")
        .map(|a| provider_map(a, &name, diags))
        .unwrap_or_default();
    let count = inputs.remove("count").map(|a| a.expr);
    let for_each = inputs.remove("for_each").map(|a| a.expr);
    if count.is_some() && for_each.is_some() {
        diags.push(
            Diagnostic::error(
                "Invalid combination of \"count\" and \"for_each\"",
                format!("module \"{name}\" may use count or for_each, not both; remove one."),
            )
            .at(block.span.clone()),
        );
    }
    let deps = depends_on(inputs.get("depends_on"), diags);
    inputs.remove("depends_on");
    module.module_calls.insert(
        name.clone(),
        ModuleCall {
            name,
            source,
            inputs,
            providers,
            count,
            for_each,
            depends_on: deps,
            module: Box::new(child),
            span: block.span.clone(),
        },
    );
}

/// `providers = { aws = aws.dr, aws.dns = aws.shared }`: child name -> caller's name.
fn provider_map(attr: &Attr, call: &str, diags: &mut Diagnostics) -> BTreeMap<String, (String, Option<Span>)> {
    let mut out = BTreeMap::new();
    let Expression::Object(obj) = &attr.expr.expr else {
        diags.push(
            Diagnostic::error(
                "Invalid providers argument",
                format!("providers of module \"{call}\" is a map of provider references, e.g. {{ aws = aws.dr }}."),
            )
            .at(attr.expr.span()),
        );
        return out;
    };
    for (key, value) in obj.iter() {
        let child = match key {
            hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
            hcl_edit::expr::ObjectKey::Expression(e) => traversal_text(e),
        };
        let parent = traversal_text(value.expr());
        let span = attr.expr.span_of(value.expr());
        match (child, parent) {
            (Some(c), Some(p)) if is_provider_ref(&c) && is_provider_ref(&p) => {
                out.insert(c, (p, span));
            }
            _ => diags.push(
                Diagnostic::error(
                    "Invalid providers argument",
                    format!("Each entry of providers in module \"{call}\" maps a configuration name of the module to one of the caller, both unquoted: aws = aws.dr, or aws.dns = aws.shared."),
                )
                .at(span),
            ),
        }
    }
    out
}

/// `NAME` or `NAME.ALIAS`.
fn is_provider_ref(text: &str) -> bool {
    let mut parts = text.split('.');
    let name_ok = parts.next().is_some_and(|n| !n.is_empty());
    let alias_ok = parts.next().is_none_or(|a| !a.is_empty());
    name_ok && alias_ok && parts.next().is_none()
}

/// `moved { from = aws_s3_bucket.old  to = aws_s3_bucket.new }`: the two ends are unquoted
/// addresses of the same kind, and `from` is no longer in the configuration.
pub(super) fn moved(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    Allowed {
        within: "a moved block",
        args: &["from", "to"],
        blocks: &[],
        not_yet: &[],
    }
    .check(&block.body, diags);
    let address = |name: &str, diags: &mut Diagnostics| -> Option<crate::core::addr::Target> {
        let Some(attr) = block.body.attrs.get(name) else {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!("A moved block needs {name} = ADDRESS (unquoted), e.g. from = aws_s3_bucket.old, to = aws_s3_bucket.new."),
                )
                .at(block.span.clone()),
            );
            return None;
        };
        let parsed = traversal_text(&attr.expr.expr).map(|t| t.parse::<crate::core::addr::Target>());
        match parsed {
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => {
                diags.push(Diagnostic::error("Invalid address", e.to_string()).at(attr.expr.span()));
                None
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "Invalid address",
                        format!("{name} takes an unquoted address such as aws_s3_bucket.old, aws_s3_bucket.b[0] or module.old."),
                    )
                    .at(attr.expr.span()),
                );
                None
            }
        }
    };
    let (Some(from), Some(to)) = (address("from", diags), address("to", diags)) else {
        return;
    };
    if let Err(e) = crate::core::moves::Move::new(from.clone(), to.clone()) {
        diags.push(Diagnostic::error("Invalid moved block", e.to_string()).at(block.span.clone()));
        return;
    }
    module.moved.push(Moved {
        from,
        to,
        span: block.span.clone(),
    });
}

/// `import { to = aws_s3_bucket.b, id = "name" }`.
pub(super) fn import(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    Allowed {
        within: "an import block",
        args: &["to", "id", "for_each"],
        blocks: &[],
        not_yet: &[
            (
                "provider",
                "The object is imported with the provider configuration of the resource it goes to.",
            ),
            ("identity", "Give the import ID in `id`."),
        ],
    }
    .check(&block.body, diags);
    let Some(attr) = block.body.attrs.get("to") else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "An import block needs to = ADDRESS (unquoted), e.g. to = aws_s3_bucket.b.",
            )
            .at(block.span.clone()),
        );
        return;
    };
    // `aws_s3_bucket.b[each.key]`: the address, and the key as an expression.
    let (text, key) = match (traversal_text(&attr.expr.expr), &attr.expr.expr) {
        (Some(text), _) => (Some(text), None),
        (None, Expression::Traversal(t)) => {
            let mut prefix = (**t).clone();
            match prefix.operators.pop().map(|op| op.value().clone()) {
                Some(hcl_edit::expr::TraversalOperator::Index(e)) => (
                    traversal_text(&Expression::Traversal(Box::new(prefix))),
                    Some(Expr {
                        expr: e,
                        file: attr.expr.file.clone(),
                    }),
                ),
                _ => (None, None),
            }
        }
        _ => (None, None),
    };
    let to = match text.map(|t| t.parse::<crate::core::addr::InstanceAddr>()) {
        Some(Ok(a)) if key.is_none() || a.key == crate::core::addr::InstanceKey::None => a,
        Some(Ok(_)) | None => {
            diags.push(
                Diagnostic::error("Invalid import address", "to takes an unquoted resource instance address, e.g. aws_s3_bucket.b, aws_s3_bucket.b[\"x\"], or aws_s3_bucket.b[each.key] with for_each.")
                    .at(attr.expr.span()),
            );
            return;
        }
        Some(Err(e)) => {
            diags.push(Diagnostic::error("Invalid import address", e.to_string()).at(attr.expr.span()));
            return;
        }
    };
    let Some(id) = block.body.attrs.get("id").map(|a| a.expr.clone()) else {
        diags.push(
            Diagnostic::error("Missing required argument", format!("The import block for {to} needs id = \"...\": the provider's ID of the object (see the README's resource table)."))
                .at(block.span.clone()),
        );
        return;
    };
    let for_each = block.body.attrs.get("for_each");
    if let (Some(fe), None) = (for_each, &key) {
        diags.push(
            Diagnostic::error(
                "Invalid import address",
                format!("With for_each, `to` names each instance by an expression, e.g. {}[each.key]; as written, every element would import into {to}.", to.resource),
            )
            .at(fe.name_span.clone()),
        );
        return;
    }
    module.imports.push(Import {
        to,
        key,
        for_each: for_each.map(|a| a.expr.clone()),
        id,
        span: block.span.clone(),
    });
}

/// `removed { from = aws_s3_bucket.b  lifecycle { destroy = false } }`.
pub(super) fn removed(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    Allowed {
        within: "a removed block",
        args: &["from"],
        blocks: &["lifecycle"],
        not_yet: &[
            ("provisioner", "Run the command outside infinstor."),
            ("connection", "Remove it."),
        ],
    }
    .check(&block.body, diags);
    let Some(attr) = block.body.attrs.get("from") else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "A removed block needs from = ADDRESS (unquoted), e.g. from = aws_s3_bucket.b.",
            )
            .at(block.span.clone()),
        );
        return;
    };
    let from = match traversal_text(&attr.expr.expr).map(|t| t.parse::<crate::core::addr::Target>()) {
        Some(Ok(t))
            if t.resource
                .as_ref()
                .is_none_or(|(_, k)| *k == crate::core::addr::InstanceKey::None) =>
        {
            t
        }
        Some(Ok(_)) => {
            diags.push(
                Diagnostic::error(
                    "Invalid removed address",
                    "from names a whole resource or module, without an instance key.",
                )
                .at(attr.expr.span()),
            );
            return;
        }
        Some(Err(e)) => {
            diags.push(Diagnostic::error("Invalid removed address", e.to_string()).at(attr.expr.span()));
            return;
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "Invalid removed address",
                    "from takes an unquoted address such as aws_s3_bucket.b or module.old.",
                )
                .at(attr.expr.span()),
            );
            return;
        }
    };
    let mut destroy = true;
    for lc in block.body.blocks.iter().filter(|b| b.kind == "lifecycle") {
        Allowed {
            within: "the lifecycle of a removed block",
            args: &["destroy"],
            blocks: &[],
            not_yet: &[],
        }
        .check(&lc.body, diags);
        if let Some(d) = literal_bool(lc.body.attrs.get("destroy"), diags) {
            destroy = d;
        }
    }
    module.removed.push(Removed {
        from,
        destroy,
        span: block.span.clone(),
    });
}

/// `check "NAME" { assert { condition = ..., error_message = "..." } }`.
pub(super) fn check(module: &mut Module, block: Block, diags: &mut Diagnostics) {
    if !label_count_ok(&block, 1, "check \"health\" { assert { ... } }", diags) {
        return;
    }
    Allowed {
        within: "a check block",
        args: &[],
        blocks: &["assert", "data"],
        not_yet: &[],
    }
    .check(&block.body, diags);
    for data in block.body.blocks.iter().filter(|b| b.kind == "data") {
        let Some(addr) = (data.labels.len() == 2).then(|| ResourceAddr {
            mode: Mode::Data,
            type_: data.labels[0].clone(),
            name: data.labels[1].clone(),
        }) else {
            label_count_ok(data, 2, "data \"aws_region\" \"current\" {}", diags);
            continue;
        };
        if module.resources.contains_key(&addr) {
            diags.push(
                Diagnostic::error(
                    "Duplicate resource",
                    format!("{addr} is already declared in this module; a data source scoped in a check block needs a name of its own."),
                )
                .at(data.span.clone()),
            );
            continue;
        }
        resource(module, data.clone(), diags);
        if let Some(r) = module.resources.get_mut(&addr) {
            r.check = Some(block.labels[0].clone());
        }
    }
    let asserts = conditions(&block.body, "assert", diags);
    if asserts.is_empty() {
        diags.push(
            Diagnostic::error(
                "Missing assert block",
                "A check block needs at least one assert { condition, error_message } block.",
            )
            .at(block.span.clone()),
        );
        return;
    }
    module.checks.push(Check {
        name: block.labels[0].clone(),
        asserts,
        span: block.span.clone(),
    });
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
