//! SNS and SQS through the binary against the emulator: topics (standard and FIFO), a topic
//! policy, a queue subscribed to a topic, queues (standard, FIFO, a dead-letter queue) with a
//! queue policy and a redrive policy: create, no-op re-plan, update in place, a change made
//! outside, import, replacement and destroy, each read back through the SDK. (The emulator
//! drops a queue's policy whenever another of its attributes is set, and keeps no redrive
//! allow policy: the policy is on a queue nothing else changes, and the redrive allow policy is
//! tested against SQS's documented answers in providers/src/sqs/tests.rs.)

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

const MESSAGING: &str = r#"
resource "aws_sns_topic" "events" {
  name         = "events"
  display_name = "Events"
  tags         = { team = "data" }
}

resource "aws_sns_topic" "orders" {
  name                        = "orders.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
}

resource "aws_sns_topic_policy" "events" {
  arn    = aws_sns_topic.events.arn
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "publish", Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "SNS:Publish", Resource = aws_sns_topic.events.arn }] })
}

resource "aws_sqs_queue" "dead" {
  name = "events-dead"
}

resource "aws_sqs_queue" "work" {
  name                       = "events-work"
  visibility_timeout_seconds = 60
  tags                       = { team = "data" }
}

resource "aws_sqs_queue_redrive_policy" "work" {
  queue_url      = aws_sqs_queue.work.id
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dead.arn, maxReceiveCount = 4 })
}

resource "aws_sqs_queue" "inbox" {
  name = "events-inbox"
}

resource "aws_sqs_queue_policy" "inbox" {
  queue_url = aws_sqs_queue.inbox.id
  policy    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "sns.amazonaws.com" }, Action = "sqs:SendMessage", Resource = aws_sqs_queue.inbox.arn, Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.events.arn } } }] })
}

resource "aws_sqs_queue" "sequenced" {
  name_prefix = "sequenced-"
  fifo_queue  = true
}

resource "aws_sns_topic_subscription" "inbox" {
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.inbox.arn
  raw_message_delivery = true
  filter_policy        = jsonencode({ kind = ["order"] })
}

output "sequenced" {
  value = aws_sqs_queue.sequenced.name
}
"#;

fn sns(moto: &Moto) -> aws_sdk_sns::Client {
    aws_sdk_sns::Client::new(&moto.sdk_config())
}

fn sqs(moto: &Moto) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(&moto.sdk_config())
}

const EVENTS: &str = "arn:aws:sns:us-east-1:123456789012:events";

/// One attribute of a topic, or `None` when the topic or attribute is not there.
fn topic_attribute(moto: &Moto, arn: &str, name: &str) -> Option<String> {
    block_on(async {
        let out = sns(moto).get_topic_attributes().topic_arn(arn).send().await.ok()?;
        out.attributes()?.get(name).cloned()
    })
}

