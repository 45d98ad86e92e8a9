//! `--parallelism` bounds the AWS calls in flight across the whole run, as Terraform's does:
//! two `count` resources applied together do not each get the full number. Checked with the
//! proxy in front of the emulator holding every call 100 ms, so calls overlap when allowed to.

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
