//! What `validate` checks of a user pool before any call: the AWS provider's value rules
//! (message placeholders and lengths, ranges, conflicting arguments).

use crate::support::arn;
use crate::support::attrs::{block_items, first_block, problem, sref};
use engine::core::provider::ValidateProblem;
use engine::core::value::Value;

/// A message's length range and the placeholders it must hold.
struct Message {
    key: &'static str,
    min: usize,
    max: usize,
    needs: &'static [&'static str],
}

const fn message(key: &'static str, min: usize, max: usize, needs: &'static [&'static str]) -> Message {
    Message { key, min, max, needs }
}

const TOP: &[Message] = &[
    message("email_verification_message", 6, 20_000, &["{####}"]),
    message("email_verification_subject", 1, 140, &[]),
    message("sms_authentication_message", 6, 140, &["{####}"]),
    message("sms_verification_message", 6, 140, &["{####}"]),
];

const TEMPLATE: &[Message] = &[
    message("email_message", 6, 20_000, &["{####}"]),
    message("email_message_by_link", 6, 20_000, &["{##", "##}"]),
    message("email_subject", 1, 140, &[]),
    message("email_subject_by_link", 1, 140, &[]),
    message("sms_message", 6, 140, &["{####}"]),
];

const INVITE: &[Message] = &[
    message("email_message", 6, 20_000, &["{####}", "{username}"]),
    message("email_subject", 1, 140, &[]),
    message("sms_message", 6, 140, &["{####}", "{username}"]),
];

fn check_messages(item: &Value, prefix: &str, rules: &[Message], problems: &mut Vec<ValidateProblem>) {
    for m in rules {
        let Some(text) = sref(item, m.key) else { continue };
        let at = format!("{prefix}{}", m.key);
        let count = text.chars().count();
        if count < m.min || count > m.max {
            problems.push(problem(&at, format!("{} to {} characters", m.min, m.max)));
        }
        let missing: Vec<&str> = m.needs.iter().copied().filter(|p| !text.contains(p)).collect();
        if !missing.is_empty() {
            problems.push(problem(
                &at,
                format!(
                    "the message must hold {} where Cognito puts the code{}",
                    missing.join(" and "),
                    if m.needs.contains(&"{username}") {
                        " and the user name"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
}

fn check_range(item: &Value, prefix: &str, key: &str, min: f64, max: f64, problems: &mut Vec<ValidateProblem>) {
    if let Some(n) = item.get(key).as_f64() {
        if n < min || n > max || n.fract() != 0.0 {
            problems.push(problem(
                &format!("{prefix}{key}"),
                format!("a whole number from {min} to {max}"),
            ));
        }
    }
}

fn check_values(item: &Value, key: &str, allowed: &[&str], problems: &mut Vec<ValidateProblem>) {
    for v in item
        .get(key)
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
    {
        if !allowed.contains(&v) {
            problems.push(problem(key, format!("{v:?} is not one of {}", allowed.join(", "))));
        }
    }
}

/// Every problem of a user pool's configuration.
pub(super) fn check(config: &Value) -> Vec<ValidateProblem> {
    let mut problems = Vec::new();
    if sref(config, "name").is_some_and(|n| !(1..=128).contains(&n.chars().count())) {
        problems.push(problem("name", "a user pool name is 1 to 128 characters"));
    }
    let given = |v: &Value, k: &str| !v.get(k).is_null();
    if given(config, "alias_attributes") && given(config, "username_attributes") {
        problems.push(problem(
            "username_attributes",
            "give alias_attributes or username_attributes, not both: users sign in with a username and aliases, or with an email or phone number as the username",
        ));
    }
    check_values(
        config,
        "alias_attributes",
        &["phone_number", "email", "preferred_username"],
        &mut problems,
    );
    check_values(config, "username_attributes", &["phone_number", "email"], &mut problems);
    check_values(
        config,
        "auto_verified_attributes",
        &["phone_number", "email"],
        &mut problems,
    );
    check_messages(config, "", TOP, &mut problems);
    let template = first_block(config, "verification_message_template");
    check_messages(&template, "verification_message_template.", TEMPLATE, &mut problems);
    for (top, inner) in [
        ("email_verification_message", "email_message"),
        ("email_verification_subject", "email_subject"),
        ("sms_verification_message", "sms_message"),
    ] {
        if given(config, top) && given(&template, inner) {
            problems.push(problem(
                top,
                format!("give {top} or verification_message_template.{inner}, not both (they are one setting)"),
            ));
        }
    }
    let admin = first_block(config, "admin_create_user_config");
    check_messages(
        &first_block(&admin, "invite_message_template"),
        "admin_create_user_config.invite_message_template.",
        INVITE,
        &mut problems,
    );
    let password = first_block(config, "password_policy");
    check_range(
        &password,
        "password_policy.",
        "minimum_length",
        6.0,
        99.0,
        &mut problems,
    );
    check_range(
        &password,
        "password_policy.",
        "password_history_size",
        0.0,
        24.0,
        &mut problems,
    );
    check_range(
        &password,
        "password_policy.",
        "temporary_password_validity_days",
        0.0,
        365.0,
        &mut problems,
    );
    let schema = block_items(config, "schema");
    if schema.len() > 50 {
        problems.push(problem("schema", "a user pool has at most 50 schema attributes"));
    }
    for attribute in &schema {
        if sref(attribute, "name").is_some_and(|n| !(1..=20).contains(&n.chars().count())) {
            problems.push(problem("schema.name", "a schema attribute name is 1 to 20 characters"));
        }
    }
    let recovery = block_items(&first_block(config, "account_recovery_setting"), "recovery_mechanism");
    if recovery.len() > 2 {
        problems.push(problem(
            "account_recovery_setting.recovery_mechanism",
            "at most two recovery mechanisms",
        ));
    }
    let lambda = first_block(config, "lambda_config");
    for (key, v) in lambda
        .as_map()
        .map(|m| m.iter().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if let Some(arn) = v.as_str() {
            if !arn.is_empty() && arn::parts(arn).is_none() {
                problems.push(problem(
                    &format!("lambda_config.{key}"),
                    format!("{arn:?} is not an ARN"),
                ));
            }
        }
    }
    for sender in ["custom_email_sender", "custom_sms_sender"] {
        if !block_items(&lambda, sender).is_empty() && !given(&lambda, "kms_key_id") {
            problems.push(problem(
                &format!("lambda_config.{sender}"),
                "a custom sender needs lambda_config.kms_key_id: Cognito encrypts the codes it sends with that key",
            ));
        }
    }
    let email = first_block(config, "email_configuration");
    if let Some(arn) = sref(&email, "source_arn") {
        if arn::parts(arn).is_none() {
            problems.push(problem(
                "email_configuration.source_arn",
                format!("{arn:?} is not an ARN"),
            ));
        }
    }
    let sms = first_block(config, "sms_configuration");
    if let Some(arn) = sref(&sms, "sns_caller_arn") {
        if arn::parts(arn).is_none() {
            problems.push(problem(
                "sms_configuration.sns_caller_arn",
                format!("{arn:?} is not an ARN"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use engine::core::value::{map, Value};

    #[test]
    fn a_message_without_its_code_placeholder_is_refused_at_its_place() {
        let config = map([
            ("name", Value::from("pool")),
            ("sms_verification_message", Value::from("Your code")),
        ]);
        let problems = super::check(&config);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("{####}"), "{problems:?}");
    }
}
