"""SES receiving's rule actions run for real on mail the inbound listener took: the S3 action
writes the message to moto's S3 server, SNS actions notify an SQS queue with SES's `Received`
notification (content in UTF-8 or Base64), a Bounce action mails a DSN to the sender, AddHeader
and Stop act as SES's do, and TLS-only rules bounce plain mail. The verdicts come from real
checks: SPF and DMARC records and DKIM keys served by a dnslib server on 127.0.0.1, messages
signed with dkimpy. A SIGKILL right after the 250, or while S3 is unreachable, loses nothing and
runs each action once."""
import base64
import json
import os
import signal
import smtplib
import time
import urllib.request

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import Sesame, create_database, free_port
from mailsinks import DNS
from sns_helpers import allow_topic

KEY = rsa.generate_private_key(public_exponent=65537, key_size=1024)
PRIVATE_PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
PUBLIC_DER = KEY.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

ZONE = {
    "remote.test": {"TXT": ["v=spf1 ip4:127.0.0.1 -all"]},
    "s1._domainkey.remote.test": {"TXT": ["v=DKIM1; k=rsa; p=" + base64.b64encode(PUBLIC_DER).decode()]},
    "_dmarc.remote.test": {"TXT": ["v=DMARC1; p=reject"]},
    "soft.test": {"TXT": ["v=spf1 ip4:192.0.2.1 ~all"]},
    "strict.test": {"TXT": ["v=spf1 ip4:192.0.2.1 -all"]},
    "_dmarc.strict.test": {"TXT": ["v=DMARC1; p=quarantine"]},
}


def message(sender="alice@remote.test", to="support@example.com", subject="Order 42", body="Where is my order?", extra=""):
    return (f"From: Alice <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{time.time_ns()}@remote.test>\r\n\r\n{body}\r\n{extra}").encode()


def signed(raw):
    return dkim.sign(raw, b"s1", b"remote.test", PRIVATE_PEM, include_headers=[b"from", b"to", b"subject", b"date"]).replace(
        b"\n", b"\r\n").replace(b"\r\r\n", b"\r\n") + raw


def send(node, raw, mail_from, to, tls=False, helo="mail.remote.test"):
    with smtplib.SMTP("127.0.0.1", node.inbound_port, timeout=10) as smtp:
        if tls:
            smtp.ehlo(helo)
            smtp.starttls(context=node.tls_context())
        smtp.ehlo(helo)
        assert smtp.mail(mail_from)[0] == 250
        for address in to:
            assert smtp.rcpt(address)[0] == 250, address
        code, reply = smtp.data(raw)
        assert code == 250, reply
        return reply.decode().split()[-1]


def inbound(node):
    with urllib.request.urlopen(f"{node.endpoint}/_aws/ses/inbound") as r:
        return {m["id"]: m for m in json.load(r)["messages"]}


