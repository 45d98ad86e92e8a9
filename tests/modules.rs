//! Module calls with `count` and `for_each`: one module instance per key, addresses
//! `module.NAME["key"]` and `module.NAME[0]`, references to their outputs, and instances that
//! come and go with the keys. Checked through the SDK against the emulator.

use crate::util::{block_on, bucket_names as buckets, start_moto, workspace, Workspace};

const ROOT: &str = r#"
variable "tenants" {
  type    = set(string)
  default = ["acme", "globex"]
}

variable "enable_ui" {
  type    = bool
  default = false
}

module "tenant" {
  source   = "./tenant"
  for_each = var.tenants
  name     = each.key
}

module "ui" {
  source = "./store"
  count  = var.enable_ui ? 1 : 0
  bucket = "infinstor-ui-${count.index}"
}

output "buckets" {
  value = { for k, t in module.tenant : k => t.bucket }
}

output "acme" {
  value = module.tenant["acme"].bucket
}

output "ui" {
  value = module.ui[*].bucket
}
"#;

const TENANT: &str = r#"
variable "name" {
  type = string
}

module "store" {
  source = "../store"
  bucket = "infinstor-t-${var.name}"
}

output "bucket" {
  value = module.store.bucket
}
"#;

const STORE: &str = r#"
variable "bucket" {
  type = string
}

resource "aws_s3_bucket" "b" {
  bucket = var.bucket
}

output "bucket" {
  value = aws_s3_bucket.b.bucket
}
"#;

fn setup(ws: &Workspace) {
    ws.write("main.tf", ROOT);
    ws.write("tenant/main.tf", TENANT);
    ws.write("store/main.tf", STORE);
}

