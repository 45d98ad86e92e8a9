//! aws_route53_record: the record as Route 53 sees it.

use crate::route53::{
    api_name, display_fqdn, first_block, int, record_key, strings_of, value_from_api, value_to_api, RecordKey,
};
use crate::support::attrs::sref;
use aws_sdk_route53::types::{
    AliasTarget, GeoLocation, ResourceRecord, ResourceRecordSet, ResourceRecordSetFailover, ResourceRecordSetRegion,
    RrType,
};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::fmt::Debug;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Alias {
    pub(super) name: String,
    pub(super) zone_id: String,
    pub(super) evaluate_target_health: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Geo {
    pub(super) continent: Option<String>,
    pub(super) country: Option<String>,
    pub(super) subdivision: Option<String>,
}

/// One record set: what a configuration asks for, or what Route 53 has.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Spec {
    /// The name in API form, without the trailing dot.
    pub(super) fqdn: String,
    pub(super) rtype: String,
    pub(super) set_identifier: Option<String>,
    pub(super) ttl: Option<i64>,
    /// Values as state keeps them (TXT without the outer quotes).
    pub(super) records: Vec<String>,
    pub(super) alias: Option<Alias>,
    pub(super) weight: Option<i64>,
    pub(super) latency_region: Option<String>,
    pub(super) failover: Option<String>,
    pub(super) geo: Option<Geo>,
    pub(super) multivalue: Option<bool>,
    pub(super) health_check_id: Option<String>,
}

impl Spec {
    /// The record a state or planned value describes, named `fqdn`.
    pub(super) fn from_value(v: &Value, fqdn: String) -> Result<Spec, ProviderError> {
        let rtype = sref(v, "type")
            .ok_or_else(|| ProviderError::new("InvalidArgument", "Route 53 Record: `type` is required"))?
            .to_string();
        let alias = first_block(v, "alias").map(|a| Alias {
            name: sref(&a, "name").unwrap_or("").to_string(),
            zone_id: sref(&a, "zone_id").unwrap_or("").to_string(),
            evaluate_target_health: a.get("evaluate_target_health").as_bool().unwrap_or(false),
        });
        let geo = first_block(v, "geolocation_routing_policy").map(|g| Geo {
            continent: sref(&g, "continent").filter(|s| !s.is_empty()).map(str::to_string),
            country: sref(&g, "country").filter(|s| !s.is_empty()).map(str::to_string),
            subdivision: sref(&g, "subdivision").filter(|s| !s.is_empty()).map(str::to_string),
        });
        Ok(Spec {
            fqdn,
            rtype,
            set_identifier: sref(v, "set_identifier").filter(|s| !s.is_empty()).map(str::to_string),
            ttl: int(&v.get("ttl")),
            records: strings_of(&v.get("records")),
            alias,
            weight: first_block(v, "weighted_routing_policy").and_then(|w| int(&w.get("weight"))),
            latency_region: first_block(v, "latency_routing_policy")
                .and_then(|l| sref(&l, "region").map(str::to_string)),
            failover: first_block(v, "failover_routing_policy").and_then(|f| sref(&f, "type").map(str::to_string)),
            geo,
            multivalue: v.get("multivalue_answer_routing_policy").as_bool(),
            health_check_id: sref(v, "health_check_id").filter(|s| !s.is_empty()).map(str::to_string),
        })
    }

    /// What Route 53 reports.
    pub(super) fn from_rrset(r: &ResourceRecordSet) -> Spec {
        let rtype = r.r#type().as_str().to_string();
        Spec {
            fqdn: api_name(r.name()),
            set_identifier: r.set_identifier().map(str::to_string),
            ttl: r.ttl(),
            records: r
                .resource_records()
                .iter()
                .map(|v| value_from_api(&rtype, v.value()))
                .collect(),
            alias: r.alias_target().map(|a| Alias {
                name: a.dns_name().to_string(),
                zone_id: a.hosted_zone_id().to_string(),
                evaluate_target_health: a.evaluate_target_health(),
            }),
            weight: r.weight(),
            latency_region: r.region().map(|x| x.as_str().to_string()),
            failover: r.failover().map(|x| x.as_str().to_string()),
            geo: r.geo_location().map(|g| Geo {
                continent: g.continent_code().map(str::to_string),
                country: g.country_code().map(str::to_string),
                subdivision: g.subdivision_code().map(str::to_string),
            }),
            multivalue: r.multi_value_answer(),
            health_check_id: r.health_check_id().map(str::to_string),
            rtype,
        }
    }

    /// How errors and progress name the record: `www.example.com A`, plus the set identifier.
    pub(super) fn label(&self) -> String {
        let mut label = format!("{} {}", display_fqdn(&self.fqdn), self.rtype);
        if let Some(set) = &self.set_identifier {
            label.push_str(&format!(", set_identifier {set}"));
        }
        label
    }

    pub(super) fn key(&self) -> RecordKey {
        record_key(&self.fqdn, &self.rtype, self.set_identifier.as_deref())
    }

    pub(super) fn to_rrset(&self) -> Result<ResourceRecordSet, ProviderError> {
        let invalid = |e: aws_smithy_types::error::operation::BuildError| {
            ProviderError::new("InvalidArgument", format!("Route 53 Record ({}): {e}", self.label()))
        };
        let mut b = ResourceRecordSet::builder()
            .name(&self.fqdn)
            .r#type(RrType::from(self.rtype.as_str()));
        if !self.records.is_empty() {
            let values = self
                .records
                .iter()
                .map(|v| ResourceRecord::builder().value(value_to_api(&self.rtype, v)).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(invalid)?;
            b = b.set_resource_records(Some(values)).set_ttl(self.ttl);
        }
        if let Some(a) = &self.alias {
            b = b.alias_target(
                AliasTarget::builder()
                    .dns_name(&a.name)
                    .hosted_zone_id(&a.zone_id)
                    .evaluate_target_health(a.evaluate_target_health)
                    .build()
                    .map_err(invalid)?,
            );
        }
        if let Some(w) = self.weight {
            b = b.weight(w);
        }
        if let Some(r) = &self.latency_region {
            b = b.region(ResourceRecordSetRegion::from(r.as_str()));
        }
        if let Some(f) = &self.failover {
            b = b.failover(ResourceRecordSetFailover::from(f.as_str()));
        }
        if let Some(g) = &self.geo {
            b = b.geo_location(
                GeoLocation::builder()
                    .set_continent_code(g.continent.clone())
                    .set_country_code(g.country.clone())
                    .set_subdivision_code(g.subdivision.clone())
                    .build(),
            );
        }
        // Like Terraform, `false` is not sent: it is what an absent flag means.
        if self.multivalue == Some(true) {
            b = b.multi_value_answer(true);
        }
        b.set_health_check_id(self.health_check_id.clone())
            .set_set_identifier(self.set_identifier.clone())
            .build()
            .map_err(invalid)
    }
}
