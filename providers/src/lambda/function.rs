//! aws_lambda_function: a function, its code (a zip file, an S3 object or an image), its
//! configuration, reserved concurrency, published versions and tags.

use super::settings::{self, AWS_FILLED, CODE, CONFIG};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, list_of_strings, map_of_strings, problem,
    set_of_strings, sref, string_map, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags, tags_all};
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::Filter;
use aws_sdk_lambda::types::{LastUpdateStatus, PackageType, Runtime, State as FunctionState, VpcConfig};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct Function;

/// The AWS provider's limit for each of create, update and delete.
const TEN_MINUTES: Duration = Duration::from_secs(600);

/// Lambda's answers while the role a function runs as is not usable yet (IAM propagation), its
/// network interfaces are throttled, or its key cannot be granted yet: tried again, as the AWS
/// provider does.
fn propagating(e: &ProviderError) -> bool {
    e.code == "InvalidParameterValueException"
        && [
            "cannot be assumed by Lambda",
            "execution role does not have permissions",
            "throttled by EC2",
            "KMS key is invalid for CreateGrant",
        ]
        .iter()
        .any(|m| e.message.contains(m))
}

fn is_changed(prior: &Value, planned: &Value, keys: &[&str]) -> bool {
    keys.iter().any(|k| prior.get(k) != planned.get(k))
}

/// Whether `planned` asks UpdateFunctionConfiguration of the function `prior` describes.
fn config_changed(prior: &Value, planned: &Value) -> bool {
    is_changed(prior, planned, &CONFIG) || is_changed(prior, planned, &["environment", "ephemeral_storage"])
}

impl Function {
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading Lambda Function ({name})"),
            ctx.lambda.get_function().function_name(name).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(c) = out.configuration() else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        settings::put_configuration(&mut st, c);
        st.put("id", name);
        if c.description().unwrap_or_default().is_empty() && sref(prior, "description").is_none() {
            st.put("description", Value::Null);
        }
        st.put("image_uri", out.code().and_then(|code| code.image_uri()));
        st.put(
            "reserved_concurrent_executions",
            out.concurrency()
                .and_then(|c| c.reserved_concurrent_executions())
                .map(i64::from)
                .unwrap_or(-1),
        );
        for (key, default) in [("publish", false), ("skip_destroy", false)] {
            if prior.get(key).as_bool().is_none() {
                st.put(key, default);
            }
        }
        // The newest version: the last of Lambda's list ($LATEST when none is published).
        let mut marker = None;
        let mut latest = None;
        loop {
            let page = call(
                ctx,
                &format!("listing the versions of Lambda Function ({name})"),
                ctx.lambda
                    .list_versions_by_function()
                    .function_name(name)
                    .set_marker(marker.take())
                    .max_items(10000)
                    .send(),
            )?;
            if let Some(last) = page.versions().last() {
                latest = Some((
                    last.version().unwrap_or("$LATEST").to_string(),
                    last.function_arn().unwrap_or_default().to_string(),
                ));
            }
            match page.next_marker() {
                Some(next) if !next.is_empty() => marker = Some(next.to_string()),
                _ => break,
            }
        }
        if let Some((version, arn)) = latest {
            st.put("version", version);
            st.put("qualified_invoke_arn", super::invoke_arn(&arn));
            st.put("qualified_arn", arn);
        }
        // A code signing configuration is read when one is recorded (one call fewer per
        // refresh for the functions without).
        if sref(prior, "code_signing_config_arn").is_some_and(|a| !a.is_empty()) {
            let signing = found(call(
                ctx,
                &format!("reading the code signing of Lambda Function ({name})"),
                ctx.lambda.get_function_code_signing_config().function_name(name).send(),
            ))?;
            st.put(
                "code_signing_config_arn",
                signing.map(|s| s.code_signing_config_arn().to_string()),
            );
        }
        let remote = out
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Waits until the function is active and its last update done.
    fn settle(&self, ctx: &Ctx, name: &str, limit: Duration, step: &Step<'_>) -> Result<(), ProviderError> {
        Waiter::new(format!("Lambda Function ({name}) to be ready"), limit)
            .progress(step.progress)
            .wait(|| {
                let c = call(
                    ctx,
                    &format!("reading Lambda Function ({name})"),
                    ctx.lambda.get_function_configuration().function_name(name).send(),
                )?;
                match (c.state(), c.last_update_status()) {
                    (Some(FunctionState::Failed), _) | (_, Some(LastUpdateStatus::Failed)) => Err(ProviderError::new(
                        "FunctionFailed",
                        format!(
                            "Lambda Function ({name}) failed: {}",
                            c.state_reason()
                                .or(c.last_update_status_reason())
                                .unwrap_or("no reason given")
                        ),
                    )),
                    (Some(FunctionState::Pending), _) => Ok(Poll::Pending("Pending".into())),
                    (_, Some(LastUpdateStatus::InProgress)) => Ok(Poll::Pending("updating".into())),
                    _ => Ok(Poll::Ready(())),
                }
            })
    }

