//! Counts the AWS API calls each resource type costs: to create one object (an apply with
//! `-refresh=false`, after what it needs exists) and to refresh it (a plan's calls with the
//! object, less those without it), from `INFINSTOR_API_STATS=1`. Prints a Markdown table.
//!
//! `cargo run -p test-support --example api_calls -- [BINARY]` (default
//! `target/debug/infinstor`); needs the emulator as the tests do (`INFINSTOR_MOTO_SERVER` or
//! `.venv/`).

use test_support::{Moto, Workspace};

const LAMBDA_TRUST: &str = r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })"#;

const TRUST: &str = r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })"#;

/// `(type, what it needs, the object)`: configuration text of each.
fn cases() -> Vec<(&'static str, String, String)> {
    let bucket = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"calls-bucket\"\n}\n".to_string();
    let role =
        format!("resource \"aws_iam_role\" \"r\" {{\n  name = \"calls-role\"\n  assume_role_policy = {TRUST}\n}}\n");
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  name   = \"calls-policy\"\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"*\" }] })\n}\n".to_string();
    let zone = "resource \"aws_route53_zone\" \"z\" {\n  name = \"calls.example.com\"\n}\n".to_string();
    let key = "resource \"aws_kms_key\" \"k\" {\n  description = \"calls\"\n}\n".to_string();
    let vpc = "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n".to_string();
    let table = "resource \"aws_route_table\" \"t\" {\n  vpc_id = aws_vpc.v.id\n}\n".to_string();
    let group =
        format!("{vpc}resource \"aws_security_group\" \"g\" {{\n  name   = \"calls\"\n  vpc_id = aws_vpc.v.id\n}}\n");
    let scaled_table = "resource \"aws_dynamodb_table\" \"t\" {\n  name           = \"calls\"\n  billing_mode   = \"PROVISIONED\"\n  read_capacity  = 5\n  write_capacity = 5\n  hash_key       = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n".to_string();
    let scaling = "resource \"aws_appautoscaling_target\" \"a\" {\n  service_namespace  = \"dynamodb\"\n  resource_id        = \"table/calls\"\n  scalable_dimension = \"dynamodb:table:ReadCapacityUnits\"\n  min_capacity       = 5\n  max_capacity       = 50\n}\n".to_string();
    let repository = "resource \"aws_ecr_repository\" \"r\" {\n  name = \"calls\"\n}\n".to_string();
    let event_rule = "resource \"aws_cloudwatch_event_rule\" \"e\" {\n  name                = \"calls\"\n  schedule_expression = \"rate(5 minutes)\"\n}\n".to_string();
    let fn_role = format!(
        "resource \"aws_iam_role\" \"r\" {{\n  name = \"calls-fn\"\n  assume_role_policy = {LAMBDA_TRUST}\n}}\n"
    );
    let lambda = "resource \"aws_lambda_function\" \"f\" {\n  function_name = \"calls\"\n  role          = aws_iam_role.r.arn\n  package_type  = \"Image\"\n  image_uri     = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/calls:latest\"\n}\n".to_string();
    let function = format!("{fn_role}{lambda}");
    let user_pool = "resource \"aws_cognito_user_pool\" \"p\" {\n  name = \"calls\"\n}\n".to_string();
    vec![
        ("aws_s3_bucket", String::new(), bucket.clone()),
        (
            "aws_s3_bucket_policy",
            bucket.clone(),
            "resource \"aws_s3_bucket_policy\" \"o\" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Deny\", Principal = \"*\", Action = \"s3:DeleteBucket\", Resource = aws_s3_bucket.b.arn }] })\n}\n".into(),
        ),
        (
            "aws_s3_bucket_public_access_block",
            bucket.clone(),
            "resource \"aws_s3_bucket_public_access_block\" \"o\" {\n  bucket            = aws_s3_bucket.b.id\n  block_public_acls = true\n}\n".into(),
        ),
        (
            "aws_s3_bucket_versioning",
            bucket.clone(),
            "resource \"aws_s3_bucket_versioning\" \"o\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n".into(),
        ),
        (
            "aws_s3_bucket_cors_configuration",
            bucket.clone(),
            "resource \"aws_s3_bucket_cors_configuration\" \"o\" {\n  bucket = aws_s3_bucket.b.id\n  cors_rule {\n    allowed_methods = [\"GET\"]\n    allowed_origins = [\"*\"]\n  }\n}\n".into(),
        ),
        (
            "aws_s3_bucket_server_side_encryption_configuration",
            bucket.clone(),
            "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"o\" {\n  bucket = aws_s3_bucket.b.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = \"aws:kms\"\n    }\n  }\n}\n".into(),
        ),
        (
            "aws_s3_object",
            bucket,
            "resource \"aws_s3_object\" \"o\" {\n  bucket  = aws_s3_bucket.b.id\n  key     = \"a.txt\"\n  content = \"a\"\n}\n".into(),
        ),
        ("aws_iam_role", String::new(), role.clone()),
        ("aws_iam_policy", String::new(), policy.clone()),
        (
            "aws_iam_role_policy",
            role.clone(),
            "resource \"aws_iam_role_policy\" \"o\" {\n  role   = aws_iam_role.r.name\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"*\" }] })\n}\n".into(),
        ),
        (
            "aws_iam_role_policy_attachment",
            format!("{role}{policy}"),
            "resource \"aws_iam_role_policy_attachment\" \"o\" {\n  role       = aws_iam_role.r.name\n  policy_arn = aws_iam_policy.p.arn\n}\n".into(),
        ),
        (
            "aws_iam_instance_profile",
            role,
            "resource \"aws_iam_instance_profile\" \"o\" {\n  name = \"calls-profile\"\n  role = aws_iam_role.r.name\n}\n".into(),
        ),
        (
            "aws_iam_user",
            String::new(),
            "resource \"aws_iam_user\" \"o\" {\n  name = \"calls-user\"\n}\n".into(),
        ),
        ("aws_route53_zone", String::new(), zone.clone()),
        (
            "aws_route53_record",
            zone,
            "resource \"aws_route53_record\" \"o\" {\n  zone_id = aws_route53_zone.z.zone_id\n  name    = \"www.calls.example.com\"\n  type    = \"A\"\n  ttl     = 300\n  records = [\"192.0.2.1\"]\n}\n".into(),
        ),
        (
            "aws_acm_certificate",
            String::new(),
            "resource \"aws_acm_certificate\" \"o\" {\n  domain_name       = \"calls.example.com\"\n  validation_method = \"DNS\"\n}\n".into(),
        ),
        ("aws_kms_key", String::new(), key.clone()),
        (
            "aws_kms_alias",
            key,
            "resource \"aws_kms_alias\" \"o\" {\n  name          = \"alias/calls\"\n  target_key_id = aws_kms_key.k.key_id\n}\n".into(),
        ),
        (
            "aws_ssm_parameter",
            String::new(),
            "resource \"aws_ssm_parameter\" \"o\" {\n  name  = \"/calls/p\"\n  type  = \"SecureString\"\n  value = \"s3cret\"\n}\n".into(),
        ),
        (
            "aws_dynamodb_table",
            String::new(),
            "resource \"aws_dynamodb_table\" \"o\" {\n  name         = \"calls\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n".into(),
        ),
        (
            "aws_cloudformation_stack",
            String::new(),
            "resource \"aws_cloudformation_stack\" \"o\" {\n  name          = \"calls\"\n  template_body = jsonencode({ Resources = { P = { Type = \"AWS::SSM::Parameter\", Properties = { Name = \"/calls/stack\", Type = \"String\", Value = \"v\" } } } })\n}\n".into(),
        ),
        (
            "aws_key_pair",
            String::new(),
            "resource \"aws_key_pair\" \"o\" {\n  key_name   = \"calls\"\n  public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG calls\"\n}\n".into(),
        ),
        (
            "aws_sesv2_email_identity",
            String::new(),
            "resource \"aws_sesv2_email_identity\" \"o\" {\n  email_identity = \"calls@example.com\"\n}\n".into(),
        ),
        (
            "aws_cloudwatch_log_resource_policy",
            String::new(),
            "resource \"aws_cloudwatch_log_resource_policy\" \"o\" {\n  policy_name     = \"calls\"\n  policy_document = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { Service = \"es.amazonaws.com\" }, Action = \"logs:PutLogEvents\", Resource = \"*\" }] })\n}\n".into(),
        ),
        (
            "aws_cloudwatch_log_group",
            String::new(),
            "resource \"aws_cloudwatch_log_group\" \"o\" {\n  name              = \"calls\"\n  retention_in_days = 7\n  tags              = { team = \"ml\" }\n}\n".into(),
        ),
        (
            "aws_cloudwatch_log_stream",
            "resource \"aws_cloudwatch_log_group\" \"g\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_cloudwatch_log_stream\" \"o\" {\n  name           = \"calls\"\n  log_group_name = aws_cloudwatch_log_group.g.name\n}\n".into(),
        ),
        (
            "aws_cloudwatch_log_metric_filter",
            "resource \"aws_cloudwatch_log_group\" \"g\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_cloudwatch_log_metric_filter\" \"o\" {\n  name           = \"calls\"\n  log_group_name = aws_cloudwatch_log_group.g.name\n  pattern        = \"ERROR\"\n  metric_transformation {\n    name      = \"Errors\"\n    namespace = \"Calls\"\n    value     = \"1\"\n  }\n}\n".into(),
        ),
        (
            "aws_s3_account_public_access_block",
            String::new(),
            "resource \"aws_s3_account_public_access_block\" \"o\" {\n  block_public_acls = true\n}\n".into(),
        ),
        (
            "aws_sns_topic",
            String::new(),
            "resource \"aws_sns_topic\" \"o\" {\n  name         = \"calls\"\n  display_name = \"Calls\"\n  tags         = { team = \"ml\" }\n}\n".into(),
        ),
        (
            "aws_sns_topic_policy",
            "resource \"aws_sns_topic\" \"t\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_sns_topic_policy\" \"o\" {\n  arn    = aws_sns_topic.t.arn\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::123456789012:root\" }, Action = \"SNS:Publish\", Resource = aws_sns_topic.t.arn }] })\n}\n".into(),
        ),
        (
            "aws_sns_topic_subscription",
            "resource \"aws_sns_topic\" \"t\" {\n  name = \"calls\"\n}\n\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_sns_topic_subscription\" \"o\" {\n  topic_arn = aws_sns_topic.t.arn\n  protocol  = \"sqs\"\n  endpoint  = aws_sqs_queue.q.arn\n}\n".into(),
        ),
        (
            "aws_sqs_queue",
            String::new(),
            "resource \"aws_sqs_queue\" \"o\" {\n  name                       = \"calls\"\n  visibility_timeout_seconds = 60\n  tags                       = { team = \"ml\" }\n}\n".into(),
        ),
        (
            "aws_sqs_queue_policy",
            "resource \"aws_sqs_queue\" \"q\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_sqs_queue_policy\" \"o\" {\n  queue_url = aws_sqs_queue.q.id\n  policy    = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { Service = \"sns.amazonaws.com\" }, Action = \"sqs:SendMessage\", Resource = aws_sqs_queue.q.arn }] })\n}\n".into(),
        ),
        (
            "aws_sqs_queue_redrive_policy",
            "resource \"aws_sqs_queue\" \"q\" {\n  name = \"calls\"\n}\n\nresource \"aws_sqs_queue\" \"dead\" {\n  name = \"calls-dead\"\n}\n".into(),
            "resource \"aws_sqs_queue_redrive_policy\" \"o\" {\n  queue_url      = aws_sqs_queue.q.id\n  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dead.arn, maxReceiveCount = 4 })\n}\n".into(),
        ),
        (
            "aws_cloudwatch_metric_alarm",
            String::new(),
            "resource \"aws_cloudwatch_metric_alarm\" \"o\" {\n  alarm_name          = \"calls\"\n  comparison_operator = \"GreaterThanThreshold\"\n  evaluation_periods  = 1\n  metric_name         = \"Errors\"\n  namespace           = \"Calls\"\n  period              = 60\n  statistic           = \"Sum\"\n  threshold           = 1\n  tags                = { team = \"ml\" }\n}\n".into(),
        ),
        (
            "aws_cloudwatch_dashboard",
            String::new(),
            "resource \"aws_cloudwatch_dashboard\" \"o\" {\n  dashboard_name = \"calls\"\n  dashboard_body = jsonencode({ widgets = [] })\n}\n".into(),
        ),
        (
            "aws_iam_access_key",
            "resource \"aws_iam_user\" \"u\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_iam_access_key\" \"o\" {\n  user = aws_iam_user.u.name\n}\n".into(),
        ),
        (
            "aws_iam_account_password_policy",
            String::new(),
            "resource \"aws_iam_account_password_policy\" \"o\" {\n  minimum_password_length = 14\n}\n".into(),
        ),
        (
            "aws_iam_account_alias",
            String::new(),
            "resource \"aws_iam_account_alias\" \"o\" {\n  account_alias = \"calls\"\n}\n".into(),
        ),
        (
            "aws_secretsmanager_secret",
            String::new(),
            "resource \"aws_secretsmanager_secret\" \"o\" {\n  name        = \"calls\"\n  description = \"calls\"\n  tags        = { team = \"ml\" }\n}\n".into(),
        ),
        (
            "aws_secretsmanager_secret_version",
            "resource \"aws_secretsmanager_secret\" \"s\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_secretsmanager_secret_version\" \"o\" {\n  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = \"calls\"\n}\n".into(),
        ),
        (
            "aws_secretsmanager_secret_policy",
            "resource \"aws_secretsmanager_secret\" \"s\" {\n  name = \"calls\"\n}\n".into(),
            "resource \"aws_secretsmanager_secret_policy\" \"o\" {\n  secret_arn = aws_secretsmanager_secret.s.arn\n  policy     = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::123456789012:root\" }, Action = \"secretsmanager:GetSecretValue\", Resource = \"*\" }] })\n}\n".into(),
        ),
        (
            "aws_dynamodb_table_item",
            "resource \"aws_dynamodb_table\" \"t\" {\n  name         = \"calls\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n".into(),
            "resource \"aws_dynamodb_table_item\" \"o\" {\n  table_name = aws_dynamodb_table.t.name\n  hash_key   = \"id\"\n  item       = jsonencode({ id = { S = \"calls\" } })\n}\n".into(),
        ),
        (
            "aws_dynamodb_resource_policy",
            "resource \"aws_dynamodb_table\" \"t\" {\n  name         = \"calls\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n".into(),
            "resource \"aws_dynamodb_resource_policy\" \"o\" {\n  resource_arn = aws_dynamodb_table.t.arn\n  policy       = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::123456789012:root\" }, Action = \"dynamodb:GetItem\", Resource = aws_dynamodb_table.t.arn }] })\n}\n".into(),
        ),
        ("aws_vpc", String::new(), vpc.clone()),
        (
            "aws_subnet",
            vpc.clone(),
            "resource \"aws_subnet\" \"o\" {\n  vpc_id     = aws_vpc.v.id\n  cidr_block = \"10.9.1.0/24\"\n}\n".into(),
        ),
        (
            "aws_internet_gateway",
            vpc.clone(),
            "resource \"aws_internet_gateway\" \"o\" {\n  vpc_id = aws_vpc.v.id\n}\n".into(),
        ),
        (
            "aws_route_table",
            vpc.clone(),
            "resource \"aws_route_table\" \"o\" {\n  vpc_id = aws_vpc.v.id\n}\n".into(),
        ),
        (
            "aws_route",
            format!("{vpc}{table}resource \"aws_internet_gateway\" \"g\" {{\n  vpc_id = aws_vpc.v.id\n}}\n"),
            "resource \"aws_route\" \"o\" {\n  route_table_id         = aws_route_table.t.id\n  destination_cidr_block = \"0.0.0.0/0\"\n  gateway_id             = aws_internet_gateway.g.id\n}\n".into(),
        ),
        (
            "aws_route_table_association",
            format!("{vpc}{table}resource \"aws_subnet\" \"s\" {{\n  vpc_id     = aws_vpc.v.id\n  cidr_block = \"10.9.1.0/24\"\n}}\n"),
            "resource \"aws_route_table_association\" \"o\" {\n  subnet_id      = aws_subnet.s.id\n  route_table_id = aws_route_table.t.id\n}\n".into(),
        ),
        (
            "aws_security_group",
            vpc.clone(),
            "resource \"aws_security_group\" \"o\" {\n  name   = \"calls\"\n  vpc_id = aws_vpc.v.id\n  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n}\n".into(),
        ),
        (
            "aws_vpc_security_group_ingress_rule",
            group.clone(),
            "resource \"aws_vpc_security_group_ingress_rule\" \"o\" {\n  security_group_id = aws_security_group.g.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = \"10.0.0.0/8\"\n}\n".into(),
        ),
        (
            "aws_vpc_security_group_egress_rule",
            group.clone(),
            "resource \"aws_vpc_security_group_egress_rule\" \"o\" {\n  security_group_id = aws_security_group.g.id\n  ip_protocol       = \"-1\"\n  cidr_ipv4         = \"0.0.0.0/0\"\n}\n".into(),
        ),
        (
            "aws_security_group_rule",
            group.clone(),
            "resource \"aws_security_group_rule\" \"o\" {\n  type              = \"ingress\"\n  security_group_id = aws_security_group.g.id\n  protocol          = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_blocks       = [\"10.0.0.0/8\"]\n}\n".into(),
        ),
        (
            "aws_iam_group_membership",
            "resource \"aws_iam_user\" \"u\" {\n  name = \"calls-user\"\n}\nresource \"aws_iam_group\" \"g\" {\n  name = \"calls-group\"\n}\n".into(),
            "resource \"aws_iam_group_membership\" \"o\" {\n  name  = \"calls\"\n  group = aws_iam_group.g.name\n  users = [aws_iam_user.u.name]\n}\n".into(),
        ),
        (
            "aws_iam_user_group_membership",
            "resource \"aws_iam_user\" \"u\" {\n  name = \"calls-user\"\n}\nresource \"aws_iam_group\" \"g\" {\n  name = \"calls-group\"\n}\n".into(),
            "resource \"aws_iam_user_group_membership\" \"o\" {\n  user   = aws_iam_user.u.name\n  groups = [aws_iam_group.g.name]\n}\n".into(),
        ),
        (
            "aws_ec2_managed_prefix_list",
            String::new(),
            "resource \"aws_ec2_managed_prefix_list\" \"o\" {\n  name           = \"calls\"\n  address_family = \"IPv4\"\n  max_entries    = 2\n  entry {\n    cidr = \"10.0.0.0/8\"\n  }\n}\n".into(),
        ),
        (
            "aws_eip",
            String::new(),
            "resource \"aws_eip\" \"o\" {\n  domain = \"vpc\"\n}\n".into(),
        ),
        (
            "aws_nat_gateway",
            format!("{vpc}resource \"aws_subnet\" \"s\" {{\n  vpc_id     = aws_vpc.v.id\n  cidr_block = \"10.9.1.0/24\"\n}}\nresource \"aws_eip\" \"e\" {{\n  domain = \"vpc\"\n}}\n"),
            "resource \"aws_nat_gateway\" \"o\" {\n  subnet_id     = aws_subnet.s.id\n  allocation_id = aws_eip.e.id\n}\n".into(),
        ),
        (
            "aws_vpc_endpoint",
            format!("{vpc}{table}"),
            "resource \"aws_vpc_endpoint\" \"o\" {\n  vpc_id          = aws_vpc.v.id\n  service_name    = \"com.amazonaws.us-east-1.s3\"\n  route_table_ids = [aws_route_table.t.id]\n}\n".into(),
        ),
        (
            "aws_vpc_dhcp_options",
            String::new(),
            "resource \"aws_vpc_dhcp_options\" \"o\" {\n  domain_name = \"calls.example\"\n}\n".into(),
        ),
        (
            "aws_vpc_dhcp_options_association",
            format!("{vpc}resource \"aws_vpc_dhcp_options\" \"d\" {{\n  domain_name = \"calls.example\"\n}}\n"),
            "resource \"aws_vpc_dhcp_options_association\" \"o\" {\n  vpc_id          = aws_vpc.v.id\n  dhcp_options_id = aws_vpc_dhcp_options.d.id\n}\n".into(),
        ),
        ("aws_appautoscaling_target", scaled_table.clone(), scaling.replace("\"a\"", "\"o\"")),
        (
            "aws_appautoscaling_policy",
            format!("{scaled_table}{scaling}"),
            "resource \"aws_appautoscaling_policy\" \"o\" {\n  name               = \"calls\"\n  policy_type        = \"TargetTrackingScaling\"\n  service_namespace  = aws_appautoscaling_target.a.service_namespace\n  resource_id        = aws_appautoscaling_target.a.resource_id\n  scalable_dimension = aws_appautoscaling_target.a.scalable_dimension\n  target_tracking_scaling_policy_configuration {\n    target_value = 70\n    predefined_metric_specification {\n      predefined_metric_type = \"DynamoDBReadCapacityUtilization\"\n    }\n  }\n}\n".into(),
        ),
        ("aws_ecr_repository", String::new(), repository.replace("\"r\"", "\"o\"")),
        (
            "aws_ecr_lifecycle_policy",
            repository.clone(),
            "resource \"aws_ecr_lifecycle_policy\" \"o\" {\n  repository = aws_ecr_repository.r.name\n  policy     = jsonencode({ rules = [{ rulePriority = 1, selection = { tagStatus = \"untagged\", countType = \"sinceImagePushed\", countUnit = \"days\", countNumber = 14 }, action = { type = \"expire\" } }] })\n}\n".into(),
        ),
        (
            "aws_ecr_repository_policy",
            repository.clone(),
            "resource \"aws_ecr_repository_policy\" \"o\" {\n  repository = aws_ecr_repository.r.name\n  policy     = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::123456789012:root\" }, Action = \"ecr:BatchGetImage\" }] })\n}\n".into(),
        ),
        ("aws_cloudwatch_event_rule", String::new(), event_rule.replace("\"e\"", "\"o\"")),
        (
            "aws_cloudwatch_event_target",
            event_rule.clone(),
            "resource \"aws_cloudwatch_event_target\" \"o\" {\n  rule      = aws_cloudwatch_event_rule.e.name\n  target_id = \"calls\"\n  arn       = \"arn:aws:sqs:us-east-1:123456789012:calls\"\n}\n".into(),
        ),
        ("aws_lambda_function", fn_role.clone(), lambda.replace("\"f\"", "\"o\"")),
        (
            "aws_lambda_permission",
            function.clone(),
            "resource \"aws_lambda_permission\" \"o\" {\n  statement_id  = \"calls\"\n  action        = \"lambda:InvokeFunction\"\n  function_name = aws_lambda_function.f.function_name\n  principal     = \"events.amazonaws.com\"\n}\n".into(),
        ),
        (
            "aws_lambda_alias",
            function.clone(),
            "resource \"aws_lambda_alias\" \"o\" {\n  name             = \"live\"\n  function_name    = aws_lambda_function.f.function_name\n  function_version = \"$LATEST\"\n}\n".into(),
        ),
        (
            "aws_lambda_function_url",
            function.clone(),
            "resource \"aws_lambda_function_url\" \"o\" {\n  function_name      = aws_lambda_function.f.function_name\n  authorization_type = \"AWS_IAM\"\n}\n".into(),
        ),
        (
            "aws_lambda_layer_version",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"calls-layers\"\n}\nresource \"aws_s3_object\" \"z\" {\n  bucket  = aws_s3_bucket.b.id\n  key     = \"layer.zip\"\n  content = \"layer\"\n}\n".into(),
            "resource \"aws_lambda_layer_version\" \"o\" {\n  layer_name = \"calls\"\n  s3_bucket  = aws_s3_object.z.bucket\n  s3_key     = aws_s3_object.z.key\n}\n".into(),
        ),
        (
            "aws_lambda_event_source_mapping",
            format!("{function}resource \"aws_sqs_queue\" \"q\" {{\n  name = \"calls-jobs\"\n}}\n"),
            "resource \"aws_lambda_event_source_mapping\" \"o\" {\n  event_source_arn = aws_sqs_queue.q.arn\n  function_name    = aws_lambda_function.f.function_name\n}\n".into(),
        ),
        ("aws_cognito_user_pool", String::new(), user_pool.replace("\"p\"", "\"o\"")),
        (
            "aws_cognito_user_pool_client",
            user_pool.clone(),
            "resource \"aws_cognito_user_pool_client\" \"o\" {\n  name            = \"calls\"\n  user_pool_id    = aws_cognito_user_pool.p.id\n  generate_secret = true\n}\n".into(),
        ),
        (
            "aws_cognito_user_pool_domain",
            user_pool.clone(),
            "resource \"aws_cognito_user_pool_domain\" \"o\" {\n  domain       = \"calls\"\n  user_pool_id = aws_cognito_user_pool.p.id\n}\n".into(),
        ),
        (
            "aws_cognito_identity_provider",
            user_pool.clone(),
            "resource \"aws_cognito_identity_provider\" \"o\" {\n  user_pool_id     = aws_cognito_user_pool.p.id\n  provider_name    = \"corp\"\n  provider_type    = \"SAML\"\n  provider_details = { MetadataURL = \"https://idp.example.com/metadata\" }\n}\n".into(),
        ),
        (
            "aws_cognito_user_group",
            user_pool.clone(),
            "resource \"aws_cognito_user_group\" \"o\" {\n  user_pool_id = aws_cognito_user_pool.p.id\n  name         = \"calls\"\n}\n".into(),
        ),
        (
            "aws_cognito_resource_server",
            user_pool.clone(),
            "resource \"aws_cognito_resource_server\" \"o\" {\n  user_pool_id = aws_cognito_user_pool.p.id\n  identifier   = \"https://calls.example.com\"\n  name         = \"calls\"\n}\n".into(),
        ),
        (
            "aws_cloudfront_origin_access_control",
            String::new(),
            "resource \"aws_cloudfront_origin_access_control\" \"o\" {\n  name                              = \"calls\"\n  origin_access_control_origin_type = \"s3\"\n  signing_behavior                  = \"always\"\n  signing_protocol                  = \"sigv4\"\n}\n".into(),
        ),
        (
            "aws_cloudfront_distribution",
            String::new(),
            "resource \"aws_cloudfront_distribution\" \"o\" {\n  enabled = true\n  origin {\n    origin_id   = \"s3\"\n    domain_name = \"calls.s3.amazonaws.com\"\n  }\n  default_cache_behavior {\n    target_origin_id       = \"s3\"\n    viewer_protocol_policy = \"allow-all\"\n    allowed_methods        = [\"GET\", \"HEAD\"]\n    cached_methods         = [\"GET\", \"HEAD\"]\n    cache_policy_id        = \"658327ea-f89d-4fab-a63d-7e88639e58f6\"\n  }\n  restrictions {\n    geo_restriction {\n      restriction_type = \"none\"\n    }\n  }\n  viewer_certificate {\n    cloudfront_default_certificate = true\n  }\n}\n".into(),
        ),
        (
            "aws_cloudwatch_log_subscription_filter",
            format!("{function}resource \"aws_cloudwatch_log_group\" \"g\" {{\n  name = \"/calls\"\n}}\n"),
            "resource \"aws_cloudwatch_log_subscription_filter\" \"o\" {\n  name            = \"calls\"\n  log_group_name  = aws_cloudwatch_log_group.g.name\n  filter_pattern  = \"ERROR\"\n  destination_arn = aws_lambda_function.f.arn\n}\n".into(),
        ),
    ]
}

