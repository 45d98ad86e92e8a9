//! `infinstor_subscriber`: a tenant of the multi-tenant service (`add_subscriber`,
//! `update_subscriber`), and the custom token the service returns for it.

use super::{failed, Infinstor};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) const TYPE: &str = "infinstor_subscriber";

pub(super) fn schema() -> Schema {
    Schema::new()
        .attr("user_name", Attribute::required(Type::String).force_new())
        .attr("password", Attribute::required(Type::String).sensitive())
        .attr("email", Attribute::required(Type::String))
        .attr("custom_token", Attribute::computed(Type::String).sensitive())
        .attr("id", Attribute::computed(Type::String))
}

fn body(planned: &Value) -> Vec<u8> {
    let plain = planned.deep_unmark();
    serde_json::to_vec(&serde_json::json!({
        "userName": plain.get("user_name").as_str().unwrap_or_default(),
        "password": plain.get("password").as_str().unwrap_or_default(),
        "emailId": plain.get("email").as_str().unwrap_or_default(),
    }))
    .unwrap_or_default()
}

fn call(p: &Infinstor, operation: &str, planned: &Value) -> Result<engine::http::Response, ProviderError> {
    let url = format!("{}/api/2.0/mlflow/infinstor/{operation}", p.mlflow()?);
    let headers = [
        ("authorization".to_string(), p.token()?.to_string()),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let response = engine::http::send("POST", &url, &headers, body(planned))
        .map_err(|e| ProviderError::new("RequestFailed", e))?;
    if !(200..300).contains(&response.status) {
        return Err(failed(operation, &response));
    }
    Ok(response)
}

/// The custom token in an `add_subscriber` answer: a JSON object's token field, or the text.
fn custom_token(body: &[u8]) -> Option<String> {
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice::<serde_json::Value>(body) {
        return ["customToken", "custom_token", "token"]
            .iter()
            .find_map(|k| m.get(*k).and_then(|v| v.as_str()).map(str::to_string));
    }
    let text = String::from_utf8_lossy(body).trim().trim_matches('"').to_string();
    (!text.is_empty()).then_some(text)
}

pub(super) fn create(p: &Infinstor, planned: &Value) -> Result<Value, ProviderError> {
    let response = call(p, "add_subscriber", planned)?;
    let token = custom_token(&response.body)
        .ok_or_else(|| ProviderError::new("NoToken", "add_subscriber succeeded but returned no custom token"))?;
    let mut m = planned.as_map().cloned().unwrap_or_default();
    m.insert("custom_token".into(), Value::string(&token).mark_sensitive());
    m.insert("id".into(), planned.get("user_name"));
    Ok(Value::Map(m.into()))
}

pub(super) fn update(p: &Infinstor, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
    call(p, "update_subscriber", planned)?;
    let mut m = planned.as_map().cloned().unwrap_or_default();
    m.insert("custom_token".into(), prior.get("custom_token"));
    m.insert("id".into(), planned.get("user_name"));
    Ok(Value::Map(m.into()))
}
