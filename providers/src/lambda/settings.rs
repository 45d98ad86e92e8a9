//! A function's settings as Lambda takes and gives them: the code source, the nested blocks
//! (environment, VPC, tracing, logging, ...), read from GetFunction and written for
//! CreateFunction and UpdateFunctionConfiguration.

use crate::support::attrs::{
    first_block, invalid, list_of_strings, map_of_strings, map_value, set_of_strings, set_value, sref, string_map,
    string_set, Put, State,
};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Architecture, DeadLetterConfig, Environment, EphemeralStorage, FileSystemConfig, FunctionCode,
    FunctionConfiguration, ImageConfig, LogFormat, LoggingConfig, SnapStart, SnapStartApplyOn, SystemLogLevel,
    TracingConfig, TracingMode, VpcConfig,
};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

/// Arguments whose change is an UpdateFunctionCode.
pub(super) const CODE: [&str; 7] = [
    "filename",
    "source_code_hash",
    "s3_bucket",
    "s3_key",
    "s3_object_version",
    "image_uri",
    "architectures",
];

/// Arguments whose change is an UpdateFunctionConfiguration.
pub(super) const CONFIG: [&str; 15] = [
    "description",
    "handler",
    "file_system_config",
    "image_config",
    "logging_config",
    "memory_size",
    "role",
    "timeout",
    "kms_key_arn",
    "layers",
    "dead_letter_config",
    "snap_start",
    "tracing_config",
    "vpc_config",
    "runtime",
];

/// The nested blocks of the schema.
pub(super) fn blocks(schema: Schema) -> Schema {
    schema
        .block(
            "dead_letter_config",
            Nesting::Single,
            Schema::new().attr("target_arn", Attribute::required(Type::String)),
        )
        .block(
            "environment",
            Nesting::Single,
            Schema::new().attr("variables", Attribute::optional(map_of_strings())),
        )
        .block(
            "ephemeral_storage",
            Nesting::Single,
            Schema::new().attr("size", Attribute::optional_computed(Type::Number)),
        )
        .block(
            "file_system_config",
            Nesting::Single,
            Schema::new()
                .attr("arn", Attribute::required(Type::String))
                .attr("local_mount_path", Attribute::required(Type::String)),
        )
        .block(
            "image_config",
            Nesting::Single,
            Schema::new()
                .attr("command", Attribute::optional(list_of_strings()))
                .attr("entry_point", Attribute::optional(list_of_strings()))
                .attr("working_directory", Attribute::optional(Type::String)),
        )
        .block(
            "logging_config",
            Nesting::Single,
            Schema::new()
                .attr(
                    "log_format",
                    Attribute::required(Type::String).one_of(&["Text", "JSON"]),
                )
                .attr("log_group", Attribute::optional_computed(Type::String))
                .attr(
                    "application_log_level",
                    Attribute::optional(Type::String).one_of(&["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", ""]),
                )
                .attr(
                    "system_log_level",
                    Attribute::optional(Type::String).one_of(&["DEBUG", "INFO", "WARN", ""]),
                ),
        )
        .block(
            "snap_start",
            Nesting::Single,
            Schema::new()
                .attr(
                    "apply_on",
                    Attribute::required(Type::String).one_of(&["PublishedVersions", "None"]),
                )
                .attr("optimization_status", Attribute::computed(Type::String)),
        )
        .block(
            "tracing_config",
            Nesting::Single,
            Schema::new().attr(
                "mode",
                Attribute::required(Type::String).one_of(&["PassThrough", "Active"]),
            ),
        )
        .block(
            "vpc_config",
            Nesting::Single,
            Schema::new()
                .attr("subnet_ids", Attribute::required(set_of_strings()))
                .attr("security_group_ids", Attribute::required(set_of_strings()))
                .attr("ipv6_allowed_for_dual_stack", Attribute::optional(Type::Bool))
                .attr("vpc_id", Attribute::computed(Type::String)),
        )
}

/// The blocks AWS fills when they are not configured (kept as AWS has them, as the AWS
/// provider's optional and computed blocks).
pub(super) const AWS_FILLED: [&str; 3] = ["ephemeral_storage", "logging_config", "tracing_config"];

fn one(item: Option<Value>) -> Value {
    Value::List(item.into_iter().collect::<Vec<_>>().into())
}

fn strings(items: &[String]) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::from(items.to_vec())
    }
}

