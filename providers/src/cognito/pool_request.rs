//! The request values of a user pool, from its planned state, as the AWS provider expands
//! them: a block item's every field is sent (its zero value when left out), and strings left
//! empty are not.

use crate::support::attrs::{block_items, first_block, sref, string_set};
use aws_sdk_cognitoidentityprovider::types::{
    AccountRecoverySettingType, AdminCreateUserConfigType, AdvancedSecurityAdditionalFlowsType,
    AdvancedSecurityEnabledModeType, AdvancedSecurityModeType, AttributeDataType, AuthFactorType,
    CustomEmailLambdaVersionConfigType, CustomEmailSenderLambdaVersionType, CustomSmsLambdaVersionConfigType,
    CustomSmsSenderLambdaVersionType, DefaultEmailOptionType, DeviceConfigurationType, EmailConfigurationType,
    EmailSendingAccountType, LambdaConfigType, MessageTemplateType, NumberAttributeConstraintsType, PasswordPolicyType,
    PreTokenGenerationLambdaVersionType, PreTokenGenerationVersionConfigType, RecoveryOptionNameType,
    RecoveryOptionType, SchemaAttributeType, SignInPolicyType, SmsConfigurationType, StringAttributeConstraintsType,
    UserAttributeUpdateSettingsType, UserPoolAddOnsType, UserPoolPolicyType, UsernameConfigurationType,
    VerificationMessageTemplateType, VerifiedAttributeType,
};
use engine::core::value::Value;

/// A non-empty string field of a block item.
fn text(item: &Value, key: &str) -> Option<String> {
    sref(item, key).filter(|s| !s.is_empty()).map(str::to_string)
}

fn int(item: &Value, key: &str) -> Option<i32> {
    crate::support::attrs::int32(item, key)
}

fn boolean(item: &Value, key: &str) -> bool {
    item.get(key).as_bool().unwrap_or(false)
}

/// The block `key`'s only item, when the plan has one.
fn only(planned: &Value, key: &str) -> Option<Value> {
    Some(first_block(planned, key)).filter(|v| !v.is_null() && !v.is_unknown())
}

pub(super) fn account_recovery(planned: &Value) -> Option<AccountRecoverySettingType> {
    let block = only(planned, "account_recovery_setting")?;
    let mechanisms = block_items(&block, "recovery_mechanism")
        .iter()
        .filter_map(|m| {
            RecoveryOptionType::builder()
                .name(RecoveryOptionNameType::from(sref(m, "name")?))
                .priority(int(m, "priority")?)
                .build()
                .ok()
        })
        .collect();
    Some(
        AccountRecoverySettingType::builder()
            .set_recovery_mechanisms(Some(mechanisms))
            .build(),
    )
}

pub(super) fn admin_create_user(planned: &Value) -> Option<AdminCreateUserConfigType> {
    let block = only(planned, "admin_create_user_config")?;
    let invite = only(&block, "invite_message_template").map(|t| {
        MessageTemplateType::builder()
            .set_email_message(text(&t, "email_message"))
            .set_email_subject(text(&t, "email_subject"))
            .set_sms_message(text(&t, "sms_message"))
            .build()
    });
    Some(
        AdminCreateUserConfigType::builder()
            .allow_admin_create_user_only(boolean(&block, "allow_admin_create_user_only"))
            .set_invite_message_template(invite)
            .build(),
    )
}

pub(super) fn device(planned: &Value) -> Option<DeviceConfigurationType> {
    let block = only(planned, "device_configuration")?;
    Some(
        DeviceConfigurationType::builder()
            .challenge_required_on_new_device(boolean(&block, "challenge_required_on_new_device"))
            .device_only_remembered_on_user_prompt(boolean(&block, "device_only_remembered_on_user_prompt"))
            .build(),
    )
}

