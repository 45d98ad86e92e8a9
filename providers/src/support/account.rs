//! The account and partition of the credentials, which ARNs are made of.

use crate::resource::Ctx;
use crate::support::error::from_sdk;
use engine::core::provider::ProviderError;

impl Ctx {
    /// Account ID and partition of the credentials in use, from STS, asked once per provider.
    pub fn caller_account(&self) -> Result<(String, String), ProviderError> {
        if let Some(known) = self.caller.get() {
            return Ok(known.clone());
        }
        let out = self
            .block_on(self.sts.get_caller_identity().send())
            .map_err(|e| from_sdk("reading the caller identity (STS GetCallerIdentity)", e))?;
        let account = out
            .account()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("InvalidResponse", "STS GetCallerIdentity returned no account ID"))?;
        let partition = out
            .arn()
            .and_then(|a| a.split(':').nth(1))
            .filter(|p| !p.is_empty())
            .unwrap_or("aws")
            .to_string();
        Ok(self.caller.get_or_init(|| (account, partition)).clone())
    }
}
