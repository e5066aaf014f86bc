"""Helpers for the SNS and SQS tests: the queue policy SES's documentation sets, an error's code and
message, and an HTTP endpoint that receives SNS notifications and checks their signatures."""
import base64
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import free_port


def allow_topic(sqs, url, queue_arn, topic_arn):
    """The queue policy SES's documentation has one set: SNS may send for this topic only."""
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})})


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


class Receiver:
    """An SNS HTTP endpoint: records posts, fails the first N posts, and (auto_confirm) confirms
    subscriptions by visiting their SubscribeURL."""

    def __init__(self, fail_first=0, auto_confirm=False):
        self.posts = []
        self.failures_left = fail_first
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with outer.lock:
                    if outer.failures_left > 0:
                        outer.failures_left -= 1
                        outer.posts.append(("refused", dict(self.headers), body))
                        self.send_response(500)
                        self.end_headers()
                        return
                    outer.posts.append(("ok", dict(self.headers), body))
                self.send_response(200)
                self.end_headers()
                message = json.loads(body)
                if auto_confirm and message.get("Type") == "SubscriptionConfirmation":
                    # As a handler does: visit SubscribeURL once the post is answered.
                    threading.Thread(target=lambda: urllib.request.urlopen(message["SubscribeURL"]).read(), daemon=True).start()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sns"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def messages(self, kind=None):
        with self.lock:
            out = [(h, json.loads(b)) for state, h, b in self.posts if state == "ok"]
        return [(h, m) for h, m in out if kind is None or m["Type"] == kind]

    def wait(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for _, m in self.messages() if predicate(m)]
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no matching SNS message; got {json.dumps([m for _, m in self.messages()], indent=1)[:3000]}")

    def stop(self):
        self.server.shutdown()


def verify_signature(message):
    """SNS's check, done independently: the string to sign, the certificate from SigningCertURL,
    SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2), verified by openssl."""
    if message["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    text = "".join(f"{k}\n{message[k]}\n" for k in keys if k in message)
    with urllib.request.urlopen(message["SigningCertURL"]) as r:
        pem = r.read()
    with tempfile.TemporaryDirectory() as d:
        cert, key, data, sig = (os.path.join(d, n) for n in ("cert.pem", "key.pem", "data", "sig"))
        open(cert, "wb").write(pem)
        open(data, "wb").write(text.encode())
        open(sig, "wb").write(base64.b64decode(message["Signature"]))
        public = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"], check=True, capture_output=True).stdout
        open(key, "wb").write(public)
        digest = "-sha256" if message["SignatureVersion"] == "2" else "-sha1"
        result = subprocess.run(["openssl", "dgst", digest, "-verify", key, "-signature", sig, data], capture_output=True, text=True)
        return result.returncode == 0 and "Verified OK" in result.stdout


def subscribe(n, receiver, name):
    sns = n.root_client("sns")
    topic = sns.create_topic(Name=name)["TopicArn"]
    assert sns.create_topic(Name=name)["TopicArn"] == topic  # idempotent, as SNS
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=receiver.url)["SubscriptionArn"] == "pending confirmation"
    confirmation = receiver.wait(lambda m: m["Type"] == "SubscriptionConfirmation" and m["TopicArn"] == topic)[0]
    assert verify_signature(confirmation)
    assert confirmation["Message"].startswith(f"You have chosen to subscribe to the topic {topic}")
    # The handler confirms by visiting SubscribeURL, as with AWS (no signature needed).
    with urllib.request.urlopen(confirmation["SubscribeURL"]) as r:
        assert b"<SubscriptionArn>" + topic.encode() in r.read()
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("http", receiver.url)]
    assert subscriptions[0]["SubscriptionArn"].startswith(topic + ":")
    return topic
