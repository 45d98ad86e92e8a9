//! `import_table`: a table DynamoDB creates from objects in S3 (ImportTable), then given what
//! ImportTable cannot set (tags, stream, class, deletion protection, recovery, TTL, replicas)
//! by the same steps as an update.
//!
//! The import happens once, when the table is created. DescribeTable cannot report it, so the
//! state keeps the block as it was when the table was made. As in Terraform, a change of the
//! block replaces the table (the plan says so); a table brought in with `infinstor import` has
//! no block recorded, so keep `import_table` out of its configuration, or list it in
//! `lifecycle { ignore_changes }`.

use crate::dynamodb::table_waiter;
use crate::dynamodb::{
    first, global_indexes, key_definitions, on_demand_of, sse_of, table_schema, Table, TABLE_TIMEOUT,
};
use crate::resource::{ApplyOutcome, Ctx};
use crate::support::attrs::{block_items, call, finish, into_state, invalid, problem, sref};
use crate::support::wait::Poll;
use aws_sdk_dynamodb::types::BillingMode;
use aws_sdk_dynamodb::types::{
    CsvOptions, ImportStatus, InputCompressionType, InputFormat, InputFormatOptions, S3BucketSource,
    TableCreationParameters,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use sha2::Digest;
use std::time::Duration;

/// The `import_table` block's schema.
pub(super) fn import_table_block(schema: Schema) -> Schema {
    schema.block_force_new(
        "import_table",
        Nesting::Single,
        Schema::new()
            .attr(
                "input_format",
                Attribute::required(Type::String).one_of(&["CSV", "DYNAMODB_JSON", "ION"]),
            )
            .attr(
                "input_compression_type",
                Attribute::optional(Type::String).one_of(&["GZIP", "ZSTD", "NONE"]),
            )
            .block(
                "input_format_options",
                Nesting::Single,
                Schema::new().block(
                    "csv",
                    Nesting::Single,
                    Schema::new()
                        .attr("delimiter", Attribute::optional(Type::String))
                        .attr("header_list", Attribute::optional(Type::Set(Box::new(Type::String)))),
                ),
            )
            .block_min(
                "s3_bucket_source",
                Nesting::Single,
                Schema::new()
                    .attr("bucket", Attribute::required(Type::String))
                    .attr("bucket_owner", Attribute::optional(Type::String))
                    .attr("key_prefix", Attribute::optional(Type::String)),
                1,
            ),
    )
}

/// What the configuration cannot ask of an import.
pub(super) fn import_problems(config: &Value) -> Vec<ValidateProblem> {
    let Some(import) = first(config, "import_table") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if !block_items(config, "local_secondary_index").is_empty() {
        out.push(problem(
            "local_secondary_index",
            "a table created by import_table cannot have local secondary indexes (ImportTable takes none, and they cannot be added later): remove one or the other",
        ));
    }
    let csv = first(&import, "input_format_options").and_then(|o| first(&o, "csv"));
    if csv.is_some() && import.get("input_format").as_str().is_some_and(|f| f != "CSV") {
        out.push(problem(
            "import_table",
            "input_format_options.csv applies only with input_format = \"CSV\"",
        ));
    }
    if let Some(d) = csv.as_ref().and_then(|c| sref(c, "delimiter").map(str::to_string)) {
        if d.chars().count() != 1 {
            out.push(problem(
                "import_table",
                format!("the CSV delimiter must be one character; found {d:?}"),
            ));
        }
    }
    out
}

impl Table {
    /// Creates the table with ImportTable, waits for the import, then applies the rest of
    /// `planned` as an update of what the import made.
    pub(super) fn create_by_import(
        &self,
        ctx: &Ctx,
        name: &str,
        planned: &Value,
        import: &Value,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let op = format!("importing DynamoDB Table ({name}) from S3");
        let request = match self.import_request(ctx, name, planned, import, &op) {
            Ok(r) => r,
            Err(e) => return ApplyOutcome::failed(e),
        };
        intent(name);
        let arn = match call(ctx, &op, request.send()) {
            Ok(out) => out
                .import_table_description()
                .and_then(|d| d.import_arn())
                .map(str::to_string),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let settle = || -> Result<(), ProviderError> {
            let limit = crate::support::timeouts::limit(planned, "create", TABLE_TIMEOUT);
            if let Some(arn) = &arn {
                self.wait_import(ctx, name, arn, limit, progress)?;
            }
            self.wait_active(ctx, name, limit, progress)?;
            let made = self.fetch(ctx, name, planned)?.ok_or_else(|| {
                ProviderError::new(
                    "NotFound",
                    format!("{op}: the import finished but the table is not there"),
                )
            })?;
            self.apply_update(ctx, &made, planned, progress)
        };
        let result = settle();
        match (self.fetch(ctx, name, planned), result) {
            (Ok(state), Ok(())) => ApplyOutcome::from_parts(state, None),
            (Ok(state), Err(e)) => ApplyOutcome::from_parts(state, Some(e)),
            // Whether the table exists is not known: it may still appear from the import.
            (Err(_), Err(e)) | (Err(e), Ok(())) => {
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(name));
                ApplyOutcome::partial(finish(&table_schema(), st), e)
            }
        }
    }

    fn import_request(
        &self,
        ctx: &Ctx,
        name: &str,
        planned: &Value,
        import: &Value,
        op: &str,
    ) -> Result<aws_sdk_dynamodb::operation::import_table::builders::ImportTableFluentBuilder, ProviderError> {
        let source = first(import, "s3_bucket_source")
            .ok_or_else(|| invalid(format!("{op}: import_table needs an s3_bucket_source block")))?;
        let source = S3BucketSource::builder()
            .s3_bucket(sref(&source, "bucket").unwrap_or_default())
            .set_s3_bucket_owner(sref(&source, "bucket_owner").map(str::to_string))
            .set_s3_key_prefix(sref(&source, "key_prefix").map(str::to_string))
            .build()
            .map_err(|e| invalid(format!("{op}: s3_bucket_source: {e}")))?;
        let (definitions, key_schema) = key_definitions(planned, op)?;
        let billing = sref(planned, "billing_mode").unwrap_or("PROVISIONED");
        let (enc, key) = sse_of(planned);
        let global = global_indexes(planned)?;
        let parameters = TableCreationParameters::builder()
            .table_name(name)
            .set_attribute_definitions(Some(definitions))
            .set_key_schema(Some(key_schema))
            .billing_mode(BillingMode::from(billing))
            .set_provisioned_throughput(match billing {
                "PROVISIONED" => Some(self.throughput(planned)?),
                _ => None,
            })
            .set_on_demand_throughput(on_demand_of(planned))
            .set_sse_specification(enc.then(|| self.sse_spec(true, key.as_deref())))
            .set_global_secondary_indexes((!global.is_empty()).then_some(global))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let csv = first(import, "input_format_options")
            .and_then(|o| first(&o, "csv"))
            .map(|c| {
                let headers = c.get("header_list").as_list().map(|l| {
                    l.iter()
                        .filter_map(|h| h.as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                });
                CsvOptions::builder()
                    .set_delimiter(sref(&c, "delimiter").map(str::to_string))
                    .set_header_list(headers)
                    .build()
            });
        // The same token for the same table and source: a retried call (its answer lost)
        // continues the import it started instead of starting a second one.
        let digest = format!("{:x}", sha2::Sha256::digest(format!("{name}\n{import}").as_bytes()));
        Ok(ctx
            .dynamodb
            .import_table()
            .client_token(&digest[..32])
            .s3_bucket_source(source)
            .input_format(InputFormat::from(
                sref(import, "input_format").unwrap_or("DYNAMODB_JSON"),
            ))
            .set_input_compression_type(sref(import, "input_compression_type").map(InputCompressionType::from))
            .set_input_format_options(csv.map(|c| InputFormatOptions::builder().csv(c).build()))
            .table_creation_parameters(parameters))
    }

    /// Waits until the import is over, reporting how many items it has read so far.
    fn wait_import(
        &self,
        ctx: &Ctx,
        name: &str,
        arn: &str,
        limit: Duration,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let op = format!("reading the import into DynamoDB Table ({name})");
        let show = |now: &str| progress(&format!("importing into table {name}: {now} items read so far"));
        let waited = table_waiter(format!("the import into DynamoDB Table ({name})"), limit, &show)
            .timeout_message(|_| format!(
                        "the import into DynamoDB Table ({name}) is still running after {} minutes ({arn})",
                        limit.as_secs() / 60
                    ))
            .wait(|| {
                let out = call(ctx, &op, ctx.dynamodb.describe_import().import_arn(arn).send())?;
                let Some(d) = out.import_table_description() else {
                    return Err(ProviderError::new("InvalidResponse", format!("{op}: no description")));
                };
                match d.import_status() {
                    Some(ImportStatus::Completed) => Ok(Poll::Ready(())),
                    Some(s @ (ImportStatus::Failed | ImportStatus::Cancelled | ImportStatus::Cancelling)) => {
                        Err(ProviderError::new(
                            d.failure_code().unwrap_or("ImportFailed"),
                            format!(
                                "the import into DynamoDB Table ({name}) is {}: {} ({} items imported, {} errors). Fix the objects under the import's S3 source and apply again.",
                                s.as_str(),
                                d.failure_message().unwrap_or("no reason given"),
                                d.imported_item_count(),
                                d.error_count()
                            ),
                        ))
                    }
                    _ => Ok(Poll::Pending(d.processed_item_count().to_string())),
                }
            });
        waited
    }
}