    fn concurrency(&self, ctx: &Ctx, name: &str, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("setting the reserved concurrency of Lambda Function ({name})");
        match planned.get("reserved_concurrent_executions").as_f64() {
            Some(n) if n >= 0.0 => call(
                ctx,
                &op,
                ctx.lambda
                    .put_function_concurrency()
                    .function_name(name)
                    .reserved_concurrent_executions(n as i32)
                    .send(),
            )
            .map(drop),
            _ => found(call(
                ctx,
                &op,
                ctx.lambda.delete_function_concurrency().function_name(name).send(),
            ))
            .map(drop),
        }
    }

    /// CreateFunction; whether the function is already active (no wait needed).
    fn create_function(&self, ctx: &Ctx, name: &str, planned: &Value, limit: Duration) -> Result<bool, ProviderError> {
        let code = settings::code(planned)?;
        let b = settings::expand(planned)?;
        let zip = sref(planned, "package_type").unwrap_or("Zip") == "Zip";
        let layers = settings::layers(planned);
        let tags = string_map(&planned.get("tags_all"));
        let op = format!("creating Lambda Function ({name})");
        Waiter::new(op.clone(), limit.min(Duration::from_secs(300))).retry(propagating, || {
            call(
                ctx,
                &op,
                ctx.lambda
                    .create_function()
                    .function_name(name)
                    .set_role(sref(planned, "role").map(str::to_string))
                    .code(code.clone())
                    .description(sref(planned, "description").unwrap_or_default())
                    .set_memory_size(planned.get("memory_size").as_f64().map(|n| n as i32))
                    .set_timeout(planned.get("timeout").as_f64().map(|n| n as i32))
                    .set_publish(planned.get("publish").as_bool())
                    .set_package_type(sref(planned, "package_type").map(PackageType::from))
                    .set_handler(sref(planned, "handler").filter(|_| zip).map(str::to_string))
                    .set_runtime(sref(planned, "runtime").filter(|_| zip).map(Runtime::from))
                    .set_architectures(settings::architectures(planned))
                    .set_code_signing_config_arn(sref(planned, "code_signing_config_arn").map(str::to_string))
                    .set_kms_key_arn(sref(planned, "kms_key_arn").map(str::to_string))
                    .set_layers((!layers.is_empty()).then(|| layers.clone()))
                    .set_dead_letter_config(
                        (!first_block(planned, "dead_letter_config").is_null()).then(|| b.dead_letter.clone()),
                    )
                    .set_environment(
                        b.environment
                            .variables()
                            .is_some_and(|v| !v.is_empty())
                            .then(|| b.environment.clone()),
                    )
                    .set_ephemeral_storage(b.ephemeral.clone())
                    .set_file_system_configs((!b.file_systems.is_empty()).then(|| b.file_systems.clone()))
                    .set_image_config((!first_block(planned, "image_config").is_null()).then(|| b.image.clone()))
                    .set_logging_config(b.logging.clone())
                    .set_snap_start((!first_block(planned, "snap_start").is_null()).then(|| b.snap_start.clone()))
                    .set_tracing_config(b.tracing.clone())
                    .set_vpc_config((!first_block(planned, "vpc_config").is_null()).then(|| b.vpc.clone()))
                    .set_tags((!tags.is_empty()).then(|| tags.clone().into_iter().collect()))
                    .send(),
            )
            .map(|out| out.state() == Some(&FunctionState::Active))
        })
    }

