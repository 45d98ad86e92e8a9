//! `infinstor_user`: a user under a subscriber (`addsecondaryuser`, a form body with the
//! subscriber's bearer token). The service has no update either, so every change replaces.

use super::{failed, Infinstor};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) const TYPE: &str = "infinstor_user";

pub(super) fn schema() -> Schema {
    Schema::new()
        .attr(
            "subscriber_token",
            Attribute::required(Type::String).sensitive().force_new(),
        )
        .attr("user_name", Attribute::required(Type::String).force_new())
        .attr("email", Attribute::required(Type::String).force_new())
        .attr("password", Attribute::required(Type::String).sensitive().force_new())
        .attr("id", Attribute::computed(Type::String))
}

pub(super) fn create(p: &Infinstor, planned: &Value) -> Result<Value, ProviderError> {
    let plain = planned.deep_unmark();
    let field = |k: &str| plain.get(k).as_str().unwrap_or_default().to_string();
    let form = format!(
        "newuser={}&email={}&password={}",
        urlencoding::encode(&field("user_name")),
        urlencoding::encode(&field("email")),
        urlencoding::encode(&field("password"))
    );
    let url = format!("{}/addsecondaryuser", p.api()?);
    let headers = [
        (
            "authorization".to_string(),
            format!("Bearer {}", field("subscriber_token")),
        ),
        (
            "content-type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ),
    ];
    let response = engine::http::send("POST", &url, &headers, form.into_bytes())
        .map_err(|e| ProviderError::new("RequestFailed", e))?;
    if !(200..300).contains(&response.status) {
        return Err(failed("addsecondaryuser", &response));
    }
    let mut m = planned.as_map().cloned().unwrap_or_default();
    m.insert("id".into(), planned.get("user_name"));
    Ok(Value::Map(m.into()))
}
