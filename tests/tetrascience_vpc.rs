//! Seed 004 with an existing VPC (modules/tetrascience/layers, CreateVPC = false): the seed's
//! prerequisites checked before either layer starts, and the S3 gateway endpoint it recommends.

use crate::tetrascience::{example_vars, layers_call};
use crate::util::{block_on, start_moto};

#[test]
fn an_existing_vpc_is_checked_before_the_data_layer_and_gets_its_s3_gateway_endpoint() {
    let moto = start_moto();
    example_vars(&moto); // publishes the layers' templates
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config());
    let (vpc, corporate_dns, private) = block_on(async {
        let vpc = ec2.create_vpc().cidr_block("10.50.0.0/16").send().await.expect("vpc");
        let vpc = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id").to_string();
        let dhcp = |servers: &str| {
            ec2.create_dhcp_options().dhcp_configurations(
                aws_sdk_ec2::types::NewDhcpConfiguration::builder()
                    .key("domain-name-servers")
                    .values(servers)
                    .build(),
            )
        };
        let corporate = dhcp("10.0.0.2").send().await.expect("dhcp");
        let corporate = corporate
            .dhcp_options()
            .and_then(|d| d.dhcp_options_id())
            .expect("id")
            .to_string();
        ec2.associate_dhcp_options()
            .dhcp_options_id(&corporate)
            .vpc_id(&vpc)
            .send()
            .await
            .expect("associate");
        let mut private = Vec::new();
        for (cidr, zone) in [("10.50.1.0/24", "us-east-1a"), ("10.50.2.0/24", "us-east-1a")] {
            let s = ec2
                .create_subnet()
                .vpc_id(&vpc)
                .cidr_block(cidr)
                .availability_zone(zone)
                .send()
                .await
                .expect("subnet");
            private.push(s.subnet().and_then(|s| s.subnet_id()).expect("subnet id").to_string());
        }
        (vpc, corporate, private)
    });
    let ws = layers_call(&moto, "");
    let config = |private: &[String], endpoint: bool| {
        format!(
            r#"module "platform" {{
  source                     = "./layers"
  infrastructure_name        = "acme-tdp"
  template_version           = "v1.0.0"
  data_layer_template_url    = "https://s3.amazonaws.com/tdp-templates/v1.0.0/data-layer.yml"
  service_layer_template_url = "https://s3.amazonaws.com/tdp-templates/v1.0.0/service-layer.yml"
  s3_gateway_endpoint        = {endpoint}
  data_layer = {{
    CreateVPC               = false
    VPCID                   = "{vpc}"
    PrivateSubnetIds        = {private:?}
    NotificationEmail       = "a@acme.example.com"
    SourceNotificationEmail = "b@acme.example.com"
  }}
  service_layer = {{
    PublicDomain = "tdp.acme.example.com"
  }}
}}
"#
        )
    };
    ws.write("main.tf", &config(&private, false));
    let plan = ws.run(&["plan"]).expect_code(1);
    for text in [
        format!("({corporate_dns}) does not give domain-name-servers = AmazonProvidedDNS"),
        "PrivateSubnetIds must be /24 or larger subnets".to_string(),
    ] {
        assert!(plan.stderr.contains(&text), "{text}\n{}", plan.stderr);
    }
    // Fixed: AmazonProvidedDNS, and a second private subnet in another zone.
    let private = block_on(async {
        let amazon = ec2
            .create_dhcp_options()
            .dhcp_configurations(
                aws_sdk_ec2::types::NewDhcpConfiguration::builder()
                    .key("domain-name-servers")
                    .values("AmazonProvidedDNS")
                    .build(),
            )
            .send()
            .await
            .expect("dhcp");
        let amazon = amazon
            .dhcp_options()
            .and_then(|d| d.dhcp_options_id())
            .expect("id")
            .to_string();
        ec2.associate_dhcp_options()
            .dhcp_options_id(&amazon)
            .vpc_id(&vpc)
            .send()
            .await
            .expect("associate");
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block("10.50.3.0/24")
            .availability_zone("us-east-1b")
            .send()
            .await
            .expect("subnet");
        vec![
            private[0].clone(),
            s.subnet().and_then(|s| s.subnet_id()).expect("id").to_string(),
        ]
    });
    ws.write("main.tf", &config(&private, true));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let endpoints = block_on(async {
        ec2.describe_vpc_endpoints()
            .send()
            .await
            .expect("endpoints")
            .vpc_endpoints()
            .to_vec()
    });
    let s3 = endpoints
        .iter()
        .find(|e| e.vpc_id() == Some(vpc.as_str()))
        .expect("the S3 gateway endpoint");
    assert_eq!(s3.service_name(), Some("com.amazonaws.us-east-1.s3"));
    assert!(!s3.route_table_ids().is_empty(), "in the VPC's route tables");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}
