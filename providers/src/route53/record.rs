//! aws_route53_record.

use crate::resource::{ApplyOutcome, BatchChange, Ctx, ResourceType, Step};
use crate::route53::{
    alias_key, apex_from_listing, api_name, clean_zone_id, display_fqdn, expand_record_name, find_record, first_block,
    list_zone, opt_string, parse_record_id, record_id, record_key, rrset_key, same_values, strings_of, trim_dot, Kind,
    RecordKey, Spec, Unit, ZoneBatch, ZoneNames, NO_SUCH_ZONE, RR_TYPES,
};
use crate::support::attrs::is_set;
use crate::support::attrs::{block_items, finish, get, into_state, problem, set_of_strings, set_value, sref, State};
use aws_sdk_route53::types::{ChangeAction, ResourceRecordSet};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub(super) struct Record {
    pub(super) zones: Arc<ZoneNames>,
}

/// What building a unit for one change gave.
pub(super) enum Built {
    /// A unit to send, and the state to record once it is applied.
    Send(Unit, Option<Value>),
    /// Nothing to send: the outcome is already known.
    Done(ApplyOutcome),
}

/// True when two values name the same record (the name as Route 53 sees it).
pub(super) fn same_name(a: &Value, b: &Value) -> bool {
    match (sref(a, "name"), sref(b, "name")) {
        (Some(x), Some(y)) => api_name(x) == api_name(y),
        _ => false,
    }
}

impl Record {
    /// The state of a record: `spec` for what Route 53 has (or gets), `base` (the prior state
    /// or the planned value) for what Route 53 does not store and for formatting to keep.
    fn state(&self, spec: &Spec, base: &Value, zone_id: &str) -> Value {
        let mut st = State::new();
        let zone = sref(base, "zone_id").unwrap_or(zone_id).to_string();
        let name = base.get("name");
        st.insert(
            "id".into(),
            Value::string(record_id(
                &zone,
                name.as_str().unwrap_or(""),
                &spec.rtype,
                spec.set_identifier.as_deref(),
            )),
        );
        st.insert("zone_id".into(), Value::string(zone));
        st.insert("name".into(), name);
        st.insert("type".into(), Value::string(&spec.rtype));
        st.insert("fqdn".into(), Value::string(display_fqdn(&spec.fqdn)));
        st.insert("set_identifier".into(), opt_string(spec.set_identifier.as_deref()));
        st.insert(
            "ttl".into(),
            spec.ttl.map(|t| Value::from(t as i64)).unwrap_or(Value::Null),
        );
        let base_records = strings_of(&base.get("records"));
        let records = if spec.records.is_empty() {
            match base.get("records") {
                Value::List(items) if items.is_empty() => Value::List(Vec::new().into()),
                _ => Value::Null,
            }
        } else if same_values(&spec.rtype, &base_records, &spec.records) {
            set_value(&base_records)
        } else {
            set_value(&spec.records)
        };
        st.insert("records".into(), records);
        let alias = match &spec.alias {
            Some(a) => {
                let prior = first_block(base, "alias");
                let prior_name = prior.as_ref().and_then(|p| sref(p, "name"));
                let name = match prior_name {
                    Some(p) if alias_key(p) == alias_key(&a.name) => p.to_string(),
                    _ => trim_dot(&a.name).to_ascii_lowercase(),
                };
                let prior_zone = prior.as_ref().and_then(|p| sref(p, "zone_id"));
                let zone_id = match prior_zone {
                    Some(p) if p.eq_ignore_ascii_case(&a.zone_id) => p.to_string(),
                    _ => a.zone_id.clone(),
                };
                vec![engine::core::value::map([
                    ("name", Value::string(name)),
                    ("zone_id", Value::string(zone_id)),
                    ("evaluate_target_health", Value::Bool(a.evaluate_target_health)),
                ])]
            }
            None => Vec::new(),
        };
        st.insert("alias".into(), Value::List(alias.into()));
        let one = |key: &str, v: Value| Value::List(vec![engine::core::value::map([(key, v)])].into());
        let none = || Value::List(Vec::new().into());
        st.insert(
            "weighted_routing_policy".into(),
            spec.weight
                .map(|w| one("weight", Value::from(w as i64)))
                .unwrap_or_else(none),
        );
        st.insert(
            "latency_routing_policy".into(),
            spec.latency_region
                .as_deref()
                .map(|r| one("region", Value::string(r)))
                .unwrap_or_else(none),
        );
        st.insert(
            "failover_routing_policy".into(),
            spec.failover
                .as_deref()
                .map(|f| one("type", Value::string(f)))
                .unwrap_or_else(none),
        );
        st.insert(
            "geolocation_routing_policy".into(),
            match &spec.geo {
                Some(g) => Value::List(
                    vec![engine::core::value::map([
                        ("continent", opt_string(g.continent.as_deref())),
                        ("country", opt_string(g.country.as_deref())),
                        ("subdivision", opt_string(g.subdivision.as_deref())),
                    ])]
                    .into(),
                ),
                None => none(),
            },
        );
        let multivalue = match spec.multivalue {
            Some(true) => Value::Bool(true),
            _ if base.get("multivalue_answer_routing_policy").as_bool() == Some(false) => Value::Bool(false),
            _ => Value::Null,
        };
        st.insert("multivalue_answer_routing_policy".into(), multivalue);
        st.insert("health_check_id".into(), opt_string(spec.health_check_id.as_deref()));
        st.insert(
            "allow_overwrite".into(),
            Value::Bool(base.get("allow_overwrite").as_bool().unwrap_or(false)),
        );
        finish(&self.schema(), st)
    }

