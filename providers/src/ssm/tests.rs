use crate::ssm::{is_hash, value_hash};

#[test]
fn hashes_are_recognised() {
    let h = value_hash("secret");
    assert!(h.starts_with("sha256:"));
    assert_eq!(h.len(), 7 + 64);
    assert!(is_hash(&h));
    assert!(!is_hash("secret"));
    assert_eq!(
        value_hash("hello world"),
        "sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
    );
}
