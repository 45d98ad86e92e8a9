//! How an apply spends its calls and its state writes. `--parallelism` bounds the AWS calls in
//! flight across the whole run, as Terraform's does: two `count` resources applied together do
//! not each get the full number (checked with the proxy in front of the emulator holding every
//! call 100 ms, so calls overlap when allowed to). A batch call is recorded with one state
//! write for its intents and one for its results, not two per record.

use crate::util::{start_moto, workspace};
use std::time::Duration;
use test_support::{Proxy, Rule};

const TWO_GROUPS: &str = r#"
resource "aws_iam_role" "worker" {
  count = 8
  name  = "parallel-worker-${count.index}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_ssm_parameter" "setting" {
  count = 8
  name  = "/parallel/setting/${count.index}"
  type  = "String"
  value = "v${count.index}"
}
"#;

#[test]
fn parallelism_bounds_the_calls_in_flight_across_resources() {
    let moto = start_moto();
    let proxy = Proxy::start(&moto.endpoint);
    let ws = workspace(Some(&moto));
    ws.write("main.tf", TWO_GROUPS);
    for verb in ["apply", "destroy"] {
        proxy.set_rule(Rule::Latency(Duration::from_millis(100)));
        let mut c = ws.command(&[verb, "-auto-approve", "-parallelism=3"]);
        c.env("AWS_ENDPOINT_URL", &proxy.endpoint);
        let (run, _) = proxy.run(c);
        let run = run.expect_code(0);
        assert!(run.stdout.contains("16 "), "{}", run.stdout);
        let most = proxy.most_in_flight();
        assert!(most <= 3, "{verb}: {most} calls in flight at once with -parallelism=3");
        assert!(most >= 2, "{verb}: the calls did not overlap at all ({most})");
    }
}

#[test]
fn a_batch_of_records_costs_a_few_state_writes_not_two_per_record() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
resource "aws_route53_zone" "z" {
  name = "batch.example.com"
}

resource "aws_route53_record" "r" {
  count   = 200
  zone_id = aws_route53_zone.z.zone_id
  name    = "r${count.index}.batch.example.com"
  type    = "A"
  ttl     = 60
  records = ["10.0.0.1"]
}
"#,
    );
    let run = ws
        .run_with(&["apply", "-auto-approve"], &[("INFINSTOR_API_STATS", "1")])
        .expect_code(0);
    assert!(
        run.stderr.contains("Route53:ChangeResourceRecordSets: 1"),
        "{}",
        run.stderr
    );
    // The first write creates the state file (the zone's intent); then one journal entry per
    // write: the zone's result, the records' intents and their results (one each for the batch).
    assert!(
        run.stderr.contains("State writes: 3 journal entries, 1 whole states"),
        "state writes for one zone and one batch of 200 records:\n{}",
        run.stderr
    );
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout.lines().count(), 201);
    let destroy = ws
        .run_with(&["destroy", "-auto-approve"], &[("INFINSTOR_API_STATS", "1")])
        .expect_code(0);
    assert!(destroy.stdout.contains("201 destroyed"), "{}", destroy.stdout);
    // The batch of records in one entry, then the zone.
    assert!(
        destroy
            .stderr
            .contains("State writes: 2 journal entries, 0 whole states"),
        "state writes for destroying one batch and a zone:\n{}",
        destroy.stderr
    );
}
