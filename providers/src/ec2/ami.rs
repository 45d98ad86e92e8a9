//! `data "aws_ami"`: one machine image, by owners, filters and a name pattern, the newest of
//! several when `most_recent` asks for it.

use super::kit::{lookup_filters, READ_DOES_NOT_WAIT};
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{
    call, finish, into_state, list_of_strings, map_of_strings, set_of_strings, string_set, Put,
};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::types::ObjectAttribute;
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

pub(super) struct Ami;

/// The image attributes that are plain strings, with EC2's reader of each.
type Text = fn(&aws_sdk_ec2::types::Image) -> Option<String>;

fn texts() -> Vec<(&'static str, Text)> {
    vec![
        ("architecture", |i| i.architecture().map(|x| x.as_str().to_string())),
        ("boot_mode", |i| i.boot_mode().map(|x| x.as_str().to_string())),
        ("creation_date", |i| i.creation_date().map(str::to_string)),
        ("deprecation_time", |i| i.deprecation_time().map(str::to_string)),
        ("description", |i| i.description().map(str::to_string)),
        ("hypervisor", |i| i.hypervisor().map(|x| x.as_str().to_string())),
        ("image_id", |i| i.image_id().map(str::to_string)),
        ("image_location", |i| i.image_location().map(str::to_string)),
        ("image_owner_alias", |i| i.image_owner_alias().map(str::to_string)),
        ("image_type", |i| i.image_type().map(|x| x.as_str().to_string())),
        ("imds_support", |i| i.imds_support().map(|x| x.as_str().to_string())),
        ("kernel_id", |i| i.kernel_id().map(str::to_string)),
        ("name", |i| i.name().map(str::to_string)),
        ("owner_id", |i| i.owner_id().map(str::to_string)),
        ("platform", |i| i.platform().map(|x| x.as_str().to_string())),
        ("platform_details", |i| i.platform_details().map(str::to_string)),
        ("ramdisk_id", |i| i.ramdisk_id().map(str::to_string)),
        ("root_device_name", |i| i.root_device_name().map(str::to_string)),
        ("root_device_type", |i| {
            i.root_device_type().map(|x| x.as_str().to_string())
        }),
        ("sriov_net_support", |i| i.sriov_net_support().map(str::to_string)),
        ("state", |i| i.state().map(|x| x.as_str().to_string())),
        ("tpm_support", |i| i.tpm_support().map(|x| x.as_str().to_string())),
        ("usage_operation", |i| i.usage_operation().map(str::to_string)),
        ("virtualization_type", |i| {
            i.virtualization_type().map(|x| x.as_str().to_string())
        }),
    ]
}

fn object(keys: &[(&str, Type)]) -> Type {
    Type::Object(
        keys.iter()
            .map(|(k, ty)| {
                let a = ObjectAttribute {
                    ty: ty.clone(),
                    optional: false,
                    default: None,
                };
                ((*k).to_string(), a)
            })
            .collect(),
    )
}

fn block_devices(image: &aws_sdk_ec2::types::Image) -> Value {
    let items: Vec<Value> = image
        .block_device_mappings()
        .iter()
        .map(|b| {
            let ebs: BTreeMap<String, String> = b
                .ebs()
                .map(|e| {
                    let mut m = BTreeMap::new();
                    let mut put = |k: &str, v: Option<String>| {
                        if let Some(v) = v {
                            m.insert(k.to_string(), v);
                        }
                    };
                    put(
                        "delete_on_termination",
                        e.delete_on_termination().map(|x| x.to_string()),
                    );
                    put("encrypted", e.encrypted().map(|x| x.to_string()));
                    put("iops", e.iops().map(|x| x.to_string()));
                    put("snapshot_id", e.snapshot_id().map(str::to_string));
                    put("throughput", e.throughput().map(|x| x.to_string()));
                    put("volume_size", e.volume_size().map(|x| x.to_string()));
                    put("volume_type", e.volume_type().map(|x| x.as_str().to_string()));
                    m
                })
                .unwrap_or_default();
            map([
                ("device_name", Value::from(b.device_name())),
                ("ebs", crate::support::attrs::map_value(&ebs)),
                ("no_device", Value::from(b.no_device())),
                ("virtual_name", Value::from(b.virtual_name())),
            ])
        })
        .collect();
    Value::from(items)
}

