//! A user pool's state from what Cognito answers, flattened as the AWS provider does: a block
//! Cognito leaves out is empty, a field it leaves out is its zero value, and the standard
//! attributes Cognito lists in every pool's schema stay out unless configured.

use crate::support::attrs::{block_items, set_value, sref};
use aws_sdk_cognitoidentityprovider::types::{AttributeDataType, LambdaConfigType, SchemaAttributeType, UserPoolType};
use engine::core::value::{map, Value};

/// A list of at most one block item.
fn one(item: Option<Value>) -> Value {
    Value::List(item.into_iter().collect::<Vec<_>>().into())
}

fn s(v: Option<&str>) -> Value {
    Value::string(v.unwrap_or_default())
}

pub(super) fn account_recovery(p: &UserPoolType) -> Value {
    one(p
        .account_recovery_setting()
        .filter(|a| !a.recovery_mechanisms().is_empty())
        .map(|a| {
            let mechanisms: Vec<Value> = a
                .recovery_mechanisms()
                .iter()
                .map(|m| {
                    map([
                        ("name", Value::string(m.name().as_str())),
                        ("priority", Value::from(i64::from(m.priority()))),
                    ])
                })
                .collect();
            map([("recovery_mechanism", Value::List(mechanisms.into()))])
        }))
}

pub(super) fn admin_create_user(p: &UserPoolType) -> Value {
    one(p.admin_create_user_config().map(|c| {
        let invite = c
            .invite_message_template()
            .filter(|t| t.email_message().is_some() || t.email_subject().is_some() || t.sms_message().is_some())
            .map(|t| {
                map([
                    ("email_message", s(t.email_message())),
                    ("email_subject", s(t.email_subject())),
                    ("sms_message", s(t.sms_message())),
                ])
            });
        map([
            (
                "allow_admin_create_user_only",
                Value::from(c.allow_admin_create_user_only()),
            ),
            ("invite_message_template", one(invite)),
        ])
    }))
}

pub(super) fn device(p: &UserPoolType) -> Value {
    one(p.device_configuration().map(|d| {
        map([
            (
                "challenge_required_on_new_device",
                Value::from(d.challenge_required_on_new_device()),
            ),
            (
                "device_only_remembered_on_user_prompt",
                Value::from(d.device_only_remembered_on_user_prompt()),
            ),
        ])
    }))
}

pub(super) fn email(p: &UserPoolType) -> Value {
    one(p.email_configuration().map(|e| {
        map([
            ("configuration_set", s(e.configuration_set())),
            (
                "email_sending_account",
                s(e.email_sending_account().map(|a| a.as_str())),
            ),
            ("from_email_address", s(e.from())),
            ("reply_to_email_address", s(e.reply_to_email_address())),
            ("source_arn", s(e.source_arn())),
        ])
    }))
}

pub(super) fn lambda(l: Option<&LambdaConfigType>) -> Value {
    let version = |arn: Option<&str>, v: Option<&str>| match arn {
        Some(arn) => one(Some(map([
            ("lambda_arn", Value::string(arn)),
            ("lambda_version", s(v)),
        ]))),
        None => one(None),
    };
    one(l
        .filter(|l| {
            [
                l.create_auth_challenge(),
                l.custom_message(),
                l.define_auth_challenge(),
                l.kms_key_id(),
                l.post_authentication(),
                l.post_confirmation(),
                l.pre_authentication(),
                l.pre_sign_up(),
                l.pre_token_generation(),
                l.user_migration(),
                l.verify_auth_challenge_response(),
            ]
            .iter()
            .any(Option::is_some)
                || l.custom_email_sender().is_some()
                || l.custom_sms_sender().is_some()
                || l.pre_token_generation_config().is_some()
        })
        .map(|l| {
            map([
                ("create_auth_challenge", s(l.create_auth_challenge())),
                ("custom_message", s(l.custom_message())),
                ("define_auth_challenge", s(l.define_auth_challenge())),
                ("kms_key_id", s(l.kms_key_id())),
                ("post_authentication", s(l.post_authentication())),
                ("post_confirmation", s(l.post_confirmation())),
                ("pre_authentication", s(l.pre_authentication())),
                ("pre_sign_up", s(l.pre_sign_up())),
                ("pre_token_generation", s(l.pre_token_generation())),
                ("user_migration", s(l.user_migration())),
                ("verify_auth_challenge_response", s(l.verify_auth_challenge_response())),
                (
                    "custom_email_sender",
                    version(
                        l.custom_email_sender().map(|c| c.lambda_arn()),
                        l.custom_email_sender().map(|c| c.lambda_version().as_str()),
                    ),
                ),
                (
                    "custom_sms_sender",
                    version(
                        l.custom_sms_sender().map(|c| c.lambda_arn()),
                        l.custom_sms_sender().map(|c| c.lambda_version().as_str()),
                    ),
                ),
                (
                    "pre_token_generation_config",
                    version(
                        l.pre_token_generation_config().map(|c| c.lambda_arn()),
                        l.pre_token_generation_config().map(|c| c.lambda_version().as_str()),
                    ),
                ),
            ])
        }))
}