/// The subscriptions of a topic: (endpoint, ARN).
fn subscriptions(moto: &Moto, topic: &str) -> Vec<(String, String)> {
    block_on(async {
        let out = sns(moto)
            .list_subscriptions_by_topic()
            .topic_arn(topic)
            .send()
            .await
            .expect("subscriptions");
        out.subscriptions()
            .iter()
            .map(|s| {
                (
                    s.endpoint().unwrap_or_default().to_string(),
                    s.subscription_arn().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
}

fn subscription_attribute(moto: &Moto, arn: &str, name: &str) -> Option<String> {
    block_on(async {
        let out = sns(moto)
            .get_subscription_attributes()
            .subscription_arn(arn)
            .send()
            .await
            .ok()?;
        out.attributes()?.get(name).cloned()
    })
}

fn queue_url(moto: &Moto, name: &str) -> Option<String> {
    block_on(async {
        let out = sqs(moto).get_queue_url().queue_name(name).send().await.ok()?;
        out.queue_url().map(str::to_string)
    })
}

fn queue_attribute(moto: &Moto, name: &str, attribute: &str) -> Option<String> {
    let url = queue_url(moto, name)?;
    block_on(async {
        let out = sqs(moto)
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .ok()?;
        out.attributes()?
            .get(&aws_sdk_sqs::types::QueueAttributeName::from(attribute))
            .cloned()
    })
}

#[test]
fn topics_queues_and_a_subscription_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", MESSAGING);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Created as configured.
    assert_eq!(topic_attribute(&moto, EVENTS, "DisplayName").as_deref(), Some("Events"));
    let orders = "arn:aws:sns:us-east-1:123456789012:orders.fifo";
    assert_eq!(topic_attribute(&moto, orders, "FifoTopic").as_deref(), Some("true"));
    assert!(topic_attribute(&moto, EVENTS, "Policy").is_some_and(|p| p.contains("\"publish\"")));
    let subs = subscriptions(&moto, EVENTS);
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0].0, "arn:aws:sqs:us-east-1:123456789012:events-inbox");
    let sub = subs[0].1.clone();
    assert_eq!(
        subscription_attribute(&moto, &sub, "RawMessageDelivery").as_deref(),
        Some("true")
    );
    assert!(subscription_attribute(&moto, &sub, "FilterPolicy").is_some_and(|p| p.contains("order")));
    assert_eq!(
        queue_attribute(&moto, "events-work", "VisibilityTimeout").as_deref(),
        Some("60")
    );
    assert!(queue_attribute(&moto, "events-work", "RedrivePolicy").is_some_and(|p| p.contains("events-dead")));
    assert!(queue_attribute(&moto, "events-inbox", "Policy").is_some_and(|p| p.contains("sns.amazonaws.com")));
    let sequenced = crate::util::output(&ws, "sequenced");
    assert!(
        sequenced.starts_with("sequenced-") && sequenced.ends_with(".fifo"),
        "{sequenced}"
    );
    assert_eq!(queue_attribute(&moto, &sequenced, "FifoQueue").as_deref(), Some("true"));

    // Imported back by ARN or URL, each plans clean.
    let work = queue_url(&moto, "events-work").expect("work queue");
    reimport(&ws, "aws_sns_topic.events", EVENTS);
    reimport(&ws, "aws_sns_topic_policy.events", EVENTS);
    reimport(&ws, "aws_sns_topic_subscription.inbox", &sub);
    reimport(&ws, "aws_sqs_queue.work", &work);
    reimport(&ws, "aws_sqs_queue_redrive_policy.work", &work);
    ws.run(&["state", "rm", "aws_sqs_queue.work"]).expect_code(0);
    let bad = ws.run(&["import", "aws_sqs_queue.work", "events-work"]);
    assert_ne!(bad.code, 0);
    assert!(bad.stderr.contains("write the queue's URL"), "{}", bad.stderr);
    ws.run(&["import", "aws_sqs_queue.work", &work]).expect_code(0);

    // In place: a display name, tags, a timeout, delivery, and the topic policy.
    let updated = MESSAGING
        .replace("display_name = \"Events\"", "display_name = \"All events\"")
        .replace("visibility_timeout_seconds = 60", "visibility_timeout_seconds = 90")
        .replace("raw_message_delivery = true", "raw_message_delivery = false")
        .replace(
            "Action = \"SNS:Publish\"",
            "Action = [\"SNS:Publish\", \"SNS:Subscribe\"]",
        )
        .replace(
            "tags         = { team = \"data\" }",
            "tags         = { team = \"platform\" }",
        );
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 4 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        topic_attribute(&moto, EVENTS, "DisplayName").as_deref(),
        Some("All events")
    );
    assert_eq!(
        queue_attribute(&moto, "events-work", "VisibilityTimeout").as_deref(),
        Some("90")
    );
    assert_eq!(
        subscription_attribute(&moto, &sub, "RawMessageDelivery").as_deref(),
        Some("false")
    );
    assert!(topic_attribute(&moto, EVENTS, "Policy").is_some_and(|p| p.contains("SNS:Subscribe")));
    let tags = block_on(async {
        sns(&moto)
            .list_tags_for_resource()
            .resource_arn(EVENTS)
            .send()
            .await
            .expect("tags")
            .tags()
            .iter()
            .map(|t| format!("{}={}", t.key(), t.value()))
            .collect::<Vec<_>>()
    });
    assert_eq!(tags, ["team=platform"]);

    // A change made outside is put back.
    block_on(async {
        sns(&moto)
            .set_topic_attributes()
            .topic_arn(EVENTS)
            .attribute_name("DisplayName")
            .attribute_value("by hand")
            .send()
            .await
            .expect("by hand")
    });
    let drift = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(
        drift.stdout.contains("\"by hand\" -> \"All events\""),
        "{}",
        drift.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        topic_attribute(&moto, EVENTS, "DisplayName").as_deref(),
        Some("All events")
    );

    // A queue's new name replaces it, and the subscription to it follows.
    let renamed = updated.replace("name = \"events-inbox\"", "name = \"events-inbox-2\"");
    ws.write("main.tf", &renamed);
    let replaced = planned_changes(&ws, "Plan: 3 to add, 0 to change, 3 to destroy.");
    assert!(replaced.stdout.contains("must be replaced"), "{}", replaced.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert!(queue_url(&moto, "events-inbox").is_none());
    let subs = subscriptions(&moto, EVENTS);
    assert_eq!(subs.len(), 1, "{subs:?}");
    assert_eq!(subs[0].0, "arn:aws:sqs:us-east-1:123456789012:events-inbox-2");

    // Destroy removes every topic, queue and subscription.
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(topic_attribute(&moto, EVENTS, "DisplayName").is_none());
    assert!(topic_attribute(&moto, orders, "FifoTopic").is_none());
    for name in ["events-dead", "events-work", "events-inbox-2", sequenced.as_str()] {
        assert!(queue_url(&moto, name).is_none(), "{name} is still there");
    }
}

#[test]
fn fifo_settings_on_a_standard_queue_or_topic_are_refused_at_their_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_sqs_queue" "q" {
  name                        = "plain"
  fifo_queue                  = false
  content_based_deduplication = true
  visibility_timeout_seconds  = 50000
}

resource "aws_sns_topic" "t" {
  name       = "plain.fifo"
  fifo_topic = false
}

resource "aws_sns_topic_subscription" "s" {
  topic_arn = "arn:aws:sns:us-east-1:123456789012:t"
  protocol  = "sqs"
  endpoint  = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        ("content_based_deduplication is for FIFO queues only", "line 4"),
        (
            "visibility_timeout_seconds must be a whole number from 0 to 43200",
            "line 5",
        ),
        ("a name ending in \".fifo\" is for a FIFO topic", "line 9"),
        ("the endpoint of a sqs subscription is an ARN", "line 16"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
}
