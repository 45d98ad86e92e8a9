//! aws_route53_zone.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::route53::{
    apex_from_listing, api_name, caller_reference, change_zone_tags, clean_delegation_set_id, clean_zone_id,
    find_record, list_zone, list_zone_tags, name_key, opt_string, settle_change, trim_dot, Kind, Spec, Unit, ZoneBatch,
    ZoneNames, DEFAULT_ZONE_COMMENT, NO_SUCH_ZONE,
};
use crate::support::attrs::is_set;
use crate::support::attrs::{
    block_items, call, finish, get, into_state, keep_prior, list_of_strings, map_of_strings, prior_id, problem, sref,
    State,
};
use crate::support::partition::partition_of;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_route53::types::{ChangeAction, HostedZoneConfig, RrType, Vpc, VpcRegion};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::sync::Arc;

pub(super) struct Zone {
    pub(super) zones: Arc<ZoneNames>,
}

/// The VPCs of a private zone's configuration: (vpc_id, vpc_region), the region defaulting to
/// the provider's.
pub(super) fn configured_vpcs(ctx: &Ctx, v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = block_items(v, "vpc")
        .iter()
        .filter_map(|b| {
            let id = sref(b, "vpc_id")?.to_string();
            let region = sref(b, "vpc_region").unwrap_or(&ctx.region).to_string();
            Some((id, region))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

pub(super) fn sdk_vpc(id: &str, region: &str) -> Vpc {
    Vpc::builder().vpc_id(id).vpc_region(VpcRegion::from(region)).build()
}

/// Name servers of a private zone: its apex NS record (Route 53 has no delegation set for it).
pub(super) fn private_name_servers(ctx: &Ctx, zone_id: &str, zone_name: &str) -> Result<Vec<String>, ProviderError> {
    let ns = find_record(ctx, zone_id, &api_name(zone_name), "NS", None)?;
    Ok(ns
        .map(|r| r.resource_records().iter().map(|v| v.value().to_string()).collect())
        .unwrap_or_default())
}

impl Zone {
    pub(super) fn arn(ctx: &Ctx, zone_id: &str) -> String {
        format!("arn:{}:route53:::hostedzone/{zone_id}", partition_of(&ctx.region).0)
    }

    /// The zone's state, keeping from `prior` what Route 53 does not store and its formatting.
    fn fetch(&self, ctx: &Ctx, zone_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = match call(
            ctx,
            &format!("reading Route 53 Hosted Zone ({zone_id})"),
            ctx.route53.get_hosted_zone().id(zone_id).send(),
        ) {
            Ok(out) => out,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(zone) = out.hosted_zone() else {
            return Ok(None);
        };
        let id = clean_zone_id(zone.id()).to_string();
        self.zones.put(&id, zone.name());
        let private = zone.config().map(|c| c.private_zone()).unwrap_or(false);
        let servers: Vec<String> = if private {
            private_name_servers(ctx, &id, zone.name())?
        } else {
            out.delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default()
        };
        let tags = match list_zone_tags(ctx, &id) {
            Ok(tags) => tags,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };

        let mut st = State::new();
        let name = match sref(prior, "name") {
            Some(p) if name_key(p) == name_key(zone.name()) => p.to_string(),
            _ => trim_dot(zone.name()).to_string(),
        };
        st.insert("name".into(), Value::string(name));
        let comment = match zone.config().and_then(|c| c.comment()) {
            Some(c) => Value::string(c),
            None if prior.get("comment").as_str() == Some("") => Value::string(""),
            None => Value::Null,
        };
        st.insert("comment".into(), comment);
        st.insert(
            "delegation_set_id".into(),
            opt_string(out.delegation_set().and_then(|d| d.id()).map(clean_delegation_set_id)),
        );
        st.insert(
            "force_destroy".into(),
            Value::Bool(prior.get("force_destroy").as_bool().unwrap_or(false)),
        );
        st.insert("zone_id".into(), Value::string(&id));
        st.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        st.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        let mut sorted = servers.clone();
        sorted.sort();
        st.insert(
            "name_servers".into(),
            Value::List(sorted.into_iter().map(Value::String).collect()),
        );
        // A VPC configured without a region means the provider's region: keep it unset then,
        // so the configuration and the state agree.
        let prior_vpcs = block_items(prior, "vpc");
        let mut vpcs: Vec<Value> = out
            .vpcs()
            .iter()
            .filter_map(|v| {
                let vpc_id = v.vpc_id()?;
                let region = v.vpc_region().map(|r| r.as_str().to_string());
                let prior_unset = prior_vpcs
                    .iter()
                    .any(|p| sref(p, "vpc_id") == Some(vpc_id) && p.get("vpc_region").is_null());
                let region = match region {
                    Some(r) if prior_unset && r == ctx.region => Value::Null,
                    Some(r) => Value::string(r),
                    None => Value::Null,
                };
                Some(engine::core::value::map([
                    ("vpc_id", Value::string(vpc_id)),
                    ("vpc_region", region),
                ]))
            })
            .collect();
        vpcs.sort_by(|a, b| sref(a, "vpc_id").cmp(&sref(b, "vpc_id")));
        st.insert("vpc".into(), Value::List(vpcs.into()));
        let (own, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), own);
        st.insert("tags_all".into(), all);
        st.insert("id".into(), Value::string(&id));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn zone_id_of(v: &Value) -> Option<&str> {
        sref(v, "zone_id").or_else(|| sref(v, "id")).map(clean_zone_id)
    }

    fn update_inner(
        &self,
        ctx: &Ctx,
        id: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let comment = sref(planned, "comment").unwrap_or("");
        if comment != sref(prior, "comment").unwrap_or("") {
            call(
                ctx,
                &format!("updating comment of Route 53 Hosted Zone ({id})"),
                ctx.route53.update_hosted_zone_comment().id(id).comment(comment).send(),
            )?;
        }
        let new_tags = tags_all(ctx, &planned.get("tags"));
        change_zone_tags(ctx, id, &prior.get("tags_all"), &new_tags)?;
        let old = configured_vpcs(ctx, prior);
        let new = configured_vpcs(ctx, planned);
        // A private zone must keep at least one VPC: associate the new ones first.
        for (vpc, region) in new.iter().filter(|v| !old.contains(v)) {
            let out = call(
                ctx,
                &format!("associating VPC ({vpc}) with Route 53 Hosted Zone ({id})"),
                ctx.route53
                    .associate_vpc_with_hosted_zone()
                    .hosted_zone_id(id)
                    .vpc(sdk_vpc(vpc, region))
                    .send(),
            )?;
            settle_change(ctx, out.change_info(), &format!("association of VPC {vpc}"), progress)?;
        }
        for (vpc, region) in old.iter().filter(|v| !new.contains(v)) {
            let out = call(
                ctx,
                &format!("disassociating VPC ({vpc}) from Route 53 Hosted Zone ({id})"),
                ctx.route53
                    .disassociate_vpc_from_hosted_zone()
                    .hosted_zone_id(id)
                    .vpc(sdk_vpc(vpc, region))
                    .send(),
            )?;
            settle_change(
                ctx,
                out.change_info(),
                &format!("disassociation of VPC {vpc}"),
                progress,
            )?;
        }
        Ok(())
    }

    /// Deletes every record but the apex SOA and NS records, in batches: what `force_destroy`
    /// does before the zone itself is deleted.
    fn delete_records(&self, ctx: &Ctx, id: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let records = list_zone(ctx, id)?;
        let Some(apex) = apex_from_listing(&records).or_else(|| self.zones.get(id)) else {
            return Err(ProviderError::new(
                "InvalidState",
                format!("deleting records of Route 53 Hosted Zone ({id}): the zone has no SOA record"),
            ));
        };
        let apex = name_key(&apex);
        let units: Vec<Unit> = records
            .into_iter()
            .filter(|r| !(name_key(r.name()) == apex && matches!(r.r#type(), RrType::Soa | RrType::Ns)))
            .enumerate()
            .map(|(idx, r)| Unit {
                idx,
                kind: Kind::Delete,
                label: Spec::from_rrset(&r).label(),
                changes: vec![(ChangeAction::Delete, r)],
                import_id: None,
            })
            .collect();
        if units.is_empty() {
            return Ok(());
        }
        progress(&format!(
            "deleting {} records of Route 53 Hosted Zone {id}",
            units.len()
        ));
        let mut batch = ZoneBatch::new(ctx, id, &|_: usize, _: &str| {}, &|| {});
        batch.run(units);
        if let Some(e) = batch.failed.values().next() {
            return Err(e.clone());
        }
        match batch.wait(&|_: usize, m: &str| progress(m)).into_values().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl ResourceType for Zone {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("comment", Attribute::optional(Type::String))
            .attr("delegation_set_id", Attribute::optional(Type::String).force_new())
            .attr("force_destroy", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("zone_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("name_servers", Attribute::computed(list_of_strings()))
            .attr("primary_name_server", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block(
                "vpc",
                Nesting::Set,
                Schema::new()
                    .attr("vpc_id", Attribute::required(Type::String))
                    .attr("vpc_region", Attribute::optional_computed(Type::String)),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            if trim_dot(name).is_empty() || name.len() > 1024 {
                out.push(problem(
                    "name",
                    "\"name\" must be a domain name of 1 to 1024 characters",
                ));
            }
        }
        if let Some(comment) = config.get("comment").as_str() {
            if comment.chars().count() > 256 {
                out.push(problem("comment", "\"comment\" can be at most 256 characters long"));
            }
        }
        if is_set(&config.get("delegation_set_id")) && !block_items(config, "vpc").is_empty() {
            out.push(problem(
                "delegation_set_id",
                "\"delegation_set_id\" cannot be set with \"vpc\": private zones have no delegation set",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if get(&st, "comment").is_null() {
            st.insert("comment".into(), Value::string(DEFAULT_ZONE_COMMENT));
        }
        if get(&st, "force_destroy").is_null() {
            st.insert("force_destroy".into(), Value::Bool(false));
        }
        if let (Some(prior), Some(name)) = (prior, get(&st, "name").as_str()) {
            // `example.com.` and `Example.com` name the same zone (Terraform's StateFunc).
            if sref(prior, "name").map(name_key) == Some(name_key(name)) {
                st.insert("name".into(), prior.get("name"));
            }
        }
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating Route 53 Hosted Zone: name is required",
            ));
        };
        let vpcs = configured_vpcs(ctx, planned);
        let reference = caller_reference();
        let mut config = HostedZoneConfig::builder().comment(sref(planned, "comment").unwrap_or(DEFAULT_ZONE_COMMENT));
        if !vpcs.is_empty() {
            config = config.private_zone(true);
        }
        let mut req = ctx
            .route53
            .create_hosted_zone()
            .name(name)
            .caller_reference(&reference)
            .hosted_zone_config(config.build())
            .set_delegation_set_id(sref(planned, "delegation_set_id").map(str::to_string));
        if let Some((vpc, region)) = vpcs.first() {
            req = req.vpc(sdk_vpc(vpc, region));
        }
        (step.progress)(&format!("creating Route 53 Hosted Zone {name}"));
        // The zone ID is only known after the call; the caller reference finds it again.
        (step.intent)(&format!("callerref:{reference}"));
        let out = match call(ctx, &format!("creating Route 53 Hosted Zone ({name})"), req.send()) {
            Ok(out) => out,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let Some(zone) = out.hosted_zone() else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidResponse",
                format!("creating Route 53 Hosted Zone ({name}): no hosted zone in the response"),
            ));
        };
        let id = clean_zone_id(zone.id()).to_string();
        self.zones.put(&id, zone.name());

        // From here on the zone exists: a later failure still records it.
        let mut st = into_state(planned);
        st.insert("zone_id".into(), Value::string(&id));
        st.insert("id".into(), Value::string(&id));
        st.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        let all = tags_all(ctx, &planned.get("tags"));
        st.insert("tags_all".into(), all.clone());
        let mut servers: Vec<String> = out
            .delegation_set()
            .map(|d| d.name_servers().to_vec())
            .unwrap_or_default();
        let result: Result<(), ProviderError> = (|| {
            settle_change(
                ctx,
                out.change_info(),
                &format!("creation of hosted zone {name}"),
                step.progress,
            )?;
            change_zone_tags(ctx, &id, &Value::Null, &all)?;
            for (vpc, region) in vpcs.iter().skip(1) {
                let assoc = call(
                    ctx,
                    &format!("associating VPC ({vpc}) with Route 53 Hosted Zone ({id})"),
                    ctx.route53
                        .associate_vpc_with_hosted_zone()
                        .hosted_zone_id(&id)
                        .vpc(sdk_vpc(vpc, region))
                        .send(),
                )?;
                settle_change(
                    ctx,
                    assoc.change_info(),
                    &format!("association of VPC {vpc}"),
                    step.progress,
                )?;
            }
            if !vpcs.is_empty() {
                servers = private_name_servers(ctx, &id, zone.name())?;
            }
            Ok(())
        })();
        st.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        servers.sort();
        st.insert(
            "name_servers".into(),
            Value::List(servers.into_iter().map(Value::String).collect()),
        );
        ApplyOutcome::from_parts(Some(finish(&self.schema(), st)), result.err())
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let id = match prior_id(prior, &["zone_id", "id"], "updating Route 53 Hosted Zone") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let id = clean_zone_id(&id).to_string();
        if let Err(e) = self.update_inner(ctx, &id, prior, planned, step.progress) {
            return match self.fetch(ctx, &id, prior) {
                Ok(now) => ApplyOutcome::from_parts(now, Some(e)),
                Err(_) => ApplyOutcome::partial(prior.clone(), e),
            };
        }
        let mut st = into_state(planned);
        keep_prior(
            &mut st,
            prior,
            &["zone_id", "id", "arn", "name_servers", "primary_name_server"],
        );
        st.insert("tags_all".into(), tags_all(ctx, &planned.get("tags")));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = Zone::zone_id_of(prior) else {
            return Ok(());
        };
        if prior.get("force_destroy").as_bool() == Some(true) {
            match self.delete_records(ctx, id, step.progress) {
                Err(e) if e.code == NO_SUCH_ZONE => return Ok(()),
                other => other?,
            }
        }
        match call(
            ctx,
            &format!("deleting Route 53 Hosted Zone ({id})"),
            ctx.route53.delete_hosted_zone().id(id).send(),
        ) {
            Ok(_) => Ok(()),
            Err(e) if e.code == NO_SUCH_ZONE => Ok(()),
            Err(e) if e.code == "HostedZoneNotEmpty" => Err(ProviderError::new(
                e.code,
                format!(
                    "{}\n\nThe zone still has records that are not managed here (or are managed by \
                     resources not being destroyed). Delete them, or set `force_destroy = true` on the \
                     zone (and apply) so they are deleted with it.",
                    e.message
                ),
            )),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = Zone::zone_id_of(prior) else {
            return Ok(None);
        };
        self.fetch(ctx, id, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some(reference) = id.strip_prefix("callerref:") else {
            return self.fetch(ctx, clean_zone_id(id), &Value::Null);
        };
        // An interrupted create recorded only its caller reference: find the zone it made.
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing Route 53 Hosted Zones",
                ctx.route53.list_hosted_zones().set_marker(marker.clone()).send(),
            )?;
            if let Some(zone) = page.hosted_zones().iter().find(|z| z.caller_reference() == reference) {
                let zone_id = clean_zone_id(zone.id()).to_string();
                return self.fetch(ctx, &zone_id, &Value::Null);
            }
            match page.next_marker() {
                Some(m) if page.is_truncated() && Some(m) != marker.as_deref() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }
}
