//! Opening an ephemeral resource, which plan and apply each do for themselves: its value lives
//! for the one run, marked ephemeral, and is recorded nowhere.

use crate::config::Resource;
use crate::core::provider::{Provider, ProviderError, ReadDataRequest};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::marks::remark_data;
use crate::plan::walk::Walk;
use std::time::Instant;

/// The value of `res`'s instance `text` for this run: opened with its evaluated `config`, saying
/// so as Terraform does, with the schema's sensitive attributes marked, and ephemeral; unknown
/// while an argument is (what it reads is not made yet, or is outside `--target`).
pub(crate) fn open(
    walk: &Walk<'_>,
    provider: &dyn Provider,
    res: &Resource,
    schema: &Schema,
    text: &str,
    config: &Value,
) -> Result<Value, ProviderError> {
    if config.contains_unknown() {
        return Ok(Value::UNKNOWN.mark_ephemeral());
    }
    walk.ui.progress(&format!("{text}: Opening..."));
    let start = Instant::now();
    let v = provider.open_ephemeral(ReadDataRequest {
        type_name: &res.addr.type_,
        config: &config.deep_unmark(),
    })?;
    walk.ui.progress(&format!(
        "{text}: Opening complete after {}s",
        start.elapsed().as_secs()
    ));
    Ok(remark_data(schema, config, v).mark_ephemeral())
}
