//! Nothing a user writes is silently ignored. Every construct of the Terraform language's
//! documentation, one by one, through the real binary: each either works (`validate`, and
//! `plan` where a value matters, succeed) or is an error at its place that says it is not
//! supported yet. No AWS is needed: nothing here reads or changes an object.

use crate::util::{block_on, start_moto, workspace, Clients};

/// What a construct must do.
enum Expect {
    /// `validate` succeeds.
    Valid,
    /// `validate` fails with this text (the construct is reported at its place).
    Fails(&'static str),
}

use Expect::{Fails, Valid};

const NOT_YET: &str = "is part of the Terraform language, but infinstor does not support it yet";

/// (construct, files, expectation). A child module, when a case needs one, is `m/main.tf`.
fn cases() -> Vec<(&'static str, Vec<(&'static str, &'static str)>, Expect)> {
    let one = |text: &'static str| vec![("main.tf", text)];
    let with_child =
        |text: &'static str| vec![("main.tf", text), ("m/main.tf", "variable \"x\" {\n  default = 1\n}\n")];
    vec![
        // Files.
        ("a .tf.json file", vec![("main.tf.json", "{\"resource\": {\"aws_s3_bucket\": {\"b\": {\"bucket\": \"bucket-b\", \"lifecycle\": {\"ignore_changes\": \"all\"}}}}}")], Valid),
        ("a .tf.json file with an unknown argument", vec![("main.tf.json", "{\"resource\": {\"aws_s3_bucket\": {\"b\": {\"buckt\": \"b\"}}}}")], Fails("main.tf.json line 1")),
        ("an override file", vec![("main.tf", "locals {\n  a = 1\n}\n"), ("override.tf", "locals {\n  a = 2\n}\n")], Valid),
        ("an override file in JSON", vec![("main.tf", "locals {\n  a = 1\n}\n"), ("a_override.tf.json", "{\"locals\": {\"a\": 2}}")], Valid),
        ("an override of a block that is not there", vec![("main.tf", "locals {\n  a = 1\n}\n"), ("override.tf", "output \"o\" {\n  value = 2\n}\n")], Fails("Missing base output block to override")),
        // The terraform block.
        ("required_version", one("terraform {\n  required_version = \">= 1.5\"\n}\n"), Valid),
        ("required_providers aws", one("terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.0\"\n    }\n  }\n}\n"), Valid),
        ("required_providers of another provider", one("terraform {\n  required_providers {\n    google = { source = \"hashicorp/google\" }\n  }\n}\n"), Fails("\"google\" is not available")),
        ("required_providers of every provider infinstor has, the built-in one as Terraform names it", one("terraform {\n  required_providers {\n    aws       = { source = \"hashicorp/aws\" }\n    tls       = { source = \"hashicorp/tls\" }\n    random    = { source = \"registry.terraform.io/hashicorp/random\" }\n    local     = { source = \"hashicorp/local\" }\n    infinstor = { source = \"infinstor/infinstor\" }\n    terraform = { source = \"terraform.io/builtin/terraform\" }\n  }\n}\n"), Valid),
        ("another source for aws", one("terraform {\n  required_providers {\n    aws = { source = \"example/aws\" }\n  }\n}\n"), Fails("Unsupported provider source")),
        ("configuration_aliases", one("terraform {\n  required_providers {\n    aws = { source = \"hashicorp/aws\", configuration_aliases = [aws.dr] }\n  }\n}\n"), Valid),
        ("backend s3", one("terraform {\n  backend \"s3\" {\n    bucket = \"b\"\n    key    = \"k\"\n  }\n}\n"), Valid),
        ("backend local", one("terraform {\n  backend \"local\" {\n    path = \"s.json\"\n  }\n}\n"), Valid),
        ("backend of another type", one("terraform {\n  backend \"consul\" {}\n}\n"), Fails("Unsupported backend type")),
        ("backend with a variable", one("variable \"b\" {\n  default = \"b\"\n}\nterraform {\n  backend \"s3\" {\n    bucket = var.b\n  }\n}\n"), Fails("Variables not allowed")),
        ("backend in a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "terraform {\n  backend \"s3\" {}\n}\n")], Valid),
        ("cloud", one("terraform {\n  cloud {\n    organization = \"o\"\n  }\n}\n"), Fails(NOT_YET)),
        ("experiments", one("terraform {\n  experiments = []\n}\n"), Fails(NOT_YET)),
        ("provider_meta", one("terraform {\n  provider_meta \"aws\" {\n    user_agent = [\"my-module/1.0\"]\n  }\n}\n"), Valid),
        ("provider_meta of a provider that takes none", one("terraform {\n  provider_meta \"random\" {}\n}\n"), Fails("takes no module metadata")),
        ("provider_meta with a product holding a space", one("terraform {\n  provider_meta \"aws\" {\n    user_agent = [\"my module\"]\n  }\n}\n"), Fails("without spaces")),
        // Provider blocks.
        ("provider with alias", one("provider \"aws\" {\n  region = \"eu-west-1\"\n  alias  = \"eu\"\n}\n"), Valid),
        ("provider in a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n")], Fails(NOT_YET)),
        // Variables.
        ("variable arguments", one("variable \"v\" {\n  type        = string\n  default     = \"a\"\n  description = \"d\"\n  sensitive   = true\n  nullable    = false\n  validation {\n    condition     = length(var.v) > 0\n    error_message = \"Must not be empty.\"\n  }\n}\n"), Valid),
        ("optional object attributes with defaults", one("variable \"o\" {\n  type    = object({ a = optional(string, \"x\"), b = optional(number) })\n  default = {}\n}\n"), Valid),
        ("ephemeral variable", one("variable \"v\" {\n  ephemeral = true\n}\n"), Valid),
        ("validation without error_message", one("variable \"v\" {\n  validation {\n    condition = true\n  }\n}\n"), Fails("needs both condition")),
        // Outputs.
        ("output arguments", one("output \"o\" {\n  value       = 1\n  sensitive   = false\n  description = \"d\"\n  depends_on  = []\n}\n"), Valid),
        ("output precondition", one("output \"o\" {\n  value = 1\n  precondition {\n    condition     = path.module != \"\"\n    error_message = \"x\"\n  }\n}\n"), Valid),
        ("a reference to an ephemeral resource", one("ephemeral \"random_password\" \"p\" {\n  length = 8\n}\nlocals {\n  p = ephemeral.random_password.p.result\n}\n"), Valid),
        ("an ephemeral value in a resource argument", one("ephemeral \"random_password\" \"p\" {\n  length = 8\n}\nresource \"terraform_data\" \"d\" {\n  input = ephemeral.random_password.p.result\n}\n"), Fails("Invalid use of ephemeral value")),
        ("an ephemeral resource's lifecycle", one("ephemeral \"random_password\" \"p\" {\n  length = 8\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n"), Fails("not expected in the lifecycle block of an ephemeral resource")),
        ("ephemeral output of the root module", one("output \"o\" {\n  value     = 1\n  ephemeral = true\n}\n"), Fails("Ephemeral outputs are not allowed in the root module")),
        ("ephemeral output of a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "variable \"t\" {\n  default   = \"x\"\n  ephemeral = true\n}\noutput \"o\" {\n  value     = var.t\n  ephemeral = true\n}\n")], Valid),
        ("misspelt output argument", one("output \"o\" {\n  value = 1\n  sensitiv = true\n}\n"), Fails("Did you mean \"sensitive\"")),
        // Resource meta-arguments.
        ("count, depends_on, provider", one("provider \"aws\" {\n  alias = \"eu\"\n}\nresource \"aws_s3_bucket\" \"a\" {\n  count    = 2\n  bucket   = \"b-${count.index}\"\n  provider = aws.eu\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket     = \"bucket-b\"\n  depends_on = [aws_s3_bucket.a]\n}\n"), Valid),
        ("for_each", one("resource \"aws_s3_bucket\" \"a\" {\n  for_each = toset([\"x\", \"y\"])\n  bucket   = each.key\n}\n"), Valid),
        ("lifecycle arguments", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  lifecycle {\n    create_before_destroy = true\n    prevent_destroy       = false\n    ignore_changes        = [tags]\n  }\n}\n"), Valid),
        ("ignore_changes = all", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  lifecycle {\n    ignore_changes = all\n  }\n}\n"), Valid),
        ("replace_triggered_by", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-a\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"bucket-b\"\n  lifecycle {\n    replace_triggered_by = [aws_s3_bucket.a.id]\n  }\n}\n"), Valid),
        ("replace_triggered_by a variable", one("variable \"v\" {\n  default = 1\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"bucket-b\"\n  lifecycle {\n    replace_triggered_by = [var.v]\n  }\n}\n"), Fails("replace_triggered_by refers to managed resources")),
        ("precondition", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  lifecycle {\n    precondition {\n      condition     = path.module != \"\"\n      error_message = \"x\"\n    }\n  }\n}\n"), Valid),
        ("postcondition on a data source", one("data \"aws_region\" \"r\" {\n  lifecycle {\n    postcondition {\n      condition     = self.name != \"\"\n      error_message = \"x\"\n    }\n  }\n}\n"), Valid),
        ("dynamic block", one("resource \"aws_s3_bucket_cors_configuration\" \"c\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = [\"a\"]\n    content {\n      allowed_methods = [\"GET\"]\n      allowed_origins = [cors_rule.value]\n    }\n  }\n}\n"), Valid),
        ("dynamic block over a variable", one("variable \"origins\" {\n  type = list(string)\n}\nresource \"aws_s3_bucket_cors_configuration\" \"c\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = var.origins\n    content {\n      allowed_methods = [\"GET\"]\n      allowed_origins = [cors_rule.value]\n    }\n  }\n}\n"), Valid),
        ("dynamic block content checked over a variable", one("variable \"origins\" {\n  type = list(string)\n}\nresource \"aws_s3_bucket_cors_configuration\" \"c\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = var.origins\n    content {\n      allowed_method  = [\"GET\"]\n      allowed_origins = [cors_rule.value]\n    }\n  }\n}\n"), Fails("Did you mean \"allowed_methods\"")),
        ("dynamic block with iterator, nested", one("data \"aws_iam_policy_document\" \"d\" {\n  dynamic \"statement\" {\n    for_each = { read = [\"s3:GetObject\"] }\n    iterator = s\n    content {\n      sid     = s.key\n      actions = s.value\n      dynamic \"principals\" {\n        for_each = [\"arn:aws:iam::123456789012:root\"]\n        content {\n          type        = \"AWS\"\n          identifiers = [principals.value, s.key]\n        }\n      }\n    }\n  }\n}\n"), Valid),
        ("dynamic labels", one("resource \"aws_s3_bucket_cors_configuration\" \"c\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = [\"a\"]\n    labels   = [\"x\"]\n    content {\n      allowed_methods = [\"GET\"]\n      allowed_origins = [cors_rule.value]\n    }\n  }\n}\n"), Fails(NOT_YET)),
        ("dynamic block of an unknown type", one("resource \"aws_s3_bucket_cors_configuration\" \"c\" {\n  bucket = \"b\"\n  dynamic \"cors_rules\" {\n    for_each = [\"a\"]\n    content {}\n  }\n}\n"), Fails("Did you mean \"cors_rule\"")),
        ("provisioner", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  provisioner \"local-exec\" {\n    command = \"true\"\n  }\n}\n"), Valid),
        ("remote-exec provisioner", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  provisioner \"remote-exec\" {\n    inline = [\"true\"]\n  }\n}\n"), Fails(NOT_YET)),
        ("connection", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n  connection {\n    host = \"h\"\n  }\n}\n"), Fails(NOT_YET)),
        // Module calls.
        ("module with inputs and depends_on", with_child("module \"m\" {\n  source     = \"./m\"\n  x          = 2\n  depends_on = []\n}\n"), Valid),
        ("module count", with_child("module \"m\" {\n  source = \"./m\"\n  count  = 2\n}\n"), Valid),
        ("module for_each", with_child("module \"m\" {\n  source   = \"./m\"\n  for_each = toset([\"a\"])\n}\n"), Valid),
        ("module providers", with_child("provider \"aws\" {\n  alias = \"dr\"\n}\nmodule \"m\" {\n  source    = \"./m\"\n  providers = { aws = aws.dr }\n}\n"), Valid),
        ("module version on a local source", with_child("module \"m\" {\n  source  = \"./m\"\n  version = \"1.0.0\"\n}\n"), Fails("applies to registry modules only")),
        ("registry module source, not installed", one("module \"m\" {\n  source  = \"terraform-aws-modules/s3-bucket/aws\"\n  version = \"~> 4.0\"\n}\n"), Fails("Run `infinstor init` to fetch it")),
        ("git module source, not installed", one("module \"m\" {\n  source = \"git::https://example.com/m.git?ref=v1\"\n}\n"), Fails("Run `infinstor init` to fetch it")),
        ("archive module source", one("module \"m\" {\n  source = \"https://example.com/m.zip\"\n}\n"), Fails("Archives and other URLs are not supported yet")),
        // Top-level blocks.
        ("moved", one("moved {\n  from = aws_s3_bucket.a\n  to   = aws_s3_bucket.b\n}\n"), Valid),
        ("moved in a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "moved {\n  from = aws_s3_bucket.a\n  to   = aws_s3_bucket.b\n}\n")], Valid),
        ("import", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n}\nimport {\n  to = aws_s3_bucket.a\n  id = \"b\"\n}\n"), Valid),
        ("import for_each", one("resource \"aws_s3_bucket\" \"a\" {\n  for_each = toset([\"bucket-b\"])\n  bucket   = each.key\n}\nimport {\n  for_each = toset([\"bucket-b\"])\n  to       = aws_s3_bucket.a[each.key]\n  id       = each.key\n}\n"), Valid),
        ("import for_each into one address", one("resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"bucket-b\"\n}\nimport {\n  for_each = toset([\"b\"])\n  to       = aws_s3_bucket.a\n  id       = each.key\n}\n"), Fails("names each instance by an expression")),
        ("removed", one("removed {\n  from = aws_s3_bucket.a\n  lifecycle {\n    destroy = false\n  }\n}\n"), Valid),
        ("removed in a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "removed {\n  from = aws_s3_bucket.a\n  lifecycle {\n    destroy = false\n  }\n}\n")], Valid),
        ("removed with a provisioner", one("removed {\n  from = aws_s3_bucket.a\n  provisioner \"local-exec\" {\n    command = \"true\"\n  }\n}\n"), Fails(NOT_YET)),
        ("check", one("check \"c\" {\n  assert {\n    condition     = path.root != \"\"\n    error_message = \"x\"\n  }\n}\n"), Valid),
        ("a condition that names nothing", one("check \"c\" {\n  assert {\n    condition     = 1 == 1\n    error_message = \"x\"\n  }\n}\n"), Fails("must refer to at least one object")),
        ("a check's data source used outside it", one("check \"c\" {\n  data \"aws_region\" \"r\" {}\n  assert {\n    condition     = data.aws_region.r.name != \"\"\n    error_message = \"x\"\n  }\n}\noutput \"o\" {\n  value = data.aws_region.r.name\n}\n"), Fails("is declared inside check \"c\" and can be used only there")),
        ("check in a child module", vec![("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"), ("m/main.tf", "check \"c\" {\n  assert {\n    condition     = path.module != \"\"\n    error_message = \"x\"\n  }\n}\n")], Valid),
        ("check with a scoped data source", one("check \"c\" {\n  data \"aws_region\" \"r\" {}\n  assert {\n    condition     = data.aws_region.r.name != \"\"\n    error_message = \"x\"\n  }\n}\n"), Valid),
        // Expressions.
        ("named values", one("output \"o\" {\n  value = [path.module, path.root, path.cwd, terraform.workspace]\n}\n"), Valid),
        ("for, splat, conditional, template directives", one("locals {\n  l = [for s in [\"a\", \"b\"] : upper(s) if s != \"b\"]\n  m = { for k, v in { a = 1 } : k => v... }\n  s = [{ n = 1 }][*].n\n  c = length(local.l) > 0 ? \"yes\" : \"no\"\n  t = \"%{for x in local.l}${x}%{endfor}\"\n}\n"), Valid),
        ("unknown function", one("locals {\n  a = uper(\"x\")\n}\n"), Fails("Did you mean \"upper\"")),
        ("provider-defined function", one("locals {\n  a = provider::aws::arn_parse(\"arn:aws:s3:::b\")\n}\n"), Fails("Provider-defined functions")),
        ("time functions", one("output \"o\" {\n  value = [formatdate(\"YYYY\", plantimestamp()), timeadd(\"2026-01-01T00:00:00Z\", \"1h\"), timecmp(\"2026-01-01T00:00:00Z\", \"2026-01-02T00:00:00Z\")]\n}\n"), Valid),
        ("impure functions", one("output \"o\" {\n  value = [timestamp(), uuid()]\n}\n"), Valid),
        ("yaml functions", one("locals {\n  a = yamldecode(yamlencode({ a = 1 }))\n}\n"), Valid),
        ("text functions", one("locals {\n  t = \"Hi $${n}\"\n  a = [csvdecode(\"a,b\\n1,2\"), base64gzip(\"x\"), textdecodebase64(textencodebase64(\"x\", \"UTF-16LE\"), \"UTF-16LE\"), templatestring(local.t, { n = 1 }), ephemeralasnull(1)]\n}\n"), Valid),
        ("templatestring of a literal", one("output \"o\" {\n  value = templatestring(\"x${1}\", {})\n}\n"), Fails("templatestring takes its template from a reference")),
    ]
}

