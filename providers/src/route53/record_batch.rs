//! aws_route53_record: change batches, split at Route 53's limits and when a batch is rejected.

use crate::resource::Ctx;
use crate::route53::{
    api_name, change_error, list_zone, rejects_content, rrset_key, same_rrset, wait_change, RecordKey, MAX_BATCH_CHARS,
    MAX_BATCH_RECORDS, MAX_POLL, NO_SUCH_ZONE,
};
use crate::support::wait::Waiter;
use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ChangeStatus, ResourceRecordSet};
use engine::core::provider::ProviderError;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Debug;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Delete,
    Update,
    Create,
}

/// One resource's part of a change batch: one Route 53 change, or two (DELETE and CREATE)
/// when an update moves the record to a new identity; those two never go into separate calls.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    /// Position of the change in the batch the engine handed over.
    pub(super) idx: usize,
    pub(super) kind: Kind,
    pub(super) changes: Vec<(ChangeAction, ResourceRecordSet)>,
    pub(super) label: String,
    /// The import ID a create records as its intent.
    pub(super) import_id: Option<String>,
}

impl Unit {
    /// What this unit counts against the limits of one request: (ResourceRecord elements,
    /// characters of values). UPSERT counts twice; an alias change counts as one element so a
    /// batch of aliases also stays at 1,000 changes.
    fn cost(&self) -> (usize, usize) {
        self.changes.iter().fold((0, 0), |(n, chars), (action, r)| {
            let times = if *action == ChangeAction::Upsert { 2 } else { 1 };
            let values = r.resource_records();
            let len: usize = values.iter().map(|v| v.value().len()).sum();
            (n + times * values.len().max(1), chars + times * len)
        })
    }

    /// The operation, as errors name it.
    fn op(&self) -> String {
        let verb = match self.kind {
            Kind::Create => "creating",
            Kind::Update => "updating",
            Kind::Delete => "deleting",
        };
        format!("{verb} Route 53 Record ({})", self.label)
    }

    /// True when a rejection message names this unit's record (Route 53 says
    /// `[name='www.example.com.', type='A']` or `DNS name www.example.com.`) or one of its values
    /// (`encountered with '1.2.3'`).
    fn named_in(&self, message: &str) -> bool {
        let lower = message.to_ascii_lowercase();
        self.changes.iter().any(|(_, r)| {
            let name = api_name(r.name());
            let rtype = r.r#type().as_str().to_ascii_lowercase();
            let by_name = [
                format!("name='{name}.'"),
                format!("name='{name}'"),
                format!("dns name {name}."),
                format!("name={name},"),
            ]
            .iter()
            .any(|p| lower.contains(p.as_str()));
            let typed = !lower.contains("type='") || lower.contains(&format!("type='{rtype}'"));
            let by_value = r
                .resource_records()
                .iter()
                .any(|v| message.contains(&format!("encountered with '{}'", v.value())));
            (by_name && typed) || by_value
        })
    }

    /// `err` as this record's error, naming the record unless it already does.
    fn error(&self, err: &ProviderError) -> ProviderError {
        let op = self.op();
        if err.message.starts_with(&op) {
            err.clone()
        } else {
            ProviderError::new(err.code.clone(), format!("{op}: {}", err.message))
                .with_outcome_unknown(err.outcome_unknown)
        }
    }
}