pub(super) fn password(p: &UserPoolType) -> Value {
    one(p.policies().and_then(|p| p.password_policy()).map(|pp| {
        map([
            (
                "minimum_length",
                Value::from(i64::from(pp.minimum_length().unwrap_or(0))),
            ),
            (
                "password_history_size",
                Value::from(i64::from(pp.password_history_size().unwrap_or(0))),
            ),
            ("require_lowercase", Value::from(pp.require_lowercase())),
            ("require_numbers", Value::from(pp.require_numbers())),
            ("require_symbols", Value::from(pp.require_symbols())),
            ("require_uppercase", Value::from(pp.require_uppercase())),
            (
                "temporary_password_validity_days",
                Value::from(i64::from(pp.temporary_password_validity_days())),
            ),
        ])
    }))
}

pub(super) fn sign_in(p: &UserPoolType) -> Value {
    one(p.policies().and_then(|p| p.sign_in_policy()).map(|sp| {
        map([(
            "allowed_first_auth_factors",
            set_value(sp.allowed_first_auth_factors().iter().map(|f| f.as_str())),
        )])
    }))
}

/// The standard attributes every pool lists, as Cognito defines them: a listed attribute
/// equal to its definition is left out of state unless configured.
fn is_standard_default(a: &SchemaAttributeType) -> bool {
    let Some(name) = a.name() else {
        return false;
    };
    let string = |min: &str| {
        a.attribute_data_type() == Some(&AttributeDataType::String)
            && a.number_attribute_constraints().is_none()
            && a.string_attribute_constraints().is_some_and(|c| {
                c.min_length() == Some(min) && c.max_length() == Some(if name == "birthdate" { "10" } else { "2048" })
            })
    };
    let boolean = || {
        a.attribute_data_type() == Some(&AttributeDataType::Boolean)
            && a.number_attribute_constraints().is_none()
            && a.string_attribute_constraints().is_none()
    };
    let plain = a.developer_only_attribute() == Some(false);
    let optional_mutable = plain && a.mutable() == Some(true) && a.required() == Some(false);
    match name {
        "address" | "email" | "family_name" | "gender" | "given_name" | "locale" | "middle_name" | "name"
        | "nickname" | "phone_number" | "picture" | "preferred_username" | "profile" | "website" | "zoneinfo" => {
            optional_mutable && string("0")
        }
        "birthdate" => optional_mutable && string("10"),
        "email_verified" | "phone_number_verified" => optional_mutable && boolean(),
        "sub" => plain && a.mutable() == Some(false) && a.required() == Some(true) && string("1"),
        "updated_at" => {
            optional_mutable
                && a.attribute_data_type() == Some(&AttributeDataType::Number)
                && a.string_attribute_constraints().is_none()
                && a.number_attribute_constraints()
                    .is_some_and(|c| c.min_value() == Some("0") && c.max_value().is_none())
        }
        // Cognito adds it with the first identity provider.
        "identities" => {
            optional_mutable
                && a.attribute_data_type() == Some(&AttributeDataType::String)
                && a.string_attribute_constraints()
                    .is_some_and(|c| c.min_length().is_none() && c.max_length().is_none())
        }
        _ => false,
    }
}

