"""SQS's Query protocol, which SDKs released before 2024 speak: a consumer written against
boto3 1.34.22 (its SQS client still uses Query) runs against Sesame on both engines, a message it
sends is received by today's boto3 (AWS JSON), and a request posted to the queue's own URL, as
some SDKs send it, is answered in SQS's XML."""
import hashlib
import os
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUERY_BOTOCORE = "1.34.22"
NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"


def old_boto3():
    """The old boto3 and botocore, installed (without dependencies) where the model generator keeps them."""
    target = os.path.join(ROOT, ".build-botocore-" + QUERY_BOTOCORE)
    if not os.path.isdir(os.path.join(target, "botocore")):
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", target,
                        "botocore==" + QUERY_BOTOCORE, "boto3==" + QUERY_BOTOCORE], check=True)
    return target


def test_an_older_sdk_speaking_query_runs_a_feedback_consumer(sesame):
    creds = sesame.root_credentials()
    key_id, secret = creds["Access key ID"], creds["Secret access key"]
    script = os.path.join(os.path.dirname(__file__), "clients", "sqs_query_consumer.py")
    result = subprocess.run([sys.executable, script, sesame.endpoint, key_id, secret], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=old_boto3()), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # What the Query client sent, today's JSON client receives.
    sqs = sesame.root_client("sqs")
    url = sqs.get_queue_url(QueueName="query-feedback")["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
    assert message["Body"] == "for the JSON client"


def signed_post(sesame, url, params):
    creds = sesame.root_credentials()
    key_id, secret = creds["Access key ID"], creds["Secret access key"]
    credentials = boto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret).get_credentials()
    body = urllib.parse.urlencode(params)
    request = AWSRequest(method="POST", url=url, data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(credentials, "sqs", "us-east-1").add_auth(request)
    prepared = urllib.request.Request(url, data=body.encode(), headers=dict(request.headers), method="POST")
    try:
        with urllib.request.urlopen(prepared) as r:
            return r.status, ET.fromstring(r.read())
    except urllib.error.HTTPError as error:
        return error.code, ET.fromstring(error.read())


def test_query_requests_at_the_queue_url_and_query_errors(sesame):
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="by-url")["QueueUrl"]
    status, xml = signed_post(sesame, url, {"Action": "SendMessage", "MessageBody": "posted to the queue URL", "Version": "2012-11-05"})
    assert status == 200 and xml.tag == NS + "SendMessageResponse"
    result = xml.find(NS + "SendMessageResult")
    assert result.find(NS + "MD5OfMessageBody").text == hashlib.md5(b"posted to the queue URL").hexdigest()
    assert xml.find(NS + "ResponseMetadata").find(NS + "RequestId").text
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
    assert message["Body"] == "posted to the queue URL" and message["MessageId"] == result.find(NS + "MessageId").text
    # Attributes come back as SQS's flattened <Attribute><Name/><Value/></Attribute> elements.
    status, xml = signed_post(sesame, sesame.endpoint + "/", {
        "Action": "GetQueueAttributes", "QueueUrl": url, "AttributeName.1": "VisibilityTimeout", "Version": "2012-11-05"})
    assert status == 200
    [attribute] = xml.find(NS + "GetQueueAttributesResult").findall(NS + "Attribute")
    assert (attribute.find(NS + "Name").text, attribute.find(NS + "Value").text) == ("VisibilityTimeout", "30")
    # Errors in SQS's Query form: the old code, Sender, and the model's status.
    status, xml = signed_post(sesame, sesame.endpoint + "/", {
        "Action": "GetQueueUrl", "QueueName": "missing", "Version": "2012-11-05"})
    assert status == 400 and xml.tag == NS + "ErrorResponse", ET.tostring(xml)
    error = xml.find(NS + "Error")
    assert error.find(NS + "Code").text == "AWS.SimpleQueueService.NonExistentQueue"
    assert error.find(NS + "Type").text == "Sender"