#[test]
fn every_construct_works_or_is_an_error_at_its_place() {
    let mut wrong = Vec::new();
    for (construct, files, expect) in cases() {
        let ws = workspace(None);
        for (name, text) in &files {
            ws.write(name, text);
        }
        let run = ws.run(&["validate"]);
        match expect {
            Valid if run.code != 0 => wrong.push(format!("{construct}: expected valid, got\n{}", run.stderr)),
            Fails(text) if run.code != 1 || !run.stderr.contains(text) => wrong.push(format!(
                "{construct}: expected an error containing {text:?}, got exit {} and\n{}{}",
                run.code, run.stdout, run.stderr
            )),
            Fails(_) if !run.stderr.contains(" line ") && !files[0].0.ends_with(".json") && files.len() == 1 => wrong
                .push(format!(
                    "{construct}: the error does not point at a line\n{}",
                    run.stderr
                )),
            _ => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "{} constructs behave wrongly:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}

#[test]
fn optional_attributes_take_their_defaults_in_a_plan() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "variable \"o\" {\n  type    = object({ a = optional(string, \"x\"), b = optional(number) })\n  default = {}\n}\noutput \"o\" {\n  value = var.o\n}\n",
    );
    let run = ws.run(&["plan"]).expect_code(0);
    assert!(run.stdout.contains("+ o = {a = \"x\", b = null}"), "{}", run.stdout);
}

/// Terraform 1.9: a validation rule may read the module's other variables, in the root
/// module and in a child module alike.
#[test]
fn a_validation_reads_the_other_variables_of_its_module() {
    let rules = "variable \"min\" {\n  type    = number\n  default = 2\n}\nvariable \"max\" {\n  type    = number\n  default = 4\n  validation {\n    condition     = var.max >= var.min\n    error_message = \"max (${var.max}) must be at least min (${var.min}).\"\n  }\n}\noutput \"range\" {\n  value = \"${var.min}-${var.max}\"\n}\n";
    let ws = workspace(None);
    ws.write("main.tf", rules);
    ws.run(&["validate"]).expect_code(0);
    let fine = ws.run(&["plan"]).expect_code(0);
    assert!(fine.stdout.contains("+ range = \"2-4\""), "{}", fine.stdout);
    let bad = ws.run(&["plan", "-var=min=5"]).expect_code(1);
    assert!(
        bad.stderr.contains("max (4) must be at least min (5)."),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("main.tf line 9"), "{}", bad.stderr);

    let ws = workspace(None);
    ws.write("m/main.tf", rules);
    ws.write(
        "main.tf",
        "variable \"low\" {\n  default = 1\n}\nmodule \"m\" {\n  source = \"./m\"\n  max    = 3\n  min    = var.low\n}\noutput \"range\" {\n  value = module.m.range\n}\n",
    );
    let fine = ws.run(&["plan"]).expect_code(0);
    assert!(fine.stdout.contains("+ range = \"1-3\""), "{}", fine.stdout);
    let bad = ws.run(&["plan", "-var=low=7"]).expect_code(1);
    assert!(
        bad.stderr.contains("max (3) must be at least min (7)."),
        "{}",
        bad.stderr
    );
}

#[test]
fn what_is_not_supported_yet_is_said_at_its_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"terraform {
  cloud {
    organization = "team"
  }
}