/// The state of what GetFunction's configuration says.
pub(super) fn put_configuration(st: &mut State, c: &FunctionConfiguration) {
    st.put("function_name", c.function_name());
    st.put("arn", c.function_arn());
    st.put("invoke_arn", c.function_arn().map(super::invoke_arn));
    st.put("role", c.role());
    st.put("handler", c.handler());
    st.put("runtime", c.runtime().map(|r| r.as_str()));
    st.put("description", c.description().unwrap_or_default());
    st.put("timeout", c.timeout().map(i64::from));
    st.put("memory_size", c.memory_size().map(i64::from));
    st.put("last_modified", c.last_modified());
    st.put("code_sha256", c.code_sha256());
    st.put("source_code_size", c.code_size());
    st.put("kms_key_arn", c.kms_key_arn());
    st.put("signing_job_arn", c.signing_job_arn());
    st.put("signing_profile_version_arn", c.signing_profile_version_arn());
    st.put("package_type", c.package_type().map(|p| p.as_str()));
    let arch: Vec<String> = c.architectures().iter().map(|a| a.as_str().to_string()).collect();
    st.put("architectures", strings(&arch));
    let layers: Vec<String> = c.layers().iter().filter_map(|l| l.arn().map(str::to_string)).collect();
    st.put("layers", strings(&layers));
    st.put(
        "dead_letter_config",
        one(c
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .map(|arn| map([("target_arn", Value::string(arn))]))),
    );
    st.put(
        "environment",
        one(c.environment().map(|e| {
            let vars = e
                .variables()
                .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
            map([("variables", vars.map(|v| map_value(&v)).unwrap_or(Value::Null))])
        })),
    );
    st.put(
        "ephemeral_storage",
        one(c
            .ephemeral_storage()
            .map(|e| map([("size", i64::from(e.size()).into())]))),
    );
    st.put(
        "file_system_config",
        one(c.file_system_configs().first().map(|f| {
            map([
                ("arn", Value::string(f.arn())),
                ("local_mount_path", Value::string(f.local_mount_path())),
            ])
        })),
    );
    st.put(
        "image_config",
        one(c
            .image_config_response()
            .and_then(|r| r.image_config())
            // An image configuration with nothing in it is none.
            .filter(|i| !i.command().is_empty() || !i.entry_point().is_empty() || i.working_directory().is_some())
            .map(|i| {
                map([
                    ("command", strings(i.command())),
                    ("entry_point", strings(i.entry_point())),
                    ("working_directory", i.working_directory().into()),
                ])
            })),
    );
    st.put(
        "logging_config",
        one(c.logging_config().map(|l| {
            map([
                ("log_format", l.log_format().map(|f| f.as_str()).into()),
                ("log_group", l.log_group().into()),
                (
                    "application_log_level",
                    Value::string(l.application_log_level().map(|x| x.as_str()).unwrap_or_default()),
                ),
                (
                    "system_log_level",
                    Value::string(l.system_log_level().map(|x| x.as_str()).unwrap_or_default()),
                ),
            ])
        })),
    );
    st.put(
        "snap_start",
        one(c
            .snap_start()
            .filter(|s| s.apply_on().is_some_and(|a| *a != SnapStartApplyOn::None))
            .map(|s| {
                map([
                    ("apply_on", s.apply_on().map(|a| a.as_str()).into()),
                    (
                        "optimization_status",
                        s.optimization_status().map(|o| o.as_str()).into(),
                    ),
                ])
            })),
    );
    st.put(
        "tracing_config",
        one(Some(map([(
            "mode",
            Value::string(
                c.tracing_config()
                    .and_then(|t| t.mode())
                    .map(|m| m.as_str())
                    .unwrap_or("PassThrough"),
            ),
        )]))),
    );
    st.put(
        "vpc_config",
        one(c
            .vpc_config()
            .filter(|v| !v.subnet_ids().is_empty() || !v.security_group_ids().is_empty())
            .map(|v| {
                map([
                    ("subnet_ids", set_value(v.subnet_ids())),
                    ("security_group_ids", set_value(v.security_group_ids())),
                    (
                        "ipv6_allowed_for_dual_stack",
                        Value::Bool(v.ipv6_allowed_for_dual_stack().unwrap_or(false)),
                    ),
                    ("vpc_id", v.vpc_id().into()),
                ])
            })),
    );
}

/// The code the function runs: the zip file named by `filename` (read now), an S3 object, or
/// an image.
pub(super) fn code(planned: &Value) -> Result<FunctionCode, ProviderError> {
    if let Some(file) = sref(planned, "filename") {
        let bytes = std::fs::read(file).map_err(|e| {
            ProviderError::new(
                "InvalidFile",
                format!("reading the function's code from filename {file:?}: {e} (the path is relative to where infinstor runs; path.module helps in a module)"),
            )
        })?;
        return Ok(FunctionCode::builder().zip_file(Blob::new(bytes)).build());
    }
    if let Some(uri) = sref(planned, "image_uri") {
        return Ok(FunctionCode::builder().image_uri(uri).build());
    }
    match (sref(planned, "s3_bucket"), sref(planned, "s3_key")) {
        (Some(bucket), Some(key)) => Ok(FunctionCode::builder()
            .s3_bucket(bucket)
            .s3_key(key)
            .set_s3_object_version(sref(planned, "s3_object_version").map(str::to_string))
            .build()),
        _ => Err(invalid(
            "the function's code: give filename, image_uri, or s3_bucket with s3_key",
        )),
    }
}

