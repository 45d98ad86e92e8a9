//! What a reviewer should know about a plan: findings about who gains or loses access to what.
//! Providers compute them ([`crate::core::provider::ProviderFactory::review`]) when the plan is
//! made; they are stored in the plan and renderers only show them.

use serde::{Deserialize, Serialize};

/// How much a finding matters to a reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Broadens access in a way reviewers must look at: another account trusted, a wildcard,
    /// public access.
    High,
    /// Grants new permissions.
    Grant,
    /// A condition (such as `sts:ExternalId`) added, changed or removed.
    Condition,
    /// Permissions or trust removed.
    Revoke,
}

impl Severity {
    /// The marker shown before the finding.
    pub fn marker(self) -> &'static str {
        match self {
            Severity::High => "!",
            Severity::Grant => "+",
            Severity::Condition => "~",
            Severity::Revoke => "-",
        }
    }
}

/// One thing a reviewer should know.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The resource instance whose change causes it.
    pub address: String,
    /// The policy attribute (`assume_role_policy`, `policy`), if any.
    pub attribute: Option<String>,
    /// The finding in plain words.
    pub message: String,
}
