//! VPC networking through the binary against the emulator: a VPC with public and private
//! subnets, an internet gateway, a route table with a default route and an association, a
//! security group with inline rules and one whose rules are their own resources; then the data
//! sources that find them. Create, no-op re-plan, update in place and by replacement, changes
//! made outside, import of each type, and destroy, each read back through the SDK. (The
//! emulator leaves the description out of a rule that names a group, so descriptions are on
//! rules that name CIDR blocks.)

use crate::util::{block_on, case::output, planned_changes, reimport, start_moto, workspace, Moto};

const NETWORK: &str = r#"
resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "main" }
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
  tags                    = { Name = "public" }
}

resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.gw.id
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
    description = "https"
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name_prefix = "db-"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.20.0.0/16"
  ip_protocol       = "-1"
  description       = "inside the VPC"
}

output "vpc" { value = aws_vpc.main.id }
output "public" { value = aws_subnet.public.id }
output "gw" { value = aws_internet_gateway.gw.id }
output "table" { value = aws_route_table.public.id }
output "web" { value = aws_security_group.web.id }
output "db" { value = aws_security_group.db.id }
output "db_name" { value = aws_security_group.db.name }
output "rule" { value = aws_vpc_security_group_ingress_rule.db_from_web.id }
output "default_sg" { value = aws_vpc.main.default_security_group_id }
"#;

/// What is added to the configuration for the update: a second route table the association
/// moves to, and the data sources.
const LOOKUPS: &str = r#"
resource "aws_route_table" "other" {
  vpc_id = aws_vpc.main.id
}

data "aws_vpc" "main" {
  tags = { Name = "main" }
}

data "aws_subnets" "main" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
}

data "aws_subnet" "public" {
  vpc_id     = data.aws_vpc.main.id
  cidr_block = "10.20.1.0/24"
}

data "aws_security_group" "web" {
  name   = "web"
  vpc_id = data.aws_vpc.main.id
}

data "aws_ami" "any" {
  most_recent = true
  owners      = ["amazon"]
}

output "found_vpc" { value = data.aws_vpc.main.cidr_block }
output "found_subnets" { value = length(data.aws_subnets.main.ids) }
output "found_subnet_zone" { value = data.aws_subnet.public.availability_zone }
output "found_group" { value = data.aws_security_group.web.description }
output "found_image" { value = startswith(data.aws_ami.any.id, "ami-") }
"#;

pub(crate) fn ec2(moto: &Moto) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&moto.sdk_config())
}

fn vpc_flag(moto: &Moto, vpc: &str, name: aws_sdk_ec2::types::VpcAttributeName) -> Option<bool> {
    block_on(async {
        let out = ec2(moto)
            .describe_vpc_attribute()
            .vpc_id(vpc)
            .attribute(name)
            .send()
            .await
            .ok()?;
        out.enable_dns_hostnames().and_then(|v| v.value())
    })
}

fn subnet(moto: &Moto, id: &str) -> Option<aws_sdk_ec2::types::Subnet> {
    block_on(async {
        let out = ec2(moto).describe_subnets().subnet_ids(id).send().await.ok()?;
        out.subnets().first().cloned()
    })
}

fn subnets_of(moto: &Moto, vpc: &str) -> Vec<String> {
    block_on(async {
        let out = ec2(moto)
            .describe_subnets()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(vpc).build())
            .send()
            .await
            .expect("subnets");
        let mut cidrs: Vec<String> = out
            .subnets()
            .iter()
            .filter_map(|s| s.cidr_block().map(str::to_string))
            .collect();
        cidrs.sort();
        cidrs
    })
}

pub(crate) fn group(moto: &Moto, id: &str) -> Option<aws_sdk_ec2::types::SecurityGroup> {
    block_on(async {
        let out = ec2(moto).describe_security_groups().group_ids(id).send().await.ok()?;
        out.security_groups().first().cloned()
    })
}

/// `protocol:from-to:source` of each grant of a group's ingress (or egress) permissions.
pub(crate) fn grants(moto: &Moto, id: &str, egress: bool) -> Vec<String> {
    let Some(g) = group(moto, id) else { return Vec::new() };
    let perms = if egress {
        g.ip_permissions_egress()
    } else {
        g.ip_permissions()
    };
    let mut out = Vec::new();
    for p in perms {
        let head = format!(
            "{}:{}-{}",
            p.ip_protocol().unwrap_or_default(),
            p.from_port().unwrap_or(-1),
            p.to_port().unwrap_or(-1)
        );
        out.extend(
            p.ip_ranges()
                .iter()
                .map(|r| format!("{head}:{}", r.cidr_ip().unwrap_or_default())),
        );
        out.extend(
            p.user_id_group_pairs()
                .iter()
                .map(|r| format!("{head}:{}", r.group_id().unwrap_or_default())),
        );
    }
    out.sort();
    out
}

