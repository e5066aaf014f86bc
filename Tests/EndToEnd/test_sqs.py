"""SQS with boto3 (AWS JSON 1.0): queues and attributes, send, receive with long polling,
visibility timeouts, delete, batches, dead-letter queues, FIFO basics, and SQS's errors."""
import hashlib
import json
import urllib.request
import threading
import time

import pytest
from sns_helpers import allow_topic, error_of


def test_queues_and_their_attributes(sesame):
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="feedback", Attributes={"VisibilityTimeout": "45"}, tags={"team": "mail"})["QueueUrl"]
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    assert url == f"{sesame.endpoint}/{account}/feedback"
    # Creating it again with the same attributes is fine; with others, it is refused.
    assert sqs.create_queue(QueueName="feedback", Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    code, message = error_of(sqs.create_queue, QueueName="feedback", Attributes={"VisibilityTimeout": "60"})
    assert code == "QueueAlreadyExists" and "VisibilityTimeout" in message
    assert sqs.get_queue_url(QueueName="feedback")["QueueUrl"] == url
    assert error_of(sqs.get_queue_url, QueueName="nope")[0] == "AWS.SimpleQueueService.NonExistentQueue"
    # boto3 maps the Query code to its modelled exception, so `except QueueDoesNotExist` works as with AWS.
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="nope")

    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "45" and attributes["MessageRetentionPeriod"] == "345600"
    assert attributes["QueueArn"] == f"arn:aws:sqs:us-east-1:{account}:feedback"
    assert attributes["ApproximateNumberOfMessages"] == "0"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "1", "DelaySeconds": "0"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ReceiveMessageWaitTimeSeconds"])["Attributes"] == {
        "ReceiveMessageWaitTimeSeconds": "1"}
    code, message = error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"VisibilityTimeout": "99999"})
    assert (code, message) == ("InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout.")
    assert error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"QueueArn": "arn:x"})[0] == "InvalidAttributeName"

    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "mail"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "ci"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "ci"}

    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    assert sqs.list_queues()["QueueUrls"] == [url, other]
    assert sqs.list_queues(QueueNamePrefix="fee")["QueueUrls"] == [url]
    first = sqs.list_queues(MaxResults=1)
    assert first["QueueUrls"] == [url] and sqs.list_queues(MaxResults=1, NextToken=first["NextToken"])["QueueUrls"] == [other]
    assert error_of(sqs.create_queue, QueueName="bad name!")[0] == "InvalidParameterValue"
    sqs.delete_queue(QueueUrl=other)
    assert sqs.list_queues()["QueueUrls"] == [url]


def test_messages_visibility_batches_and_dead_letters(sesame):
    sqs = sesame.root_client("sqs")
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="work", Attributes={
        "VisibilityTimeout": "1", "RedrivePolicy": f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "2"}}'})["QueueUrl"]

    sent = sqs.send_message(QueueUrl=url, MessageBody="héllo", MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "bounce"}, "n": {"DataType": "Number", "StringValue": "3"}})
    assert sent["MD5OfMessageBody"] == hashlib.md5("héllo".encode()).hexdigest()  # boto3 checks it too
    got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["héllo"] and got[0]["MessageId"] == sent["MessageId"]
    assert got[0]["MessageAttributes"]["kind"] == {"DataType": "String", "StringValue": "bounce"}
    assert got[0]["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert got[0]["Attributes"]["ApproximateReceiveCount"] == "1" and int(got[0]["Attributes"]["SentTimestamp"]) > 0
    # Hidden while in flight; back after the visibility timeout; a second receive counts.
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert counts == {"ApproximateNumberOfMessagesNotVisible": "1"}
    time.sleep(1.1)
    again = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2" and again["ReceiptHandle"] != got[0]["ReceiptHandle"]
    # Longer visibility for this one; then the third receive moves it to the dead-letter queue.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"], VisibilityTimeout=0)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    moved = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert [m["MessageId"] for m in moved] == [sent["MessageId"]]
    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=moved[0]["ReceiptHandle"])
    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=moved[0]["ReceiptHandle"])  # again: still fine, as in SQS
    assert error_of(sqs.delete_message, QueueUrl=dlq, ReceiptHandle="nonsense")[0] == "ReceiptHandleIsInvalid"

    # Batches: per-entry results, and SQS's batch errors.
    result = sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two", "DelaySeconds": 1},
        {"Id": "c", "MessageBody": "x" * 300_000}])
    assert sorted(e["Id"] for e in result["Successful"]) == ["a", "b"]
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [("c", "InvalidParameterValue")]
    assert error_of(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "a", "MessageBody": "2"}])[0] \
        == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    delayed = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
    assert delayed == {"ApproximateNumberOfMessagesDelayed": "1"}
    time.sleep(1.1)
    batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert sorted(m["Body"] for m in batch) == ["one", "two"]
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                             for i, m in enumerate(batch)] + [{"Id": "bad", "ReceiptHandle": "x"}])
    assert len(deleted["Successful"]) == 2 and deleted["Failed"][0]["Id"] == "bad"
    assert error_of(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)[0] == "InvalidParameterValue"

    # PurgeQueue: once a minute.
    sqs.send_message(QueueUrl=url, MessageBody="purge me")
    sqs.purge_queue(QueueUrl=url)
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0"}
    assert error_of(sqs.purge_queue, QueueUrl=url)[0] == "AWS.SimpleQueueService.PurgeQueueInProgress"


