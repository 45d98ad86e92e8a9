//! Bucket configurations the emulator accepts but does not keep (its GET answers a bucket
//! listing whatever was put), tested against answers written from the S3 API reference through
//! the SDK's replay client.

use super::request_payment::RequestPayment;
use super::Sub;
use crate::resource::ResourceType;
use crate::support::replay::{ctx, sent, Answer};
use engine::core::value::{map, Value};

fn xml(status: u16, body: &str) -> Answer {
    Answer {
        status,
        content_type: "application/xml",
        body: body.to_string(),
    }
}

fn payer(who: &str) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Payer>{who}</Payer></RequestPaymentConfiguration>"#
        ),
    )
}

const NO_SUCH_BUCKET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>tdp-datalake</BucketName></Error>"#;

#[test]
fn request_payment_is_put_read_imported_found_changed_and_set_back_to_the_owner() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),             // create: PUT Requester
        payer("Requester"),       // read back
        payer("Requester"),       // import
        payer("BucketOwner"),     // someone switched it back from the console
        xml(200, ""),             // update: PUT Requester
        xml(200, ""),             // delete: PUT BucketOwner
        xml(404, NO_SUCH_BUCKET), // read after the bucket is gone
    ]);
    let rp = Sub(RequestPayment);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("payer", Value::from("Requester")),
    ]);
    let (planned, _) = rp.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("id"), Value::from("tdp-datalake"));
    let intents = std::sync::Mutex::new(Vec::new());
    let (state, error) = rp.create(
        &ctx,
        &planned,
        &|id: &str| intents.lock().expect("intents").push(id.to_string()),
        &|_: &str| {},
    );
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("payer"), Value::from("Requester"));
    assert_eq!(*intents.lock().expect("intents"), vec!["tdp-datalake".to_string()]);

    assert_eq!(rp.read(&ctx, &state).expect("read"), Some(state.clone()));
    let imported = rp.import(&ctx, "tdp-datalake").expect("import").expect("found");
    assert_eq!(imported.get("payer"), Value::from("Requester"));
    assert_eq!(imported.get("id"), state.get("id"));

    let drifted = rp.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(drifted.get("payer"), Value::from("BucketOwner"));
    let (planned, _) = rp.plan(&ctx, Some(&drifted), config).expect("plan");
    let changed = engine::plan::diff::changed_attributes(&rp.schema(), &drifted, &planned);
    assert_eq!(changed, vec!["payer".to_string()]);
    let (updated, error) = rp.update(&ctx, &drifted, &planned, &|_: &str| {});
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("payer"), Value::from("Requester"));

    rp.delete(&ctx, &state, &|_: &str| {}).expect("delete");
    assert_eq!(rp.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    let host = "tdp-datalake.s3.us-east-1.amazonaws.com/?requestPayment";
    assert_eq!(
        shape,
        vec![
            ("PUT", host),
            ("GET", host),
            ("GET", host),
            ("GET", host),
            ("PUT", host),
            ("PUT", host),
            ("GET", host)
        ]
    );
    for (i, who) in [(0, "Requester"), (4, "Requester"), (5, "BucketOwner")] {
        assert!(
            requests[i].2.contains(&format!("<Payer>{who}</Payer>")),
            "request {i}: {}",
            requests[i].2
        );
    }
}

#[test]
fn request_payment_takes_only_the_two_payers_s3_knows() {
    let schema = Sub(RequestPayment).schema();
    let allowed = schema.attributes["payer"].one_of.expect("one_of");
    assert_eq!(allowed, &["BucketOwner", "Requester"]);
}
