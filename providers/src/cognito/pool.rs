//! aws_cognito_user_pool: a user directory — how users sign in (username, email or phone),
//! its attribute schema, password policy, MFA, messages, Lambda triggers and add-ons.

use super::{pool_request as request, pool_state as read};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    aws_decided_block, block_items, call, finish, first_block, into_state, invalid, map_of_strings, sdk_blocks,
    set_of_strings, set_value, sref, string_map, with_default, Put, State,
};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use crate::support::naming::{intent_token, INTENT_TAG};
use crate::support::partition::partition_of;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::Waiter;
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, DeletionProtectionType, SmsMfaConfigType, SoftwareTokenMfaConfigType, UserPoolMfaType,
    UserPoolTierType, UsernameAttributeType, VerifiedAttributeType,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub(super) struct UserPool;

/// Blocks Cognito fills in when the configuration leaves them out (its password policy, its
/// messages): left out, they keep what Cognito chose.
const DECIDED: &[&str] = &[
    "account_recovery_setting",
    "admin_create_user_config",
    "email_configuration",
    "password_policy",
    "sign_in_policy",
    "sms_configuration",
    "username_configuration",
    "verification_message_template",
];

/// Blocks sent with `SetUserPoolMfaConfig` rather than `UpdateUserPool`.
const MFA: &[&str] = &[
    "mfa_configuration",
    "sms_authentication_message",
    "sms_configuration",
    "software_token_mfa_configuration",
];

fn strings() -> Attribute {
    Attribute::optional(set_of_strings())
}

fn text() -> Attribute {
    Attribute::optional(Type::String)
}

fn lambda_version() -> Schema {
    Schema::new()
        .attr("lambda_arn", Attribute::required(Type::String))
        .attr("lambda_version", Attribute::required(Type::String))
}

