use super::*;
use crate::support::dates::civil_from_days;

#[test]
fn unique_ids_have_a_26_character_suffix_and_increase() {
    let a = prefixed_unique_id("p-");
    let b = prefixed_unique_id("p-");
    assert_eq!(a.len(), 2 + 26);
    assert!(a < b);
    assert!(a[2..20].bytes().all(|c| c.is_ascii_digit()));
}

#[test]
fn civil_dates() {
    assert_eq!(civil_from_days(0), (1970, 1, 1));
    assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    assert_eq!(civil_from_days(19_782), (2024, 2, 29));
}

#[test]
fn role_policy_ids() {
    assert_eq!(split_role_policy_id("r:p"), Some(("r", "p")));
    assert_eq!(split_role_policy_id("r"), None);
    assert_eq!(split_role_policy_id(":p"), None);
}

#[test]
fn documents_are_url_decoded() {
    assert_eq!(decode_document("%7B%22a%22%3A%20%22b%2Bc%22%7D"), r#"{"a": "b+c"}"#);
    assert_eq!(decode_document("{}"), "{}");
}
