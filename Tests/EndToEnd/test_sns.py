"""SNS beyond HTTP endpoints, with boto3: FIFO topics into FIFO queues, PublishBatch,
MessageStructure=json, delivery retries per DeliveryPolicy with a dead-letter queue, email and
email-json subscriptions (mailed through Sesame's own sending path, captured here), and data
protection policies."""
import json
import time
import urllib.request

import pytest

from sns_helpers import Receiver
from sns_helpers import allow_topic, error_of


def queue(sqs, name, topic=None, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if topic:
        allow_topic(sqs, url, arn, topic)
    return url, arn


def drain(sqs, url, expected, timeout=15):
    got, deadline = [], time.time() + timeout
    while len(got) < expected and time.time() < deadline:
        response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"])
        for m in response.get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def test_fifo_topics_deliver_in_order_and_deduplicate(sesame):
    sns, sqs = sesame.root_client("sns"), sesame.root_client("sqs")
    code, message = error_of(sns.create_topic, Name="orders", Attributes={"FifoTopic": "true"})
    assert code == "InvalidParameter" and "must end with .fifo" in message
    assert error_of(sns.create_topic, Name="plain.fifo")[0] == "InvalidParameter"
    topic = sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    url, arn = queue(sqs, "orders.fifo", topic, FifoQueue="true")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    # FIFO topics deliver to SQS only.
    code, message = error_of(sns.subscribe, TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x")
    assert code == "InvalidParameter" and "Invalid protocol type: http" in message
    # A group is required, and a deduplication ID unless the topic deduplicates by content.
    assert "MessageGroupId parameter is required" in error_of(sns.publish, TopicArn=topic, Message="x", MessageDeduplicationId="d")[1]
    assert "ContentBasedDeduplication" in error_of(sns.publish, TopicArn=topic, Message="x", MessageGroupId="g")[1]
    first = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g", MessageDeduplicationId="d1")
    assert first["SequenceNumber"].isdigit() and len(first["SequenceNumber"]) == 20
    again = sns.publish(TopicArn=topic, Message="one again", MessageGroupId="g", MessageDeduplicationId="d1")
    assert again["MessageId"] == first["MessageId"]  # within 5 minutes: accepted, not delivered twice
    for i in range(2, 6):
        sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="ContentBasedDeduplication", AttributeValue="true")
    sns.publish(TopicArn=topic, Message="by content", MessageGroupId="g")
    sns.publish(TopicArn=topic, Message="by content", MessageGroupId="g")
    got = drain(sqs, url, 6)
    assert [m["Body"] for m in got] == ["one", "m2", "m3", "m4", "m5", "by content"]
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"g"}
    # A standard topic takes no deduplication ID and cannot feed a FIFO queue.
    standard = sns.create_topic(Name="standard")["TopicArn"]
    code, message = error_of(sns.publish, TopicArn=standard, Message="x", MessageDeduplicationId="d")
    assert code == "InvalidParameter" and "not valid for this topic type" in message
    assert "FIFO SQS Queues can not be subscribed" in error_of(sns.subscribe, TopicArn=standard, Protocol="sqs", Endpoint=arn)[1]
    code, _ = error_of(sns.set_topic_attributes, TopicArn=standard, AttributeName="ContentBasedDeduplication", AttributeValue="true")
    assert code == "InvalidParameter"