module "dr" {
  source    = "./dr"
  providers = { aws = aws.dr }
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
  provisioner "file" {
    source      = "a"
    destination = "b"
  }
}
"#,
    );
    ws.write("dr/main.tf", "variable \"x\" {\n  default = 1\n}\n");
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn dynamic_blocks_make_one_block_per_element() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "origins" {
  type    = list(string)
  default = ["https://a.example.com", "https://b.example.com"]
}

resource "aws_s3_bucket" "b" {
  bucket = "infinstor-dynamic"
}

resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = aws_s3_bucket.b.id
  dynamic "cors_rule" {
    for_each = var.origins
    content {
      id              = "origin-${cors_rule.key}"
      allowed_methods = ["GET"]
      allowed_origins = [cors_rule.value]
    }
  }
}
"#,
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let rules = block_on(async {
        moto.s3()
            .get_bucket_cors()
            .bucket("infinstor-dynamic")
            .send()
            .await
            .expect("CORS")
    });
    let origins: Vec<Vec<String>> = rules
        .cors_rules()
        .iter()
        .map(|r| r.allowed_origins().to_vec())
        .collect();
    assert_eq!(
        origins,
        vec![
            vec!["https://a.example.com".to_string()],
            vec!["https://b.example.com".to_string()]
        ]
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    // One element fewer: one rule fewer, in place.
    let plan = ws
        .run(&[
            "plan",
            "--detailed-exitcode",
            "--var",
            r#"origins=["https://a.example.com"]"#,
        ])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
}

