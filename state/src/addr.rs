//! Typed addresses of resources and their instances.
//!
//! `module.dns.aws_route53_record.api["mlflow"]` is an [`InstanceAddr`]: a module path, a
//! [`ResourceAddr`] and an instance key. `Display` and `FromStr` round-trip, and so does serde,
//! through the text: the state is keyed by these addresses, and its file (like Terraform's)
//! names them as text.

use std::fmt;
use std::str::FromStr;

/// Whether a resource is managed or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// `resource "TYPE" "NAME"`.
    Managed,
    /// `data "TYPE" "NAME"`.
    Data,
    /// `ephemeral "TYPE" "NAME"` (Terraform 1.10): opened in each plan and apply, never kept.
    Ephemeral,
}

/// A resource within one module: mode, type and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceAddr {
    /// Managed or data.
    pub mode: Mode,
    /// The type name, e.g. `aws_s3_bucket`.
    pub type_: String,
    /// The local name.
    pub name: String,
}

/// The key of one instance of a resource with `count` or `for_each`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    /// No `count` or `for_each`.
    None,
    /// `count.index`.
    Int(i64),
    /// `each.key`.
    Str(String),
}

/// A module instance path: `module.a.module.b["x"]` is `[("a", None), ("b", Str("x"))]`.
pub type ModulePath = Vec<(String, InstanceKey)>;

/// One instance of a resource, anywhere in the module tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InstanceAddr {
    /// The module instance path, empty for the root module.
    pub module: ModulePath,
    /// The resource.
    pub resource: ResourceAddr,
    /// The instance key.
    pub key: InstanceKey,
}

/// Why an address could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid address {input:?}: {reason}; addresses look like aws_s3_bucket.artifacts, data.aws_region.current or module.dns.aws_route53_record.api[\"mlflow\"]")]
pub struct AddrError {
    input: String,
    reason: String,
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => write!(f, "[{}]", serde_json::Value::String(s.clone())),
        }
    }
}

/// Formats a module path as `module.a.module.b["x"]` (empty for root).
pub fn module_path_string(path: &ModulePath) -> String {
    path.iter()
        .map(|(name, key)| format!("module.{name}{key}"))
        .collect::<Vec<_>>()
        .join(".")
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode {
            Mode::Data => write!(f, "data.")?,
            Mode::Ephemeral => write!(f, "ephemeral.")?,
            Mode::Managed => {}
        }
        write!(f, "{}.{}", self.type_, self.name)
    }
}

impl fmt::Display for InstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let module = module_path_string(&self.module);
        if !module.is_empty() {
            write!(f, "{module}.")?;
        }
        write!(f, "{}{}", self.resource, self.key)
    }
}

impl serde::Serialize for InstanceAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for InstanceAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<InstanceAddr, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl InstanceAddr {
    /// The address of the resource (all instances) in its module, as text.
    pub fn resource_string(&self) -> String {
        let module = module_path_string(&self.module);
        if module.is_empty() {
            self.resource.to_string()
        } else {
            format!("{module}.{}", self.resource)
        }
    }
}

/// Splits `a.b["x.y"][0].c` into segments `a`, `b["x.y"][0]`, `c`, keeping quoted dots.
fn split_segments(input: &str) -> Result<Vec<(String, Vec<InstanceKey>)>, String> {
    let mut segments = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '.' || c == '[' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            return Err("empty name".into());
        }
        let mut keys = Vec::new();
        while chars.peek() == Some(&'[') {
            chars.next();
            let mut raw = String::new();
            let mut in_str = false;
            let mut escaped = false;
            loop {
                let c = chars.next().ok_or("unclosed [")?;
                if in_str {
                    raw.push(c);
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        in_str = false;
                    }
                } else if c == ']' {
                    break;
                } else {
                    if c == '"' {
                        in_str = true;
                    }
                    raw.push(c);
                }
            }
            let raw = raw.trim();
            if raw.starts_with('"') {
                let s: String = serde_json::from_str(raw).map_err(|_| format!("bad key {raw}"))?;
                keys.push(InstanceKey::Str(s));
            } else {
                let i: i64 = raw.parse().map_err(|_| format!("bad index {raw}"))?;
                keys.push(InstanceKey::Int(i));
            }
        }
        segments.push((name, keys));
        match chars.next() {
            None => break,
            Some('.') => continue,
            Some(c) => return Err(format!("unexpected {c:?}")),
        }
    }
    Ok(segments)
}

fn one_key(keys: Vec<InstanceKey>) -> Result<InstanceKey, String> {
    let mut keys = keys.into_iter();
    let key = keys.next().unwrap_or(InstanceKey::None);
    if keys.next().is_some() {
        return Err("more than one instance key".into());
    }
    Ok(key)
}

impl FromStr for InstanceAddr {
    type Err = AddrError;

