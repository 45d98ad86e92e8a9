//! Tags of the taggable IAM types, through the binary against the emulator: keys added,
//! changed and removed in one update, the provider's `default_tags` under each, and what IAM
//! reports read back through the SDK. (SAML providers take the same calls, but the emulator
//! neither keeps nor lists their tags.) An existing policy's tags and document are read back by
//! the `aws_iam_policy` data source.

use crate::util::output;
use crate::util::{block_on, planned_changes, start_moto, workspace, Clients, Moto};
use std::collections::BTreeMap;

const TAGGED: &str = r#"
provider "aws" {
  default_tags {
    tags = { owner = "platform" }
  }
}

variable "tags" {
  type = map(string)
}

resource "aws_iam_role" "r" {
  name = "tagged-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  tags = var.tags
}

resource "aws_iam_policy" "p" {
  name = "tagged-policy"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }]
  })
  tags = var.tags
}

resource "aws_iam_user" "u" {
  name = "tagged-user"
  tags = var.tags
}

resource "aws_iam_instance_profile" "i" {
  name = "tagged-profile"
  tags = var.tags
}

resource "aws_iam_openid_connect_provider" "o" {
  url             = "https://token.example.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  tags            = var.tags
}

output "policy" {
  value = aws_iam_policy.p.arn
}

output "oidc" {
  value = aws_iam_openid_connect_provider.o.arn
}
"#;

/// A tag list as a map.
fn tag_map<'a>(tags: impl IntoIterator<Item = &'a aws_sdk_iam::types::Tag>) -> BTreeMap<String, String> {
    tags.into_iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The tags IAM reports for each object, by the object's kind.
fn tags_in_iam(moto: &Moto, arns: &[String; 2]) -> BTreeMap<&'static str, BTreeMap<String, String>> {
    let iam = moto.iam();
    let [policy, oidc] = arns;
    block_on(async {
        BTreeMap::from([
            (
                "role",
                tag_map(
                    iam.list_role_tags()
                        .role_name("tagged-role")
                        .send()
                        .await
                        .expect("role")
                        .tags(),
                ),
            ),
            (
                "policy",
                tag_map(
                    iam.list_policy_tags()
                        .policy_arn(policy)
                        .send()
                        .await
                        .expect("policy")
                        .tags(),
                ),
            ),
            (
                "user",
                tag_map(
                    iam.list_user_tags()
                        .user_name("tagged-user")
                        .send()
                        .await
                        .expect("user")
                        .tags(),
                ),
            ),
            (
                "instance profile",
                tag_map(
                    iam.get_instance_profile()
                        .instance_profile_name("tagged-profile")
                        .send()
                        .await
                        .expect("profile")
                        .instance_profile()
                        .map(|p| p.tags())
                        .unwrap_or_default(),
                ),
            ),
            (
                "oidc provider",
                tag_map(
                    iam.list_open_id_connect_provider_tags()
                        .open_id_connect_provider_arn(oidc)
                        .send()
                        .await
                        .expect("oidc")
                        .tags(),
                ),
            ),
        ])
    })
}

fn expected(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn every_taggable_iam_type_adds_changes_and_removes_tags_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", TAGGED);
    ws.write("terraform.tfvars", "tags = { team = \"ml\", stage = \"dev\" }\n");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let arns = [output(&ws, "policy"), output(&ws, "oidc")];
    let first = expected(&[("owner", "platform"), ("team", "ml"), ("stage", "dev")]);
    for (kind, tags) in tags_in_iam(&moto, &arns) {
        assert_eq!(tags, first, "{kind}");
    }

    // One key changed, one removed, one added; the default tag stays.
    ws.write("terraform.tfvars", "tags = { team = \"research\", cost = \"42\" }\n");
    planned_changes(&ws, "Plan: 0 to add, 5 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let second = expected(&[("owner", "platform"), ("team", "research"), ("cost", "42")]);
    for (kind, tags) in tags_in_iam(&moto, &arns) {
        assert_eq!(tags, second, "{kind}");
    }

    // A tag set outside is drift: the plan puts it back.
    block_on(async {
        moto.iam()
            .tag_role()
            .role_name("tagged-role")
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key("team")
                    .value("hand")
                    .build()
                    .expect("tag"),
            )
            .send()
            .await
            .expect("tag by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(tags_in_iam(&moto, &arns)["role"], second);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

/// An existing managed policy read by name within a path, and by ARN: its document, path and
/// tags; a name no policy has fails the plan saying so.
#[test]
fn an_existing_policy_is_read_by_name_or_arn() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_policy" "read" {
  name   = "read-artifacts"
  path   = "/mlflow/"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  tags   = { team = "ml" }
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.write(
        "lookup.tf",
        r#"
data "aws_iam_policy" "by_name" {
  name        = "read-artifacts"
  path_prefix = "/mlflow/"
  depends_on  = [aws_iam_policy.read]
}

data "aws_iam_policy" "by_arn" {
  arn = aws_iam_policy.read.arn
}

output "found" {
  value = "${data.aws_iam_policy.by_name.arn} ${data.aws_iam_policy.by_name.path} ${data.aws_iam_policy.by_arn.tags["team"]} ${jsondecode(data.aws_iam_policy.by_arn.policy).Statement[0].Action}"
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        crate::util::output(&ws, "found"),
        "arn:aws:iam::123456789012:policy/mlflow/read-artifacts /mlflow/ ml s3:GetObject"
    );
    ws.write(
        "lookup.tf",
        "data \"aws_iam_policy\" \"none\" {\n  name = \"no-such-policy\"\n}\n",
    );
    let missing = ws.run(&["plan"]).expect_code(1);
    assert!(
        missing.stderr.contains("no IAM policy is named \"no-such-policy\""),
        "{}",
        missing.stderr
    );
}
