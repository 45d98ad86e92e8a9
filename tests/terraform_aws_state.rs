//! AWS objects move between Terraform's AWS provider and infinstor through one state, against
//! the emulator: Terraform (with the AWS provider from a local provider mirror) creates 67
//! objects of 57 types (ACM's validation records among them, named with a trailing dot),
//! infinstor plans no changes on Terraform's state and applies a change, Terraform plans no
//! changes on what infinstor wrote; and objects infinstor created are
//! planned clean by Terraform.
//!
//! Terraform runs when `terraform` is on PATH and the AWS provider is in the mirror
//! (`/opt/tf-plugins`, or `INFINSTOR_TF_PLUGINS`). The state Terraform wrote is recorded in
//! tests/data/terraform_state/aws.tfstate (`INFINSTOR_RECORD_TERRAFORM=1`); without Terraform
//! the recording stands in for it: infinstor creates the objects, the state is rewritten in the
//! form Terraform's provider recorded (its attributes, zero values, schema versions, provider
//! addresses) with the identifiers of the objects created here, and infinstor must plan no
//! changes on it.

use crate::util;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    test_support::repo_root().join("tests/data/terraform_state/aws.tfstate")
}

/// `terraform` and the provider mirror, when both are here.
pub(crate) fn terraform_with_aws() -> Option<(PathBuf, PathBuf)> {
    let program = util::terraform::program()?;
    let mirror = std::env::var_os("INFINSTOR_TF_PLUGINS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/tf-plugins"));
    mirror
        .join("registry.terraform.io/hashicorp/aws")
        .is_dir()
        .then_some((program, mirror))
}

/// Terraform with the AWS provider from the mirror.
pub(crate) struct Terraform {
    program: PathBuf,
    rc: PathBuf,
}

impl Terraform {
    /// Terraform whose CLI configuration (in `dir`) installs the AWS provider from `mirror`.
    pub(crate) fn new(program: PathBuf, mirror: &Path, dir: &Path) -> Terraform {
        let rc = dir.join("terraform.rc");
        std::fs::write(
            &rc,
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
                mirror.display()
            ),
        )
        .expect("terraform.rc");
        Terraform { program, rc }
    }

    /// Runs `terraform ARGS` in `dir`: the exit code and what it printed.
    pub(crate) fn run(&self, dir: &Path, args: &[&str]) -> (i32, String) {
        util::terraform::run(&self.program, dir, args, &self.rc, &[])
    }

    /// Runs `terraform ARGS` in `dir`, which must succeed.
    pub(crate) fn ok(&self, dir: &Path, args: &[&str]) {
        let (code, text) = self.run(dir, args);
        assert_eq!(code, 0, "terraform {args:?}:\n{text}");
    }
}

/// The configuration: names end with `suffix`; step 2 changes a value, a retention, tags and a
/// description in place.
fn config(endpoint: &str, suffix: &str, step: u32) -> String {
    let (value, retention, team, description) = match step {
        1 => ("one", 7, "ml", "made for the round trip"),
        _ => ("two", 14, "data", "changed by infinstor"),
    };
    let services = [
        "s3",
        "iam",
        "sts",
        "ssm",
        "kms",
        "route53",
        "logs",
        "dynamodb",
        "acm",
        "cloudformation",
        "ec2",
        "sesv2",
    ]
    .map(|s| format!("    {s} = \"{endpoint}\"\n"))
    .concat();
    format!(
        r#"provider "aws" {{
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{services}  }}
}}

resource "aws_s3_bucket" "b" {{
  bucket = "roundtrip{suffix}"
  tags   = {{ team = "{team}" }}
}}