    /// UpdateFunctionConfiguration of what changed, as the AWS provider sends it (a block
    /// removed is sent as its "none" value).
    fn update_configuration(&self, ctx: &Ctx, name: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let b = settings::expand(planned)?;
        let changed = |k: &str| prior.get(k) != planned.get(k);
        let mut req = ctx.lambda.update_function_configuration().function_name(name);
        if changed("description") {
            req = req.description(sref(planned, "description").unwrap_or_default());
        }
        if changed("handler") {
            req = req.set_handler(sref(planned, "handler").map(str::to_string));
        }
        if changed("runtime") {
            req = req.set_runtime(sref(planned, "runtime").map(Runtime::from));
        }
        if changed("role") {
            req = req.set_role(sref(planned, "role").map(str::to_string));
        }
        if changed("memory_size") {
            req = req.set_memory_size(planned.get("memory_size").as_f64().map(|n| n as i32));
        }
        if changed("timeout") {
            req = req.set_timeout(planned.get("timeout").as_f64().map(|n| n as i32));
        }
        if changed("kms_key_arn") {
            req = req.kms_key_arn(sref(planned, "kms_key_arn").unwrap_or_default());
        }
        if changed("layers") {
            req = req.set_layers(Some(settings::layers(planned)));
        }
        if changed("dead_letter_config") {
            req = req.dead_letter_config(b.dead_letter.clone());
        }
        if changed("environment") || changed("kms_key_arn") {
            req = req.environment(b.environment.clone());
        }
        if changed("ephemeral_storage") {
            req = req.set_ephemeral_storage(b.ephemeral.clone());
        }
        if changed("file_system_config") {
            req = req.set_file_system_configs(Some(b.file_systems.clone()));
        }
        if changed("image_config") {
            req = req.image_config(b.image.clone());
        }
        if changed("logging_config") {
            req = req.set_logging_config(b.logging.clone());
        }
        if changed("snap_start") {
            req = req.snap_start(b.snap_start.clone());
        }
        if changed("tracing_config") {
            req = req.set_tracing_config(b.tracing.clone());
        }
        if changed("vpc_config") {
            req = req.vpc_config(b.vpc.clone());
        }
        let op = format!("updating the configuration of Lambda Function ({name})");
        Waiter::new(op.clone(), Duration::from_secs(300))
            .retry(propagating, || call(ctx, &op, req.clone().send()).map(drop))
    }

    fn update_code(&self, ctx: &Ctx, name: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let code = settings::code(planned)?;
        let mut req = ctx
            .lambda
            .update_function_code()
            .function_name(name)
            .set_zip_file(code.zip_file().cloned())
            .set_image_uri(code.image_uri().map(str::to_string))
            .set_s3_bucket(code.s3_bucket().map(str::to_string))
            .set_s3_key(code.s3_key().map(str::to_string))
            .set_s3_object_version(code.s3_object_version().map(str::to_string));
        if prior.get("architectures") != planned.get("architectures") {
            req = req.set_architectures(settings::architectures(planned));
        }
        call(
            ctx,
            &format!("updating the code of Lambda Function ({name})"),
            req.send(),
        )
        .map(drop)
    }

