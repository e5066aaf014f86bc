"""A feedback consumer written against boto3 1.34.22, the last release whose SQS client speaks
the Query protocol. Run by test_sqs_query.py with that boto3 first on sys.path; every check is
an assert, so a failure exits non-zero with the reason."""
import hashlib
import json
import sys

import boto3
import botocore

endpoint, key_id, secret = sys.argv[1:4]
assert botocore.__version__ == "1.34.22", botocore.__version__
sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=key_id, aws_secret_access_key=secret)
assert sqs.meta.service_model.protocol == "query"

url = sqs.create_queue(QueueName="query-feedback", Attributes={"VisibilityTimeout": "30"}, tags={"team": "mail"})["QueueUrl"]
assert url.endswith("/query-feedback"), url
assert sqs.get_queue_url(QueueName="query-feedback")["QueueUrl"] == url
assert sqs.list_queues(QueueNamePrefix="query-")["QueueUrls"] == [url]
attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
assert attributes["VisibilityTimeout"] == "30" and attributes["QueueArn"].endswith(":query-feedback"), attributes
sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "1"})
assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "mail"}
sqs.tag_queue(QueueUrl=url, Tags={"env": "ci"})
sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "ci"}

# botocore checks the MD5s of the body and attributes on every send and receive.
sent = sqs.send_message(QueueUrl=url, MessageBody="bounce of ünïcode", MessageAttributes={
    "kind": {"DataType": "String", "StringValue": "Bounce"},
    "size": {"DataType": "Number", "StringValue": "42"},
    "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
assert sent["MD5OfMessageBody"] == hashlib.md5("bounce of ünïcode".encode()).hexdigest()
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}])
assert sorted(e["Id"] for e in batch["Successful"]) == ["a", "b"] and not batch.get("Failed")
got = {}
for _ in range(10):
    response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"])
    for m in response.get("Messages", []):
        got[m["Body"]] = m
    if len(got) == 3:
        break
assert sorted(got) == ["bounce of ünïcode", "one", "two"], sorted(got)
bounce = got["bounce of ünïcode"]
assert bounce["MessageAttributes"]["kind"] == {"StringValue": "Bounce", "DataType": "String"}, bounce["MessageAttributes"]
assert bounce["MessageAttributes"]["raw"]["BinaryValue"] == b"\x00\x01"
assert bounce["Attributes"]["ApproximateReceiveCount"] == "1" and int(bounce["Attributes"]["SentTimestamp"]) > 0
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got["one"]["ReceiptHandle"], VisibilityTimeout=0)
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[
    {"Id": "x", "ReceiptHandle": bounce["ReceiptHandle"]}, {"Id": "y", "ReceiptHandle": got["two"]["ReceiptHandle"]}])
assert sorted(e["Id"] for e in deleted["Successful"]) == ["x", "y"]
again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
assert [m["Body"] for m in again] == ["one"]
sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])

# Dead-letter queues and their sources.
dlq = sqs.create_queue(QueueName="query-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})})
assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]

# SQS's errors, by the exception classes the Query model defines.
try:
    sqs.get_queue_url(QueueName="no-such-queue")
    raise AssertionError("a missing queue was found")
except sqs.exceptions.QueueDoesNotExist as error:
    assert error.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue", error.response
try:
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "same", "MessageBody": "1"}, {"Id": "same", "MessageBody": "2"}])
    raise AssertionError("repeated batch ids were accepted")
except sqs.exceptions.BatchEntryIdsNotDistinct:
    pass
try:
    sqs.create_queue(QueueName="query-feedback", Attributes={"VisibilityTimeout": "31"})
    raise AssertionError("a queue was created twice with different attributes")
except sqs.exceptions.QueueNameExists:
    pass
sqs.send_message(QueueUrl=url, MessageBody="for the JSON client")
print(json.dumps({"queue": url}))