fn schema() -> Schema {
    let mut lambda = Schema::new();
    for key in [
        "create_auth_challenge",
        "custom_message",
        "define_auth_challenge",
        "kms_key_id",
        "post_authentication",
        "post_confirmation",
        "pre_authentication",
        "pre_sign_up",
        "user_migration",
        "verify_auth_challenge_response",
    ] {
        lambda = lambda.attr(key, text());
    }
    let lambda = lambda
        .attr("pre_token_generation", Attribute::optional_computed(Type::String))
        .block("custom_email_sender", Nesting::Single, lambda_version())
        .block("custom_sms_sender", Nesting::Single, lambda_version())
        .block("pre_token_generation_config", Nesting::Single, lambda_version());
    let constraints = |a: &str, b: &str| Schema::new().attr(a, text()).attr(b, text());
    Schema::new()
        .attr("name", Attribute::required(Type::String))
        .attr("alias_attributes", strings().force_new())
        .attr("username_attributes", strings().force_new())
        .attr("auto_verified_attributes", strings())
        .attr(
            "deletion_protection",
            Attribute::optional(Type::String).one_of(&["ACTIVE", "INACTIVE"]),
        )
        .attr(
            "mfa_configuration",
            Attribute::optional(Type::String).one_of(&["OFF", "ON", "OPTIONAL"]),
        )
        .attr("email_verification_message", Attribute::optional_computed(Type::String))
        .attr("email_verification_subject", Attribute::optional_computed(Type::String))
        .attr("sms_authentication_message", text())
        .attr("sms_verification_message", Attribute::optional_computed(Type::String))
        .attr(
            "user_pool_tier",
            Attribute::optional_computed(Type::String).one_of(&["LITE", "ESSENTIALS", "PLUS"]),
        )
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::optional_computed(map_of_strings()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("creation_date", Attribute::computed(Type::String))
        .attr("last_modified_date", Attribute::computed(Type::String))
        .attr("custom_domain", Attribute::computed(Type::String))
        .attr("domain", Attribute::computed(Type::String))
        .attr("endpoint", Attribute::computed(Type::String))
        .attr("estimated_number_of_users", Attribute::computed(Type::Number))
        .attr("id", Attribute::computed(Type::String))
        .block(
            "account_recovery_setting",
            Nesting::Single,
            Schema::new().block(
                "recovery_mechanism",
                Nesting::Set,
                Schema::new()
                    .attr(
                        "name",
                        Attribute::required(Type::String).one_of(&[
                            "verified_email",
                            "verified_phone_number",
                            "admin_only",
                        ]),
                    )
                    .attr("priority", Attribute::required(Type::Number)),
            ),
        )
        .block(
            "admin_create_user_config",
            Nesting::Single,
            Schema::new()
                .attr("allow_admin_create_user_only", Attribute::optional(Type::Bool))
                .block(
                    "invite_message_template",
                    Nesting::Single,
                    Schema::new()
                        .attr("email_message", text())
                        .attr("email_subject", text())
                        .attr("sms_message", text()),
                ),
        )
        .block(
            "device_configuration",
            Nesting::Single,
            Schema::new()
                .attr("challenge_required_on_new_device", Attribute::optional(Type::Bool))
                .attr("device_only_remembered_on_user_prompt", Attribute::optional(Type::Bool)),
        )
        .block(
            "email_configuration",
            Nesting::Single,
            Schema::new()
                .attr("configuration_set", text())
                .attr(
                    "email_sending_account",
                    Attribute::optional(Type::String).one_of(&["COGNITO_DEFAULT", "DEVELOPER"]),
                )
                .attr("from_email_address", text())
                .attr("reply_to_email_address", text())
                .attr("source_arn", text()),
        )
        .block("lambda_config", Nesting::Single, lambda)
        .block(
            "password_policy",
            Nesting::Single,
            Schema::new()
                .attr("minimum_length", Attribute::optional(Type::Number))
                .attr("password_history_size", Attribute::optional(Type::Number))
                .attr("require_lowercase", Attribute::optional(Type::Bool))
                .attr("require_numbers", Attribute::optional(Type::Bool))
                .attr("require_symbols", Attribute::optional(Type::Bool))
                .attr("require_uppercase", Attribute::optional(Type::Bool))
                .attr(
                    "temporary_password_validity_days",
                    Attribute::optional_computed(Type::Number),
                ),
        )
        .block(
            "schema",
            Nesting::Set,
            Schema::new()
                .attr(
                    "attribute_data_type",
                    Attribute::required(Type::String).one_of(&["Boolean", "Number", "String", "DateTime"]),
                )
                .attr("developer_only_attribute", Attribute::optional(Type::Bool))
                .attr("mutable", Attribute::optional(Type::Bool))
                .attr("name", Attribute::required(Type::String))
                .attr("required", Attribute::optional(Type::Bool))
                .block(
                    "number_attribute_constraints",
                    Nesting::Single,
                    constraints("max_value", "min_value"),
                )
                .block(
                    "string_attribute_constraints",
                    Nesting::Single,
                    constraints("max_length", "min_length"),
                ),
        )
        .block(
            "sign_in_policy",
            Nesting::Single,
            Schema::new().attr("allowed_first_auth_factors", strings()),
        )
        .block(
            "sms_configuration",
            Nesting::Single,
            Schema::new()
                .attr("external_id", Attribute::required(Type::String))
                .attr("sns_caller_arn", Attribute::required(Type::String))
                .attr("sns_region", Attribute::optional_computed(Type::String)),
        )
        .block(
            "software_token_mfa_configuration",
            Nesting::Single,
            Schema::new().attr("enabled", Attribute::required(Type::Bool)),
        )
        .block(
            "user_attribute_update_settings",
            Nesting::Single,
            Schema::new().attr(
                "attributes_require_verification_before_update",
                Attribute::required(set_of_strings()).one_of(&["phone_number", "email"]),
            ),
        )
        .block(
            "user_pool_add_ons",
            Nesting::Single,
            Schema::new()
                .attr(
                    "advanced_security_mode",
                    Attribute::required(Type::String).one_of(&["OFF", "AUDIT", "ENFORCED"]),
                )
                .block(
                    "advanced_security_additional_flows",
                    Nesting::Single,
                    Schema::new().attr(
                        "custom_auth_mode",
                        Attribute::optional_computed(Type::String).one_of(&["AUDIT", "ENFORCED"]),
                    ),
                ),
        )
        .block(
            "username_configuration",
            Nesting::Single,
            Schema::new().attr("case_sensitive", Attribute::optional_computed(Type::Bool)),
        )
        .block(
            "verification_message_template",
            Nesting::Single,
            Schema::new()
                .attr(
                    "default_email_option",
                    Attribute::optional(Type::String).one_of(&["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"]),
                )
                .attr("email_message", Attribute::optional_computed(Type::String))
                .attr("email_message_by_link", Attribute::optional_computed(Type::String))
                .attr("email_subject", Attribute::optional_computed(Type::String))
                .attr("email_subject_by_link", Attribute::optional_computed(Type::String))
                .attr("sms_message", Attribute::optional_computed(Type::String)),
        )
        .not_yet(
            "email_mfa_configuration",
            "set the email MFA message with the AWS CLI (aws cognito-idp set-user-pool-mfa-config)",
        )
        .not_yet(
            "web_authn_configuration",
            "set passkey options with the AWS CLI (aws cognito-idp set-user-pool-mfa-config)",
        )
}

/// The settings `CreateUserPool` and `UpdateUserPool` share, on either request builder.
macro_rules! apply_settings {
    ($builder:expr, $planned:expr) => {{
        let planned: &Value = $planned;
        $builder
            .set_account_recovery_setting(request::account_recovery(planned))
            .set_admin_create_user_config(request::admin_create_user(planned))
            .set_auto_verified_attributes(
                request::strings(planned, "auto_verified_attributes")
                    .map(|v| v.iter().map(|a| VerifiedAttributeType::from(a.as_str())).collect()),
            )
            .set_deletion_protection(sref(planned, "deletion_protection").map(DeletionProtectionType::from))
            .set_device_configuration(request::device(planned))
            .set_email_configuration(request::email(planned))
            .set_email_verification_message(nonempty(planned, "email_verification_message"))
            .set_email_verification_subject(nonempty(planned, "email_verification_subject"))
            .set_lambda_config(request::lambda(planned))
            .set_policies(request::policies(planned))
            .set_sms_authentication_message(nonempty(planned, "sms_authentication_message"))
            .set_sms_configuration(request::sms(planned))
            .set_sms_verification_message(nonempty(planned, "sms_verification_message"))
            .set_user_attribute_update_settings(request::attribute_update(planned))
            .set_user_pool_add_ons(request::add_ons(planned))
            .set_verification_message_template(request::verification(planned))
    }};
}

fn nonempty(planned: &Value, key: &str) -> Option<String> {
    sref(planned, key).filter(|s| !s.is_empty()).map(str::to_string)
}

fn tier(planned: &Value) -> Option<UserPoolTierType> {
    sref(planned, "user_pool_tier")
        .filter(|t| !t.is_empty())
        .map(UserPoolTierType::from)
}

fn tag_map(ctx: &Ctx, planned: &Value) -> HashMap<String, String> {
    string_map(&tags_all(ctx, &planned.get("tags"))).into_iter().collect()
}

/// Cognito cannot yet trust an SMS role IAM made a moment ago: the AWS provider tries again
/// for two minutes.
fn role_propagating(e: &ProviderError) -> bool {
    (e.code == "InvalidSmsRoleTrustRelationshipException"
        && e.message
            .contains("Role does not have a trust relationship allowing Cognito to assume the role"))
        || (e.code == "InvalidSmsRoleAccessPolicyException"
            && e.message.contains("Role does not have permission to publish with SNS"))
}

impl UserPool {
    fn endpoint(ctx: &Ctx, id: &str) -> String {
        format!("cognito-idp.{}.{}/{id}", ctx.region, partition_of(&ctx.region).1)
    }

    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading Cognito User Pool ({id})"),
            ctx.cognito.describe_user_pool().user_pool_id(id).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(p) = out.user_pool() else {
            return Ok(None);
        };
        let mfa = call(
            ctx,
            &format!("reading Cognito User Pool ({id}) MFA configuration"),
            ctx.cognito.get_user_pool_mfa_config().user_pool_id(id).send(),
        )?;
        let mut st: State = into_state(prior);
        st.put("id", id);
        st.put("name", p.name());
        st.put("arn", p.arn());
        st.put("endpoint", Self::endpoint(ctx, id));
        st.put("creation_date", p.creation_date().map(rfc3339).unwrap_or(Value::Null));
        st.put(
            "last_modified_date",
            p.last_modified_date().map(rfc3339).unwrap_or(Value::Null),
        );
        st.put("custom_domain", p.custom_domain().unwrap_or_default());
        st.put("domain", p.domain().unwrap_or_default());
        st.put("estimated_number_of_users", i64::from(p.estimated_number_of_users()));
        if !p.alias_attributes().is_empty() {
            st.put(
                "alias_attributes",
                set_value(p.alias_attributes().iter().map(|a| a.as_str())),
            );
        }
        // Neither can change after create, and an emulator forgets them at an update: what
        // Cognito does not answer is kept from state.
        if !p.username_attributes().is_empty() || prior.get("username_attributes").is_null() {
            st.put(
                "username_attributes",
                set_value(p.username_attributes().iter().map(|a| a.as_str())),
            );
        }
        st.put(
            "auto_verified_attributes",
            set_value(p.auto_verified_attributes().iter().map(|a| a.as_str())),
        );
        st.put(
            "deletion_protection",
            p.deletion_protection().map(|d| d.as_str()).unwrap_or("INACTIVE"),
        );
        st.put(
            "email_verification_message",
            p.email_verification_message().unwrap_or_default(),
        );
        st.put(
            "email_verification_subject",
            p.email_verification_subject().unwrap_or_default(),
        );
        st.put(
            "sms_authentication_message",
            p.sms_authentication_message()
                .filter(|m| !m.is_empty() || !prior.get("sms_authentication_message").is_null()),
        );
        st.put(
            "sms_verification_message",
            p.sms_verification_message().unwrap_or_default(),
        );
        st.put("user_pool_tier", p.user_pool_tier().map(|t| t.as_str()));
        st.put("account_recovery_setting", read::account_recovery(p));
        st.put("admin_create_user_config", read::admin_create_user(p));
        st.put("device_configuration", read::device(p));
        st.put("email_configuration", read::email(p));
        st.put("lambda_config", read::lambda(p.lambda_config()));
        st.put("password_policy", read::password(p));
        st.put("sign_in_policy", read::sign_in(p));
        st.put("schema", read::schema(p, &block_items(prior, "schema")));
        st.put("sms_configuration", read::sms(p));
        st.put("user_attribute_update_settings", read::attribute_update(p));
        st.put("user_pool_add_ons", read::add_ons(p));
        if p.username_configuration().is_some() || block_items(prior, "username_configuration").is_empty() {
            st.put("username_configuration", read::username(p));
        }
        st.put("verification_message_template", read::verification(p));
        st.put(
            "mfa_configuration",
            mfa.mfa_configuration().map(|m| m.as_str()).unwrap_or("OFF"),
        );
        st.put(
            "software_token_mfa_configuration",
            read::software_token(mfa.software_token_mfa_configuration().map(|s| s.enabled())),
        );
        let remote: BTreeMap<String, String> = p
            .user_pool_tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// `SetUserPoolMfaConfig` from the plan; SMS settings go with it only while MFA is on
    /// (Cognito refuses MFA settings with MFA off).
    fn set_mfa(&self, ctx: &Ctx, id: &str, planned: &Value) -> Result<(), ProviderError> {
        let mode = sref(planned, "mfa_configuration").unwrap_or("OFF");
        let software = Some(first_block(planned, "software_token_mfa_configuration"))
            .filter(|b| !b.is_null())
            .map(|b| {
                SoftwareTokenMfaConfigType::builder()
                    .enabled(b.get("enabled").as_bool().unwrap_or(false))
                    .build()
            });
        let sms = request::sms(planned).filter(|_| mode != "OFF").map(|c| {
            SmsMfaConfigType::builder()
                .sms_configuration(c)
                .set_sms_authentication_message(nonempty(planned, "sms_authentication_message"))
                .build()
        });
        let op = format!("setting Cognito User Pool ({id}) MFA configuration");
        Waiter::new(op.clone(), Duration::from_secs(120)).retry(role_propagating, || {
            call(
                ctx,
                &op,
                ctx.cognito
                    .set_user_pool_mfa_config()
                    .user_pool_id(id)
                    .mfa_configuration(UserPoolMfaType::from(mode))
                    .set_software_token_mfa_configuration(software.clone())
                    .set_sms_mfa_configuration(sms.clone())
                    .send(),
            )
            .map(drop)
        })
    }

    fn update_pool(&self, ctx: &Ctx, id: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("updating Cognito User Pool ({id})");
        let mut planned = planned.clone();
        // The top-level messages and the template's are one setting in Cognito: a changed
        // top-level message goes into the template.
        for (top, inner) in [
            ("email_verification_message", "email_message"),
            ("email_verification_subject", "email_subject"),
            ("sms_verification_message", "sms_message"),
        ] {
            if prior.get(top) != planned.get(top) {
                let template = first_block(&planned, "verification_message_template");
                if !template.is_null() {
                    let mut t = into_state(&template);
                    t.insert(inner.to_string(), planned.get(top));
                    let mut m = into_state(&planned);
                    m.put(
                        "verification_message_template",
                        Value::List(vec![Value::Map(t.into())].into()),
                    );
                    planned = Value::Map(m.into());
                }
            }
        }
        // Verification before update that is taken out is an empty list, not left out (which
        // Cognito reads as "no change").
        let clear_update_settings = block_items(&planned, "user_attribute_update_settings").is_empty()
            && !block_items(prior, "user_attribute_update_settings").is_empty();
        let tags = tag_map(ctx, &planned);
        Waiter::new(op.clone(), Duration::from_secs(120)).retry(role_propagating, || {
            let builder = ctx.cognito.update_user_pool().user_pool_id(id);
            let mut builder = apply_settings!(builder, &planned)
                .mfa_configuration(UserPoolMfaType::from(
                    sref(&planned, "mfa_configuration").unwrap_or("OFF"),
                ))
                .set_user_pool_tier(tier(&planned))
                .set_user_pool_tags(Some(tags.clone()));
            if clear_update_settings {
                builder = builder.user_attribute_update_settings(
                    aws_sdk_cognitoidentityprovider::types::UserAttributeUpdateSettingsType::builder()
                        .set_attributes_require_verification_before_update(Some(Vec::new()))
                        .build(),
                );
            }
            call(ctx, &op, builder.send()).map(drop)
        })?;
        let removed: Vec<String> = string_map(&prior.get("tags_all"))
            .into_keys()
            .filter(|k| !tags.contains_key(k))
            .collect();
        if !removed.is_empty() {
            let arn = sref(prior, "arn").unwrap_or_default();
            call(
                ctx,
                &format!("untagging Cognito User Pool ({id})"),
                ctx.cognito
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(removed))
                    .send(),
            )?;
        }
        Ok(())
    }

    /// Finds the pool an interrupted create made: by name, then by the create's intent tag.
    fn find_intent(&self, ctx: &Ctx, token: &str, name: &str) -> Result<Option<Value>, ProviderError> {
        let mut next: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing Cognito User Pools",
                ctx.cognito
                    .list_user_pools()
                    .max_results(60)
                    .set_next_token(next.clone())
                    .send(),
            )?;
            for pool in page.user_pools().iter().filter(|p| p.name() == Some(name)) {
                let Some(id) = pool.id() else { continue };
                let tagged = found(call(
                    ctx,
                    &format!("reading Cognito User Pool ({id})"),
                    ctx.cognito.describe_user_pool().user_pool_id(id).send(),
                ))?
                .and_then(|o| o.user_pool().and_then(|p| p.user_pool_tags()?.get(INTENT_TAG).cloned()));
                if tagged.as_deref() == Some(token) {
                    return self.fetch(ctx, id, &Value::Null);
                }
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                return Ok(None);
            }
        }
    }
}