pub(super) fn architectures(planned: &Value) -> Option<Vec<Architecture>> {
    let list: Vec<Architecture> = planned
        .get("architectures")
        .as_list()
        .map(|l| l.iter().filter_map(|a| a.as_str().map(Architecture::from)).collect())
        .unwrap_or_default();
    (!list.is_empty()).then_some(list)
}

pub(super) fn layers(planned: &Value) -> Vec<String> {
    planned
        .get("layers")
        .as_list()
        .map(|l| l.iter().filter_map(|a| a.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The configuration blocks as Lambda takes them; a block left out is its "none" value, so
/// an update that removes a block clears it.
pub(super) struct Blocks {
    pub(super) dead_letter: DeadLetterConfig,
    pub(super) environment: Environment,
    pub(super) ephemeral: Option<EphemeralStorage>,
    pub(super) file_systems: Vec<FileSystemConfig>,
    pub(super) image: ImageConfig,
    pub(super) logging: Option<LoggingConfig>,
    pub(super) snap_start: SnapStart,
    pub(super) tracing: Option<TracingConfig>,
    pub(super) vpc: VpcConfig,
}

pub(super) fn expand(planned: &Value) -> Result<Blocks, ProviderError> {
    let block = |k: &str| Some(first_block(planned, k)).filter(|b| !b.is_null());
    let text = |v: &Value, k: &str| sref(v, k).filter(|s| !s.is_empty()).map(str::to_string);
    let env = block("environment")
        .map(|e| string_map(&e.get("variables")))
        .unwrap_or_default();
    let file_systems = match block("file_system_config") {
        Some(f) => vec![FileSystemConfig::builder()
            .set_arn(text(&f, "arn"))
            .set_local_mount_path(text(&f, "local_mount_path"))
            .build()
            .map_err(|e| invalid(format!("file_system_config: {e}")))?],
        None => Vec::new(),
    };
    let image = block("image_config").unwrap_or(Value::Null);
    let list = |v: &Value, k: &str| {
        v.get(k).as_list().map(|l| {
            l.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
    };
    let vpc = block("vpc_config").unwrap_or(Value::Null);
    Ok(Blocks {
        dead_letter: DeadLetterConfig::builder()
            .target_arn(
                block("dead_letter_config")
                    .and_then(|d| text(&d, "target_arn"))
                    .unwrap_or_default(),
            )
            .build(),
        environment: Environment::builder()
            .set_variables(Some(env.into_iter().collect()))
            .build(),
        ephemeral: match block("ephemeral_storage").and_then(|e| e.get("size").as_f64()) {
            Some(size) => Some(
                EphemeralStorage::builder()
                    .size(size as i32)
                    .build()
                    .map_err(|e| invalid(format!("ephemeral_storage: {e}")))?,
            ),
            None => None,
        },
        file_systems,
        image: ImageConfig::builder()
            .set_command(list(&image, "command"))
            .set_entry_point(list(&image, "entry_point"))
            .set_working_directory(text(&image, "working_directory"))
            .build(),
        logging: block("logging_config").map(|l| {
            LoggingConfig::builder()
                .set_log_format(sref(&l, "log_format").map(LogFormat::from))
                .set_log_group(text(&l, "log_group"))
                .set_application_log_level(
                    text(&l, "application_log_level").map(|s| ApplicationLogLevel::from(s.as_str())),
                )
                .set_system_log_level(text(&l, "system_log_level").map(|s| SystemLogLevel::from(s.as_str())))
                .build()
        }),
        snap_start: SnapStart::builder()
            .apply_on(SnapStartApplyOn::from(
                block("snap_start")
                    .and_then(|s| text(&s, "apply_on"))
                    .as_deref()
                    .unwrap_or("None"),
            ))
            .build(),
        tracing: block("tracing_config").map(|t| {
            TracingConfig::builder()
                .set_mode(sref(&t, "mode").map(TracingMode::from))
                .build()
        }),
        vpc: VpcConfig::builder()
            .set_subnet_ids(Some(string_set(&vpc.get("subnet_ids"))))
            .set_security_group_ids(Some(string_set(&vpc.get("security_group_ids"))))
            .set_ipv6_allowed_for_dual_stack(Some(vpc.get("ipv6_allowed_for_dual_stack").as_bool().unwrap_or(false)))
            .build(),
    })
}
