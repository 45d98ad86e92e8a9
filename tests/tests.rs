//! Integration tests: the real `infinstor` binary, against a real AWS API emulator (moto) on
//! 127.0.0.1 where AWS is needed. Results are checked through the AWS SDK, not only through
//! infinstor's own output.

mod util;

mod autoscaling;
mod bad_day;
mod cdktf;
mod certificates;
mod checkov;
mod cli_commands;
mod crashes;
mod diagnostics;
mod dynamodb_items;
mod formatting;
mod iam_account;
mod iam_family;
mod iam_identity;
mod iam_membership;
mod iam_tags;
mod infinstor_dns;
mod infinstor_subscriber;
mod json_syntax;
mod language;
mod layout;
mod lifecycle;
mod local_values;
mod logs;
mod messaging;
mod metaflow;
mod mlflow_artifacts;
mod module_shapes;
mod module_sources;
mod modules;
mod monitoring;
mod network_edge;
mod networking;
mod new_user;
mod oracle;
mod oracle_plans;
mod parallelism;
mod properties;
mod regions;
mod review_output;
mod s3_delivery;
mod s3_family;
mod s3_objects;
mod secrets;
mod secrets_manager;
mod tables;
mod teams;
mod terraform_aws_forms;
mod terraform_aws_state;
mod terraform_state;
mod tetrascience;
mod tls;
mod utility_providers;
