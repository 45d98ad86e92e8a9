//! data "aws_route53_zone".

use crate::resource::{Ctx, DataType};
use crate::route53::{
    clean_zone_id, list_zone_tags, name_key, opt_string, private_name_servers, trim_dot, Zone, NO_SUCH_ZONE,
};
use crate::support::attrs::{call, finish, list_of_strings, map_of_strings, map_value, sref, string_map, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ZoneData;

impl ZoneData {
    fn not_found(what: &str) -> ProviderError {
        ProviderError::new(
            "NotFound",
            format!("no matching Route 53 Hosted Zone found ({what}); check the name, private_zone, vpc_id and tags"),
        )
    }
}

impl DataType for ZoneData {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> Schema {
        let computed = || Attribute::computed(Type::String);
        Schema::new()
            .attr("zone_id", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("private_zone", Attribute::optional(Type::Bool))
            .attr("vpc_id", Attribute::optional_computed(Type::String))
            .attr("tags", Attribute::optional_computed(map_of_strings()))
            .attr("id", computed())
            .attr("arn", computed())
            .attr("caller_reference", computed())
            .attr("comment", computed())
            .attr("name_servers", Attribute::computed(list_of_strings()))
            .attr("primary_name_server", computed())
            .attr("resource_record_set_count", Attribute::computed(Type::Number))
            .attr("linked_service_principal", computed())
            .attr("linked_service_description", computed())
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let private = config.get("private_zone").as_bool().unwrap_or(false);
        let vpc_id = sref(config, "vpc_id");
        let wanted_tags = string_map(&config.get("tags"));
        let get_zone = |id: &str| {
            call(
                ctx,
                &format!("reading Route 53 Hosted Zone ({id})"),
                ctx.route53.get_hosted_zone().id(id).send(),
            )
        };
        let out = if let Some(id) = sref(config, "zone_id") {
            match get_zone(clean_zone_id(id)) {
                Ok(out) => out,
                Err(e) if e.code == NO_SUCH_ZONE => return Err(ZoneData::not_found(&format!("zone_id {id}"))),
                Err(e) => return Err(e),
            }
        } else if let Some(name) = sref(config, "name") {
            let key = name_key(name);
            let mut candidates = Vec::new();
            let mut start: Option<(String, Option<String>)> = Some((format!("{}.", trim_dot(name)), None));
            while let Some((dns, zone)) = start.take() {
                let page = call(
                    ctx,
                    &format!("listing Route 53 Hosted Zones named {name}"),
                    ctx.route53
                        .list_hosted_zones_by_name()
                        .dns_name(&dns)
                        .set_hosted_zone_id(zone)
                        .send(),
                )?;
                let mut past = false;
                for z in page.hosted_zones() {
                    if name_key(z.name()) != key {
                        past = true;
                        continue;
                    }
                    if z.config().map(|c| c.private_zone()).unwrap_or(false) == private {
                        candidates.push(clean_zone_id(z.id()).to_string());
                    }
                }
                if page.is_truncated() && !past {
                    if let (Some(n), Some(z)) = (page.next_dns_name(), page.next_hosted_zone_id()) {
                        start = Some((n.to_string(), Some(z.to_string())));
                    }
                }
            }
            let mut matches = Vec::new();
            for id in candidates {
                let out = get_zone(&id)?;
                if let Some(vpc) = vpc_id {
                    if !out.vpcs().iter().any(|v| v.vpc_id() == Some(vpc)) {
                        continue;
                    }
                }
                if !wanted_tags.is_empty() {
                    let tags = list_zone_tags(ctx, &id)?;
                    if !wanted_tags.iter().all(|(k, v)| tags.get(k) == Some(v)) {
                        continue;
                    }
                }
                matches.push(out);
            }
            match matches.len() {
                0 => return Err(ZoneData::not_found(&format!("name {name}"))),
                1 => matches.remove(0),
                n => {
                    return Err(ProviderError::new(
                        "MultipleMatches",
                        format!(
                            "{n} Route 53 Hosted Zones are named {name}; narrow the search with \
                             private_zone, vpc_id or tags, or use zone_id"
                        ),
                    ))
                }
            }
        } else {
            return Err(ProviderError::new(
                "InvalidArgument",
                "data \"aws_route53_zone\": set either `zone_id` or `name`",
            ));
        };
        let zone = out
            .hosted_zone()
            .ok_or_else(|| ZoneData::not_found("no hosted zone in the response"))?;
        let id = clean_zone_id(zone.id()).to_string();
        let is_private = zone.config().map(|c| c.private_zone()).unwrap_or(false);
        let servers = if is_private {
            private_name_servers(ctx, &id, zone.name())?
        } else {
            out.delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default()
        };
        let tags = list_zone_tags(ctx, &id)?;
        let mut m = State::new();
        m.insert("zone_id".into(), Value::string(&id));
        m.insert("id".into(), Value::string(&id));
        m.insert("name".into(), Value::string(trim_dot(zone.name())));
        m.insert("private_zone".into(), Value::Bool(is_private));
        m.insert(
            "vpc_id".into(),
            vpc_id
                .map(Value::string)
                .unwrap_or_else(|| opt_string(out.vpcs().first().and_then(|v| v.vpc_id()))),
        );
        m.insert("tags".into(), map_value(&tags));
        m.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        m.insert("caller_reference".into(), Value::string(zone.caller_reference()));
        m.insert("comment".into(), opt_string(zone.config().and_then(|c| c.comment())));
        m.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        m.insert(
            "name_servers".into(),
            Value::List(servers.iter().map(|s| Value::string(s)).collect()),
        );
        m.insert(
            "resource_record_set_count".into(),
            zone.resource_record_set_count()
                .map(|n| Value::from(n as i64))
                .unwrap_or(Value::Null),
        );
        m.insert(
            "linked_service_principal".into(),
            opt_string(zone.linked_service().and_then(|l| l.service_principal())),
        );
        m.insert(
            "linked_service_description".into(),
            opt_string(zone.linked_service().and_then(|l| l.description())),
        );
        Ok(finish(&self.schema(), m))
    }
}
