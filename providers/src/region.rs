//! The per-resource `region` argument of the AWS provider (v6): a type of a regional service
//! takes `region`, which defaults to the provider's, forces a new object when it changes, and
//! sends that object's calls to clients built for its region (once per region and provider).

use crate::config::ProviderConfig;
use crate::resource::Ctx;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The schema with `region` (a bucket's computed `region` becomes this argument).
pub(crate) fn with_region(mut schema: Schema, managed: bool) -> Schema {
    let attribute = Attribute::optional_computed(Type::String);
    schema
        .attributes
        .insert("region".into(), if managed { attribute.force_new() } else { attribute });
    schema
}

/// The region a value names, when it is known.
pub(crate) fn named(value: Option<&Value>) -> Option<String> {
    value.and_then(|v| v.get("region").as_str().map(str::to_string))
}

/// Records the region an object was made or read in, where the type's own code left it out.
pub(crate) fn stamp(state: Option<Value>, region: &str) -> Option<Value> {
    match state {
        Some(Value::Map(mut m)) => {
            if m.get("region").is_none_or(|v| v.is_null() || v.is_unknown()) {
                m.insert("region".into(), Value::string(region));
            }
            Some(Value::Map(m))
        }
        other => other,
    }
}

/// An import ID with the region Terraform's `ID@region` form names, split off.
pub(crate) fn split_import_id(id: &str) -> (&str, Option<&str>) {
    if let Some((plain, region)) = id.rsplit_once('@') {
        let parts: Vec<&str> = region.split('-').collect();
        let looks_like_region = parts.len() >= 3
            && parts[0].len() == 2
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
            && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
        if looks_like_region {
            return (plain, Some(region));
        }
    }
    (id, None)
}

/// The provider's clients, and those of the other regions its objects name.
pub(crate) struct Regions {
    home: Arc<Ctx>,
    config: ProviderConfig,
    others: Mutex<BTreeMap<String, Arc<Ctx>>>,
}

impl Regions {
    /// The clients of the provider's own region, built from `config`.
    pub(crate) fn new(home: Ctx, config: ProviderConfig) -> Regions {
        Regions {
            home: Arc::new(home),
            config,
            others: Mutex::new(BTreeMap::new()),
        }
    }

    /// The provider's own clients.
    pub(crate) fn home(&self) -> &Arc<Ctx> {
        &self.home
    }

    /// The clients for `region` (`None`: the provider's).
    pub(crate) fn ctx(&self, region: Option<&str>) -> Result<Arc<Ctx>, ProviderError> {
        let Some(region) = region.filter(|r| *r != self.home.region) else {
            return Ok(self.home.clone());
        };
        let mut others = self
            .others
            .lock()
            .map_err(|_| ProviderError::new("InternalError", "the region clients' lock was poisoned"))?;
        if let Some(ctx) = others.get(region) {
            return Ok(ctx.clone());
        }
        let mut config = self.config.clone();
        config.region = Some(region.to_string());
        let ctx = Arc::new(config.build()?);
        others.insert(region.to_string(), ctx.clone());
        Ok(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_id_may_end_in_its_region() {
        assert_eq!(split_import_id("my-param@eu-west-1"), ("my-param", Some("eu-west-1")));
        assert_eq!(split_import_id("table@us-gov-west-1"), ("table", Some("us-gov-west-1")));
        assert_eq!(split_import_id("someone@example.com"), ("someone@example.com", None));
        assert_eq!(split_import_id("plain"), ("plain", None));
    }

    #[test]
    fn a_region_is_stamped_only_where_missing() {
        let m = |r: Value| Value::Map(BTreeMap::from([("region".to_string(), r)]).into());
        assert_eq!(
            stamp(Some(m(Value::Null)), "eu-west-1"),
            Some(m(Value::string("eu-west-1")))
        );
        assert_eq!(
            stamp(Some(m(Value::string("us-west-2"))), "eu-west-1"),
            Some(m(Value::string("us-west-2")))
        );
        assert_eq!(stamp(None, "eu-west-1"), None);
    }
}