def test_long_polling_wakes_when_a_message_arrives(sesame):
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="poll")["QueueUrl"]
    started = time.time()
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    assert 0.9 <= time.time() - started < 3
    threading.Timer(0.5, lambda: sesame.root_client("sqs").send_message(QueueUrl=url, MessageBody="late")).start()
    started = time.time()
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)["Messages"]
    assert [m["Body"] for m in got] == ["late"] and time.time() - started < 3


def test_fifo_queues_need_a_group_and_deduplicate_by_content(sesame):
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    assert error_of(sqs.send_message, QueueUrl=url, MessageBody="x")[1] == "The request must contain the parameter MessageGroupId."
    first = sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g")
    second = sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="g")
    assert first["SequenceNumber"] < second["SequenceNumber"]
    # The same content again within 5 minutes: accepted, the first message's ID, not stored twice.
    again = sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g")
    assert again["MessageId"] == first["MessageId"]
    explicit = sqs.send_message(QueueUrl=url, MessageBody="3", MessageGroupId="g", MessageDeduplicationId="d-3")
    assert sqs.send_message(QueueUrl=url, MessageBody="3 again", MessageGroupId="g", MessageDeduplicationId="d-3")["MessageId"] \
        == explicit["MessageId"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["1", "2", "3"] and got[0]["Attributes"]["MessageGroupId"] == "g"
    for message in got:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Deleted, and still within the window: still not sent again.
    assert sqs.send_message(QueueUrl=url, MessageBody="1", MessageGroupId="g")["MessageId"] == first["MessageId"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    assert error_of(sqs.send_message, QueueUrl=plain, MessageBody="x", MessageDeduplicationId="d")[0] == "InvalidParameterValue"
    assert error_of(sqs.create_queue, QueueName="bad", Attributes={"FifoQueue": "true"})[0] == "InvalidParameterValue"


def test_ses_feedback_reaches_a_worker_through_sns_and_sqs(sesame):
    """SES's documented pipeline on one machine: a bounce and a complaint (mailbox simulator)
    become SES notifications on an SNS topic, delivered to an SQS queue, received by a boto3
    long poll, and deleted."""
    ses, sns, sqs = sesame.root_client("ses"), sesame.root_client("sns"), sesame.root_client("sqs")
    ses.verify_domain_identity(Domain="example.com")
    topic = sns.create_topic(Name="ses-feedback")["TopicArn"]
    url = sqs.create_queue(QueueName="feedback")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # The worker wants bounces and complaints only: a filter policy on the notification's body.
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={
        "FilterPolicyScope": "MessageBody", "FilterPolicy": '{"notificationType": ["Bounce", "Complaint"]}'})["SubscriptionArn"]
    assert subscription.startswith(topic + ":")  # confirmed at once: same account
    # Without a queue policy that lets the topic send, SNS delivers nothing (as in AWS), and counts it.
    sns.publish(TopicArn=topic, Message=json.dumps({"notificationType": "Bounce"}))
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    with urllib.request.urlopen(sesame.endpoint + "/metrics") as r:
        assert "sesame_sns_deliveries_refused_total" in r.read().decode()
    allow_topic(sqs, url, arn, topic)
    for kind in ("Bounce", "Complaint", "Delivery"):
        ses.set_identity_notification_topic(Identity="example.com", NotificationType=kind, SnsTopic=topic)
    sent = ses.send_email(Source="shop@example.com",
                          Destination={"ToAddresses": ["bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com",
                                                       "success@simulator.amazonses.com"]},
                          Message={"Subject": {"Data": "Order"}, "Body": {"Text": {"Data": "x"}}})["MessageId"]
    seen = {}
    deadline = time.time() + 20
    while len(seen) < 2 and time.time() < deadline:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10).get("Messages", []):
            envelope = json.loads(message["Body"])
            assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic and envelope["Signature"]
            notification = json.loads(envelope["Message"])
            assert notification["mail"]["messageId"] == sent
            seen[notification["notificationType"]] = notification
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sorted(seen) == ["Bounce", "Complaint"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)  # the Delivery notifications were filtered out
    assert seen["Bounce"]["bounce"]["bouncedRecipients"][0]["emailAddress"] == "bounce@simulator.amazonses.com"
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                 "ApproximateNumberOfMessagesNotVisible"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}


