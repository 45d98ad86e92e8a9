use crate::iam::inline_policy::split_role_policy_id;
use crate::iam::{decode_document, saml_provider, user};
use crate::resource::{ResourceType, Step};
use crate::support::dates::civil_from_days;
use crate::support::naming::prefixed_unique_id;
use engine::core::value::Value;

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

fn iam_answer(action: &str, result: &str) -> crate::replay::Answer {
    crate::replay::Answer {
        status: 200,
        content_type: "text/xml",
        body: format!(
            r#"<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></{action}Response>"#
        ),
        headers: Vec::new(),
    }
}

fn saml_provider(tags: &[(&str, &str)]) -> crate::replay::Answer {
    let members: String = tags
        .iter()
        .map(|(k, v)| format!("<member><Key>{k}</Key><Value>{v}</Value></member>"))
        .collect();
    iam_answer(
        "GetSAMLProvider",
        &format!(
            "<SAMLMetadataDocument>{SAML_METADATA}</SAMLMetadataDocument><CreateDate>2026-11-29T10:00:00Z</CreateDate><ValidUntil>2027-11-29T10:00:00Z</ValidUntil><Tags>{members}</Tags>"
        ),
    )
}

const SAML_METADATA: &str = "&lt;EntityDescriptor entityID=&quot;https://idp.example.com&quot;/&gt;";

#[test]
fn saml_provider_tags_are_created_read_found_changed_and_synced() {
    let arn = "arn:aws:iam::123456789012:saml-provider/corp";
    let (ctx, replay) = crate::replay::ctx(vec![
        iam_answer(
            "CreateSAMLProvider",
            &format!("<SAMLProviderArn>{arn}</SAMLProviderArn>"),
        ),
        saml_provider(&[("team", "identity")]),                     // read back
        saml_provider(&[("team", "platform"), ("cost", "shared")]), // changed from the console
        iam_answer("UntagSAMLProvider", ""),
        iam_answer("TagSAMLProvider", ""),
        saml_provider(&[("team", "identity")]), // read back
    ]);
    let saml = saml_provider::SamlProvider;
    let config = engine::core::value::map([
        ("name", Value::from("corp")),
        (
            "saml_metadata_document",
            Value::from("<EntityDescriptor entityID=\"https://idp.example.com\"/>"),
        ),
        ("tags", engine::core::value::map([("team", Value::from("identity"))])),
    ]);
    let (planned, _) = saml.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("arn"), Value::from(arn));
    let (state, error) = saml.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let identity = engine::core::value::map([("team", Value::from("identity"))]);
    assert_eq!(state.get("tags"), identity);
    assert_eq!(state.get("tags_all"), identity);

    let drifted = saml.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        drifted.get("tags"),
        engine::core::value::map([("cost", Value::from("shared")), ("team", Value::from("platform"))])
    );
    // The engine proposes the configuration over the prior state's computed values.
    let mut proposed = drifted.as_map().cloned().expect("a map");
    for (k, v) in config.as_map().expect("a map") {
        proposed.insert(k.clone(), v.clone());
    }
    let (planned, _) = saml
        .plan(&ctx, Some(&drifted), Value::Map(proposed.into()))
        .expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&saml.schema(), &drifted, &planned),
        vec!["tags".to_string(), "tags_all".to_string()]
    );
    let (updated, error) = saml.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("tags"), identity);

    let bodies: Vec<String> = crate::replay::sent(&replay)
        .into_iter()
        .map(|(_, _, body)| body)
        .collect();
    assert!(bodies[0].contains("Action=CreateSAMLProvider"), "{}", bodies[0]);
    assert!(
        bodies[0].contains("Tags.member.1.Key=team&Tags.member.1.Value=identity"),
        "{}",
        bodies[0]
    );
    assert!(bodies[3].contains("Action=UntagSAMLProvider"), "{}", bodies[3]);
    assert!(bodies[3].contains("TagKeys.member.1=cost"), "{}", bodies[3]);
    assert!(bodies[4].contains("Action=TagSAMLProvider"), "{}", bodies[4]);
    assert!(
        bodies[4].contains("Tags.member.1.Key=team&Tags.member.1.Value=identity"),
        "{}",
        bodies[4]
    );
    // The document did not change: no UpdateSAMLProvider.
    assert!(!bodies.iter().any(|b| b.contains("Action=UpdateSAMLProvider")));
}

fn user_answer(action: &str, boundary: Option<&str>) -> crate::replay::Answer {
    let boundary = boundary
        .map(|arn| {
            format!(
                "<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>{arn}</PermissionsBoundaryArn></PermissionsBoundary>"
            )
        })
        .unwrap_or_default();
    iam_answer(
        action,
        &format!(
            "<User><Path>/</Path><UserName>ci</UserName><UserId>AIDAEXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/ci</Arn><CreateDate>2026-11-29T10:00:00Z</CreateDate>{boundary}</User>"
        ),
    )
}

/// The emulator keeps no user boundary: checked against IAM's documented answers.
#[test]
fn a_users_permissions_boundary_is_set_at_creation_read_back_changed_and_removed() {
    let read_only = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    let power = "arn:aws:iam::aws:policy/PowerUserAccess";
    let (ctx, replay) = crate::replay::ctx(vec![
        user_answer("CreateUser", None), // CreateUser's answer may leave the boundary out
        user_answer("GetUser", Some(read_only)),
        iam_answer("PutUserPermissionsBoundary", ""),
        user_answer("GetUser", Some(power)),
        iam_answer("DeleteUserPermissionsBoundary", ""),
        user_answer("GetUser", None),
    ]);
    let user = user::IamUser;
    let config = |boundary: Option<&str>| {
        engine::core::value::map([
            ("name", Value::from("ci")),
            ("permissions_boundary", boundary.map(Value::from).unwrap_or(Value::Null)),
        ])
    };
    let (planned, _) = user.plan(&ctx, None, config(Some(read_only))).expect("plan");
    let (state, error) = user.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("permissions_boundary"), Value::from(read_only));
    let step = |prior: &Value, boundary: Option<&str>| {
        let mut proposed = prior.as_map().cloned().expect("a map");
        proposed.insert(
            "permissions_boundary".into(),
            boundary.map(Value::from).unwrap_or(Value::Null),
        );
        let (planned, _) = user.plan(&ctx, Some(prior), Value::Map(proposed.into())).expect("plan");
        let (state, error) = user.update(&ctx, prior, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        state.expect("state")
    };
    let changed = step(&state, Some(power));
    assert_eq!(changed.get("permissions_boundary"), Value::from(power));
    let removed = step(&changed, None);
    assert_eq!(removed.get("permissions_boundary"), Value::Null);
    let bodies: Vec<String> = crate::replay::sent(&replay).into_iter().map(|(_, _, b)| b).collect();
    assert_eq!(bodies.len(), 6, "{bodies:?}");
    assert!(
        bodies[0].contains("Action=CreateUser") && bodies[0].contains("PermissionsBoundary=arn"),
        "{}",
        bodies[0]
    );
    assert!(
        bodies[2].contains("Action=PutUserPermissionsBoundary") && bodies[2].contains("PowerUserAccess"),
        "{}",
        bodies[2]
    );
    assert!(
        bodies[4].contains("Action=DeleteUserPermissionsBoundary"),
        "{}",
        bodies[4]
    );
}