pub(super) fn email(planned: &Value) -> Option<EmailConfigurationType> {
    let block = only(planned, "email_configuration")?;
    Some(
        EmailConfigurationType::builder()
            .set_configuration_set(text(&block, "configuration_set"))
            .set_email_sending_account(
                text(&block, "email_sending_account").map(|a| EmailSendingAccountType::from(a.as_str())),
            )
            .set_from(text(&block, "from_email_address"))
            .set_reply_to_email_address(text(&block, "reply_to_email_address"))
            .set_source_arn(text(&block, "source_arn"))
            .build(),
    )
}

pub(super) fn lambda(planned: &Value) -> Option<LambdaConfigType> {
    let block = only(planned, "lambda_config")?;
    let version =
        |key: &str| only(&block, key).and_then(|v| Some((text(&v, "lambda_arn")?, text(&v, "lambda_version")?)));
    Some(
        LambdaConfigType::builder()
            .set_create_auth_challenge(text(&block, "create_auth_challenge"))
            .set_custom_message(text(&block, "custom_message"))
            .set_define_auth_challenge(text(&block, "define_auth_challenge"))
            .set_kms_key_id(text(&block, "kms_key_id"))
            .set_post_authentication(text(&block, "post_authentication"))
            .set_post_confirmation(text(&block, "post_confirmation"))
            .set_pre_authentication(text(&block, "pre_authentication"))
            .set_pre_sign_up(text(&block, "pre_sign_up"))
            .set_pre_token_generation(text(&block, "pre_token_generation"))
            .set_user_migration(text(&block, "user_migration"))
            .set_verify_auth_challenge_response(text(&block, "verify_auth_challenge_response"))
            .set_custom_email_sender(version("custom_email_sender").and_then(|(arn, v)| {
                CustomEmailLambdaVersionConfigType::builder()
                    .lambda_arn(arn)
                    .lambda_version(CustomEmailSenderLambdaVersionType::from(v.as_str()))
                    .build()
                    .ok()
            }))
            .set_custom_sms_sender(version("custom_sms_sender").and_then(|(arn, v)| {
                CustomSmsLambdaVersionConfigType::builder()
                    .lambda_arn(arn)
                    .lambda_version(CustomSmsSenderLambdaVersionType::from(v.as_str()))
                    .build()
                    .ok()
            }))
            .set_pre_token_generation_config(version("pre_token_generation_config").and_then(|(arn, v)| {
                PreTokenGenerationVersionConfigType::builder()
                    .lambda_arn(arn)
                    .lambda_version(PreTokenGenerationLambdaVersionType::from(v.as_str()))
                    .build()
                    .ok()
            }))
            .build(),
    )
}

pub(super) fn policies(planned: &Value) -> Option<UserPoolPolicyType> {
    let password = only(planned, "password_policy").map(|p| {
        PasswordPolicyType::builder()
            .set_minimum_length(int(&p, "minimum_length").filter(|n| *n != 0))
            .set_password_history_size(int(&p, "password_history_size"))
            .require_lowercase(boolean(&p, "require_lowercase"))
            .require_numbers(boolean(&p, "require_numbers"))
            .require_symbols(boolean(&p, "require_symbols"))
            .require_uppercase(boolean(&p, "require_uppercase"))
            .set_temporary_password_validity_days(int(&p, "temporary_password_validity_days"))
            .build()
    });
    let sign_in = only(planned, "sign_in_policy").map(|s| {
        SignInPolicyType::builder()
            .set_allowed_first_auth_factors(Some(
                string_set(&s.get("allowed_first_auth_factors"))
                    .iter()
                    .map(|f| AuthFactorType::from(f.as_str()))
                    .collect(),
            ))
            .build()
    });
    (password.is_some() || sign_in.is_some()).then(|| {
        UserPoolPolicyType::builder()
            .set_password_policy(password)
            .set_sign_in_policy(sign_in)
            .build()
    })
}