#[test]
fn a_dynamic_for_each_known_only_after_apply_makes_its_blocks_at_apply() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "terraform_data" "origins" {
  input = ["https://a.example.com", "https://b.example.com"]
}

resource "aws_s3_bucket" "b" {
  bucket = "infinstor-dynamic-unknown"
}

resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = aws_s3_bucket.b.id
  dynamic "cors_rule" {
    for_each = terraform_data.origins.output
    content {
      allowed_methods = ["GET"]
      allowed_origins = [cors_rule.value]
    }
  }
}
"#,
    );
    // As in Terraform: how many blocks there are is known at apply.
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("+ cors_rule = (known after apply)"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let rules = block_on(async {
        moto.s3()
            .get_bucket_cors()
            .bucket("infinstor-dynamic-unknown")
            .send()
            .await
            .expect("CORS")
    });
    assert_eq!(rules.cors_rules().len(), 2);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
}

#[test]
fn rules_between_blocks_wait_for_dynamic_blocks_not_known_yet() {
    let ws = workspace(None);
    // A module variable is not known to validate: neither block may be taken as present or
    // absent (the website rules "one of" and "not together").
    ws.write(
        "main.tf",
        r#"
variable "website" {
  type    = any
  default = {}
}

resource "aws_s3_bucket_website_configuration" "w" {
  bucket = "infinstor-website"
  dynamic "index_document" {
    for_each = try([var.website["index_document"]], [])
    content {
      suffix = index_document.value
    }
  }
  dynamic "redirect_all_requests_to" {
    for_each = try([var.website["redirect_all_requests_to"]], [])
    content {
      host_name = redirect_all_requests_to.value
    }
  }
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(0);
    assert!(run.stdout.contains("Success!"), "{}", run.stdout);
}

#[test]
fn preconditions_and_postconditions_are_checked_when_known() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "env" {
  default = "dev"
}

resource "aws_s3_bucket" "b" {
  bucket = "infinstor-cond-${var.env}"
  lifecycle {
    precondition {
      condition     = contains(["dev", "prod"], var.env)
      error_message = "env must be dev or prod, not ${var.env}."
    }
    postcondition {
      condition     = startswith(self.arn, "arn:aws:s3:::")
      error_message = "unexpected ARN ${self.arn}"
    }
  }
}

resource "aws_iam_role" "r" {
  name               = "infinstor-cond"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  lifecycle {
    postcondition {
      condition     = startswith(self.unique_id, var.env == "prod" ? "AROA" : "NOT-")
      error_message = "The role's unique ID ${self.unique_id} does not start as expected."
    }
  }
}

output "arn" {
  value = aws_s3_bucket.b.arn
  precondition {
    condition     = var.env != "prod" || aws_s3_bucket.b.bucket != ""
    error_message = "no bucket"
  }
}
"#,
    );
    let wrong = ws.run(&["plan", "--var", "env=qa"]).expect_code(1);
    insta::assert_snapshot!(wrong.stderr);
    // Known only after apply: checked then; the role exists and is recorded, the run fails.
    let applied = ws.run(&["apply", "--auto-approve"]).expect_code(1);
    assert!(
        applied.stderr.contains("Error: Resource postcondition failed"),
        "{}",
        applied.stderr
    );
    assert!(
        applied.stderr.contains("does not start as expected"),
        "{}",
        applied.stderr
    );
    let listed = ws.run(&["state", "list"]).expect_code(0).stdout;
    assert!(listed.contains("aws_iam_role.r"), "{listed}");
    // With env = prod (the emulator's role IDs start with AROA) everything holds.
    ws.run(&["apply", "--auto-approve", "--var", "env=prod"]).expect_code(0);
    ws.run(&["plan", "--detailed-exitcode", "--var", "env=prod"])
        .expect_code(0);
    ws.run(&["destroy", "--auto-approve", "--var", "env=prod"])
        .expect_code(0);
}