/// The calls a run reports, in total and by operation (`Service:Operation: n`).
fn calls(stderr: &str) -> (usize, Vec<(String, usize)>) {
    let mut total = 0;
    let mut by_operation = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("AWS API calls (") {
            total = rest.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            for op in lines.by_ref() {
                let Some((name, n)) = op.trim().rsplit_once(": ") else {
                    break;
                };
                if !op.starts_with("  ") {
                    break;
                }
                by_operation.push((name.to_string(), n.parse().unwrap_or(0)));
            }
            break;
        }
    }
    (total, by_operation)
}

fn main() {
    let binary = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/debug/infinstor".into());
    let binary = std::fs::canonicalize(&binary).unwrap_or_else(|e| {
        eprintln!("error: no infinstor binary at {binary}: {e}; build it (cargo build) or pass its path");
        std::process::exit(2);
    });
    let moto = Moto::start();
    let stats = [("INFINSTOR_API_STATS", "1")];
    println!("| type | calls per create | the create's calls | calls per refresh |");
    println!("|---|---|---|---|");
    for (type_name, needs, object) in cases() {
        moto.reset();
        let ws = Workspace::new(&binary, Some(&moto));
        let run = |args: &[&str]| {
            let run = ws.run_with(args, &stats);
            if run.code != 0 {
                eprintln!(
                    "{type_name}: `infinstor {}` failed\n{}\n{}",
                    args.join(" "),
                    run.stdout,
                    run.stderr
                );
                std::process::exit(1);
            }
            run
        };
        ws.write("main.tf", &needs);
        if !needs.is_empty() {
            run(&["apply", "-auto-approve"]);
        }
        let (before, _) = calls(&run(&["plan"]).stderr);
        ws.write("main.tf", &format!("{needs}{object}"));
        let (create, operations) = calls(&run(&["apply", "-auto-approve", "-refresh=false"]).stderr);
        let (after, _) = calls(&run(&["plan", "-detailed-exitcode"]).stderr);
        let operations: Vec<String> = operations.iter().map(|(op, n)| format!("{op} {n}")).collect();
        println!(
            "| `{type_name}` | {create} | {} | {} |",
            operations.join(", "),
            after.saturating_sub(before)
        );
    }
}
