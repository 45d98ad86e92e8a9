//! data "aws_servicecatalog_launch_paths": the ways this account may launch a product (the
//! portfolios that share it with the caller), each with its constraints.

use super::language;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, sref};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct LaunchPaths;

impl DataType for LaunchPaths {
    fn type_name(&self) -> &'static str {
        "aws_servicecatalog_launch_paths"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("product_id", Attribute::required(Type::String))
            .attr(
                "accept_language",
                Attribute::optional(Type::String).one_of(&["en", "jp", "zh"]),
            )
            .attr("id", Attribute::computed(Type::String))
            // Each: { path_id, name, tags (map), constraint_summaries [{ type, description }] }.
            .attr("summaries", Attribute::computed(Type::List(Box::new(Type::Any))))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let product = sref(config, "product_id").unwrap_or_default().to_string();
        let lang = language(config);
        let mut summaries = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("listing Service Catalog launch paths of product {product}"),
                ctx.servicecatalog
                    .list_launch_paths()
                    .product_id(&product)
                    .accept_language(&lang)
                    .set_page_token(token.clone())
                    .send(),
            )?;
            for p in out.launch_path_summaries() {
                let s = |v: Option<&str>| v.map(Value::string).unwrap_or(Value::Null);
                let constraints = p
                    .constraint_summaries()
                    .iter()
                    .map(|c| {
                        Value::Map(
                            (BTreeMap::from([
                                ("type".to_string(), s(c.r#type())),
                                ("description".to_string(), s(c.description())),
                            ]))
                            .into(),
                        )
                    })
                    .collect();
                let tags = p
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_string(), Value::string(t.value())))
                    .collect();
                summaries.push(Value::Map(
                    (BTreeMap::from([
                        ("path_id".to_string(), s(p.id())),
                        ("name".to_string(), s(p.name())),
                        ("tags".to_string(), Value::Map(tags)),
                        ("constraint_summaries".to_string(), Value::List(constraints)),
                    ]))
                    .into(),
                ));
            }
            match out.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(Value::Map(
            (BTreeMap::from([
                ("product_id".to_string(), Value::string(&product)),
                ("accept_language".to_string(), config.get("accept_language")),
                ("id".to_string(), Value::string(&product)),
                ("summaries".to_string(), Value::List(summaries.into())),
            ]))
            .into(),
        ))
    }
}
