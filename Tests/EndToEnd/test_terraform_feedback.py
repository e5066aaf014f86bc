"""Terraform's AWS provider (5.100.0) managing SES's feedback pipeline: an SNS topic with a
policy, SQS queues with a redrive policy and a queue policy, and the topic's subscription to the
queue with a filter policy. Applied, planned again (no changes) and destroyed; what Terraform
wrote is read back with boto3. About two minutes: see below."""
import json

from test_terraform_iam import Module, terraform_env  # noqa: F401  (the fixture is shared)


def test_terraform_feedback_pipeline(sqlite_sesame, terraform_env):  # noqa: F811
    # One engine: the provider waits about 25 s after each queue and queue policy for their
    # attributes to settle (its own propagation wait, with AWS as with Sesame); the boto3 tests
    # cover both engines.
    node = sqlite_sesame
    work, env = terraform_env
    root = node.root_credentials()
    module = Module("feedback", work, env, {"endpoint": node.endpoint, "access_key": root["Access key ID"],
                                             "secret_key": root["Secret access key"]})
    module.apply_and_replan()
    out = module.outputs()
    sns, sqs = node.root_client("sns"), node.root_client("sqs")
    topic = sns.get_topic_attributes(TopicArn=out["topic_arn"])["Attributes"]
    assert topic["DisplayName"] == "SES feedback" and json.loads(topic["Policy"])["Statement"][0]["Sid"] == "ses"
    attributes = sqs.get_queue_attributes(QueueUrl=out["queue_url"], AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "60" and json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 5
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"
    assert sqs.list_queue_tags(QueueUrl=out["queue_url"])["Tags"] == {"team": "mail"}
    subscription = sns.get_subscription_attributes(SubscriptionArn=out["subscription_arn"])["Attributes"]
    assert subscription["Protocol"] == "sqs" and json.loads(subscription["FilterPolicy"]) == {"notificationType": ["Bounce", "Complaint"]}
    module.destroy()
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert sns.list_topics()["Topics"] == []