def test_sns_topic_and_subscription_attributes_and_tags(sesame):
    sns, sqs = sesame.root_client("sns"), sesame.root_client("sqs")
    topic = sns.create_topic(Name="attrs")["TopicArn"]
    account = topic.split(":")[4]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": account}}
    assert attributes["DisplayName"] == "" and "defaultHealthyRetryPolicy" in attributes["EffectiveDeliveryPolicy"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Feedback")
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "Feedback"
    assert error_of(sns.set_topic_attributes, TopicArn=topic, AttributeName="Colour", AttributeValue="x")[0] == "InvalidParameter"
    sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": "ci"}])
    sns.untag_resource(ResourceArn=topic, TagKeys=["env"])
    assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == [{"Key": "team", "Value": "mail"}]

    url = sqs.create_queue(QueueName="attrs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    allow_topic(sqs, url, arn, topic)
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    got = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert (got["Protocol"], got["Endpoint"], got["RawMessageDelivery"], got["PendingConfirmation"]) == ("sqs", arn, "true", "false")
    sns.publish(TopicArn=topic, Message="raw body")
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"][0]["Body"] == "raw body"  # raw: no envelope
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                    AttributeValue='{"kind": ["bounce"]}')
    got = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert got["FilterPolicy"] == '{"kind": ["bounce"]}' and got["FilterPolicyScope"] == "MessageAttributes"
    sns.publish(TopicArn=topic, Message="not this", MessageAttributes={"kind": {"DataType": "String", "StringValue": "delivery"}})
    sns.publish(TopicArn=topic, Message="this", MessageAttributes={"kind": {"DataType": "String", "StringValue": "bounce"}})
    got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in got] == ["this"] and got[0]["MessageAttributes"]["kind"]["StringValue"] == "bounce"
    assert error_of(sns.set_subscription_attributes, SubscriptionArn=subscription, AttributeName="FilterPolicy",
                    AttributeValue='{"kind": [{"unknown-op": 1}]}')[0] == "InvalidParameter"
    # An http subscription waits for confirmation; ReturnSubscriptionArn gives its ARN at once.
    pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/x", ReturnSubscriptionArn=True)
    assert pending["SubscriptionArn"].startswith(topic + ":")
    assert sns.get_subscription_attributes(SubscriptionArn=pending["SubscriptionArn"])["Attributes"]["PendingConfirmation"] == "true"


def test_sns_lists_page_by_100_and_topics_belong_to_their_region(sesame):
    sns = sesame.root_client("sns")
    arns = [sns.create_topic(Name=f"t{i:03}")["TopicArn"] for i in range(101)]
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and first["NextToken"]
    rest = sns.list_topics(NextToken=first["NextToken"])
    assert [t["TopicArn"] for t in first["Topics"] + rest["Topics"]] == sorted(arns) and "NextToken" not in rest
    # Another region's client does not see this region's topics.
    creds = sesame.root_credentials()
    other = sesame.client("sns", creds["Access key ID"], creds["Secret access key"], region="eu-west-1")
    assert other.list_topics()["Topics"] == []
    assert error_of(other.get_topic_attributes, TopicArn=arns[0])[0] == "NotFound"
    # Creating a topic again: same attributes fine, others refused.
    assert sns.create_topic(Name="t000")["TopicArn"] == arns[0]
    assert error_of(sns.create_topic, Name="t000", Attributes={"DisplayName": "other"})[0] == "InvalidParameter"
    url = sesame.root_client("sqs").create_queue(QueueName="lists")["QueueUrl"]
    queue = sesame.root_client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for arn in arns[:3]:
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)
    assert [s["TopicArn"] for s in sns.list_subscriptions()["Subscriptions"]] == arns[:3]


def test_queue_policies_are_checked_with_the_policy_engine(sesame):
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="guarded")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    code, message = error_of(sqs.set_queue_attributes, QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": arn}]})})
    assert code == "InvalidAttributeValue" and "not an SQS action" in message
    # An IAM user with no SQS rights is refused, until the queue's policy names it.
    iam = sesame.root_client("iam")
    user = iam.create_user(UserName="worker")["User"]
    key = iam.create_access_key(UserName="worker")["AccessKey"]
    worker = sesame.client("sqs", key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(worker.send_message, QueueUrl=url, MessageBody="x")[0] == "AccessDenied"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": user["Arn"]},
                                                "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": arn}]})})
    worker.send_message(QueueUrl=url, MessageBody="allowed now")
    assert worker.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "allowed now"
    assert error_of(worker.purge_queue, QueueUrl=url)[0] == "AccessDenied"


def test_permissions_and_dead_letter_sources(sesame):
    sqs, sns = sesame.root_client("sqs"), sesame.root_client("sns")
    dlq = sqs.create_queue(QueueName="perm-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="perm", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})})["QueueUrl"]
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]
    sqs.add_permission(QueueUrl=url, Label="partner", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert policy["Statement"][0]["Sid"] == "partner" and policy["Statement"][0]["Action"] == ["SQS:SendMessage"]
    assert error_of(sqs.add_permission, QueueUrl=url, Label="partner", AWSAccountIds=["111122223333"], Actions=["*"])[0] \
        == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="partner")
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    assert error_of(sqs.remove_permission, QueueUrl=url, Label="partner")[0] == "InvalidParameterValue"

    topic = sns.create_topic(Name="perm-topic")["TopicArn"]
    sns.add_permission(TopicArn=topic, Label="partner", AWSAccountId=["111122223333"], ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID", "partner"]
    sns.remove_permission(TopicArn=topic, Label="partner")
    statements = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]
