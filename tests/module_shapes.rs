//! The shapes public Terraform modules are written in, in this project's own words: a role
//! module with a `create` switch, object variables with `optional()` defaults, a trust policy
//! built by nested `dynamic` blocks, `for_each` policy attachments and a conditional instance
//! profile; called with `for_each` and switched off. Planned, applied, re-planned clean and
//! destroyed against the emulator; what it made is read back through the SDK.

use crate::util::{block_on, start_moto, workspace, Clients, Moto};

const ROLE_MODULE: &str = r#"
variable "create" {
  type    = bool
  default = true
}

variable "name" {
  type = string
}

variable "trust" {
  type = map(object({
    actions    = optional(list(string), ["sts:AssumeRole"])
    principals = optional(list(object({ type = string, identifiers = list(string) })), [])
    conditions = optional(list(object({ test = string, variable = string, values = list(string) })), [])
  }))
  default = {}
}

variable "policies" {
  type    = map(string)
  default = {}
}

variable "instance_profile" {
  type    = bool
  default = false
}

variable "tags" {
  type    = map(string)
  default = {}
}

data "aws_iam_policy_document" "trust" {
  count = var.create ? 1 : 0

  dynamic "statement" {
    for_each = var.trust
    content {
      sid     = statement.key
      actions = statement.value.actions

      dynamic "principals" {
        for_each = statement.value.principals
        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }

      dynamic "condition" {
        for_each = statement.value.conditions
        iterator = c
        content {
          test     = c.value.test
          variable = c.value.variable
          values   = c.value.values
        }
      }
    }
  }
}

resource "aws_iam_role" "this" {
  count = var.create ? 1 : 0

  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.trust[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = { for k, v in var.policies : k => v if var.create }

  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

resource "aws_iam_instance_profile" "this" {
  count = var.create && var.instance_profile ? 1 : 0

  name = var.name
  role = aws_iam_role.this[0].name
}

output "arn" {
  value = try(aws_iam_role.this[0].arn, null)
}

output "instance_profile" {
  value = try(aws_iam_instance_profile.this[0].name, null)
}
"#;

const ROOT: &str = r#"
resource "aws_iam_policy" "read" {
  name = "shape-read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

module "roles" {
  source   = "./modules/role"
  for_each = { reader = true, admin = false }

  name             = "shape-${each.key}"
  instance_profile = each.value
  trust = {
    Ec2 = { principals = [{ type = "Service", identifiers = ["ec2.amazonaws.com"] }] }
    Partner = {
      principals = [{ type = "AWS", identifiers = ["arn:aws:iam::123456789012:root"] }]
      conditions = [{ test = "StringEquals", variable = "sts:ExternalId", values = ["shape-${each.key}"] }]
    }
  }
  policies = { read = aws_iam_policy.read.arn }
  tags     = { Shape = "role" }
}

module "switched_off" {
  source = "./modules/role"
  create = false
  name   = "shape-none"
}

output "arns" {
  value = { for k, m in module.roles : k => m.arn }
}

output "off" {
  value = module.switched_off.arn
}
"#;

/// Each role's name, trust policy, attached policies and instance profiles.
fn roles(moto: &Moto) -> Vec<(String, serde_json::Value, Vec<String>, Vec<String>)> {
    block_on(async {
        let iam = moto.iam();
        let listed = iam.list_roles().send().await.expect("roles");
        let mut out = Vec::new();
        for role in listed.roles().iter().filter(|r| r.role_name().starts_with("shape-")) {
            let name = role.role_name().to_string();
            // IAM returns policy documents URL-encoded.
            let trust = urlencoding::decode(role.assume_role_policy_document().unwrap_or("{}"))
                .expect("UTF-8 document")
                .into_owned();
            let attached = iam
                .list_attached_role_policies()
                .role_name(&name)
                .send()
                .await
                .expect("attached");
            let profiles = iam
                .list_instance_profiles_for_role()
                .role_name(&name)
                .send()
                .await
                .expect("profiles");
            out.push((
                name,
                serde_json::from_str(&trust).expect("trust policy JSON"),
                attached
                    .attached_policies()
                    .iter()
                    .filter_map(|p| p.policy_name().map(str::to_string))
                    .collect(),
                profiles
                    .instance_profiles()
                    .iter()
                    .map(|p| p.instance_profile_name().to_string())
                    .collect(),
            ));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    })
}

#[test]
fn a_role_module_in_the_shape_public_modules_use_deploys_per_instance_and_switches_off() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", ROOT);
    ws.write("modules/role/main.tf", ROLE_MODULE);
    ws.run(&["validate"]).expect_code(0);
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    // The policy; each role with its attachment; the reader's instance profile; nothing of
    // the module switched off.
    assert!(
        plan.stdout.contains("Plan: 6 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("switched_off"), "{}", plan.stdout);
    ws.run(&["apply", "--auto-approve"]).expect_code(0);

    let made = roles(&moto);
    let names: Vec<&str> = made.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, vec!["shape-admin", "shape-reader"]);
    for (name, trust, attached, profiles) in &made {
        let statements = trust["Statement"].as_array().expect("statements");
        let sids: Vec<&str> = statements.iter().filter_map(|s| s["Sid"].as_str()).collect();
        assert_eq!(sids, vec!["Ec2", "Partner"], "{name}: {trust}");
        assert_eq!(
            statements[1]["Condition"]["StringEquals"]["sts:ExternalId"],
            serde_json::json!(name),
            "{name}: {trust}"
        );
        assert_eq!(
            statements[0]["Principal"]["Service"],
            serde_json::json!("ec2.amazonaws.com")
        );
        assert_eq!(attached, &vec!["shape-read".to_string()], "{name}");
        let expected_profiles: Vec<String> = match name.as_str() {
            "shape-reader" => vec!["shape-reader".into()],
            _ => Vec::new(),
        };
        assert_eq!(profiles, &expected_profiles, "{name}");
    }
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(roles(&moto).is_empty());
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}
