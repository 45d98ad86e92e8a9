//! Lambda: functions, the permissions in a function's resource policy, aliases, layer
//! versions, function URLs, event source mappings, asynchronous invocation settings,
//! provisioned concurrency and the recursive-loop setting.

use crate::resource::ResourceType;

mod alias;
mod concurrency;
mod event_invoke_config;
mod function;
mod layer;
mod permission;
mod settings;
mod source_mapping;
mod url;

/// Every Lambda resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(function::Function),
        Box::new(permission::Permission),
        Box::new(alias::Alias),
        Box::new(layer::LayerVersion),
        Box::new(url::FunctionUrl),
        Box::new(source_mapping::SourceMapping),
        Box::new(event_invoke_config::EventInvokeConfig),
        Box::new(concurrency::ProvisionedConcurrency),
        Box::new(concurrency::RecursionConfig),
    ]
}

/// The ARN API Gateway invokes a function or alias by.
fn invoke_arn(arn: &str) -> String {
    // arn:PARTITION:lambda:REGION:... -> arn:PARTITION:apigateway:REGION:lambda:path/...
    let mut parts = arn.splitn(5, ':');
    let (_, partition, _, region) = (parts.next(), parts.next(), parts.next(), parts.next());
    match (partition, region) {
        (Some(p), Some(r)) => format!("arn:{p}:apigateway:{r}:lambda:path/2015-03-31/functions/{arn}/invocations"),
        _ => String::new(),
    }
}

/// `function_name` and `qualifier` (none when empty) of a configuration or state: what
/// function URLs and asynchronous invocation settings are keyed by.
fn function_and_qualifier(value: &engine::core::value::Value) -> Option<(String, Option<String>)> {
    use crate::support::attrs::sref;
    Some((
        sref(value, "function_name")?.to_string(),
        sref(value, "qualifier").filter(|q| !q.is_empty()).map(str::to_string),
    ))
}

/// The name of a function given by name or by (possibly qualified) ARN.
fn function_name_of(name_or_arn: &str) -> &str {
    if name_or_arn.starts_with("arn:") {
        name_or_arn.split(':').nth(6).unwrap_or(name_or_arn)
    } else {
        name_or_arn.split(':').next().unwrap_or(name_or_arn)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn invoke_arns_and_names_as_aws_writes_them() {
        assert_eq!(
            super::invoke_arn("arn:aws:lambda:us-east-1:123456789012:function:f"),
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations"
        );
        assert_eq!(
            super::function_name_of("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            "f"
        );
        assert_eq!(super::function_name_of("f"), "f");
    }
}
