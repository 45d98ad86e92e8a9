//! ECR: image repositories, and the two documents kept on a repository (its lifecycle policy
//! and its access policy).

use crate::resource::ResourceType;

mod document;
mod lifecycle;
mod repository;

/// Every ECR resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(repository::Repository),
        Box::new(document::Document::LIFECYCLE),
        Box::new(document::Document::ACCESS),
    ]
}
