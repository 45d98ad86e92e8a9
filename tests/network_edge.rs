//! The edges of a VPC through the binary against the emulator: an Elastic IP, a NAT gateway
//! with a route to it, an S3 gateway endpoint, DHCP options and their association; and
//! security group rules of the older kind. Create, no-op re-plan, update in place and by
//! replacement, changes made outside, import, and destroy, each read back through the SDK.

use crate::networking::{ec2, grants, group, routes, vpc_exists};
use crate::util::{block_on, case::output, planned_changes, reimport, start_moto, workspace, Moto};

const EDGE: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.30.1.0/24"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
  tags   = { Name = "nat" }
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
  tags          = { Name = "nat" }
  depends_on    = [aws_internet_gateway.gw]
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "out" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_route_table.private.id, aws_route_table.other.id]
}

resource "aws_route_table" "other" {
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_dhcp_options" "corp" {
  domain_name         = "corp.example"
  domain_name_servers = ["AmazonProvidedDNS"]
  ntp_servers         = ["169.254.169.123"]
}

resource "aws_vpc_dhcp_options_association" "corp" {
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.corp.id
}

output "vpc" { value = aws_vpc.main.id }
output "eip" { value = aws_eip.nat.id }
output "public_ip" { value = aws_eip.nat.public_ip }
output "nat" { value = aws_nat_gateway.nat.id }
output "nat_ip" { value = aws_nat_gateway.nat.public_ip }
output "table" { value = aws_route_table.private.id }
output "endpoint" { value = aws_vpc_endpoint.s3.id }
output "prefix_list" { value = aws_vpc_endpoint.s3.prefix_list_id }
output "dhcp" { value = aws_vpc_dhcp_options.corp.id }
"#;

fn nat_state(moto: &Moto, id: &str) -> Option<String> {
    block_on(async {
        let out = ec2(moto)
            .describe_nat_gateways()
            .nat_gateway_ids(id)
            .send()
            .await
            .ok()?;
        out.nat_gateways()
            .first()
            .and_then(|g| g.state())
            .map(|s| s.as_str().to_string())
    })
}

fn endpoint(moto: &Moto, id: &str) -> Option<aws_sdk_ec2::types::VpcEndpoint> {
    block_on(async {
        let out = ec2(moto)
            .describe_vpc_endpoints()
            .vpc_endpoint_ids(id)
            .send()
            .await
            .ok()?;
        out.vpc_endpoints().first().cloned()
    })
}

fn vpc_dhcp(moto: &Moto, vpc: &str) -> Option<String> {
    block_on(async {
        let out = ec2(moto).describe_vpcs().vpc_ids(vpc).send().await.ok()?;
        out.vpcs().first().and_then(|v| v.dhcp_options_id()).map(str::to_string)
    })
}

fn dhcp_domain(moto: &Moto, id: &str) -> Option<String> {
    block_on(async {
        let out = ec2(moto)
            .describe_dhcp_options()
            .dhcp_options_ids(id)
            .send()
            .await
            .ok()?;
        let set = out.dhcp_options().first()?.clone();
        set.dhcp_configurations()
            .iter()
            .find(|c| c.key() == Some("domain-name"))
            .and_then(|c| c.values().first())
            .and_then(|v| v.value())
            .map(str::to_string)
    })
}

fn addresses(moto: &Moto) -> Vec<String> {
    block_on(async {
        let out = ec2(moto).describe_addresses().send().await.expect("addresses");
        out.addresses()
            .iter()
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect()
    })
}

