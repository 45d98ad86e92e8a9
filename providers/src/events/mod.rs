//! EventBridge: rules on an event bus and their targets.

use crate::resource::ResourceType;

mod ecs;
mod rule;
mod target;

/// Every EventBridge resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(rule::Rule), Box::new(target::Target)]
}

/// The bus a rule is on when none is named.
const DEFAULT_BUS: &str = "default";

/// Whether `bus` may be followed by more `/`-separated parts in an ID: an event bus ARN or a
/// partner bus (`aws.partner/example.com/...`), whose names hold `/` themselves.
fn long_bus(bus: &str) -> bool {
    bus.starts_with("arn:") || bus.starts_with("aws.partner/")
}

/// Splits `id` into its first part and its last `tail` parts, as the AWS provider reads
/// `BUS/RULE` and `BUS/RULE/TARGET`: without a bus, the default one; a bus of more than one
/// part only when it is an ARN or a partner bus. `None` for an ID of another shape.
fn split_id(id: &str, tail: usize) -> Option<(String, Vec<String>)> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    match parts.len() {
        n if n == tail => Some((DEFAULT_BUS.to_string(), parts.iter().map(|p| p.to_string()).collect())),
        n if n == tail + 1 => Some((parts[0].to_string(), parts[1..].iter().map(|p| p.to_string()).collect())),
        n if n > tail + 1 => {
            let bus = parts[..n - tail].join("/");
            long_bus(&bus).then(|| (bus, parts[n - tail..].iter().map(|p| p.to_string()).collect()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::split_id;

    #[test]
    fn ids_split_as_the_aws_provider_splits_them() {
        let ok = |id: &str, tail: usize| split_id(id, tail).map(|(bus, rest)| format!("{bus}|{}", rest.join("|")));
        assert_eq!(ok("orders", 1).as_deref(), Some("default|orders"));
        assert_eq!(ok("shop/orders", 1).as_deref(), Some("shop|orders"));
        assert_eq!(
            ok("aws.partner/example.com/Test/TestRule", 1).as_deref(),
            Some("aws.partner/example.com/Test|TestRule")
        );
        assert_eq!(
            ok("arn:aws:events:us-east-2:123456789012:event-bus/default/TestRule", 1).as_deref(),
            Some("arn:aws:events:us-east-2:123456789012:event-bus/default|TestRule")
        );
        assert_eq!(ok("TestEventBus/TestRule/Suffix", 1), None);
        assert_eq!(ok("/", 1), None);
        assert_eq!(ok("X/", 1), None);
        assert_eq!(ok("rule/target", 2).as_deref(), Some("default|rule|target"));
        assert_eq!(ok("bus/rule/target", 2).as_deref(), Some("bus|rule|target"));
        assert_eq!(
            ok("aws.partner/example.com/Test/TestRule/TestTarget", 2).as_deref(),
            Some("aws.partner/example.com/Test|TestRule|TestTarget")
        );
        assert_eq!(ok("a/b/c/d", 2), None);
        assert_eq!(ok("rule", 2), None);
    }
}