#[test]
fn check_blocks_warn_and_never_stop_a_run() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "expected_tag" {
  default = "platform"
}

resource "aws_iam_role" "r" {
  name               = "infinstor-check"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  tags = {
    team = "data"
  }
}

check "ownership" {
  assert {
    condition     = aws_iam_role.r.tags["team"] == var.expected_tag
    error_message = "The role belongs to ${aws_iam_role.r.tags["team"]}, not ${var.expected_tag}."
  }
}

check "identity" {
  assert {
    condition     = startswith(aws_iam_role.r.unique_id, "NOPE")
    error_message = "The role's unique ID is unexpected."
  }
}
"#,
    );
    // Known when planning: warned at once; the unique ID is checked after apply.
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(
        plan.stderr.contains("Warning: Check block assertion failed"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("The role belongs to data, not platform."),
        "{}",
        plan.stderr
    );
    assert!(!plan.stderr.contains("unique ID"), "{}", plan.stderr);
    let applied = ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert!(
        applied.stderr.contains("The role's unique ID is unexpected."),
        "{}",
        applied.stderr
    );
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
}

#[test]
fn timestamps_are_known_when_terraform_knows_them() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "output \"year\" {\n  value = formatdate(\"YYYY\", plantimestamp())\n}\noutput \"applied_at\" {\n  value = timestamp()\n}\n",
    );
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(
        plan.stdout.contains("+ applied_at = (known after apply)"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("+ year       = \"20"), "{}", plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let at = ws.run(&["output", "-raw", "applied_at"]).expect_code(0).stdout;
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at:?}"
    );
}