#[test]
fn a_nat_gateway_an_elastic_ip_an_endpoint_and_dhcp_options_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", EDGE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let (vpc, eip, nat, table) = (
        output(&ws, "vpc"),
        output(&ws, "eip"),
        output(&ws, "nat"),
        output(&ws, "table"),
    );
    let (vpce, dhcp) = (output(&ws, "endpoint"), output(&ws, "dhcp"));
    assert_eq!(nat_state(&moto, &nat).as_deref(), Some("available"));
    assert_eq!(output(&ws, "public_ip"), output(&ws, "nat_ip"));
    assert!(routes_to_nat(&moto, &table, &nat), "{:?}", routes(&moto, &table));
    let e = endpoint(&moto, &vpce).expect("endpoint");
    assert_eq!(e.route_table_ids().len(), 2);
    assert!(e.route_table_ids().contains(&table));
    assert!(output(&ws, "prefix_list").starts_with("pl-"));
    assert_eq!(vpc_dhcp(&moto, &vpc).as_deref(), Some(dhcp.as_str()));
    assert_eq!(dhcp_domain(&moto, &dhcp).as_deref(), Some("corp.example"));

    for (address, id) in [
        ("aws_eip.nat", eip.clone()),
        ("aws_nat_gateway.nat", nat.clone()),
        ("aws_vpc_endpoint.s3", vpce.clone()),
        ("aws_vpc_dhcp_options.corp", dhcp.clone()),
        ("aws_vpc_dhcp_options_association.corp", vpc.clone()),
    ] {
        reimport(&ws, address, &id);
    }

    // In place: tags, the endpoint's policy and route tables, the association's set; by
    // replacement: the DHCP options' domain. (The emulator adds no route to a route table
    // given to a gateway endpoint after its create, and then fails its delete, so the update
    // takes a table away rather than giving one.)
    let updated = EDGE
        .replace("tags   = { Name = \"nat\" }", "tags   = { Name = \"nat-ip\" }")
        .replace("tags          = { Name = \"nat\" }", "tags          = { Name = \"nat-gw\" }")
        .replace(
            "route_table_ids = [aws_route_table.private.id, aws_route_table.other.id]",
            "route_table_ids = [aws_route_table.private.id]\n  policy          = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"s3:GetObject\", Resource = \"*\" }] })",
        )
        .replace("domain_name         = \"corp.example\"", "domain_name         = \"corp2.example\"");
    ws.write("main.tf", &updated);
    let plan = planned_changes(&ws, "Plan: 1 to add, 4 to change, 1 to destroy.");
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let e = endpoint(&moto, &vpce).expect("endpoint");
    assert_eq!(e.route_table_ids(), [table.clone()]);
    assert!(
        e.policy_document().is_some_and(|p| p.contains("s3:GetObject")),
        "{:?}",
        e.policy_document()
    );
    let dhcp2 = output(&ws, "dhcp");
    assert_ne!(dhcp2, dhcp);
    assert_eq!(vpc_dhcp(&moto, &vpc).as_deref(), Some(dhcp2.as_str()));
    assert_eq!(dhcp_domain(&moto, &dhcp2).as_deref(), Some("corp2.example"));
    assert_eq!(dhcp_domain(&moto, &dhcp), None, "the old set is deleted");

    // A policy changed outside is put back. (The emulator does not add a gateway endpoint's
    // route to a route table given back to it, so the change is to the policy.)
    block_on(async {
        ec2(&moto)
            .modify_vpc_endpoint()
            .vpc_endpoint_id(&vpce)
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#)
            .send()
            .await
            .expect("by hand")
    });
    let drift = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(drift.stdout.contains("s3:*"), "{}", drift.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let e = endpoint(&moto, &vpce).expect("endpoint");
    assert!(
        e.policy_document().is_some_and(|p| p.contains("s3:GetObject")),
        "{:?}",
        e.policy_document()
    );

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(matches!(nat_state(&moto, &nat).as_deref(), None | Some("deleted")));
    assert!(!addresses(&moto).contains(&eip), "the address is released");
    assert!(endpoint(&moto, &vpce).is_none_or(|e| e.state().is_some_and(|s| s.as_str() == "deleted")));
    assert_eq!(dhcp_domain(&moto, &dhcp2), None);
    assert!(!vpc_exists(&moto, &vpc));
}