    fn change(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let name = sref(prior, "function_name").unwrap_or_default().to_string();
        let limit = timeouts::limit(planned, "update", TEN_MINUTES);
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let op = format!("tagging Lambda Function ({name})");
        crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &op,
                    ctx.lambda
                        .untag_resource()
                        .resource(&arn)
                        .set_tag_keys(Some(keys))
                        .send(),
                )
                .map(drop)
            },
            |tags| {
                call(
                    ctx,
                    &op,
                    ctx.lambda
                        .tag_resource()
                        .resource(&arn)
                        .set_tags(Some(tags.clone().into_iter().collect()))
                        .send(),
                )
                .map(drop)
            },
        )?;
        let config = config_changed(prior, planned);
        if config {
            self.update_configuration(ctx, &name, prior, planned)?;
            self.settle(ctx, &name, limit, step)?;
        }
        let code = is_changed(prior, planned, &CODE);
        if code {
            self.update_code(ctx, &name, prior, planned)?;
            self.settle(ctx, &name, limit, step)?;
        }
        if is_changed(prior, planned, &["reserved_concurrent_executions"]) {
            self.concurrency(ctx, &name, planned)?;
        }
        let publish = planned.get("publish").as_bool() == Some(true);
        if publish && (config || code || is_changed(prior, planned, &["publish"])) {
            let op = format!("publishing a version of Lambda Function ({name})");
            Waiter::new(op.clone(), Duration::from_secs(300)).retry(
                |e| e.code == "ResourceConflictException" && e.message.contains("in progress"),
                || call(ctx, &op, ctx.lambda.publish_version().function_name(&name).send()).map(drop),
            )?;
            self.settle(ctx, &name, limit, step)?;
        }
        Ok(())
    }

    /// Before a destroy with `replace_security_groups_on_destroy`: the function's network
    /// interfaces are moved to other groups (the VPC's default one unless named), so that its
    /// groups can be destroyed without waiting for Lambda to release them.
    fn release_groups(&self, ctx: &Ctx, name: &str, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let vpc = first_block(prior, "vpc_config");
        if string_set(&vpc.get("security_group_ids")).is_empty() {
            return Ok(());
        }
        let mut groups = string_set(&prior.get("replacement_security_group_ids"));
        if groups.is_empty() {
            let vpc_id = sref(&vpc, "vpc_id").unwrap_or_default();
            let out = call(
                ctx,
                &format!("finding the default security group of VPC ({vpc_id})"),
                ctx.ec2
                    .describe_security_groups()
                    .filters(Filter::builder().name("group-name").values("default").build())
                    .filters(Filter::builder().name("vpc-id").values(vpc_id).build())
                    .send(),
            )?;
            groups = out
                .security_groups()
                .iter()
                .filter_map(|g| g.group_id().map(str::to_string))
                .collect();
        }
        call(
            ctx,
            &format!("replacing the security groups of Lambda Function ({name})"),
            ctx.lambda
                .update_function_configuration()
                .function_name(name)
                .vpc_config(
                    VpcConfig::builder()
                        .set_subnet_ids(Some(string_set(&vpc.get("subnet_ids"))))
                        .set_security_group_ids(Some(groups))
                        .build(),
                )
                .send(),
        )?;
        self.settle(ctx, name, timeouts::limit(prior, "delete", TEN_MINUTES), step)
    }
}

/// `key` of a nested block kept from the prior when the block is configured without it (what
/// AWS decides), unknown when there is no prior block to keep it from.
fn keep_nested(st: &mut State, prior: Option<&Value>, block: &str, key: &str) {
    let Some(Value::List(items)) = st.get(block) else {
        return;
    };
    let Some(item) = items.first().filter(|i| i.get(key).is_null()) else {
        return;
    };
    let kept = prior
        .map(|p| first_block(p, block).get(key))
        .filter(|v| !v.is_null())
        .unwrap_or(Value::UNKNOWN);
    let mut m = into_state(item);
    m.insert(key.into(), kept);
    st.insert(block.into(), Value::List(vec![Value::Map(m.into())].into()));
}