/// Splits units into requests within Route 53's limits, keeping their order. Route 53 also
/// rejects a request that changes one record set twice (two configurations of the same ACM
/// validation record, say), so a unit touching a record set already in the request starts the
/// next one.
pub(super) fn chunk_units(units: Vec<Unit>) -> Vec<Vec<Unit>> {
    let mut chunks = Vec::new();
    let mut current: Vec<Unit> = Vec::new();
    let mut keys: HashSet<RecordKey> = HashSet::new();
    let (mut records, mut chars) = (0, 0);
    for unit in units {
        let (n, c) = unit.cost();
        let unit_keys: Vec<RecordKey> = unit.changes.iter().map(|(_, r)| rrset_key(r)).collect();
        let full = records + n > MAX_BATCH_RECORDS || chars + c > MAX_BATCH_CHARS;
        if !current.is_empty() && (full || unit_keys.iter().any(|k| keys.contains(k))) {
            chunks.push(std::mem::take(&mut current));
            keys.clear();
            records = 0;
            chars = 0;
        }
        records += n;
        chars += c;
        keys.extend(unit_keys);
        current.push(unit);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// A change accepted by Route 53: which units it carries and whether it still propagates.
pub(super) struct Submitted {
    pub(super) units: Vec<usize>,
    pub(super) change_id: String,
    pub(super) insync: bool,
}

/// Sends the changes of one hosted zone and works out each unit's outcome.
pub(super) struct ZoneBatch<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) zone_id: &'a str,
    /// Records a create's intent, by unit index.
    pub(super) intent: &'a dyn Fn(usize, &str),
    /// Makes the recorded intents durable, once per request sent.
    pub(super) sync: &'a dyn Fn(),
    pub(super) failed: BTreeMap<usize, ProviderError>,
    pub(super) submitted: Vec<Submitted>,
    /// The zone's records, listed once when a batch with deletes was rejected.
    pub(super) current: Option<HashMap<RecordKey, ResourceRecordSet>>,
    /// Deletes already brought up to date with `current`.
    pub(super) refreshed: BTreeSet<usize>,
}