fn routes_to_nat(moto: &Moto, table: &str, nat: &str) -> bool {
    block_on(async {
        let Ok(out) = ec2(moto).describe_route_tables().route_table_ids(table).send().await else {
            return false;
        };
        out.route_tables()
            .iter()
            .flat_map(|t| t.routes())
            .any(|r| r.destination_cidr_block() == Some("0.0.0.0/0") && r.nat_gateway_id() == Some(nat))
    })
}

#[test]
fn edge_mistakes_are_refused_at_their_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_nat_gateway" "public" {
  subnet_id = "subnet-1"
}

resource "aws_nat_gateway" "private" {
  subnet_id         = "subnet-1"
  connectivity_type = "private"
  allocation_id     = "eipalloc-1"
}

resource "aws_eip" "both" {
  instance          = "i-1"
  network_interface = "eni-1"
}

resource "aws_vpc_dhcp_options" "empty" {
  tags = { Name = "empty" }
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = "vpc-1"
  service_name = "com.amazonaws.us-east-1.s3"
  subnet_ids   = ["subnet-1"]
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        ("a public NAT gateway needs allocation_id", "line 1"),
        ("a private NAT gateway has no Elastic IP", "line 8"),
        ("\"instance\" and \"network_interface\" cannot both be set", "line 13"),
        ("a DHCP options set needs at least one of", "line 16"),
        ("a Gateway endpoint has no subnet_ids", "line 23"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
}

const LEGACY_RULES: &str = r#"
resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "lb" {
  name   = "lb"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "https" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["10.50.0.0/16", "10.60.0.0/16"]
  description       = "https"
}

resource "aws_security_group_rule" "peers" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  protocol          = "all"
  from_port         = 0
  to_port           = 0
  self              = true
}

resource "aws_security_group_rule" "to_app" {
  type                     = "egress"
  security_group_id        = aws_security_group.lb.id
  protocol                 = "6"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.app.id
}

output "app" { value = aws_security_group.app.id }
output "lb" { value = aws_security_group.lb.id }
output "https" { value = aws_security_group_rule.https.id }
"#;

#[test]
fn rules_of_the_older_kind_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", LEGACY_RULES);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (app, lb) = (output(&ws, "app"), output(&ws, "lb"));
    assert_eq!(
        grants(&moto, &app, false),
        [
            format!("-1:-1--1:{app}"),
            "tcp:443-443:10.50.0.0/16".to_string(),
            "tcp:443-443:10.60.0.0/16".to_string()
        ]
    );
    assert_eq!(grants(&moto, &lb, true), [format!("tcp:8080-8080:{app}")]);
    assert!(output(&ws, "https").starts_with("sgrule-"));

    // Imported back by Terraform's form of the ID, each plans clean.
    reimport(
        &ws,
        "aws_security_group_rule.https",
        &format!("{app}_ingress_tcp_443_443_10.50.0.0/16_10.60.0.0/16"),
    );
    reimport(
        &ws,
        "aws_security_group_rule.peers",
        &format!("{app}_ingress_all_0_0_self"),
    );
    reimport(
        &ws,
        "aws_security_group_rule.to_app",
        &format!("{lb}_egress_tcp_8080_8080_{app}"),
    );

    // The description changes in place; a new port replaces the rule.
    let updated = LEGACY_RULES
        .replace("description       = \"https\"", "description       = \"https in\"")
        .replace(
            "from_port                = 8080\n  to_port                  = 8080",
            "from_port                = 8081\n  to_port                  = 8081",
        );
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 1 to add, 1 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(grants(&moto, &lb, true), [format!("tcp:8081-8081:{app}")]);

    // A rule revoked outside is made again. (One revoked in part is gone too, as in Terraform,
    // and making it again fails on the grant that is left: EC2 refuses a duplicate.)
    block_on(async {
        ec2(&moto)
            .revoke_security_group_ingress()
            .group_id(&app)
            .ip_permissions(
                aws_sdk_ec2::types::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("10.50.0.0/16").build())
                    .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("10.60.0.0/16").build())
                    .build(),
            )
            .send()
            .await
            .expect("by hand")
    });
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(grants(&moto, &app, false).contains(&"tcp:443-443:10.60.0.0/16".to_string()));

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(group(&moto, &app).is_none());
}

