//! `data "aws_acm_certificate"`: an issued certificate for a domain (the newest, with
//! `most_recent`), such as a wildcard certificate a stack is given.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::finish;
use crate::support::attrs::{call, into_state, map_of_strings, sref};
use crate::support::naming::INTENT_TAG;
use aws_sdk_acm::types::{CertificateStatus, Filters, KeyAlgorithm};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct CertificateData;

impl DataType for CertificateData {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("domain", Attribute::required(Type::String))
            .attr("statuses", Attribute::optional(Type::List(Box::new(Type::String))))
            .attr("types", Attribute::optional(Type::List(Box::new(Type::String))))
            .attr("key_types", Attribute::optional(Type::Set(Box::new(Type::String))))
            .attr("most_recent", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .attr("tags", Attribute::computed(map_of_strings()))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let domain = sref(config, "domain").unwrap_or_default().to_string();
        let strings = |key: &str| -> Vec<String> {
            config
                .get(key)
                .as_list()
                .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                .unwrap_or_default()
        };
        let mut statuses = strings("statuses");
        if statuses.is_empty() {
            statuses.push("ISSUED".into());
        }
        let types = strings("types");
        let key_types = strings("key_types");
        let mut token: Option<String> = None;
        let mut found: Vec<(String, String, Option<i64>)> = Vec::new();
        loop {
            let page = call(
                ctx,
                "listing ACM Certificates",
                ctx.acm
                    .list_certificates()
                    .set_certificate_statuses(Some(
                        statuses.iter().map(|s| CertificateStatus::from(s.as_str())).collect(),
                    ))
                    // ACM lists RSA 1024/2048 certificates only, unless other key types are asked for.
                    .set_includes((!key_types.is_empty()).then(|| {
                        Filters::builder()
                            .set_key_types(Some(key_types.iter().map(|k| KeyAlgorithm::from(k.as_str())).collect()))
                            .build()
                    }))
                    .set_next_token(token.clone())
                    .send(),
            )?;
            for c in page.certificate_summary_list() {
                let matches_domain = c.domain_name() == Some(domain.as_str());
                let matches_type =
                    types.is_empty() || c.r#type().is_some_and(|t| types.iter().any(|x| x == t.as_str()));
                let matches_key = key_types.is_empty()
                    || c.key_algorithm()
                        .is_some_and(|k| key_types.iter().any(|x| x == k.as_str()));
                if matches_domain && matches_type && matches_key {
                    found.push((
                        c.certificate_arn().unwrap_or_default().to_string(),
                        c.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                        c.issued_at().or(c.imported_at()).map(|d| d.secs()),
                    ));
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let most_recent = config.get("most_recent").as_bool().unwrap_or(false);
        if found.len() > 1 && !most_recent {
            return Err(ProviderError::new(
                "MultipleCertificates",
                format!(
                    "{} certificates match {domain:?}; set most_recent = true to use the newest",
                    found.len()
                ),
            ));
        }
        found.sort_by_key(|(_, _, at)| *at);
        let (arn, status, _) = found.pop().ok_or_else(|| {
            ProviderError::new(
                "NotFound",
                format!("no certificate for {domain:?} with status {}", statuses.join(" or ")),
            )
        })?;
        let tags = call(
            ctx,
            &format!("listing the tags of ACM Certificate ({arn})"),
            ctx.acm.list_tags_for_certificate().certificate_arn(&arn).send(),
        )
        .map(|o| {
            Value::Map(
                o.tags()
                    .iter()
                    .filter(|t| t.key() != INTENT_TAG)
                    .map(|t| (t.key().to_string(), Value::string(t.value().unwrap_or_default())))
                    .collect(),
            )
        })
        .unwrap_or_else(|_| Value::empty_map());
        let mut st = into_state(config);
        st.insert("id".into(), Value::string(&arn));
        st.insert("arn".into(), Value::string(&arn));
        st.insert("status".into(), Value::string(&status));
        st.insert("tags".into(), tags);
        Ok(finish(&self.schema(), st))
    }
}