/// One configured schema attribute as the API takes it (the name as written).
pub(super) fn schema_attribute(item: &Value) -> SchemaAttributeType {
    let number = only(item, "number_attribute_constraints").map(|n| {
        NumberAttributeConstraintsType::builder()
            .set_max_value(text(&n, "max_value"))
            .set_min_value(text(&n, "min_value"))
            .build()
    });
    let string = only(item, "string_attribute_constraints")
        .map(|s| (text(&s, "min_length"), text(&s, "max_length")))
        .filter(|(min, max)| min.is_some() || max.is_some())
        .map(|(min, max)| {
            StringAttributeConstraintsType::builder()
                .set_min_length(min)
                .set_max_length(max)
                .build()
        });
    SchemaAttributeType::builder()
        .set_attribute_data_type(sref(item, "attribute_data_type").map(AttributeDataType::from))
        .developer_only_attribute(boolean(item, "developer_only_attribute"))
        .mutable(boolean(item, "mutable"))
        .set_name(sref(item, "name").map(str::to_string))
        .required(boolean(item, "required"))
        .set_number_attribute_constraints(number)
        .set_string_attribute_constraints(string)
        .build()
}

pub(super) fn schema_attributes(planned: &Value) -> Option<Vec<SchemaAttributeType>> {
    let items = block_items(planned, "schema");
    (!items.is_empty()).then(|| items.iter().map(schema_attribute).collect())
}

pub(super) fn sms(planned: &Value) -> Option<SmsConfigurationType> {
    let block = only(planned, "sms_configuration")?;
    Some(
        SmsConfigurationType::builder()
            .set_external_id(text(&block, "external_id"))
            .set_sns_caller_arn(text(&block, "sns_caller_arn"))
            .set_sns_region(text(&block, "sns_region"))
            .build(),
    )
}

pub(super) fn username(planned: &Value) -> Option<UsernameConfigurationType> {
    let block = only(planned, "username_configuration")?;
    UsernameConfigurationType::builder()
        .set_case_sensitive(block.get("case_sensitive").as_bool())
        .build()
        .ok()
}

pub(super) fn attribute_update(planned: &Value) -> Option<UserAttributeUpdateSettingsType> {
    let block = only(planned, "user_attribute_update_settings")?;
    Some(
        UserAttributeUpdateSettingsType::builder()
            .set_attributes_require_verification_before_update(Some(
                string_set(&block.get("attributes_require_verification_before_update"))
                    .iter()
                    .map(|a| VerifiedAttributeType::from(a.as_str()))
                    .collect(),
            ))
            .build(),
    )
}

pub(super) fn add_ons(planned: &Value) -> Option<UserPoolAddOnsType> {
    let block = only(planned, "user_pool_add_ons")?;
    let flows = only(&block, "advanced_security_additional_flows").map(|f| {
        AdvancedSecurityAdditionalFlowsType::builder()
            .set_custom_auth_mode(
                text(&f, "custom_auth_mode").map(|m| AdvancedSecurityEnabledModeType::from(m.as_str())),
            )
            .build()
    });
    UserPoolAddOnsType::builder()
        .set_advanced_security_mode(sref(&block, "advanced_security_mode").map(AdvancedSecurityModeType::from))
        .set_advanced_security_additional_flows(flows)
        .build()
        .ok()
}

pub(super) fn verification(planned: &Value) -> Option<VerificationMessageTemplateType> {
    let block = only(planned, "verification_message_template")?;
    Some(
        VerificationMessageTemplateType::builder()
            .set_default_email_option(
                text(&block, "default_email_option").map(|o| DefaultEmailOptionType::from(o.as_str())),
            )
            .set_email_message(text(&block, "email_message"))
            .set_email_message_by_link(text(&block, "email_message_by_link"))
            .set_email_subject(text(&block, "email_subject"))
            .set_email_subject_by_link(text(&block, "email_subject_by_link"))
            .set_sms_message(text(&block, "sms_message"))
            .build(),
    )
}

/// The strings of a set attribute, when it has any.
pub(super) fn strings(planned: &Value, key: &str) -> Option<Vec<String>> {
    let v = string_set(&planned.get(key));
    (!v.is_empty()).then_some(v)
}