pub(crate) fn routes(moto: &Moto, table: &str) -> Vec<String> {
    block_on(async {
        let Ok(out) = ec2(moto).describe_route_tables().route_table_ids(table).send().await else {
            return Vec::new();
        };
        let mut routes: Vec<String> = out
            .route_tables()
            .iter()
            .flat_map(|t| t.routes())
            .map(|r| {
                format!(
                    "{}>{}",
                    r.destination_cidr_block().unwrap_or_default(),
                    r.gateway_id().unwrap_or_default()
                )
            })
            .collect();
        routes.sort();
        routes
    })
}

fn association_table(moto: &Moto, subnet: &str) -> Option<String> {
    block_on(async {
        let out = ec2(moto)
            .describe_route_tables()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("association.subnet-id")
                    .values(subnet)
                    .build(),
            )
            .send()
            .await
            .ok()?;
        out.route_tables()
            .first()
            .and_then(|t| t.route_table_id())
            .map(str::to_string)
    })
}

pub(crate) fn vpc_exists(moto: &Moto, vpc: &str) -> bool {
    block_on(async {
        ec2(moto)
            .describe_vpcs()
            .vpc_ids(vpc)
            .send()
            .await
            .is_ok_and(|o| !o.vpcs().is_empty())
    })
}

#[test]
fn a_vpc_with_subnets_routes_and_security_groups_lives_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", NETWORK);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Created as configured.
    let vpc = output(&ws, "vpc");
    let public = output(&ws, "public");
    let table = output(&ws, "table");
    let gw = output(&ws, "gw");
    let (web, db) = (output(&ws, "web"), output(&ws, "db"));
    use aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames;
    assert_eq!(vpc_flag(&moto, &vpc, EnableDnsHostnames), Some(true));
    assert_eq!(subnets_of(&moto, &vpc), ["10.20.1.0/24", "10.20.2.0/24"]);
    let s = subnet(&moto, &public).expect("public subnet");
    assert_eq!(s.map_public_ip_on_launch(), Some(true));
    assert_eq!(s.availability_zone(), Some("us-east-1a"));
    assert!(
        routes(&moto, &table).contains(&format!("0.0.0.0/0>{gw}")),
        "{:?}",
        routes(&moto, &table)
    );
    assert_eq!(association_table(&moto, &public).as_deref(), Some(table.as_str()));
    // The default allow-all egress EC2 gives a new group is taken away; the configured rules are there.
    assert_eq!(grants(&moto, &web, false), ["tcp:443-443:0.0.0.0/0"]);
    assert_eq!(grants(&moto, &web, true), ["-1:-1--1:0.0.0.0/0"]);
    assert_eq!(grants(&moto, &db, false), [format!("tcp:5432-5432:{web}")]);
    assert_eq!(grants(&moto, &db, true), ["-1:-1--1:10.20.0.0/16"]);
    assert!(output(&ws, "db_name").starts_with("db-"));
    assert!(output(&ws, "default_sg").starts_with("sg-"));

    // Imported back by their IDs, each plans clean.
    let rule = output(&ws, "rule");
    for (address, id) in [
        ("aws_vpc.main", vpc.clone()),
        ("aws_subnet.public", public.clone()),
        ("aws_internet_gateway.gw", gw.clone()),
        ("aws_route_table.public", table.clone()),
        ("aws_route.internet", format!("{table}_0.0.0.0/0")),
        ("aws_route_table_association.public", format!("{public}/{table}")),
        ("aws_security_group.web", web.clone()),
        ("aws_security_group.db", db.clone()),
        ("aws_vpc_security_group_ingress_rule.db_from_web", rule.clone()),
    ] {
        reimport(&ws, address, &id);
    }
    let bad = ws.run(&["import", "aws_route.other", "0.0.0.0/0"]);
    assert_ne!(bad.code, 0);

    // In place: DNS hostnames, a subnet's launch setting, tags, an inline rule, a rule's port,
    // the association's table; by replacement: the private subnet's block.
    let updated = NETWORK
        .replace("enable_dns_hostnames = true", "enable_dns_hostnames = false")
        .replace("tags                 = { Name = \"main\" }", "tags                 = { Name = \"main\", Team = \"net\" }")
        .replace("map_public_ip_on_launch = true", "map_public_ip_on_launch = false")
        .replace("cidr_block        = \"10.20.2.0/24\"", "cidr_block        = \"10.20.3.0/24\"")
        .replace(
            "    description = \"https\"\n  }\n",
            "    description = \"https\"\n  }\n\n  ingress {\n    from_port   = 80\n    to_port     = 80\n    protocol    = \"6\"\n    cidr_blocks = [\"10.0.0.0/8\", \"192.168.0.0/16\"]\n  }\n",
        )
        .replace("from_port                    = 5432", "from_port                    = 5431")
        .replace(
            "route_table_id = aws_route_table.public.id\n}",
            "route_table_id = aws_route_table.other.id\n}",
        )
        + LOOKUPS;
    ws.write("main.tf", &updated);
    let plan = planned_changes(&ws, "Plan: 2 to add, 5 to change, 1 to destroy.");
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(vpc_flag(&moto, &vpc, EnableDnsHostnames), Some(false));
    assert_eq!(
        subnet(&moto, &public).and_then(|s| s.map_public_ip_on_launch()),
        Some(false)
    );
    assert_eq!(subnets_of(&moto, &vpc), ["10.20.1.0/24", "10.20.3.0/24"]);
    assert_eq!(
        grants(&moto, &web, false),
        [
            "tcp:443-443:0.0.0.0/0",
            "tcp:80-80:10.0.0.0/8",
            "tcp:80-80:192.168.0.0/16"
        ]
    );
    assert_eq!(grants(&moto, &db, false), [format!("tcp:5431-5432:{web}")]);
    assert_ne!(association_table(&moto, &public).as_deref(), Some(table.as_str()));
    // The data sources found what was made.
    assert_eq!(output(&ws, "found_vpc"), "10.20.0.0/16");
    assert_eq!(output(&ws, "found_subnets"), "2");
    assert_eq!(output(&ws, "found_subnet_zone"), "us-east-1a");
    assert_eq!(output(&ws, "found_group"), "web servers");
    assert_eq!(output(&ws, "found_image"), "true");

    // Changes made outside are put back: a rule added by hand to a group whose rules are
    // configured, and DNS hostnames turned on.
    block_on(async {
        let c = ec2(&moto);
        c.authorize_security_group_ingress()
            .group_id(&web)
            .ip_permissions(
                aws_sdk_ec2::types::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(22)
                    .to_port(22)
                    .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .expect("rule by hand");
        c.modify_vpc_attribute()
            .vpc_id(&vpc)
            .enable_dns_hostnames(aws_sdk_ec2::types::AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .expect("hostnames by hand");
    });
    let drift = planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    assert!(drift.stdout.contains("true -> false"), "{}", drift.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(!grants(&moto, &web, false).iter().any(|g| g.starts_with("tcp:22")));
    assert_eq!(vpc_flag(&moto, &vpc, EnableDnsHostnames), Some(false));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Destroy removes the whole network.
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(!vpc_exists(&moto, &vpc));
    assert!(group(&moto, &web).is_none());
    assert!(subnet(&moto, &public).is_none());
    assert!(routes(&moto, &table).is_empty());
}

#[test]
fn network_mistakes_are_refused_at_their_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/33"
}

resource "aws_subnet" "s" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.1.0/16"
}

resource "aws_route" "r" {
  route_table_id         = "rtb-1"
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-1"
  nat_gateway_id         = "nat-1"
}

resource "aws_vpc_security_group_ingress_rule" "i" {
  security_group_id = "sg-1"
  ip_protocol       = "-1"
  from_port         = 22
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_security_group" "g" {
  name = "sg-web"
  ingress {
    from_port = 22
    to_port   = 22
    protocol  = "tcp"
  }
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        ("must be an IPv4 block from /16 to /28", "line 2"),
        ("must be an IPv4 block from /16 to /28 inside the VPC's", "line 7"),
        ("a route has exactly one target", "line 14"),
        ("covers every port: remove from_port and to_port", "line 20"),
        ("cannot start with \"sg-\"", "line 25"),
        ("each ingress block needs one of cidr_blocks", "line 26"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
    // Arguments not supported yet say what to do instead.
    ws.write(
        "main.tf",
        r#"resource "aws_route_table" "t" {
  vpc_id = "vpc-1"
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = "igw-1"
  }
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("declare each route as an aws_route resource"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("on main.tf line 3"), "{}", run.stderr);
}