impl ResourceType for UserPool {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        super::pool_rules::check(config)
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let schema = self.schema();
        let mut st = into_state(&proposed);
        for (key, default) in [("deletion_protection", "INACTIVE"), ("mfa_configuration", "OFF")] {
            if proposed.get(key).is_null() {
                st.put(key, default);
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        // The AWS provider's defaults inside two blocks, then SDK v2's zero values in all.
        let mut given = into_state(&proposed);
        for (block, key, default) in [
            ("email_configuration", "email_sending_account", "COGNITO_DEFAULT"),
            (
                "verification_message_template",
                "default_email_option",
                "CONFIRM_WITH_CODE",
            ),
        ] {
            let items: Vec<Value> = block_items(&proposed, block)
                .iter()
                .map(|b| with_default(b, key, Value::string(default)))
                .collect();
            if !items.is_empty() {
                given.put(block, Value::List(items.into()));
            }
        }
        let given = Value::Map(given.into());
        for key in schema.blocks.keys() {
            st.insert(key.clone(), sdk_blocks(&schema, &given, prior, key));
        }
        // A String attribute written without constraints means Cognito's own: the same
        // attribute in state with the constraints Cognito reported is no change (an import
        // reads them, not knowing what the configuration leaves out).
        if let Some(p) = prior {
            let held = block_items(p, "schema");
            let items: Vec<Value> = block_items(&st_value(&st), "schema")
                .into_iter()
                .map(|item| {
                    let bare = block_items(&item, "string_attribute_constraints").is_empty()
                        && sref(&item, "attribute_data_type") == Some("String");
                    let root = |v: &Value| {
                        [
                            "name",
                            "attribute_data_type",
                            "developer_only_attribute",
                            "mutable",
                            "required",
                        ]
                        .map(|k| v.get(k))
                    };
                    held.iter()
                        .find(|h| {
                            bare && root(h) == root(&item)
                                && block_items(h, "number_attribute_constraints")
                                    == block_items(&item, "number_attribute_constraints")
                        })
                        .cloned()
                        .unwrap_or(item)
                })
                .collect();
            if !proposed.get("schema").is_unknown() {
                st.put("schema", Value::List(items.into()));
            }
        }
        for key in DECIDED {
            if let Some(kept) = aws_decided_block(&proposed, prior, key) {
                st.put(key, kept);
            }
        }
        // A Lambda trigger's version block Cognito fills from `pre_token_generation`.
        if let (Some(p), Some(mut lambda)) = (prior, block_items(&st_value(&st), "lambda_config").into_iter().next()) {
            let given = first_block(&proposed, "lambda_config");
            if block_items(&given, "pre_token_generation_config").is_empty()
                && !given.get("pre_token_generation_config").is_unknown()
            {
                let mut m = into_state(&lambda);
                m.put(
                    "pre_token_generation_config",
                    first_block(p, "lambda_config").get("pre_token_generation_config"),
                );
                if m.get("pre_token_generation_config").is_some_and(Value::is_null) {
                    m.put("pre_token_generation_config", Value::List(Vec::new().into()));
                }
                lambda = Value::Map(m.into());
                st.put("lambda_config", Value::List(vec![lambda].into()));
            }
        }
        let mut replace = Vec::new();
        match prior {
            None => {
                for key in [
                    "id",
                    "arn",
                    "endpoint",
                    "creation_date",
                    "last_modified_date",
                    "custom_domain",
                    "domain",
                    "estimated_number_of_users",
                ] {
                    st.put(key, Value::UNKNOWN);
                }
            }
            Some(p) => {
                let case = |v: &Value| first_block(v, "username_configuration").get("case_sensitive");
                let (old, new) = (case(p), case(&st_value(&st)));
                if !old.is_null() && !new.is_null() && !new.is_unknown() && old != new {
                    replace.push("username_configuration".to_string());
                }
                let changed = engine::plan::diff::changed_attributes(&schema, p, &st_value(&st))
                    .iter()
                    .any(|k| !matches!(k.as_str(), "last_modified_date" | "estimated_number_of_users"));
                if changed {
                    st.put("last_modified_date", Value::UNKNOWN);
                }
            }
        }
        Ok((st_value(&st), replace))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(invalid("creating Cognito User Pool: name must be known"));
        };
        let token = intent_token(&["aws_cognito_user_pool", name]);
        let mut tags = tag_map(ctx, planned);
        tags.insert(INTENT_TAG.to_string(), token.clone());
        (step.intent)(&format!("intent:{token}/{name}"));
        let op = format!("creating Cognito User Pool ({name})");
        let made = Waiter::new(op.clone(), Duration::from_secs(120)).retry(role_propagating, || {
            let builder = ctx.cognito.create_user_pool().pool_name(name);
            call(
                ctx,
                &op,
                apply_settings!(builder, planned)
                    .set_alias_attributes(
                        request::strings(planned, "alias_attributes")
                            .map(|v| v.iter().map(|a| AliasAttributeType::from(a.as_str())).collect()),
                    )
                    .set_username_attributes(
                        request::strings(planned, "username_attributes")
                            .map(|v| v.iter().map(|a| UsernameAttributeType::from(a.as_str())).collect()),
                    )
                    .set_username_configuration(request::username(planned))
                    .set_schema(request::schema_attributes(planned))
                    .set_user_pool_tier(tier(planned).filter(|t| *t != UserPoolTierType::Essentials))
                    .set_user_pool_tags(Some(tags.clone()))
                    .send(),
            )
        });
        let id = match made {
            Ok(out) => out.user_pool().and_then(|p| p.id()).unwrap_or_default().to_string(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let made_state = || {
            let mut st = into_state(planned);
            st.put("id", id.as_str());
            finish(&self.schema(), st)
        };
        if sref(planned, "mfa_configuration").is_some_and(|m| m != "OFF") {
            if let Err(e) = self.set_mfa(ctx, &id, planned) {
                return ApplyOutcome::partial(made_state(), e);
            }
        }
        match self.fetch(ctx, &id, planned) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito User Pool ({id}) is gone after its create"),
            )),
            Err(e) => ApplyOutcome::partial(made_state(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito User Pool: the prior state has no id"),
            );
        };
        // Cognito only adds schema attributes: one changed or taken out is refused before
        // anything else changes.
        let (old, new) = (block_items(prior, "schema"), block_items(planned, "schema"));
        if old.iter().any(|o| !new.contains(o)) {
            return ApplyOutcome::partial(
                prior.clone(),
                ProviderError::new(
                    "InvalidSchemaChange",
                    format!(
                        "updating Cognito User Pool ({id}): a schema attribute cannot be changed or removed, only added. \
                         Put the attribute back as it was, or replace the pool (infinstor apply -replace=ADDRESS), which loses its users"
                    ),
                ),
            );
        }
        let schema = self.schema();
        let changed = engine::plan::diff::changed_attributes(&schema, prior, planned);
        let mut result = Ok(());
        if changed.iter().any(|k| MFA.contains(&k.as_str())) {
            result = self.set_mfa(ctx, id, planned);
        }
        // Every other argument goes with UpdateUserPool, which resets what it is not sent.
        let settable = |k: &str| {
            schema.blocks.contains_key(k) && !matches!(k, "schema" | "software_token_mfa_configuration")
                || schema.attributes.get(k).is_some_and(|a| a.optional || a.required) && k != "mfa_configuration"
        };
        if result.is_ok() && changed.iter().any(|k| settable(k)) {
            result = self.update_pool(ctx, id, prior, planned);
        }
        let added: Vec<_> = new
            .iter()
            .filter(|n| !old.contains(n))
            .map(request::schema_attribute)
            .collect();
        if result.is_ok() && !added.is_empty() {
            result = call(
                ctx,
                &format!("adding custom attributes to Cognito User Pool ({id})"),
                ctx.cognito
                    .add_custom_attributes()
                    .user_pool_id(id)
                    .set_custom_attributes(Some(added))
                    .send(),
            )
            .map(drop);
        }
        update_outcome(prior, result, self.fetch(ctx, id, planned), || {
            ProviderError::new("ResourceNotFoundException", format!("Cognito User Pool ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Cognito User Pool ({id})"),
            ctx.cognito.delete_user_pool().user_pool_id(id).send(),
        ))
        .map(drop)
        .map_err(|mut e| {
            if e.message.contains("deletion protection") || e.message.contains("DeletionProtection") {
                e.message
                    .push_str("\nSet deletion_protection = \"INACTIVE\" and apply before destroying the pool.");
            }
            e
        })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "id") {
            Some(id) => self.fetch(ctx, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the user pool ID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some((token, name)) = id.strip_prefix("intent:").and_then(|rest| rest.split_once('/')) {
            return self.find_intent(ctx, token, name);
        }
        self.fetch(ctx, id, &Value::Null)
    }
}

fn st_value(st: &State) -> Value {
    Value::Map(st.clone().into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_block_cognito_fills_is_in_the_schema() {
        let schema = super::schema();
        for key in super::DECIDED.iter().chain(super::MFA.iter()) {
            assert!(
                schema.blocks.contains_key(*key) || schema.attributes.contains_key(*key),
                "{key}"
            );
        }
    }
}