impl<'a> ZoneBatch<'a> {
    pub(super) fn new(
        ctx: &'a Ctx,
        zone_id: &'a str,
        intent: &'a dyn Fn(usize, &str),
        sync: &'a dyn Fn(),
    ) -> ZoneBatch<'a> {
        ZoneBatch {
            ctx,
            zone_id,
            intent,
            sync,
            failed: BTreeMap::new(),
            submitted: Vec::new(),
            current: None,
            refreshed: BTreeSet::new(),
        }
    }

    pub(super) fn run(&mut self, units: Vec<Unit>) {
        for chunk in chunk_units(units) {
            self.send(chunk);
        }
    }

    /// One ChangeResourceRecordSets call, retried while Route 53 is still busy with an earlier
    /// change of the zone (PriorRequestNotComplete, which the SDK does not retry).
    fn submit(&self, units: &[Unit]) -> Result<Submitted, ProviderError> {
        let op = match units {
            [one] => one.op(),
            _ => format!(
                "changing {} records of Route 53 Hosted Zone ({})",
                units.len(),
                self.zone_id
            ),
        };
        let changes = units
            .iter()
            .flat_map(|u| u.changes.iter())
            .map(|(action, r)| {
                Change::builder()
                    .action(action.clone())
                    .resource_record_set(r.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ProviderError::new("InvalidArgument", format!("{op}: {e}")))?;
        let batch = ChangeBatch::builder()
            .set_changes(Some(changes))
            .build()
            .map_err(|e| ProviderError::new("InvalidArgument", format!("{op}: {e}")))?;
        for unit in units {
            if let (Kind::Create, Some(id)) = (unit.kind, &unit.import_id) {
                (self.intent)(unit.idx, id);
            }
        }
        (self.sync)();
        // A zone takes one change at a time: while its previous one is still being applied,
        // Route 53 answers PriorRequestNotComplete, and the batch is sent again.
        Waiter::new("Route 53 to finish the zone's previous change", Duration::from_secs(60))
            .delays(Duration::from_secs(1), MAX_POLL)
            .retry(
                |e| e.code == "PriorRequestNotComplete",
                || {
                    let out = self
                        .ctx
                        .block_on(
                            self.ctx
                                .route53
                                .change_resource_record_sets()
                                .hosted_zone_id(self.zone_id)
                                .change_batch(batch.clone())
                                .send(),
                        )
                        .map_err(|e| change_error(&op, e))?;
                    let info = out.change_info();
                    Ok(Submitted {
                        units: units.iter().map(|u| u.idx).collect(),
                        change_id: info.map(|i| i.id().to_string()).unwrap_or_default(),
                        insync: info.map(|i| *i.status() == ChangeStatus::Insync).unwrap_or(true),
                    })
                },
            )
    }

    fn send(&mut self, units: Vec<Unit>) {
        if units.is_empty() {
            return;
        }
        match self.submit(&units) {
            Ok(submitted) => self.submitted.push(submitted),
            // Refused on a retry whose first attempt's answer was lost: that attempt may have
            // made the whole batch (Route 53 applies a batch entirely or not at all), so each
            // create is left for the engine to find by its intent rather than halved and sent
            // again into "already exists".
            Err(e) if rejects_content(&e.code) && e.outcome_unknown => {
                for u in &units {
                    self.failed.insert(u.idx, u.error(&e));
                }
            }
            Err(e) if rejects_content(&e.code) => self.settle(units, e),
            Err(e) if e.code == NO_SUCH_ZONE => {
                // Records of a zone that is gone are gone too: that is what a delete wants.
                for u in units.iter().filter(|u| u.kind != Kind::Delete) {
                    self.failed.insert(u.idx, u.error(&e));
                }
            }
            Err(e) => {
                for u in &units {
                    self.failed.insert(u.idx, u.error(&e));
                }
            }
        }
    }

    /// Finds out which units made Route 53 reject `units`. Deletes are checked against the
    /// zone first (a record already gone needs no delete, and a record changed outside needs
    /// its current values deleted); then the records the rejection names are split off, and
    /// failing that the batch is halved until each bad unit stands alone, costing about
    /// 2·log2(n) calls per bad record instead of one call per record.
    fn settle(&mut self, units: Vec<Unit>, err: ProviderError) {
        let stale: Vec<usize> = units
            .iter()
            .filter(|u| u.kind == Kind::Delete && !self.refreshed.contains(&u.idx))
            .map(|u| u.idx)
            .collect();
        let mut units = units;
        if !stale.is_empty() {
            if self.current.is_none() {
                if let Ok(records) = list_zone(self.ctx, self.zone_id) {
                    self.current = Some(records.into_iter().map(|r| (rrset_key(&r), r)).collect());
                }
            }
            if let Some(current) = self.current.take() {
                let mut changed = false;
                let mut kept = Vec::with_capacity(units.len());
                for mut unit in units {
                    if stale.contains(&unit.idx) {
                        self.refreshed.insert(unit.idx);
                        let now = unit.changes.first().and_then(|(_, r)| current.get(&rrset_key(r)));
                        match now {
                            None => {
                                changed = true;
                                continue;
                            }
                            Some(now) if !unit.changes.first().is_some_and(|(_, r)| same_rrset(r, now)) => {
                                unit.changes = vec![(ChangeAction::Delete, now.clone())];
                                changed = true;
                            }
                            Some(_) => {}
                        }
                    }
                    kept.push(unit);
                }
                self.current = Some(current);
                if changed {
                    return self.send(kept);
                }
                units = kept;
            }
        }
        if units.len() <= 1 {
            for u in &units {
                self.failed.insert(u.idx, u.error(&err));
            }
            return;
        }
        // Route 53 usually names the record it rejects: send the others at once, and each
        // named one on its own, before falling back to halving.
        let named = units.iter().filter(|u| u.named_in(&err.message)).count();
        if named > 0 && named < units.len() {
            let (suspects, rest): (Vec<Unit>, Vec<Unit>) = units.into_iter().partition(|u| u.named_in(&err.message));
            self.send(rest);
            for suspect in suspects {
                self.send(vec![suspect]);
            }
            return;
        }
        let right = units.split_off(units.len() / 2);
        self.send(units);
        self.send(right);
    }

    /// Waits for every accepted change to reach INSYNC; returns the units whose change could
    /// not be confirmed.
    pub(super) fn wait(&self, progress: &dyn Fn(usize, &str)) -> BTreeMap<usize, ProviderError> {
        let mut errors = BTreeMap::new();
        for s in &self.submitted {
            if s.insync || s.change_id.is_empty() {
                continue;
            }
            let first = s.units.first().copied().unwrap_or(0);
            let what = format!(
                "{} record change(s) in Route 53 Hosted Zone {}",
                s.units.len(),
                self.zone_id
            );
            if let Err(e) = wait_change(self.ctx, &s.change_id, &what, &|m: &str| progress(first, m)) {
                for &i in &s.units {
                    errors.insert(i, e.clone());
                }
            }
        }
        errors
    }
}