def test_publish_batch_and_per_protocol_messages(sesame):
    sns, sqs = sesame.root_client("sns"), sesame.root_client("sqs")
    topic = sns.create_topic(Name="batch")["TopicArn"]
    url, arn = queue(sqs, "batch-q", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    receiver = Receiver()
    try:
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=receiver.url)
        token = receiver.wait(lambda m: m["Type"] == "SubscriptionConfirmation")[0]["Token"]
        sns.confirm_subscription(TopicArn=topic, Token=token)
        structured = json.dumps({"default": "for everyone", "sqs": "for queues"})
        result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "plain"},
            {"Id": "b", "Message": structured, "MessageStructure": "json"},
            {"Id": "c", "Message": json.dumps({"sqs": "no default"}), "MessageStructure": "json"},
            {"Id": "d", "Message": "attributed", "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "x"}}},
        ])
        assert sorted(s["Id"] for s in result["Successful"]) == ["a", "b", "d"]
        [failed] = result["Failed"]
        assert (failed["Id"], failed["Code"], failed["SenderFault"]) == ("c", "InvalidParameter", True)
        assert "No default entry in JSON message body" in failed["Message"]
        assert sorted(m["Body"] for m in drain(sqs, url, 3)) == ["attributed", "for queues", "plain"]
        receiver.wait(lambda m: m.get("Message") == "for everyone")
        # The single Publish takes the same structure.
        sns.publish(TopicArn=topic, Message=json.dumps({"default": "d", "http": "for http"}), MessageStructure="json")
        receiver.wait(lambda m: m.get("Message") == "for http")
        assert [m["Body"] for m in drain(sqs, url, 1)] == ["d"]
        code, message = error_of(sns.publish, TopicArn=topic, Message="{not json", MessageStructure="json")
        assert code == "InvalidParameter" and "failed to parse" in message
    finally:
        receiver.stop()
    # Request-wide errors, as SNS names them.
    with pytest.raises(sns.exceptions.EmptyBatchRequestException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[])
    with pytest.raises(sns.exceptions.TooManyEntriesInBatchRequestException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": str(i), "Message": "m"} for i in range(11)])
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "x", "Message": "m"}, {"Id": "x", "Message": "n"}])
    with pytest.raises(sns.exceptions.InvalidBatchEntryIdException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "bad id!", "Message": "m"}])
    with pytest.raises(sns.exceptions.BatchRequestTooLongException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": str(i), "Message": "x" * 100_000} for i in range(3)])
    # Data protection policies are kept as given.
    policy = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    sns.put_data_protection_policy(ResourceArn=topic, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=topic)["DataProtectionPolicy"] == policy


def test_http_retries_follow_the_delivery_policy_then_dead_letter(sesame):
    sns, sqs = sesame.root_client("sns"), sesame.root_client("sqs")
    topic = sns.create_topic(Name="flaky")["TopicArn"]
    dlq_url, dlq_arn = queue(sqs, "sns-dlq", topic)
    receiver = Receiver()
    try:
        subscription = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=receiver.url, ReturnSubscriptionArn=True)["SubscriptionArn"]
        token = receiver.wait(lambda m: m["Type"] == "SubscriptionConfirmation")[0]["Token"]
        sns.confirm_subscription(TopicArn=topic, Token=token)
        code, message = error_of(
            sns.set_subscription_attributes, SubscriptionArn=subscription, AttributeName="DeliveryPolicy",
            AttributeValue=json.dumps({"healthyRetryPolicy": {"numRetries": 101}}))
        assert code == "InvalidParameter" and "numRetries" in message
        policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1, "backoffFunction": "linear"}}
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy))
        sns.set_subscription_attributes(
            SubscriptionArn=subscription, AttributeName="RedrivePolicy", AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
        assert json.loads(sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["EffectiveDeliveryPolicy"]) == policy
        receiver.failures_left = 100
        started = time.time()
        message_id = sns.publish(TopicArn=topic, Message="never acknowledged")["MessageId"]
        [dead] = drain(sqs, dlq_url, 1, timeout=20)
        envelope = json.loads(dead["Body"])
        assert (envelope["MessageId"], envelope["Message"]) == (message_id, "never acknowledged")
        refused = [p for p in receiver.posts if p[0] == "refused" and b"never acknowledged" in p[2]]
        assert len(refused) == 3  # the first try and two retries, a second apart
        assert time.time() - started >= 2
    finally:
        receiver.stop()
    # An SQS subscription the queue's policy refuses also ends in the dead-letter queue.
    closed_url, closed_arn = queue(sqs, "closed")
    sqs_subscription = sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=closed_arn, ReturnSubscriptionArn=True,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})["SubscriptionArn"]
    assert sqs_subscription.startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="refused by policy")
    [dead] = drain(sqs, dlq_url, 1)
    assert json.loads(dead["Body"])["Message"] == "refused by policy"
    assert drain(sqs, closed_url, 1, timeout=1) == []
    code, _ = error_of(
        sns.set_subscription_attributes, SubscriptionArn=sqs_subscription, AttributeName="RedrivePolicy",
        AttributeValue=json.dumps({"deadLetterTargetArn": "not-an-arn"}))
    assert code == "InvalidParameter"


def test_email_subscriptions_are_confirmed_and_mailed(sesame):
    sns = sesame.root_client("sns")
    topic = sns.create_topic(Name="alerts", Attributes={"DisplayName": "Alerts"})["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")["SubscriptionArn"] == "pending confirmation"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint="robot@example.com")
    assert error_of(sns.subscribe, TopicArn=topic, Protocol="email", Endpoint="not an address")[0] == "InvalidParameter"

    def mail_to(address, subject, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in sesame.captured(email="no-reply@sns.sesame.localhost")
                     if m["Destination"]["ToAddresses"] == [address] and m["Subject"] == subject]
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no mail to {address} with subject {subject!r}")

    confirmations = {}
    for address in ("ops@example.com", "robot@example.com"):
        [mail] = mail_to(address, "AWS Notification - Subscription Confirmation")
        assert "From: Alerts <no-reply@sns.sesame.localhost>" in mail["RawData"]
        link = next(line for line in mail["Body"]["text_part"].splitlines() if "/_sns/confirm?" in line).strip()
        confirmations[address] = link
    sns.publish(TopicArn=topic, Message="before confirmation", Subject="early")
    with urllib.request.urlopen(confirmations["ops@example.com"]):
        pass
    with urllib.request.urlopen(confirmations["robot@example.com"]):
        pass
    pending = {s["Endpoint"]: s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]}
    assert all(arn.startswith(topic + ":") for arn in pending.values())
    message_id = sns.publish(TopicArn=topic, Message="disk almost full", Subject="Disk alert")["MessageId"]
    [plain] = mail_to("ops@example.com", "Disk alert")
    text = plain["Body"]["text_part"]
    assert text.startswith("disk almost full") and "/_sns/unsubscribe?SubscriptionArn=" in text
    [robot] = mail_to("robot@example.com", "Disk alert")
    envelope = json.loads(robot["Body"]["text_part"])
    assert (envelope["Type"], envelope["MessageId"], envelope["Message"]) == ("Notification", message_id, "disk almost full")
    # Nothing was mailed before the subscriptions were confirmed.
    assert not [m for m in sesame.captured(email="no-reply@sns.sesame.localhost") if m["Subject"] == "early"]