def processed(node, message_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = inbound(node).get(message_id)
        if found and found["state"] == "processed":
            return found
        time.sleep(0.1)
    raise AssertionError(f"{message_id} not processed: {inbound(node).get(message_id)}\n{node.read_log()[-3000:]}")


def drain(sqs, url, count, timeout=20):
    """`count` notifications from the queue (deleted), as parsed `Received` objects."""
    out = []
    deadline = time.time() + timeout
    while len(out) < count and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            envelope = json.loads(m["Body"])
            assert envelope["Subject"] == "Amazon SES Email Receipt Notification"
            out.append(json.loads(envelope["Message"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(out) == count, out
    return out


def setup_rules(node, topic):
    ses = node.root_client("ses")
    ses.verify_domain_identity(Domain="example.com")
    ses.verify_email_identity(EmailAddress="bounces@example.com")
    ses.create_receipt_rule_set(RuleSetName="inbound")
    rules = [
        {"Name": "support", "Enabled": True, "ScanEnabled": True, "Recipients": ["support@example.com"], "Actions": [
            {"AddHeaderAction": {"HeaderName": "X-Route", "HeaderValue": "support"}},
            {"S3Action": {"BucketName": "inbound", "ObjectKeyPrefix": "mail/", "TopicArn": topic}},
            {"SNSAction": {"TopicArn": topic, "Encoding": "UTF-8"}}]},
        {"Name": "raw", "Enabled": True, "Recipients": ["raw@example.com"], "Actions": [
            {"SNSAction": {"TopicArn": topic, "Encoding": "Base64"}}]},
        {"Name": "gone", "Enabled": True, "Recipients": ["gone@example.com"], "Actions": [
            {"BounceAction": {"SmtpReplyCode": "550", "StatusCode": "5.1.1", "Message": "Mailbox does not exist",
                              "Sender": "bounces@example.com"}},
            {"StopAction": {"Scope": "RuleSet", "TopicArn": topic}}]},
        {"Name": "after-stop", "Enabled": True, "Recipients": ["gone@example.com"], "Actions": [
            {"SNSAction": {"TopicArn": topic}}]},
        {"Name": "tls-only", "Enabled": True, "TlsPolicy": "Require", "Recipients": ["secure@example.com"], "Actions": [
            {"SNSAction": {"TopicArn": topic}}]},
    ]
    after = None
    for rule in rules:
        ses.create_receipt_rule(RuleSetName="inbound", Rule=rule, **({"After": after} if after else {}))
        after = rule["Name"]
    ses.set_active_receipt_rule_set(RuleSetName="inbound")


def feedback_queue(node):
    sns, sqs = node.root_client("sns"), node.root_client("sqs")
    topic = sns.create_topic(Name="inbound")["TopicArn"]
    url = sqs.create_queue(QueueName="inbound")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    allow_topic(sqs, url, arn, topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return topic, sqs, url


def start(tmpdir_path, dns, s3_endpoint, key, database_url=None, data="data", extra=()):
    node = Sesame(os.path.join(tmpdir_path, data), database_url=database_url,
                  env={"SESAME_S3_ACCESS_KEY_ID": key["AccessKeyId"], "SESAME_S3_SECRET_ACCESS_KEY": key["SecretAccessKey"]},
                  args=["--s3-endpoint", s3_endpoint, "--dns-server", f"127.0.0.1:{dns.port}", *extra])
    return node


@pytest.fixture
def dns():
    server = DNS(free_port(), ZONE).start()
    yield server
    server.stop()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_actions_verdicts_and_notifications(tmpdir_path, moto_s3, dns, engine):
    endpoint, key, s3 = moto_s3
    s3.create_bucket(Bucket="inbound")
    port = free_port()
    node = start(tmpdir_path, dns, endpoint, key, create_database() if engine == "postgres" else None,
                 extra=["--inbound-address", f"127.0.0.1:{port}"]).start()
    node.inbound_port = port
    try:
        topic, sqs, url = feedback_queue(node)
        setup_rules(node, topic)

        # A DKIM-signed message from a domain whose SPF names 127.0.0.1: everything passes.
        raw = signed(message())
        mid = send(node, raw, "alice@remote.test", ["support@example.com"])
        done = processed(node, mid)
        assert done["verdicts"] == {"spam": "PASS", "virus": "PASS", "spf": "PASS", "spfResult": "pass", "dkim": "PASS", "dmarc": "PASS"}
        assert [(a["rule"], a["type"], a["status"]) for a in done["actions"]] == [
            ("support", "AddHeader", "done"), ("support", "S3", "done"), ("support", "SNS", "done")]
        stored = s3.get_object(Bucket="inbound", Key=f"mail/{mid}")["Body"].read()
        assert stored == b"X-Route: support\r\n" + raw  # the exact bytes, with the header added on top
        by_action = {n["receipt"]["action"]["type"]: n for n in drain(sqs, url, 2)}
        s3_note, sns_note = by_action["S3"], by_action["SNS"]
        assert s3_note["receipt"]["action"] == {"type": "S3", "topicArn": topic, "bucketName": "inbound", "objectKeyPrefix": "mail/",
                                                "objectKey": f"mail/{mid}"}
        assert "content" not in s3_note and sns_note["content"].encode() == b"X-Route: support\r\n" + raw
        receipt = sns_note["receipt"]
        assert receipt["recipients"] == ["support@example.com"] and receipt["action"]["encoding"] == "UTF8"
        for verdict in ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict"):
            assert receipt[verdict] == {"status": "PASS"}, verdict
        mail = sns_note["mail"]
        assert (mail["messageId"], mail["source"], mail["destination"]) == (mid, "alice@remote.test", ["support@example.com"])
        assert mail["commonHeaders"]["subject"] == "Order 42"

        # The same message tampered with after signing: the signature fails (SPF still aligns DMARC).
        tampered = raw.replace(b"Where is my order?", b"Send the refund elsewhere.")
        done = processed(node, send(node, tampered, "alice@remote.test", ["support@example.com"]))
        assert (done["verdicts"]["dkim"], done["verdicts"]["spf"], done["verdicts"]["dmarc"]) == ("FAIL", "PASS", "PASS")
        drain(sqs, url, 2)

        # SPF SOFTFAIL and FAIL; the failing domain's DMARC policy shows, and the spam score adds up.
        done = processed(node, send(node, message("bob@soft.test"), "bob@soft.test", ["support@example.com"]))
        # SES's spfVerdict knows PASS, FAIL, GRAY and PROCESSING_FAILED: a softfail is GRAY there.
        assert (done["verdicts"]["spfResult"], done["verdicts"]["spf"], done["verdicts"]["dkim"]) == ("softfail", "GRAY", "GRAY")
        assert done["verdicts"]["dmarc"] == "GRAY"  # soft.test publishes no DMARC record
        drain(sqs, url, 2)
        done = processed(node, send(node, message("eve@strict.test"), "eve@strict.test", ["support@example.com"]))
        assert done["verdicts"] == {"spf": "FAIL", "spfResult": "fail", "dkim": "GRAY", "dmarc": "FAIL", "dmarcPolicy": "quarantine",
                                    "spam": "FAIL", "virus": "PASS"}
        receipt = drain(sqs, url, 2)[0]["receipt"]
        assert receipt["dmarcPolicy"] == "quarantine" and receipt["spfVerdict"] == {"status": "FAIL"}

        # The EICAR test file is a virus; a rule without ScanEnabled shows both scans DISABLED.
        eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
        infected = message(body=eicar)
        done = processed(node, send(node, infected, "alice@remote.test", ["support@example.com", "raw@example.com"]))
        assert done["verdicts"]["virus"] == "FAIL"
        notes = drain(sqs, url, 3)
        scanned = [n for n in notes if n["receipt"]["recipients"] == ["support@example.com"]]
        unscanned = [n for n in notes if n["receipt"]["recipients"] == ["raw@example.com"]]
        assert scanned[0]["receipt"]["virusVerdict"] == {"status": "FAIL"}
        assert unscanned[0]["receipt"]["virusVerdict"] == {"status": "DISABLED"}
        assert unscanned[0]["receipt"]["spamVerdict"] == {"status": "DISABLED"}
        # Base64 content decodes to the message as received, with the header the earlier rule added.
        assert base64.b64decode(unscanned[0]["content"]) == b"X-Route: support\r\n" + infected
        assert unscanned[0]["receipt"]["action"]["encoding"] == "BASE64"

        # A Bounce action mails a DSN to the sender; Stop notifies and ends the rule set there.
        mid = send(node, message(to="gone@example.com"), "alice@remote.test", ["gone@example.com"])
        done = processed(node, mid)
        assert [(a["rule"], a["type"]) for a in done["actions"]] == [("gone", "Bounce"), ("gone", "Stop")]
        [stop] = drain(sqs, url, 1)
        assert stop["receipt"]["action"] == {"type": "Stop", "topicArn": topic}
        dsn = [m for m in node.captured() if m["Destination"]["ToAddresses"] == ["alice@remote.test"]]
        assert len(dsn) == 1 and dsn[0]["Source"] == "bounces@example.com" and dsn[0]["Via"] == "ReceiptRule"
        body = dsn[0]["RawData"]
        assert "Status: 5.1.1" in body and "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist" in body
        assert "Final-Recipient: rfc822; gone@example.com" in body and "Subject: Order 42" in body

        # A TLS-only rule bounces plain mail and takes the same mail over STARTTLS.
        done = processed(node, send(node, message(to="secure@example.com"), "alice@remote.test", ["secure@example.com"]))
        assert [(a["type"], a["status"]) for a in done["actions"]] == [("Bounce", "done")]
        assert any("Status: 5.7.0" in m["RawData"] for m in node.captured())
        done = processed(node, send(node, message(to="secure@example.com"), "alice@remote.test", ["secure@example.com"], tls=True))
        assert [(a["type"], a["status"]) for a in done["actions"]] == [("SNS", "done")]
        drain(sqs, url, 1)
    finally:
        assert node.stop() == 0, node.read_log()


def test_a_crash_after_250_or_an_unreachable_s3_loses_nothing_and_runs_each_action_once(tmpdir_path, moto_s3, dns):
    endpoint, key, s3 = moto_s3
    s3.create_bucket(Bucket="inbound")
    port = free_port()
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there: S3 writes fail and are retried
    args = ["--inbound-address", f"127.0.0.1:{port}", "--inbound-lease", "2"]
    first = start(tmpdir_path, dns, closed, key, extra=args).start()
    first.inbound_port = port
    try:
        topic, sqs, url = feedback_queue(first)
        setup_rules(first, topic)
        waiting = send(first, signed(message(subject="Waits for S3")), "alice@remote.test", ["support@example.com"])
        deadline = time.time() + 20
        while not any(a["type"] == "AddHeader" for a in inbound(first)[waiting]["actions"]):
            assert time.time() < deadline, inbound(first)[waiting]
            time.sleep(0.1)
        killed = send(first, signed(message(subject="Killed")), "alice@remote.test", ["support@example.com"])
    finally:
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(10)
    second = start(tmpdir_path, dns, endpoint, key, extra=args).start()
    second.inbound_port = port
    sqs = second.root_client("sqs")
    try:
        for mid in (waiting, killed):
            done = processed(second, mid)
            assert [(a["type"], a["status"]) for a in done["actions"]] == [("AddHeader", "done"), ("S3", "done"), ("SNS", "done")]
            assert s3.get_object(Bucket="inbound", Key=f"mail/{mid}")["Body"].read().startswith(b"X-Route: support\r\n")
        notes = drain(sqs, url, 4)
        assert sorted((n["mail"]["messageId"], n["receipt"]["action"]["type"]) for n in notes) == sorted(
            [(mid, kind) for mid in (waiting, killed) for kind in ("S3", "SNS")])
        time.sleep(2)  # nothing more comes: each action ran once
        assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    finally:
        assert second.stop() == 0, second.read_log()