#[test]
fn module_for_each_and_count_make_one_instance_per_key() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);

    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("module.tenant[\"acme\"].module.store.aws_s3_bucket.b will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("Plan: 2 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(buckets(&moto), vec!["infinstor-t-acme", "infinstor-t-globex"]);
    let listed = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(
        listed.stdout.lines().collect::<Vec<_>>(),
        vec![
            "module.tenant[\"acme\"].module.store.aws_s3_bucket.b",
            "module.tenant[\"globex\"].module.store.aws_s3_bucket.b",
        ]
    );
    let outputs = ws.run(&["output", "--json"]).expect_code(0);
    let outputs: serde_json::Value = serde_json::from_str(&outputs.stdout).expect("output JSON");
    assert_eq!(outputs["acme"]["value"], "infinstor-t-acme");
    assert_eq!(
        outputs["buckets"]["value"],
        serde_json::json!({"acme": "infinstor-t-acme", "globex": "infinstor-t-globex"})
    );
    assert_eq!(outputs["ui"]["value"], serde_json::json!([]));

    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    // One tenant leaves, the UI module is switched on: its instance comes, the tenant's goes.
    let args = ["--var", "tenants=[\"acme\"]", "--var", "enable_ui=true"];
    let plan = ws
        .run(&[&["plan", "--detailed-exitcode"][..], &args].concat())
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 0 to change, 1 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("module.tenant[\"globex\"].module.store.aws_s3_bucket.b will be destroyed"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("module.ui[0].aws_s3_bucket.b will be created"),
        "{}",
        plan.stdout
    );
    ws.run(&[&["apply", "--auto-approve"][..], &args].concat())
        .expect_code(0);
    assert_eq!(buckets(&moto), vec!["infinstor-t-acme", "infinstor-ui-0"]);
    ws.run(&[&["plan", "--detailed-exitcode"][..], &args].concat())
        .expect_code(0);

    ws.run(&[&["destroy", "--auto-approve"][..], &args].concat())
        .expect_code(0);
    assert!(buckets(&moto).is_empty());
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

#[test]
fn a_module_for_each_known_only_after_apply_is_an_error_at_its_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name               = "infinstor-module-unknown"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

module "m" {
  source   = "./m"
  for_each = { (aws_iam_role.r.unique_id) = 1 }
}
"#,
    );
    ws.write("m/main.tf", "variable \"x\" {\n  default = 1\n}\n");
    let run = ws.run(&["plan"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
}

const SITE: &str = r#"
variable "name" {
  type = string
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

resource "aws_ssm_parameter" "site" {
  name  = "/infinstor/site/${var.name}"
  type  = "String"
  value = var.name
}

output "account" {
  value = data.aws_caller_identity.current.account_id
}

output "region" {
  value = data.aws_region.current.name
}
"#;

/// SSM parameter names in one account and region, seen with that account's credentials.
fn parameters(moto: &crate::util::Moto, region: &str, role: Option<&str>) -> Vec<String> {
    block_on(async {
        let base = moto.sdk_config();
        let mut conf =
            aws_sdk_ssm::config::Builder::from(&base).region(aws_sdk_ssm::config::Region::new(region.to_string()));
        if let Some(role) = role {
            let creds = aws_sdk_sts::Client::new(&base)
                .assume_role()
                .role_arn(role)
                .role_session_name("check")
                .send()
                .await
                .expect("assume role")
                .credentials
                .expect("credentials");
            conf = conf.credentials_provider(aws_sdk_ssm::config::Credentials::new(
                creds.access_key_id,
                creds.secret_access_key,
                Some(creds.session_token),
                None,
                "assumed",
            ));
        }
        let out = aws_sdk_ssm::Client::from_conf(conf.build())
            .describe_parameters()
            .send()
            .await
            .expect("describe parameters");
        out.parameters()
            .iter()
            .filter_map(|p| p.name().map(str::to_string))
            .collect()
    })
}

#[test]
fn one_module_called_with_two_provider_configurations_deploys_into_each_account_and_region() {
    const DR_ROLE: &str = "arn:aws:iam::222222222222:role/infinstor-dr";
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        &format!(
            r#"
provider "aws" {{
  region = "us-east-1"
}}

provider "aws" {{
  alias  = "dr"
  region = "us-west-2"
  assume_role {{
    role_arn = "{DR_ROLE}"
  }}
}}

module "primary" {{
  source = "./site"
  name   = "primary"
}}

module "dr" {{
  source    = "./site"
  name      = "dr"
  providers = {{ aws = aws.dr }}
}}

output "accounts" {{
  value = [module.primary.account, module.dr.account]
}}

output "regions" {{
  value = [module.primary.region, module.dr.region]
}}
"#
        ),
    );
    ws.write("site/main.tf", SITE);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);

    let outputs = ws.run(&["output", "--json"]).expect_code(0);
    let outputs: serde_json::Value = serde_json::from_str(&outputs.stdout).expect("output JSON");
    assert_eq!(
        outputs["accounts"]["value"],
        serde_json::json!(["123456789012", "222222222222"])
    );
    assert_eq!(
        outputs["regions"]["value"],
        serde_json::json!(["us-east-1", "us-west-2"])
    );
    assert_eq!(parameters(&moto, "us-east-1", None), vec!["/infinstor/site/primary"]);
    assert_eq!(
        parameters(&moto, "us-west-2", Some(DR_ROLE)),
        vec!["/infinstor/site/dr"]
    );
    assert!(
        parameters(&moto, "us-west-2", None).is_empty(),
        "nothing in the primary account's DR region"
    );
    let state = ws.state();
    let providers: Vec<(String, String)> = state["resources"]
        .as_array()
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    (
                        crate::util::resource_address(r),
                        r["provider"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .filter(|(address, _)| address.contains("aws_ssm_parameter"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        providers,
        vec![
            (
                "module.dr.aws_ssm_parameter.site".to_string(),
                r#"provider["registry.terraform.io/hashicorp/aws"].dr"#.to_string()
            ),
            (
                "module.primary.aws_ssm_parameter.site".to_string(),
                r#"provider["registry.terraform.io/hashicorp/aws"]"#.to_string()
            ),
        ],
        "{state}"
    );

    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(parameters(&moto, "us-west-2", Some(DR_ROLE)).is_empty());
    assert!(parameters(&moto, "us-east-1", None).is_empty());
}

#[test]
fn provider_configurations_a_module_is_not_given_are_errors_at_their_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
provider "aws" {
  alias  = "shared"
  region = "us-east-1"
}

module "dns" {
  source    = "./dns"
  providers = { aws.zone = aws.shared }
}

module "plain" {
  source = "./dns"
}
"#,
    );
    ws.write(
        "dns/main.tf",
        r#"
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", configuration_aliases = [aws.zone] }
  }
}

resource "aws_ssm_parameter" "in_zone_account" {
  provider = aws.zone
  name     = "/zone"
  type     = "String"
  value    = "z"
}

resource "aws_ssm_parameter" "default" {
  name  = "/default"
  type  = "String"
  value = "d"
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    // The default configuration reaches a child whose call has a providers map that does not
    // name it, as in Terraform: only the aliases are missing.
    assert!(!run.stderr.contains("\"default\""), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn target_names_a_module_instance_a_whole_module_or_nothing_and_says_so() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);
    // One instance of a for_each module, on an empty state; outputs that read the others
    // are not known yet instead of failing.
    let plan = ws
        .run(&["plan", "--detailed-exitcode", "--target", r#"module.tenant["acme"]"#])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve", "--target", r#"module.tenant["acme"]"#])
        .expect_code(0);
    assert_eq!(buckets(&moto), vec!["infinstor-t-acme"]);
    // The whole module: the other instance.
    let plan = ws
        .run(&["plan", "--detailed-exitcode", "--target", "module.tenant"])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    let wrong = ws.run(&["plan", "--target", "module.tenants"]).expect_code(1);
    insta::assert_snapshot!(wrong.stderr);
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(buckets(&moto).is_empty());
}

#[test]
fn target_on_an_empty_state_plans_the_target_and_what_it_needs() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/mlflow-artifacts");
    let plan = ws
        .run(&[
            "plan",
            "--detailed-exitcode",
            "--var",
            "external_id=mlflow-ext-1234",
            "--target",
            "module.artifacts.aws_s3_bucket.artifacts",
        ])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
}

#[test]
fn state_mv_moves_a_whole_module_and_a_whole_for_each_resource() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);
    ws.write(
        "buckets.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  for_each = toset([\"x\", \"y\"])\n  bucket   = \"infinstor-mv-${each.key}\"\n}\n",
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);

    // The configuration renames the module call and the resource; state follows with two moves.
    ws.write(
        "main.tf",
        &ROOT
            .replace("module \"tenant\"", "module \"customer\"")
            .replace("module.tenant", "module.customer"),
    );
    ws.write("buckets.tf", &ws.read("buckets.tf").replace("\"b\"", "\"buckets\""));
    let moved = ws
        .run(&["state", "mv", "module.tenant", "module.customer"])
        .expect_code(0);
    insta::assert_snapshot!(moved.stdout);
    let moved = ws
        .run(&["state", "mv", "aws_s3_bucket.b", "aws_s3_bucket.buckets"])
        .expect_code(0);
    assert!(
        moved.stdout.contains("Successfully moved 2 object(s)."),
        "{}",
        moved.stdout
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    let wrong = ws
        .run(&["state", "mv", "module.customer", "aws_s3_bucket.z"])
        .expect_code(1);
    assert!(
        wrong.stderr.contains("one is a module and the other a resource"),
        "{}",
        wrong.stderr
    );
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(buckets(&moto).is_empty());
}

#[test]
fn moved_blocks_and_count_changes_move_state_without_touching_aws() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);
    ws.write(
        "solo.tf",
        "resource \"aws_s3_bucket\" \"solo\" {\n  bucket = \"infinstor-solo\"\n}\n",
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);

    // The module call is renamed with a moved block; the single bucket gains count = 1.
    ws.write(
        "main.tf",
        &format!(
            "{}\nmoved {{\n  from = module.tenant\n  to   = module.customer\n}}\n",
            ROOT.replace("module \"tenant\"", "module \"customer\"")
                .replace("module.tenant", "module.customer")
        ),
    );
    ws.write(
        "solo.tf",
        "resource \"aws_s3_bucket\" \"solo\" {\n  count  = 1\n  bucket = \"infinstor-solo\"\n}\n",
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    insta::assert_snapshot!(plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let listed = ws.run(&["state", "list"]).expect_code(0).stdout;
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        vec![
            "aws_s3_bucket.solo[0]",
            "module.customer[\"acme\"].module.store.aws_s3_bucket.b",
            "module.customer[\"globex\"].module.store.aws_s3_bucket.b",
        ]
    );
    assert_eq!(
        buckets(&moto),
        vec!["infinstor-solo", "infinstor-t-acme", "infinstor-t-globex"]
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    // A moved block whose old address is still declared is a mistake at its place.
    ws.write(
        "again.tf",
        "moved {\n  from = aws_s3_bucket.solo\n  to   = aws_s3_bucket.other\n}\n",
    );
    let wrong = ws.run(&["plan"]).expect_code(1);
    assert!(wrong.stderr.contains("Moved object still exists"), "{}", wrong.stderr);
    assert!(wrong.stderr.contains("again.tf line 1"), "{}", wrong.stderr);
}

#[test]
fn moved_blocks_in_child_modules_move_every_instance_of_the_module() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);

    // The tenant module renames its call of store; store renames its bucket. Each block's
    // addresses are relative to its own module, in each instance of it.
    ws.write(
        "tenant/main.tf",
        &format!(
            "{}\nmoved {{\n  from = module.store\n  to   = module.storage\n}}\n",
            TENANT
                .replace("module \"store\"", "module \"storage\"")
                .replace("module.store.", "module.storage.")
        ),
    );
    ws.write(
        "store/main.tf",
        &format!(
            "{}\nmoved {{\n  from = aws_s3_bucket.b\n  to   = aws_s3_bucket.bucket\n}}\n",
            STORE
                .replace("\"aws_s3_bucket\" \"b\"", "\"aws_s3_bucket\" \"bucket\"")
                .replace("aws_s3_bucket.b.", "aws_s3_bucket.bucket.")
        ),
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    for tenant in ["acme", "globex"] {
        let line = format!(
            "# module.tenant[\"{tenant}\"].module.store.aws_s3_bucket.b has moved to module.tenant[\"{tenant}\"].module.storage.aws_s3_bucket.bucket"
        );
        assert!(plan.stdout.contains(&line), "{line} in\n{}", plan.stdout);
    }
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout,
        "module.tenant[\"acme\"].module.storage.aws_s3_bucket.bucket\nmodule.tenant[\"globex\"].module.storage.aws_s3_bucket.bucket\n"
    );
    assert_eq!(buckets(&moto), vec!["infinstor-t-acme", "infinstor-t-globex"]);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn removed_blocks_in_child_modules_forget_the_objects_of_every_instance() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    setup(&ws);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    ws.write(
        "store/main.tf",
        "variable \"bucket\" {\n  type = string\n}\n\nremoved {\n  from = aws_s3_bucket.b\n  lifecycle {\n    destroy = false\n  }\n}\n\noutput \"bucket\" {\n  value = var.bucket\n}\n",
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    for tenant in ["acme", "globex"] {
        let line = format!(
            "# module.tenant[\"{tenant}\"].module.store.aws_s3_bucket.b will no longer be managed by infinstor"
        );
        assert!(plan.stdout.contains(&line), "{line} in\n{}", plan.stdout);
    }
    assert!(plan.stdout.contains("2 to forget"), "{}", plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
    assert_eq!(
        buckets(&moto),
        vec!["infinstor-t-acme", "infinstor-t-globex"],
        "forgotten, not destroyed"
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
}

#[test]
fn check_blocks_in_child_modules_warn_for_each_instance() {
    let ws = workspace(None);
    setup(&ws);
    ws.write(
        "tenant/checks.tf",
        "check \"name\" {\n  assert {\n    condition     = length(var.name) > 4\n    error_message = \"Tenant name ${var.name} is short.\"\n  }\n}\n",
    );
    let plan = ws.run(&["plan", "--refresh=false"]).expect_code(0);
    assert!(
        plan.stderr.contains("in check \"name\" of module.tenant[\"acme\"]")
            && plan.stderr.contains("Tenant name acme is short."),
        "{}",
        plan.stderr
    );
    assert!(
        !plan.stderr.contains("globex is short"),
        "globex passes the check: {}",
        plan.stderr
    );
}

#[test]
fn provider_meta_products_are_added_to_the_user_agent_of_every_request() {
    let moto = start_moto();
    let proxy = test_support::Proxy::start(&moto.endpoint);
    let ws = workspace(Some(&moto));
    setup(&ws);
    ws.write(
        "store/versions.tf",
        "terraform {\n  provider_meta \"aws\" {\n    user_agent = [\"github.com/example/store\", \"store/1.0\"]\n  }\n}\n",
    );
    let mut apply = ws.command(&["apply", "--auto-approve"]);
    apply.env("AWS_ENDPOINT_URL", &proxy.endpoint);
    proxy.run(apply).0.expect_code(0);
    let calls = proxy.calls();
    assert!(!calls.is_empty());
    for call in &calls {
        assert!(
            call.user_agent.contains("aws-sdk-rust")
                && call.user_agent.ends_with(" github.com/example/store store/1.0"),
            "{}: {}",
            call.kind,
            call.user_agent
        );
    }
    assert_eq!(buckets(&moto), vec!["infinstor-t-acme", "infinstor-t-globex"]);
}

/// As in Terraform, a relative path names a file from the directory infinstor runs in, in
/// every module; a module reads its own files as `${path.module}/...`, also when it is called
/// from a sibling directory (`source = "../../"`, as public modules' examples do).
#[test]
fn file_paths_are_relative_to_the_working_directory_in_every_module() {
    let ws = crate::util::workspace(None);
    ws.write("shared.txt", "shared\n");
    ws.write("modules/m/own.txt", "own\n");
    ws.write(
        "modules/m/main.tf",
        r#"
output "own" {
  value = file("${path.module}/own.txt")
}

output "shared" {
  value = file("shared.txt")
}
"#,
    );
    ws.write(
        "main.tf",
        r#"
module "m" {
  source = "./modules/m"
}

output "all" {
  value = "${module.m.own}${module.m.shared}"
}
"#,
    );
    let plan = ws.run(&["plan", "-no-color"]).expect_code(0);
    assert!(plan.stdout.contains(r#"+ all = "own\nshared\n""#), "{}", plan.stdout);
    ws.write("examples/simple/shared.txt", "example\n");
    ws.write(
        "examples/simple/main.tf",
        r#"
module "m" {
  source = "../../modules/m"
}

output "all" {
  value = "${module.m.own}${module.m.shared}"
}
"#,
    );
    let example = ws.run(&["-C", "examples/simple", "plan", "-no-color"]).expect_code(0);
    assert!(
        example.stdout.contains(r#"+ all = "own\nexample\n""#),
        "{}",
        example.stdout
    );
}
