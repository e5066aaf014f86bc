"""Terraform's AWS provider (5.100.0) managing SES's feedback pipeline: an SNS topic with a
policy, SQS queues with a redrive policy and a queue policy, the topic's subscription to the
queue with a filter policy, an HTTP subscription that confirms itself (`endpoint_auto_confirms`),
and a FIFO topic with a policy feeding a FIFO queue. Applied, planned again (no changes) and destroyed; what Terraform
wrote is read back with boto3. About two minutes: see below."""
import json

from sns_helpers import Receiver
from terraform_helpers import Module


def test_terraform_feedback_pipeline(sqlite_sesame, terraform_env):
    # One engine: the provider waits about 25 s after each queue and queue policy for their
    # attributes to settle (its own propagation wait, with AWS as with Sesame); the boto3 tests
    # cover both engines.
    node = sqlite_sesame
    work, env = terraform_env
    root = node.root_credentials()
    webhook = Receiver(auto_confirm=True)
    module = Module("feedback", work, env, {"endpoint": node.endpoint, "access_key": root["Access key ID"],
                                             "secret_key": root["Secret access key"], "http_endpoint": webhook.url})
    try:
        module.apply_and_replan()
        out = module.outputs()
        check_pipeline(node, out, webhook)
        module.destroy()
    finally:
        webhook.stop()
    sns, sqs = node.root_client("sns"), node.root_client("sqs")
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert sns.list_topics()["Topics"] == []


def check_pipeline(node, out, webhook):
    sns, sqs = node.root_client("sns"), node.root_client("sqs")
    topic = sns.get_topic_attributes(TopicArn=out["topic_arn"])["Attributes"]
    assert topic["DisplayName"] == "SES feedback" and json.loads(topic["Policy"])["Statement"][0]["Sid"] == "ses"
    attributes = sqs.get_queue_attributes(QueueUrl=out["queue_url"], AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "60" and json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 5
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"
    assert sqs.list_queue_tags(QueueUrl=out["queue_url"])["Tags"] == {"team": "mail"}
    subscription = sns.get_subscription_attributes(SubscriptionArn=out["subscription_arn"])["Attributes"]
    assert subscription["Protocol"] == "sqs" and json.loads(subscription["FilterPolicy"]) == {"notificationType": ["Bounce", "Complaint"]}
    # The webhook confirmed its subscription and gets what the topic publishes.
    webhook_subscription = sns.get_subscription_attributes(SubscriptionArn=out["webhook_subscription_arn"])["Attributes"]
    assert webhook_subscription["PendingConfirmation"] == "false"
    sns.publish(TopicArn=out["topic_arn"], Message="to the webhook")
    webhook.wait(lambda m: m.get("Message") == "to the webhook")
    # The FIFO topic delivers to the FIFO queue in order.
    orders = sns.get_topic_attributes(TopicArn=out["orders_topic_arn"])["Attributes"]
    assert orders["FifoTopic"] == "true" and orders["ContentBasedDeduplication"] == "true"
    for i in range(3):
        sns.publish(TopicArn=out["orders_topic_arn"], Message=f"order {i}", MessageGroupId="shop")
    bodies = []
    for _ in range(10):
        for m in sqs.receive_message(QueueUrl=out["orders_queue_url"], MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=out["orders_queue_url"], ReceiptHandle=m["ReceiptHandle"])
        if len(bodies) == 3:
            break
    assert bodies == ["order 0", "order 1", "order 2"]