    /// Applies the changes of one hosted zone; fills `out` at the changes' positions.
    fn apply_zone(
        &self,
        ctx: &Ctx,
        zone_id: &str,
        changes: &[BatchChange<'_>],
        idxs: &[usize],
        out: &mut [Option<ApplyOutcome>],
    ) {
        // Updates and deletes carry their FQDN in the prior state; only creates (and a renamed
        // record) need the zone's name to qualify a relative name.
        let needs_zone_name = idxs.iter().any(|&i| {
            let c = &changes[i];
            match (c.prior, c.planned) {
                (Some(p), Some(n)) => sref(p, "fqdn").is_none() || !same_name(p, n),
                (Some(p), None) => sref(p, "fqdn").is_none(),
                _ => true,
            }
        });
        let zone_name = needs_zone_name.then(|| self.zones.name(ctx, zone_id));
        let fqdn_for = |v: &Value, prior: Option<&Value>| -> Result<String, ProviderError> {
            if let Some(p) = prior {
                if let (Some(f), true) = (sref(p, "fqdn"), same_name(p, v)) {
                    return Ok(api_name(f));
                }
            }
            let name = sref(v, "name").unwrap_or("");
            match &zone_name {
                Some(Ok(zone)) => Ok(expand_record_name(name, zone)),
                Some(Err(e)) => Err(e.clone()),
                None => Err(ProviderError::new(
                    "InternalError",
                    format!("Route 53 Record ({name}): the zone name was not looked up"),
                )),
            }
        };

        let mut units = Vec::new();
        let mut states: BTreeMap<usize, Value> = BTreeMap::new();
        for &i in idxs {
            let c = &changes[i];
            let built = match (c.prior, c.planned) {
                (None, Some(planned)) => self.create_unit(i, planned, zone_id, &fqdn_for),
                (Some(prior), Some(planned)) => self.update_unit(i, prior, planned, zone_id, &fqdn_for),
                (Some(prior), None) => self.delete_unit(i, prior, &fqdn_for),
                (None, None) => Ok(Built::Done(ApplyOutcome::from_parts(None, None))),
            };
            match built {
                Ok(Built::Send(unit, state)) => {
                    if let Some(state) = state {
                        states.insert(i, state);
                    }
                    units.push(unit);
                }
                Ok(Built::Done(outcome)) => out[i] = Some(outcome),
                Err(e) if c.planned.is_none() && e.code == NO_SUCH_ZONE => {
                    out[i] = Some(ApplyOutcome::from_parts(None, None))
                }
                Err(e) => out[i] = Some(ApplyOutcome::from_parts(c.prior.cloned(), Some(e))),
            }
        }

        // Deletes first, so a record replaced by another of the same name and type within one
        // batch is removed before it is created again.
        units.sort_by_key(|u| u.kind);
        let kinds: Vec<(usize, Kind)> = units.iter().map(|u| (u.idx, u.kind)).collect();
        let intent = |i: usize, id: &str| (changes[i].intent)(id);
        let sync = || {
            if let Some(c) = changes.first() {
                (c.sync)();
            }
        };
        let mut batch = ZoneBatch::new(ctx, zone_id, &intent, &sync);
        batch.run(units);
        let unconfirmed = batch.wait(&|i: usize, m: &str| (changes[i].progress)(m));
        for (i, kind) in kinds {
            let prior = changes[i].prior;
            out[i] = Some(match (batch.failed.remove(&i), unconfirmed.get(&i)) {
                (Some(e), _) => match kind {
                    Kind::Create => ApplyOutcome::failed(e),
                    _ => ApplyOutcome::from_parts(prior.cloned(), Some(e)),
                },
                (None, Some(e)) => match kind {
                    Kind::Delete => ApplyOutcome::from_parts(prior.cloned(), Some(e.clone())),
                    _ => ApplyOutcome::from_parts(states.remove(&i), Some(e.clone())),
                },
                (None, None) => match kind {
                    Kind::Delete => ApplyOutcome::from_parts(None, None),
                    _ => ApplyOutcome::from_parts(states.remove(&i), None),
                },
            });
        }
    }

    fn create_unit(
        &self,
        idx: usize,
        planned: &Value,
        zone_id: &str,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let spec = Spec::from_value(planned, fqdn_for(planned, None)?)?;
        let action = if planned.get("allow_overwrite").as_bool() == Some(true) {
            ChangeAction::Upsert
        } else {
            ChangeAction::Create
        };
        let unit = Unit {
            idx,
            kind: Kind::Create,
            changes: vec![(action, spec.to_rrset()?)],
            label: spec.label(),
            import_id: Some(record_id(
                zone_id,
                sref(planned, "name").unwrap_or(""),
                &spec.rtype,
                spec.set_identifier.as_deref(),
            )),
        };
        Ok(Built::Send(unit, Some(self.state(&spec, planned, zone_id))))
    }

    fn update_unit(
        &self,
        idx: usize,
        prior: &Value,
        planned: &Value,
        zone_id: &str,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let new = Spec::from_value(planned, fqdn_for(planned, Some(prior))?)?;
        let state = self.state(&new, planned, zone_id);
        let rrset = new.to_rrset()?;
        let old = fqdn_for(prior, Some(prior))
            .and_then(|f| Spec::from_value(prior, f))
            .and_then(|s| Ok((s.key(), s.to_rrset()?)));
        let changes = match old {
            // Only arguments Route 53 does not store changed (allow_overwrite).
            Ok((_, old)) if old == rrset => return Ok(Built::Done(ApplyOutcome::Done(state))),
            Ok((key, old)) if key != new.key() => {
                let action = if planned.get("allow_overwrite").as_bool() == Some(true) {
                    ChangeAction::Upsert
                } else {
                    ChangeAction::Create
                };
                vec![(ChangeAction::Delete, old), (action, rrset)]
            }
            _ => vec![(ChangeAction::Upsert, rrset)],
        };
        let unit = Unit {
            idx,
            kind: Kind::Update,
            changes,
            label: new.label(),
            import_id: None,
        };
        Ok(Built::Send(unit, Some(state)))
    }

    fn delete_unit(
        &self,
        idx: usize,
        prior: &Value,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let spec = Spec::from_value(prior, fqdn_for(prior, Some(prior))?)?;
        let unit = Unit {
            idx,
            kind: Kind::Delete,
            changes: vec![(ChangeAction::Delete, spec.to_rrset()?)],
            label: spec.label(),
            import_id: None,
        };
        Ok(Built::Send(unit, None))
    }

    /// Reads the records of one zone: a listing that starts at the record for a single one,
    /// else one paged listing of the whole zone.
    fn read_zone(&self, ctx: &Ctx, zone_id: &str, priors: &[(usize, &Value)], out: &mut [Option<ReadResult>]) {
        let fqdn_known = |p: &Value| sref(p, "fqdn").map(api_name);
        if let [(i, prior)] = priors {
            let result: ReadResult = (|| {
                let fqdn = match fqdn_known(prior) {
                    Some(f) => f,
                    None => expand_record_name(sref(prior, "name").unwrap_or(""), &self.zones.name(ctx, zone_id)?),
                };
                let (Some(rtype), set) = (
                    sref(prior, "type"),
                    sref(prior, "set_identifier").filter(|s| !s.is_empty()),
                ) else {
                    return Ok(None);
                };
                let found = find_record(ctx, zone_id, &fqdn, rtype, set)?;
                Ok(found.map(|r| self.state(&Spec::from_rrset(&r), prior, zone_id)))
            })();
            out[*i] = Some(match result {
                Err(e) if e.code == NO_SUCH_ZONE => Ok(None),
                other => other,
            });
            return;
        }
        let records = match list_zone(ctx, zone_id) {
            Ok(records) => records,
            Err(e) => {
                let gone = e.code == NO_SUCH_ZONE;
                for (i, _) in priors {
                    out[*i] = Some(if gone { Ok(None) } else { Err(e.clone()) });
                }
                return;
            }
        };
        if let Some(apex) = apex_from_listing(&records) {
            self.zones.put(zone_id, &apex);
        }
        let index: HashMap<RecordKey, &ResourceRecordSet> = records.iter().map(|r| (rrset_key(r), r)).collect();
        for (i, prior) in priors {
            let fqdn = match fqdn_known(prior) {
                Some(f) => Ok(f),
                None => self
                    .zones
                    .name(ctx, zone_id)
                    .map(|zone| expand_record_name(sref(prior, "name").unwrap_or(""), &zone)),
            };
            out[*i] = Some(fqdn.map(|fqdn| {
                let rtype = sref(prior, "type")?;
                let key = record_key(&fqdn, rtype, sref(prior, "set_identifier").filter(|s| !s.is_empty()));
                index
                    .get(&key)
                    .map(|r| self.state(&Spec::from_rrset(r), prior, zone_id))
            }));
        }
    }
}

pub(super) type ReadResult = Result<Option<Value>, ProviderError>;

/// The outcome of a batch for a single change.
pub(super) fn single(mut outcomes: Vec<ApplyOutcome>, fallback: Option<&Value>) -> ApplyOutcome {
    outcomes.pop().unwrap_or_else(|| {
        ApplyOutcome::from_parts(
            fallback.cloned(),
            Some(ProviderError::new(
                "InternalError",
                "Route 53 Record: the change had no outcome",
            )),
        )
    })
}

impl ResourceType for Record {
    fn type_name(&self) -> &'static str {
        "aws_route53_record"
    }

