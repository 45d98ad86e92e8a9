//! The configurations and states the suite runs on.

/// `n` independent `random_id` blocks.
pub fn blocks(n: usize) -> String {
    let mut s = String::from("terraform {\n  required_version = \">= 1.5\"\n}\n");
    for i in 0..n {
        s.push_str(&format!(
            "\nresource \"random_id\" \"r{i}\" {{\n  byte_length = 4\n}}\n"
        ));
    }
    s
}

/// One `random_id` resource with `count = n`.
pub fn counted(n: usize) -> String {
    format!("resource \"random_id\" \"r\" {{\n  count       = {n}\n  byte_length = 4\n}}\n")
}

/// One `random_id` resource with `for_each` over a set of `n` keys.
pub fn for_each(n: usize) -> String {
    over_keys(n, "for_each    = toset(local.keys)")
}

/// One `random_id` resource with `count` set to the size of the same set of `n` keys: the
/// same input as [`for_each`] (a list of `n` strings to parse, evaluate and make a set of).
pub fn count_over_keys(n: usize) -> String {
    over_keys(n, "count       = length(toset(local.keys))")
}

fn over_keys(n: usize, meta: &str) -> String {
    let keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\"")).collect();
    format!(
        "locals {{\n  keys = [{}]\n}}\n\nresource \"random_id\" \"r\" {{\n  {meta}\n  byte_length = 4\n}}\n",
        keys.join(", ")
    )
}

/// A root module calling `./m` (one `random_id`) with `count = n`: files and their contents.
pub fn module_instances(n: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "main.tf",
            format!("module \"m\" {{\n  source = \"./m\"\n  count  = {n}\n}}\n"),
        ),
        (
            "m/main.tf",
            "resource \"random_id\" \"r\" {\n  byte_length = 4\n}\n".to_string(),
        ),
    ]
}

/// A state of `n` random_id instances, in infinstor's first state format, which every build
/// reads (so that builds compare): a current build rewrites it in Terraform's format on its
/// first run, and the median of three runs is a read of that.
pub fn state(n: usize) -> String {
    let resources: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "address": format!("random_id.r{i}"),
                "mode": "managed",
                "type": "random_id",
                "name": format!("r{i}"),
                "provider": "random",
                "instances": [{
                    "provider": "random",
                    "attributes": {
                        "b64_std": "xA31VQ==", "b64_url": "xA31VQ", "byte_length": 4,
                        "dec": "3289249109", "hex": "c40df555", "id": format!("id{i}"),
                        "keepers": null, "prefix": null
                    }
                }]
            })
        })
        .collect();
    serde_json::json!({
        "format_version": 1,
        "infinstor_version": "0.1.0",
        "serial": 1,
        "lineage": "00000000-0000-4000-8000-000000000000",
        "outputs": {},
        "resources": resources,
    })
    .to_string()
}

/// One hosted zone and `n` A records in it, as one `count` resource.
pub fn records(n: usize) -> String {
    zone_with_records("z", "bench", n)
}

/// Zone `name` (`{label}.example.com`) with `n` A records as one `count` resource `name`.
fn zone_with_records(name: &str, label: &str, n: usize) -> String {
    format!(
        r#"resource "aws_route53_zone" "{name}" {{
  name = "{label}.example.com"
}}

resource "aws_route53_record" "{name}" {{
  count   = {n}
  zone_id = aws_route53_zone.{name}.zone_id
  name    = "r${{count.index}}.{label}.example.com"
  type    = "A"
  ttl     = 300
  records = ["10.0.0.1"]
}}
"#
    )
}

/// `n` SSM parameters, each its own resource block: nothing depends on anything.
pub fn independent(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "resource \"aws_ssm_parameter\" \"p{i}\" {{\n  name  = \"/latency/p{i}\"\n  type  = \"String\"\n  value = \"v{i}\"\n}}\n"
            )
        })
        .collect()
}

/// `count` IAM roles as one resource.
fn roles(name: &str, count: usize) -> String {
    format!(
        "resource \"aws_iam_role\" \"{name}\" {{\n  count = {count}\n  name  = \"{name}-${{count.index}}\"\n  assume_role_policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ Service = \"ec2.amazonaws.com\" }} }}] }})\n}}\n"
    )
}

/// `roles` IAM roles as one `count` resource, then a chain of `chain` parameters, each taking
/// the previous one's ARN.
pub fn count_and_chain(roles: usize, chain: usize) -> String {
    let mut out = self::roles("r", roles);
    for i in 0..chain {
        let value = if i == 0 {
            "\"start\"".to_string()
        } else {
            format!("aws_ssm_parameter.c{}.arn", i - 1)
        };
        out.push_str(&format!(
            "resource \"aws_ssm_parameter\" \"c{i}\" {{\n  name  = \"/latency/c{i}\"\n  type  = \"String\"\n  value = {value}\n}}\n"
        ));
    }
    out
}

/// `n` objects of four kinds in equal parts: IAM roles, SSM parameters, S3 buckets and Route 53
/// records of one zone (refreshed with one, three and four calls each, and the records from one listing).
pub fn mixed(n: usize) -> String {
    let each = n / 4;
    let mut out = roles("m", each);
    out.push_str(&format!(
        r#"resource "aws_ssm_parameter" "m" {{
  count = {each}
  name  = "/mixed/p${{count.index}}"
  type  = "String"
  value = "v${{count.index}}"
}}

resource "aws_s3_bucket" "m" {{
  count  = {each}
  bucket = "mixed-bench-${{count.index}}"
}}

"#
    ));
    out.push_str(&zone_with_records("m", "mixed", each));
    out
}