/// The schema set in state: what Cognito lists, less the standard attributes left as
/// defined and not configured. A configured String attribute written without constraints
/// gets none in state, though Cognito reports its own.
pub(super) fn schema(p: &UserPoolType, configured: &[Value]) -> Value {
    let same_root = |c: &Value, a: &SchemaAttributeType| {
        sref(c, "name") == a.name()
            && sref(c, "attribute_data_type") == a.attribute_data_type().map(|t| t.as_str())
            && c.get("developer_only_attribute").as_bool().unwrap_or(false)
                == a.developer_only_attribute().unwrap_or(false)
            && c.get("mutable").as_bool().unwrap_or(false) == a.mutable().unwrap_or(false)
            && c.get("required").as_bool().unwrap_or(false) == a.required().unwrap_or(false)
    };
    let named = |a: &SchemaAttributeType| configured.iter().any(|c| sref(c, "name") == a.name());
    let items: Vec<Value> = p
        .schema_attributes()
        .iter()
        .filter(|a| named(a) || !is_standard_default(a))
        .map(|a| {
            let skip_string = configured.iter().any(|c| {
                same_root(c, a)
                    && sref(c, "attribute_data_type") == Some("String")
                    && block_items(c, "string_attribute_constraints").iter().all(|sc| {
                        sref(sc, "min_length").unwrap_or("").is_empty()
                            && sref(sc, "max_length").unwrap_or("").is_empty()
                    })
                    && a.string_attribute_constraints().is_some()
            });
            let name = a.name().unwrap_or_default();
            let bare = name.strip_prefix("dev:").unwrap_or(name);
            let bare = bare.strip_prefix("custom:").unwrap_or(bare);
            map([
                ("name", Value::string(bare)),
                ("attribute_data_type", s(a.attribute_data_type().map(|t| t.as_str()))),
                (
                    "developer_only_attribute",
                    Value::from(a.developer_only_attribute().unwrap_or(false)),
                ),
                ("mutable", Value::from(a.mutable().unwrap_or(false))),
                ("required", Value::from(a.required().unwrap_or(false))),
                (
                    "number_attribute_constraints",
                    one(a
                        .number_attribute_constraints()
                        .map(|n| map([("max_value", s(n.max_value())), ("min_value", s(n.min_value()))]))),
                ),
                (
                    "string_attribute_constraints",
                    one(a
                        .string_attribute_constraints()
                        .filter(|_| !skip_string)
                        .map(|c| map([("max_length", s(c.max_length())), ("min_length", s(c.min_length()))]))),
                ),
            ])
        })
        .collect();
    Value::List(items.into())
}

pub(super) fn sms(p: &UserPoolType) -> Value {
    one(p.sms_configuration().map(|c| {
        map([
            ("external_id", s(c.external_id())),
            ("sns_caller_arn", Value::string(c.sns_caller_arn())),
            ("sns_region", s(c.sns_region())),
        ])
    }))
}

pub(super) fn attribute_update(p: &UserPoolType) -> Value {
    one(p
        .user_attribute_update_settings()
        .filter(|u| !u.attributes_require_verification_before_update().is_empty())
        .map(|u| {
            map([(
                "attributes_require_verification_before_update",
                set_value(
                    u.attributes_require_verification_before_update()
                        .iter()
                        .map(|a| a.as_str()),
                ),
            )])
        }))
}

pub(super) fn add_ons(p: &UserPoolType) -> Value {
    one(p.user_pool_add_ons().map(|a| {
        map([
            (
                "advanced_security_mode",
                Value::string(a.advanced_security_mode().as_str()),
            ),
            (
                "advanced_security_additional_flows",
                one(a
                    .advanced_security_additional_flows()
                    .map(|f| map([("custom_auth_mode", s(f.custom_auth_mode().map(|m| m.as_str())))]))),
            ),
        ])
    }))
}

pub(super) fn username(p: &UserPoolType) -> Value {
    one(p
        .username_configuration()
        .map(|u| map([("case_sensitive", Value::from(u.case_sensitive()))])))
}

pub(super) fn verification(p: &UserPoolType) -> Value {
    one(p.verification_message_template().map(|t| {
        map([
            ("default_email_option", s(t.default_email_option().map(|o| o.as_str()))),
            ("email_message", s(t.email_message())),
            ("email_message_by_link", s(t.email_message_by_link())),
            ("email_subject", s(t.email_subject())),
            ("email_subject_by_link", s(t.email_subject_by_link())),
            ("sms_message", s(t.sms_message())),
        ])
    }))
}

pub(super) fn software_token(enabled: Option<bool>) -> Value {
    one(enabled.map(|e| map([("enabled", Value::from(e))])))
}