resource "aws_s3_bucket_versioning" "v" {{
  bucket = aws_s3_bucket.b.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "e" {{
  bucket = aws_s3_bucket.b.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "AES256"
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "p" {{
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_iam_role" "r" {{
  name        = "roundtrip{suffix}"
  description = "{description}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}, Action = "sts:AssumeRole", Condition = {{ StringEquals = {{ "sts:ExternalId" = "abc" }} }} }}]
  }})
  tags = {{ app = "mlflow" }}
}}

resource "aws_iam_policy" "p" {{
  name   = "roundtrip{suffix}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = ["${{aws_s3_bucket.b.arn}}/*"] }}] }})
}}

resource "aws_iam_role_policy_attachment" "a" {{
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}}

resource "aws_iam_role_policy" "inline" {{
  name   = "inline"
  role   = aws_iam_role.r.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListBucket", Resource = aws_s3_bucket.b.arn }}] }})
}}

resource "aws_kms_key" "k" {{
  description         = "roundtrip{suffix}"
  enable_key_rotation = true
}}

resource "aws_kms_alias" "a" {{
  name          = "alias/roundtrip{suffix}"
  target_key_id = aws_kms_key.k.key_id
}}

resource "aws_route53_zone" "z" {{
  name = "roundtrip{suffix}.example.com"
}}

resource "aws_route53_record" "r" {{
  zone_id = aws_route53_zone.z.zone_id
  name    = "api.roundtrip{suffix}.example.com"
  type    = "CNAME"
  ttl     = 300
  records = ["lb.example.net"]
}}

resource "aws_dynamodb_table" "t" {{
  name         = "roundtrip{suffix}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {{
    name = "pk"
    type = "S"
  }}
}}

resource "aws_ssm_parameter" "s" {{
  name  = "/roundtrip{suffix}"
  type  = "String"
  value = "{value}"
}}

resource "aws_cloudwatch_log_group" "g" {{
  name              = "roundtrip{suffix}"
  retention_in_days = {retention}
}}
{more}"#,
        more = more(suffix)
    )
}

/// The other types both have: S3 bucket policy, CORS, lifecycle, ownership and an object; IAM
/// user, group, policies and attachments, instance profile, OpenID Connect provider; log
/// stream and metric filter; KMS key policy; ACM certificate; CloudFormation stack; key pair; a VPC with a subnet, gateways, routes, security groups and their rules, an Elastic IP, a NAT gateway, an S3 endpoint and DHCP options.
fn more(suffix: &str) -> String {
    let saml = util::saml_metadata(&format!("https://idp{suffix}.example.com"));
    format!(
        r#"
resource "aws_s3_bucket" "data" {{
  bucket = "data{suffix}"
}}

resource "aws_s3_bucket" "shared" {{
  bucket = "shared{suffix}"
}}

resource "aws_s3_bucket_policy" "shared" {{
  bucket = aws_s3_bucket.shared.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "read", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}, Action = "s3:GetObject", Resource = "${{aws_s3_bucket.shared.arn}}/*" }}] }})
}}

resource "aws_s3_bucket_cors_configuration" "data" {{
  bucket = aws_s3_bucket.data.id
  cors_rule {{
    allowed_methods = ["GET"]
    allowed_origins = ["https://example.com"]
  }}
}}

resource "aws_s3_bucket_lifecycle_configuration" "data" {{
  bucket = aws_s3_bucket.data.id
  rule {{
    id     = "expire"
    status = "Enabled"
    filter {{
      prefix = "tmp/"
    }}
    expiration {{
      days = 7
    }}
  }}
}}

resource "aws_s3_bucket_ownership_controls" "data" {{
  bucket = aws_s3_bucket.data.id
  rule {{
    object_ownership = "BucketOwnerEnforced"
  }}
}}

resource "aws_s3_object" "hello" {{
  bucket  = aws_s3_bucket.data.id
  key     = "hello.txt"
  content = "hello"
}}

resource "aws_iam_user" "u" {{
  name = "user{suffix}"
}}

resource "aws_iam_group" "g" {{
  name = "group{suffix}"
}}

resource "aws_iam_policy" "list" {{
  name   = "list{suffix}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}

resource "aws_iam_user_policy_attachment" "u" {{
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.list.arn
}}

resource "aws_iam_group_policy" "g" {{
  name   = "list"
  group  = aws_iam_group.g.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}

resource "aws_iam_instance_profile" "p" {{
  name = "profile{suffix}"
  role = aws_iam_role.r.name
}}

resource "aws_iam_openid_connect_provider" "ci" {{
  url             = "https://oidc{suffix}.example.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}}

resource "aws_cloudwatch_log_stream" "s" {{
  name           = "s1"
  log_group_name = aws_cloudwatch_log_group.g.name
}}

resource "aws_cloudwatch_log_metric_filter" "errors" {{
  name           = "errors"
  log_group_name = aws_cloudwatch_log_group.g.name
  pattern        = "ERROR"
  metric_transformation {{
    name      = "Errors"
    namespace = "Roundtrip"
    value     = "1"
  }}
}}

resource "aws_kms_key" "policed" {{
  description = "policed{suffix}"
}}

resource "aws_kms_key_policy" "policed" {{
  key_id = aws_kms_key.policed.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "root", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}, Action = "kms:*", Resource = "*" }}] }})
}}

resource "aws_acm_certificate" "c" {{
  domain_name       = "cert.roundtrip{suffix}.example.com"
  validation_method = "DNS"
}}

resource "aws_route53_record" "validation" {{
  for_each = {{ for o in aws_acm_certificate.c.domain_validation_options : o.domain_name => o }}
  zone_id  = aws_route53_zone.z.zone_id
  name     = each.value.resource_record_name
  type     = each.value.resource_record_type
  ttl      = 60
  records  = [each.value.resource_record_value]
}}

resource "aws_cloudformation_stack" "st" {{
  name          = "stack{suffix}"
  template_body = jsonencode({{ Resources = {{ Topic = {{ Type = "AWS::SNS::Topic" }} }}, Outputs = {{ Arn = {{ Value = {{ Ref = "Topic" }}, Export = {{ Name = "topic{suffix}" }} }} }} }})
}}

resource "aws_s3_bucket" "logs" {{
  bucket = "logs{suffix}"
}}

resource "aws_s3_bucket_acl" "logs" {{
  bucket = aws_s3_bucket.logs.id
  acl    = "private"
}}

resource "aws_s3_bucket_website_configuration" "site" {{
  bucket = aws_s3_bucket.logs.id
  index_document {{
    suffix = "index.html"
  }}
}}

resource "aws_s3_bucket" "locked" {{
  bucket              = "locked{suffix}"
  object_lock_enabled = true
}}

resource "aws_s3_bucket_object_lock_configuration" "locked" {{
  bucket = aws_s3_bucket.locked.id
  rule {{
    default_retention {{
      mode = "GOVERNANCE"
      days = 1
    }}
  }}
}}

resource "aws_iam_group_policy_attachment" "g" {{
  group      = aws_iam_group.g.name
  policy_arn = aws_iam_policy.list.arn
}}

resource "aws_iam_user_policy" "u" {{
  name   = "inline"
  user   = aws_iam_user.u.name
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}

resource "aws_iam_user_login_profile" "u" {{
  user                    = aws_iam_user.u.name
  password_reset_required = false
}}

resource "aws_iam_user" "auditor" {{
  name = "auditor{suffix}"
}}

resource "aws_iam_policy" "audit" {{
  name   = "audit{suffix}"
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" }}] }})
}}

resource "aws_iam_policy_attachment" "audit" {{
  name       = "audit{suffix}"
  users      = [aws_iam_user.auditor.name]
  policy_arn = aws_iam_policy.audit.arn
}}

resource "aws_iam_saml_provider" "idp" {{
  name                   = "idp{suffix}"
  saml_metadata_document = <<-EOT
{saml}
EOT
}}

resource "aws_cloudwatch_log_resource_policy" "route53" {{
  policy_name     = "route53{suffix}"
  policy_document = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "route53.amazonaws.com" }}, Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:*:*:log-group:/aws/route53/*" }}] }})
}}

resource "aws_iam_service_linked_role" "scaling" {{
  aws_service_name = "autoscaling.amazonaws.com"
  custom_suffix    = "roundtrip{suffix}"
  description      = "round trip"
}}

resource "aws_sesv2_email_identity" "mail" {{
  email_identity = "mail{suffix}.example.com"
}}

resource "aws_vpc" "net" {{
  cidr_block           = "10.40.0.0/16"
  enable_dns_hostnames = true
  tags                 = {{ Name = "net{suffix}" }}
}}

resource "aws_subnet" "net" {{
  vpc_id                  = aws_vpc.net.id
  cidr_block              = "10.40.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
}}

resource "aws_internet_gateway" "net" {{
  vpc_id = aws_vpc.net.id
}}

resource "aws_route_table" "net" {{
  vpc_id = aws_vpc.net.id
}}

resource "aws_route" "net" {{
  route_table_id         = aws_route_table.net.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.net.id
}}

resource "aws_route_table_association" "net" {{
  subnet_id      = aws_subnet.net.id
  route_table_id = aws_route_table.net.id
}}

resource "aws_security_group" "web" {{
  name        = "web{suffix}"
  description = "web servers"
  vpc_id      = aws_vpc.net.id
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
    description = "https"
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group" "db" {{
  name   = "db{suffix}"
  vpc_id = aws_vpc.net.id
}}

resource "aws_vpc_security_group_ingress_rule" "db" {{
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.40.1.0/24"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
}}

resource "aws_vpc_security_group_egress_rule" "db" {{
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.40.0.0/16"
  ip_protocol       = "-1"
  description       = "inside"
}}

resource "aws_eip" "net" {{
  domain = "vpc"
}}

resource "aws_nat_gateway" "net" {{
  allocation_id = aws_eip.net.id
  subnet_id     = aws_subnet.net.id
  depends_on    = [aws_internet_gateway.net]
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id          = aws_vpc.net.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.net.id]
}}

resource "aws_vpc_dhcp_options" "net" {{
  domain_name         = "net{suffix}.example"
  domain_name_servers = ["AmazonProvidedDNS"]
}}

resource "aws_vpc_dhcp_options_association" "net" {{
  vpc_id          = aws_vpc.net.id
  dhcp_options_id = aws_vpc_dhcp_options.net.id
}}

resource "aws_key_pair" "kp" {{
  key_name   = "key{suffix}"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMuzHhpZFRyYxOYmn8VmMm8LTTmAnTsRJOM2S9ZD2EVr roundtrip"
}}
"#
    )
}

/// A JSON file.
pub(crate) fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Each resource's attribute names, schema version and provider: what must stay as recorded.
fn shape(state: &Json) -> Json {
    let mut out = serde_json::Map::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        let i = &r["instances"][0];
        let mut names: Vec<&String> = i["attributes"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        names.sort();
        out.insert(
            format!(
                "{}.{}",
                r["type"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            ),
            json!({"attributes": names, "schema_version": i["schema_version"], "provider": r["provider"]}),
        );
    }
    Json::Object(out)
}

/// Empty, as Terraform's provider records what is not set.
fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
    }
}

/// Terraform's recorded state with the objects made here: each attribute as Terraform's
/// provider recorded it, unless both have a value and they differ (an identifier of another
/// run's object), which takes infinstor's.
fn in_terraforms_form(recorded: &Json, ours: &Json, suffix: &str) -> Json {
    let mut out = recorded.clone();
    out["lineage"] = ours["lineage"].clone();
    out["serial"] = ours["serial"].clone();
    let find = |r: &Json| {
        ours["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["type"] == r["type"] && o["name"] == r["name"])
            .cloned()
    };
    for r in out["resources"].as_array_mut().into_iter().flatten() {
        let theirs = find(r).unwrap_or_else(|| panic!("infinstor made no {}.{}", r["type"], r["name"]));
        let made = &theirs["instances"][0]["attributes"];
        // for_each keys name this run's objects too.
        for instance in r["instances"].as_array_mut().into_iter().flatten() {
            if let Some(key) = instance["index_key"].as_str().map(|k| k.replace("-tf", suffix)) {
                instance["index_key"] = json!(key);
            }
        }
        if let Some(attributes) = r["instances"][0]["attributes"].as_object_mut() {
            for (name, value) in attributes.iter_mut() {
                let text = value.to_string();
                let ours = &made[name.as_str()];
                if !is_empty(value) && !is_empty(ours) && value != ours {
                    *value = ours.clone();
                } else if text.contains("-tf") {
                    *value = serde_json::from_str(&text.replace("-tf", suffix)).expect("json");
                }
            }
        }
    }
    out
}

#[test]
fn aws_objects_move_between_terraforms_provider_and_infinstor() {
    let moto = util::start_moto();
    let terraform = terraform_with_aws();
    let ws = util::workspace(Some(&moto));
    let dir = ws.cwd();
    let tf = terraform
        .clone()
        .map(|(program, mirror)| Terraform::new(program, &mirror, ws.dir.path()));
    if tf.is_none() {
        eprintln!("terraform or its AWS provider mirror is not here: Terraform's side is its recorded state");
    }

    // Terraform's state of step 1.
    match &tf {
        Some(tf) => {
            ws.write("main.tf", &config(&moto.endpoint, "-tf", 1));
            tf.ok(&dir, &["init"]);
            tf.ok(&dir, &["apply", "-auto-approve"]);
            let live = read_json(&dir.join("terraform.tfstate"));
            if std::env::var_os("INFINSTOR_RECORD_TERRAFORM").is_some_and(|v| v == "1") {
                std::fs::write(fixture(), serde_json::to_string_pretty(&live).expect("json") + "\n").expect("record");
            } else {
                assert_eq!(
                    shape(&live),
                    shape(&read_json(&fixture())),
                    "Terraform's provider now records these types differently; rerun with INFINSTOR_RECORD_TERRAFORM=1"
                );
            }
        }
        None => {
            // infinstor makes the objects, then the state takes Terraform's recorded form.
            ws.write("main.tf", &config(&moto.endpoint, "-fx", 1));
            ws.run(&["apply", "-auto-approve"]).expect_code(0);
            let ours = ws.state();
            let theirs = in_terraforms_form(&read_json(&fixture()), &ours, "-fx");
            std::fs::remove_file(ws.path("infinstor.state.json")).expect("remove");
            std::fs::write(dir.join("terraform.tfstate"), theirs.to_string()).expect("state");
        }
    }
    let suffix = if tf.is_some() { "-tf" } else { "-fx" };

    // infinstor on Terraform's state: no changes; then a change in place.
    let plan = ws.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "infinstor on Terraform's state:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    ws.write("main.tf", &config(&moto.endpoint, suffix, 2));
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(
        applied.stdout.contains("0 added, 4 changed, 0 destroyed"),
        "{}",
        applied.stdout
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let Some(tf) = &tf else { return };
    // Terraform on what infinstor wrote.
    let (code, text) = tf.run(&dir, &["plan", "-detailed-exitcode"]);
    assert_eq!(code, 0, "Terraform on infinstor's state:\n{text}");

    // Objects infinstor made, read by Terraform.
    let other = util::workspace(Some(&moto));
    other.write("main.tf", &config(&moto.endpoint, "-inf", 1));
    other.run(&["apply", "-auto-approve"]).expect_code(0);
    std::fs::rename(other.path("infinstor.state.json"), other.path("terraform.tfstate")).expect("rename");
    tf.ok(&other.cwd(), &["init"]);
    let (code, text) = tf.run(&other.cwd(), &["plan", "-detailed-exitcode"]);
    assert_eq!(code, 0, "Terraform on objects infinstor made:\n{text}");
}