const PREFIX_LIST: &str = r#"
resource "aws_ec2_managed_prefix_list" "offices" {
  name           = "offices"
  address_family = "IPv4"
  max_entries    = 5
  tags           = { Team = "net" }

  entry {
    cidr        = "192.0.2.0/24"
    description = "berlin"
  }

  entry {
    cidr = "198.51.100.0/24"
  }
}

output "list" { value = aws_ec2_managed_prefix_list.offices.id }
output "version" { value = aws_ec2_managed_prefix_list.offices.version }
"#;

fn prefix_entries(moto: &Moto, id: &str) -> Vec<String> {
    block_on(async {
        let Ok(out) = ec2(moto)
            .get_managed_prefix_list_entries()
            .prefix_list_id(id)
            .send()
            .await
        else {
            return Vec::new();
        };
        let mut entries: Vec<String> = out
            .entries()
            .iter()
            .map(|e| {
                format!(
                    "{}={}",
                    e.cidr().unwrap_or_default(),
                    e.description().unwrap_or_default()
                )
            })
            .collect();
        entries.sort();
        entries
    })
}

#[test]
fn a_managed_prefix_list_lives_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", PREFIX_LIST);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let list = output(&ws, "list");
    assert!(list.starts_with("pl-"), "{list}");
    assert_eq!(
        prefix_entries(&moto, &list),
        ["192.0.2.0/24=berlin", "198.51.100.0/24="]
    );
    reimport(&ws, "aws_ec2_managed_prefix_list.offices", &list);

    // In place: an entry more, one less, a new description (a remove, then an add), and the
    // name. (The emulator ignores a new max_entries, so the resize is not run here.)
    let updated = PREFIX_LIST
        .replace("name           = \"offices\"", "name           = \"all-offices\"")
        .replace("description = \"berlin\"", "description = \"berlin office\"")
        .replace("  entry {\n    cidr = \"198.51.100.0/24\"\n  }\n", "")
        + "\nresource \"terraform_data\" \"more\" {\n  input = 1\n}\n";
    let updated = updated.replacen(
        "  entry {\n    cidr        = \"192.0.2.0/24\"",
        "  entry {\n    cidr = \"203.0.113.0/24\"\n  }\n\n  entry {\n    cidr        = \"192.0.2.0/24\"",
        1,
    );
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 1 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        prefix_entries(&moto, &list),
        ["192.0.2.0/24=berlin office", "203.0.113.0/24="]
    );

    // An entry removed outside is put back.
    block_on(async {
        let c = ec2(&moto);
        let version = c
            .describe_managed_prefix_lists()
            .prefix_list_ids(&list)
            .send()
            .await
            .expect("list")
            .prefix_lists()
            .first()
            .and_then(|l| l.version());
        c.modify_managed_prefix_list()
            .prefix_list_id(&list)
            .set_current_version(version)
            .remove_entries(
                aws_sdk_ec2::types::RemovePrefixListEntry::builder()
                    .cidr("203.0.113.0/24")
                    .build(),
            )
            .send()
            .await
            .expect("by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(prefix_entries(&moto, &list).len(), 2);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let state = block_on(async {
        let out = ec2(&moto)
            .describe_managed_prefix_lists()
            .prefix_list_ids(&list)
            .send()
            .await
            .ok()?;
        out.prefix_lists()
            .first()
            .and_then(|l| l.state())
            .map(|s| s.as_str().to_string())
    });
    assert!(matches!(state.as_deref(), None | Some("delete-complete")), "{state:?}");
}