#[test]
fn replace_triggered_by_replaces_on_a_planned_change_of_what_it_names() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "release" {
  default = "1"
}

resource "aws_s3_bucket" "a" {
  bucket = "infinstor-trigger"
  tags = {
    release = var.release
  }
}

resource "aws_iam_role" "whole" {
  name               = "infinstor-trigger-whole"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  lifecycle {
    replace_triggered_by = [aws_s3_bucket.a]
  }
}

resource "aws_iam_role" "name_only" {
  name               = "infinstor-trigger-name"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  lifecycle {
    replace_triggered_by = [aws_s3_bucket.a.bucket]
  }
}
"#,
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let plan = ws
        .run(&["plan", "--detailed-exitcode", "--var", "release=2"])
        .expect_code(2);
    assert!(
        plan.stdout.contains("# aws_iam_role.whole must be replaced")
            && plan
                .stdout
                .contains("replace_triggered_by: aws_s3_bucket.a has a planned change"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("aws_iam_role.name_only"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 1 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve", "--var", "release=2"])
        .expect_code(0);
    ws.run(&["plan", "--detailed-exitcode", "--var", "release=2"])
        .expect_code(0);
}

#[test]
fn data_sources_scoped_in_a_check_block_warn_when_they_cannot_be_read() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name               = "infinstor-checked"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

check "role_path" {
  data "aws_iam_role" "seen" {
    name = aws_iam_role.r.name
  }
  assert {
    condition     = data.aws_iam_role.seen.path == "/service/"
    error_message = "The role is at path ${data.aws_iam_role.seen.path}, not /service/."
  }
}

check "missing" {
  data "aws_iam_role" "other" {
    name = "infinstor-no-such-role"
  }
  assert {
    condition     = data.aws_iam_role.other.arn != ""
    error_message = "unreachable"
  }
}
"#,
    );
    // Before the role exists neither can be read: two warnings, and the plan goes on.
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert_eq!(
        plan.stderr
            .matches("Warning: Check block data source could not be read")
            .count(),
        2,
        "{}",
        plan.stderr
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    assert!(
        plan.stderr.contains("The role is at path /, not /service/."),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains("no IAM role named \"infinstor-no-such-role\"")
            && plan
                .stderr
                .contains("The assertions of check \"missing\" that use it are not checked"),
        "{}",
        plan.stderr
    );
    assert!(!plan.stderr.contains("unreachable"), "{}", plan.stderr);
}