impl ResourceType for Function {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("role", Attribute::required(Type::String))
            .attr(
                "package_type",
                Attribute::optional(Type::String).force_new().one_of(&["Zip", "Image"]),
            )
            .attr("filename", Attribute::optional(Type::String))
            .attr("image_uri", Attribute::optional(Type::String))
            .attr("s3_bucket", Attribute::optional(Type::String))
            .attr("s3_key", Attribute::optional(Type::String))
            .attr("s3_object_version", Attribute::optional(Type::String))
            .attr("source_code_hash", Attribute::optional_computed(Type::String))
            .attr("handler", Attribute::optional(Type::String))
            .attr("runtime", Attribute::optional(Type::String))
            .attr("architectures", Attribute::optional_computed(list_of_strings()))
            .attr("code_signing_config_arn", Attribute::optional(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("kms_key_arn", Attribute::optional(Type::String))
            .attr("layers", Attribute::optional(list_of_strings()))
            .attr("memory_size", Attribute::optional(Type::Number))
            .attr("timeout", Attribute::optional(Type::Number))
            .attr("publish", Attribute::optional(Type::Bool))
            .attr("reserved_concurrent_executions", Attribute::optional(Type::Number))
            .attr("skip_destroy", Attribute::optional(Type::Bool))
            .attr("replace_security_groups_on_destroy", Attribute::optional(Type::Bool))
            .attr("replacement_security_group_ids", Attribute::optional(set_of_strings()))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()));
        let computed = [
            "arn",
            "code_sha256",
            "invoke_arn",
            "last_modified",
            "qualified_arn",
            "qualified_invoke_arn",
            "signing_job_arn",
            "signing_profile_version_arn",
            "version",
            "id",
        ];
        let schema = computed
            .iter()
            .fold(schema, |s, k| s.attr(k, Attribute::computed(Type::String)))
            .attr("source_code_size", Attribute::computed(Type::Number));
        settings::blocks(schema)
            .timeouts(&["create", "update", "delete"])
            // Lambda's durable functions, managed instances and tenant isolation (2025).
            .not_yet(
                "durable_config",
                "Durable functions are not supported yet: leave durable_config out, or set it in the Lambda console.",
            )
            .not_yet(
                "capacity_provider_config",
                "Lambda Managed Instances capacity providers are not supported yet: leave capacity_provider_config out.",
            )
            .not_yet(
                "tenancy_config",
                "Tenant isolation is not supported yet: leave tenancy_config out (it can only be chosen when the function is created).",
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        let given = |k: &str| !config.get(k).is_null();
        let sources = ["filename", "image_uri", "s3_bucket"]
            .into_iter()
            .filter(|k| given(k))
            .count();
        let unknown = ["filename", "image_uri", "s3_bucket"]
            .iter()
            .any(|k| config.get(k).is_unknown());
        if sources != 1 && !unknown {
            out.push(problem(
                "filename",
                "give the function's code as exactly one of filename, image_uri, or s3_bucket with s3_key",
            ));
        }
        if given("s3_bucket") != given("s3_key") {
            out.push(problem("s3_key", "s3_bucket and s3_key go together"));
        }
        let image = sref(config, "package_type") == Some("Image");
        if !image && !config.get("package_type").is_unknown() {
            for key in ["handler", "runtime"] {
                if config.get(key).is_null() {
                    out.push(problem(key, "handler and runtime must be set when package_type is Zip"));
                }
            }
        }
        if let Some(name) = sref(config, "function_name") {
            let plain = name.rsplit(':').next().unwrap_or(name);
            if name.is_empty()
                || name.len() > 140
                || !plain.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                out.push(problem(
                    "function_name",
                    "a function's name is 1 to 64 letters, digits, '-' and '_'",
                ));
            }
        }
        for (key, min, max) in [("memory_size", 128.0, 10240.0), ("timeout", 1.0, 900.0)] {
            if config.get(key).as_f64().is_some_and(|n| n < min || n > max) {
                out.push(problem(key, format!("{key} is {min} to {max}")));
            }
        }
        if config
            .get("reserved_concurrent_executions")
            .as_f64()
            .is_some_and(|n| n < -1.0)
        {
            out.push(problem(
                "reserved_concurrent_executions",
                "reserved_concurrent_executions is -1 (no reservation) or more",
            ));
        }
        if config.get("layers").as_list().is_some_and(|l| l.len() > 5) {
            out.push(problem("layers", "a function takes at most 5 layers"));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        use crate::support::attrs::default_to;
        default_to(&mut st, "package_type", Value::string("Zip"));
        default_to(&mut st, "memory_size", Value::from(128i64));
        default_to(&mut st, "timeout", Value::from(3i64));
        default_to(&mut st, "publish", Value::Bool(false));
        default_to(&mut st, "reserved_concurrent_executions", Value::from(-1i64));
        default_to(&mut st, "skip_destroy", Value::Bool(false));
        for key in AWS_FILLED {
            if let Some(kept) = crate::support::attrs::aws_decided_block(&proposed, prior, key) {
                st.insert(key.into(), kept);
            }
        }
        keep_nested(&mut st, prior, "vpc_config", "vpc_id");
        keep_nested(&mut st, prior, "snap_start", "optimization_status");
        keep_nested(&mut st, prior, "logging_config", "log_group");
        keep_nested(&mut st, prior, "ephemeral_storage", "size");
        st.put("id", proposed.get("function_name"));
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        let planned = Value::Map(st.clone().into());
        let unknown = |st: &mut State, keys: &[&str]| {
            for k in keys {
                st.insert((*k).into(), Value::UNKNOWN);
            }
        };
        let versions = ["version", "qualified_arn", "qualified_invoke_arn"];
        match prior {
            None => unknown(
                &mut st,
                &[
                    "arn",
                    "invoke_arn",
                    "code_sha256",
                    "last_modified",
                    "source_code_size",
                    "signing_job_arn",
                    "signing_profile_version_arn",
                    "version",
                    "qualified_arn",
                    "qualified_invoke_arn",
                ],
            ),
            Some(p) => {
                let code = is_changed(p, &planned, &CODE);
                let config = config_changed(p, &planned);
                if code {
                    unknown(&mut st, &["code_sha256", "source_code_size", "last_modified"]);
                }
                if config {
                    unknown(&mut st, &["last_modified"]);
                }
                let publish = planned.get("publish").as_bool() == Some(true);
                if publish && (code || config || is_changed(p, &planned, &["publish"])) {
                    unknown(&mut st, &versions);
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "function_name").map(str::to_string) else {
            return ApplyOutcome::failed(invalid("creating Lambda Function: function_name must be known"));
        };
        let limit = timeouts::limit(planned, "create", TEN_MINUTES);
        (step.intent)(&name);
        let active = match self.create_function(ctx, &name, planned, limit) {
            Ok(active) => active,
            Err(e) => return ApplyOutcome::failed(e),
        };
        // Made: what follows is recorded with the function even when it fails.
        let mut result = if active {
            Ok(())
        } else {
            self.settle(ctx, &name, limit, step)
        };
        if result.is_ok()
            && planned
                .get("reserved_concurrent_executions")
                .as_f64()
                .is_some_and(|n| n >= 0.0)
        {
            result = self.concurrency(ctx, &name, planned);
        }
        let read = self.fetch(ctx, &name, planned);
        match result {
            Ok(()) => created_outcome(&self.schema(), planned, &[("id", Value::string(&name))], read, || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Function ({name}) is gone after its create"),
                )
            }),
            Err(e) => match read {
                Ok(Some(state)) => ApplyOutcome::partial(state, e),
                _ => {
                    let mut st = into_state(planned);
                    st.put("id", name.as_str());
                    ApplyOutcome::partial(finish(&self.schema(), st), e)
                }
            },
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "function_name").unwrap_or_default().to_string();
        let result = self.change(ctx, prior, planned, step);
        update_outcome(prior, result, self.fetch(ctx, &name, planned), || {
            ProviderError::new("ResourceNotFoundException", format!("Lambda Function ({name}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "function_name") else {
            return Ok(());
        };
        if prior.get("skip_destroy").as_bool() == Some(true) {
            (step.progress)(&format!("skip_destroy: Lambda Function ({name}) is left in AWS"));
            return Ok(());
        }
        if prior.get("replace_security_groups_on_destroy").as_bool() == Some(true) {
            self.release_groups(ctx, name, prior, step)?;
        }
        let op = format!("deleting Lambda Function ({name})");
        let sent = Waiter::new(op.clone(), timeouts::limit(prior, "delete", TEN_MINUTES)).retry(
            |e| e.code == "InvalidParameterValueException" && e.message.contains("because it is a replicated function"),
            || call(ctx, &op, ctx.lambda.delete_function().function_name(name).send()),
        );
        found(sent).map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "function_name").or_else(|| sref(prior, "id")) {
            Some(name) => self.fetch(ctx, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the function's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &map([("function_name", Value::string(id))]))
    }
}