    fn from_str(input: &str) -> Result<InstanceAddr, AddrError> {
        let err = |reason: String| AddrError {
            input: input.to_string(),
            reason,
        };
        let segments = split_segments(input.trim()).map_err(err)?;
        let mut iter = segments.into_iter().peekable();
        let mut module = Vec::new();
        while iter.peek().map(|(n, _)| n == "module") == Some(true) {
            let (_, keys) = iter.next().ok_or_else(|| err("missing module name".into()))?;
            if !keys.is_empty() {
                return Err(err("`module` takes no key".into()));
            }
            let (name, keys) = iter.next().ok_or_else(|| err("missing module name".into()))?;
            module.push((name, one_key(keys).map_err(err)?));
        }
        let mut mode = Mode::Managed;
        match iter.peek().map(|(n, _)| n.as_str()) {
            Some("data") => {
                iter.next();
                mode = Mode::Data;
            }
            Some("ephemeral") => {
                iter.next();
                mode = Mode::Ephemeral;
            }
            _ => {}
        }
        let (type_, keys) = iter.next().ok_or_else(|| err("missing resource type".into()))?;
        if !keys.is_empty() {
            return Err(err("a key belongs after the resource name".into()));
        }
        let (name, keys) = iter.next().ok_or_else(|| err("missing resource name".into()))?;
        if iter.next().is_some() {
            return Err(err("unexpected text after the resource name".into()));
        }
        Ok(InstanceAddr {
            module,
            resource: ResourceAddr { mode, type_, name },
            key: one_key(keys).map_err(err)?,
        })
    }
}

/// What `--target` names: a module, or a resource, or one instance. A module call or resource
/// named without a key stands for all of its instances (`module.tenant` is every tenant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The module (instance) path.
    pub module: ModulePath,
    /// The resource and its key; `None` for a whole module.
    pub resource: Option<(ResourceAddr, InstanceKey)>,
}

impl Target {
    /// True when the instance lies within what this target names.
    pub fn contains(&self, addr: &InstanceAddr) -> bool {
        let key_matches = |want: &InstanceKey, have: &InstanceKey| *want == InstanceKey::None || want == have;
        let module_matches = addr.module.len() >= self.module.len()
            && self
                .module
                .iter()
                .zip(&addr.module)
                .all(|((wn, wk), (hn, hk))| wn == hn && key_matches(wk, hk));
        match &self.resource {
            None => module_matches,
            Some((resource, key)) => {
                module_matches
                    && addr.module.len() == self.module.len()
                    && *resource == addr.resource
                    && key_matches(key, &addr.key)
            }
        }
    }

    /// The module calls of the path, without keys.
    pub fn module_names(&self) -> Vec<String> {
        self.module.iter().map(|(n, _)| n.clone()).collect()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let module = module_path_string(&self.module);
        match &self.resource {
            None => write!(f, "{module}"),
            Some((r, k)) if module.is_empty() => write!(f, "{r}{k}"),
            Some((r, k)) => write!(f, "{module}.{r}{k}"),
        }
    }
}

impl FromStr for Target {
    type Err = AddrError;

    fn from_str(input: &str) -> Result<Target, AddrError> {
        if let Ok(addr) = input.parse::<InstanceAddr>() {
            return Ok(Target {
                module: addr.module,
                resource: Some((addr.resource, addr.key)),
            });
        }
        let err = |reason: String| AddrError {
            input: input.to_string(),
            reason,
        };
        let segments = split_segments(input.trim()).map_err(err)?;
        let mut module = Vec::new();
        let mut iter = segments.into_iter();
        while let Some((word, keys)) = iter.next() {
            if word != "module" || !keys.is_empty() {
                // Not a module path: the resource address's own error says more.
                let why = input.parse::<InstanceAddr>().err();
                return Err(why.unwrap_or_else(|| err("not a module or resource address".into())));
            }
            let (name, keys) = iter.next().ok_or_else(|| err("missing module name".into()))?;
            module.push((name, one_key(keys).map_err(err)?));
        }
        if module.is_empty() {
            return Err(err("empty address".into()));
        }
        Ok(Target { module, resource: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "aws_s3_bucket.artifacts",
            "data.aws_region.current",
            "aws_iam_role.r[3]",
            r#"module.dns.aws_route53_record.api["mlflow"]"#,
            r#"module.a["x.y"].module.b[0].data.aws_caller_identity.me"#,
        ] {
            let addr: InstanceAddr = s.parse().expect(s);
            assert_eq!(addr.to_string(), s);
            let target: Target = s.parse().expect(s);
            assert_eq!(target.to_string(), s);
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!("aws_s3_bucket".parse::<InstanceAddr>().is_err());
        assert!("aws_s3_bucket.a.b".parse::<InstanceAddr>().is_err());
        assert!("aws_s3_bucket.a[".parse::<InstanceAddr>().is_err());
    }

    #[test]
    fn targets_name_modules_resources_and_instances() {
        let addr: InstanceAddr = r#"module.tenant["acme"].module.store.aws_s3_bucket.b"#.parse().expect("addr");
        for (target, contains) in [
            ("module.tenant", true),
            (r#"module.tenant["acme"]"#, true),
            (r#"module.tenant["globex"]"#, false),
            (r#"module.tenant["acme"].module.store"#, true),
            (r#"module.tenant["acme"].module.store.aws_s3_bucket.b"#, true),
            ("module.tenant.module.store.aws_s3_bucket.b", true),
            (r#"module.tenant["acme"].aws_s3_bucket.b"#, false),
            ("aws_s3_bucket.b", false),
            ("module.other", false),
        ] {
            let t: Target = target.parse().expect(target);
            assert_eq!(t.contains(&addr), contains, "{target}");
            assert_eq!(t.to_string(), target);
        }
        assert!("module".parse::<Target>().is_err());
        assert!("module.a.b".parse::<Target>().is_err());
    }
}