    fn schema(&self) -> Schema {
        let string = || Attribute::optional(Type::String);
        // The AWS provider's schema version for the type: its states read as this version.
        Schema::new()
            .version(2)
            .attr("zone_id", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("type", Attribute::required(Type::String).force_new().one_of(RR_TYPES))
            .attr("ttl", Attribute::optional(Type::Number))
            .attr("records", Attribute::optional(set_of_strings()))
            .attr("set_identifier", string().force_new())
            .attr("health_check_id", string())
            .attr("multivalue_answer_routing_policy", Attribute::optional(Type::Bool))
            .attr("allow_overwrite", Attribute::optional_computed(Type::Bool))
            .attr("fqdn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block(
                "alias",
                Nesting::Single,
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("zone_id", Attribute::required(Type::String))
                    .attr("evaluate_target_health", Attribute::required(Type::Bool)),
            )
            .block(
                "weighted_routing_policy",
                Nesting::Single,
                Schema::new().attr("weight", Attribute::required(Type::Number)),
            )
            .block(
                "latency_routing_policy",
                Nesting::Single,
                Schema::new().attr("region", Attribute::required(Type::String)),
            )
            .block(
                "failover_routing_policy",
                Nesting::Single,
                Schema::new().attr("type", Attribute::required(Type::String)),
            )
            .block(
                "geolocation_routing_policy",
                Nesting::Single,
                Schema::new()
                    .attr("continent", string())
                    .attr("country", string())
                    .attr("subdivision", string()),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let has_alias = !block_items(config, "alias").is_empty();
        let has_records = !config.get("records").is_null();
        let has_ttl = !config.get("ttl").is_null();
        if has_alias && is_set(&config.get("records")) {
            out.push(problem(
                "records",
                "only one of \"alias\" or \"records\" can be set: an alias record answers with its target's records",
            ));
        }
        if !has_alias && !has_records {
            out.push(problem("records", "one of \"alias\" or \"records\" must be set"));
        }
        if has_alias && has_ttl {
            out.push(problem(
                "ttl",
                "\"ttl\" cannot be set with \"alias\": alias records take the TTL of their target",
            ));
        }
        if has_records && !has_ttl {
            out.push(problem("ttl", "\"ttl\" is required when \"records\" is set"));
        }
        if let Some(ttl) = config.get("ttl").as_f64() {
            if ttl < 0.0 || ttl > 2_147_483_647.0 || ttl.fract() != 0.0 {
                out.push(problem(
                    "ttl",
                    "\"ttl\" must be a whole number of seconds from 0 to 2147483647",
                ));
            }
        }
        let policies: Vec<&str> = [
            "weighted_routing_policy",
            "latency_routing_policy",
            "failover_routing_policy",
            "geolocation_routing_policy",
        ]
        .into_iter()
        .filter(|p| !block_items(config, p).is_empty())
        .chain(
            (config.get("multivalue_answer_routing_policy").as_bool() == Some(true))
                .then_some("multivalue_answer_routing_policy"),
        )
        .collect();
        if policies.len() > 1 {
            out.push(problem(
                policies[1],
                format!("only one routing policy can be set; found {}", policies.join(", ")),
            ));
        }
        let has_set = !config.get("set_identifier").is_null();
        if !policies.is_empty() && !has_set {
            out.push(problem(
                "set_identifier",
                format!("\"set_identifier\" is required with {}", policies[0]),
            ));
        }
        if has_set && policies.is_empty() {
            out.push(problem(
                "set_identifier",
                "\"set_identifier\" is only allowed with a routing policy (weighted, latency, failover, \
                 geolocation or multivalue answer)",
            ));
        }
        if let Some(w) = first_block(config, "weighted_routing_policy").and_then(|w| w.get("weight").as_f64()) {
            if !(0.0..=255.0).contains(&w) || w.fract() != 0.0 {
                out.push(problem(
                    "weighted_routing_policy",
                    "\"weight\" must be a whole number from 0 to 255",
                ));
            }
        }
        if let Some(t) =
            first_block(config, "failover_routing_policy").and_then(|f| f.get("type").as_str().map(str::to_string))
        {
            if t != "PRIMARY" && t != "SECONDARY" {
                out.push(problem(
                    "failover_routing_policy",
                    format!("failover \"type\" must be PRIMARY or SECONDARY; got {t:?}"),
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if get(&st, "allow_overwrite").as_bool().is_none() {
            st.insert("allow_overwrite".into(), Value::Bool(false));
        }
        match prior {
            // A name that differs only in case or a trailing dot is the same record (what
            // Terraform's StateFunc achieves by rewriting the name).
            Some(prior) if same_name(prior, &Value::Map(st.clone().into())) => {
                st.insert("name".into(), prior.get("name"));
            }
            // A new record's name is recorded as Terraform's provider records it: lower
            // case, without a trailing dot (ACM's validation record names end with one).
            _ => {
                if let Some(name) = sref(&proposed, "name") {
                    let name = name.strip_suffix('.').unwrap_or(name).to_lowercase();
                    st.insert("name".into(), Value::string(name));
                }
            }
        }
        if let Some(Value::List(items)) = st.get_mut("records") {
            if !items.iter().any(Value::contains_unknown) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                items.dedup();
            }
        }
        let set = get(&st, "set_identifier").clone();
        let id = match (get(&st, "zone_id"), get(&st, "name"), get(&st, "type")) {
            (Value::String(z), Value::String(n), Value::String(t)) if !set.is_unknown() => {
                Value::string(record_id(z, n, t, set.as_str()))
            }
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let change = BatchChange {
            prior: None,
            planned: Some(planned),
            intent: step.intent,
            sync: &|| {},
            progress: step.progress,
        };
        single(self.apply_batch(ctx, vec![change]), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let change = BatchChange {
            prior: Some(prior),
            planned: Some(planned),
            intent: &|_: &str| {},
            sync: &|| {},
            progress: step.progress,
        };
        single(self.apply_batch(ctx, vec![change]), Some(prior))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let change = BatchChange {
            prior: Some(prior),
            planned: None,
            intent: &|_: &str| {},
            sync: &|| {},
            progress: step.progress,
        };
        match single(self.apply_batch(ctx, vec![change]), Some(prior)) {
            ApplyOutcome::Failed { error, .. } => Err(error),
            _ => Ok(()),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.read_batch(ctx, &[prior]).pop().unwrap_or(Ok(None))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((zone_id, name, rtype, set)) = parse_record_id(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing Route 53 Record: {id:?} is not of the form ZONEID_NAME_TYPE or \
                     ZONEID_NAME_TYPE_SETIDENTIFIER (for example Z4KAPRWWNC7JR_www.example.com_A)"
                ),
            ));
        };
        let zone_name = match self.zones.name(ctx, &zone_id) {
            Ok(name) => name,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let fqdn = expand_record_name(&name, &zone_name);
        let found = match find_record(ctx, &zone_id, &fqdn, &rtype, set.as_deref()) {
            Ok(found) => found,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let base = engine::core::value::map([
            ("zone_id", Value::string(&zone_id)),
            ("name", Value::string(&name)),
            ("allow_overwrite", Value::Bool(false)),
        ]);
        Ok(found.map(|r| self.state(&Spec::from_rrset(&r), &base, &zone_id)))
    }

    /// Route53 applies many record changes of one zone in one ChangeResourceRecordSets.
    fn batched(&self) -> bool {
        true
    }

    fn batch_key(&self, value: &Value) -> Option<String> {
        sref(value, "zone_id").map(|z| format!("route53:{}", clean_zone_id(z)))
    }

    fn apply_batch(&self, ctx: &Ctx, changes: Vec<BatchChange<'_>>) -> Vec<ApplyOutcome> {
        let mut out: Vec<Option<ApplyOutcome>> = vec![None; changes.len()];
        let mut by_zone: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in changes.iter().enumerate() {
            match c.planned.or(c.prior).and_then(|v| sref(v, "zone_id")) {
                Some(zone) => by_zone.entry(clean_zone_id(zone).to_string()).or_default().push(i),
                None if c.planned.is_none() && c.prior.is_none() => out[i] = Some(ApplyOutcome::from_parts(None, None)),
                None => {
                    out[i] = Some(ApplyOutcome::from_parts(
                        c.prior.cloned(),
                        Some(ProviderError::new(
                            "InvalidArgument",
                            "Route 53 Record: `zone_id` is required (and must be known when applying)",
                        )),
                    ))
                }
            }
        }
        for (zone, idxs) in &by_zone {
            self.apply_zone(ctx, zone, &changes, idxs, &mut out);
        }
        out.into_iter()
            .zip(&changes)
            .map(|(o, c)| {
                o.unwrap_or_else(|| {
                    ApplyOutcome::from_parts(
                        c.prior.cloned(),
                        Some(ProviderError::new(
                            "InternalError",
                            "Route 53 Record: the change had no outcome",
                        )),
                    )
                })
            })
            .collect()
    }

    fn read_batch(&self, ctx: &Ctx, priors: &[&Value]) -> Vec<ReadResult> {
        let mut out: Vec<Option<ReadResult>> = vec![None; priors.len()];
        let mut by_zone: BTreeMap<String, Vec<(usize, &Value)>> = BTreeMap::new();
        for (i, prior) in priors.iter().enumerate() {
            match sref(prior, "zone_id") {
                Some(zone) => by_zone
                    .entry(clean_zone_id(zone).to_string())
                    .or_default()
                    .push((i, prior)),
                None => out[i] = Some(Ok(None)),
            }
        }
        for (zone, group) in &by_zone {
            self.read_zone(ctx, zone, group, &mut out);
        }
        out.into_iter().map(|o| o.unwrap_or(Ok(None))).collect()
    }
}