impl DataType for Ami {
    fn type_name(&self) -> &'static str {
        "aws_ami"
    }

    fn schema(&self) -> Schema {
        let s = Schema::new()
            .attr("owners", Attribute::optional(list_of_strings()))
            .attr("executable_users", Attribute::optional(list_of_strings()))
            .attr("name_regex", Attribute::optional(Type::String))
            .attr("most_recent", Attribute::optional(Type::Bool))
            .attr("include_deprecated", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("ena_support", Attribute::computed(Type::Bool))
            .attr("public", Attribute::computed(Type::Bool))
            .attr("root_snapshot_id", Attribute::computed(Type::String))
            .attr("state_reason", Attribute::computed(map_of_strings()))
            .attr("tags", Attribute::optional_computed(map_of_strings()))
            .attr(
                "block_device_mappings",
                Attribute::computed(Type::Set(Box::new(object(&[
                    ("device_name", Type::String),
                    ("ebs", map_of_strings()),
                    ("no_device", Type::String),
                    ("virtual_name", Type::String),
                ])))),
            )
            .attr(
                "product_codes",
                Attribute::computed(Type::Set(Box::new(object(&[
                    ("product_code_id", Type::String),
                    ("product_code_type", Type::String),
                ])))),
            )
            .block(
                "filter",
                Nesting::Set,
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("values", Attribute::required(set_of_strings())),
            )
            .not_yet("timeouts", READ_DOES_NOT_WAIT);
        texts()
            .iter()
            .fold(s, |s, (k, _)| s.attr(k, Attribute::computed(Type::String)))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let pattern = match config.get("name_regex").as_str() {
            Some(p) => Some(regex::Regex::new(p).map_err(|e| {
                ProviderError::new(
                    "InvalidConfiguration",
                    format!("name_regex {p:?} is not a regular expression: {e}"),
                )
            })?),
            None => None,
        };
        let owners = string_set(&config.get("owners"));
        let users = string_set(&config.get("executable_users"));
        let out = call(
            ctx,
            "reading EC2 AMIs",
            ctx.ec2
                .describe_images()
                .set_owners((!owners.is_empty()).then_some(owners))
                .set_executable_users((!users.is_empty()).then_some(users))
                .set_filters(Some(lookup_filters(config, &[])))
                .set_include_deprecated(config.get("include_deprecated").as_bool())
                .send(),
        )?;
        let mut images: Vec<&aws_sdk_ec2::types::Image> = out
            .images()
            .iter()
            .filter(|i| {
                pattern
                    .as_ref()
                    .is_none_or(|p| p.is_match(i.name().unwrap_or_default()))
            })
            .collect();
        if images.is_empty() {
            return Err(ProviderError::new(
                "NotFound",
                "Your query returned no results. Please change your search criteria and try again.",
            ));
        }
        if images.len() > 1 && config.get("most_recent").as_bool() != Some(true) {
            return Err(ProviderError::new(
                "TooManyResults",
                "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
            ));
        }
        // ISO 8601 times sort as text.
        images.sort_by(|a, b| b.creation_date().cmp(&a.creation_date()));
        let image = images[0];
        let id = image.image_id().unwrap_or_default();
        let mut st = into_state(config);
        for (k, read) in texts() {
            st.put(k, read(image));
        }
        st.put("id", id);
        let partition = ctx.caller_account().map(|(_, p)| p).unwrap_or_else(|_| "aws".into());
        st.put("arn", format!("arn:{partition}:ec2:{}::image/{id}", ctx.region));
        st.put("ena_support", image.ena_support().unwrap_or(false));
        st.put("public", image.public().unwrap_or(false));
        let root = image.root_device_name();
        st.put(
            "root_snapshot_id",
            image
                .block_device_mappings()
                .iter()
                .find(|b| b.device_name() == root)
                .and_then(|b| b.ebs())
                .and_then(|e| e.snapshot_id()),
        );
        let reason: BTreeMap<String, String> = image
            .state_reason()
            .map(|r| {
                [("code", r.code()), ("message", r.message())]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.unwrap_or("UNSET").to_string()))
                    .collect()
            })
            .unwrap_or_else(|| {
                [("code", "UNSET"), ("message", "UNSET")]
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .into()
            });
        st.put("state_reason", crate::support::attrs::map_value(&reason));
        st.put("block_device_mappings", block_devices(image));
        let codes: Vec<Value> = image
            .product_codes()
            .iter()
            .map(|p| {
                map([
                    ("product_code_id", Value::from(p.product_code_id())),
                    (
                        "product_code_type",
                        Value::from(p.product_code_type().map(|t| t.as_str().to_string())),
                    ),
                ])
            })
            .collect();
        st.put("product_codes", Value::from(codes));
        st.put(
            "tags",
            crate::support::attrs::map_value(&super::kit::remote_tags(image.tags())),
        );
        Ok(finish(&self.schema(), st))
    }
}
