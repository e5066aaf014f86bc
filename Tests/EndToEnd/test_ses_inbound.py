"""SES receiving's inbound SMTP listener (`--inbound-address`), on both engines: Python smtplib
and swaks deliver without AUTH; recipients are taken only when a verified identity's active
receipt rule set has an enabled rule for them (550 otherwise, in SES's words); receipt filters
refuse clients before anything else; a taken message is stored, bytes as sent, before its 250."""
import json
import os
import smtplib
import subprocess
import time
import urllib.request

import pytest

from conftest import Sesame, create_database, free_port


@pytest.fixture(params=["sqlite", "postgres"])
def mx(request, tmpdir_path):
    database_url = create_database() if request.param == "postgres" else None
    port = free_port()
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=database_url, args=["--inbound-address", f"127.0.0.1:{port}"])
    node.inbound_port = port
    node.start()
    yield node
    assert node.stop() == 0, node.read_log()


def received(node, region="us-east-1"):
    with urllib.request.urlopen(f"{node.endpoint}/_aws/ses/inbound?region={region}") as r:
        return json.load(r)["messages"]


def support_rules(ses, *, active=True):
    ses.verify_domain_identity(Domain="example.com")
    ses.create_receipt_rule_set(RuleSetName="inbound")
    ses.create_receipt_rule(RuleSetName="inbound", Rule={
        "Name": "support", "Enabled": True, "Recipients": ["support@example.com", ".lists.example.com"],
        "Actions": [{"AddHeaderAction": {"HeaderName": "X-Route", "HeaderValue": "support"}}]})
    ses.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "disabled", "Recipients": ["sales@example.com"]})
    if active:
        ses.set_active_receipt_rule_set(RuleSetName="inbound")


def test_recipients_are_taken_as_the_active_rules_say(mx):
    ses = mx.root_client("ses")
    support_rules(ses)
    raw = b"From: Customer <customer@remote.test>\r\nTo: support@example.com\r\nSubject: Help\r\n\r\nMy order is late.\r\n"
    with smtplib.SMTP("127.0.0.1", mx.inbound_port, timeout=10) as smtp:
        code, banner = smtp.ehlo("remote.test")
        features = banner.decode()
        assert code == 250 and "STARTTLS" in features and "AUTH" not in features
        assert smtp.mail("customer@remote.test")[0] == 250
        assert smtp.rcpt("nobody@example.com") == (550, b"Requested action not taken: mailbox unavailable")
        assert smtp.rcpt("sales@example.com")[0] == 550  # its rule is disabled
        assert smtp.rcpt("someone@elsewhere.test")[0] == 550  # not a verified identity
        assert smtp.rcpt("Support@Example.com")[0] == 250
        assert smtp.rcpt("team@dev.lists.example.com")[0] == 250  # a subdomain rule
        code, reply = smtp.data(raw)
        assert code == 250, reply
        message_id = reply.decode().split()[-1]
    [stored] = received(mx)
    assert stored["id"] == message_id and len(message_id) == 40
    assert stored["recipients"] == ["Support@Example.com", "team@dev.lists.example.com"]
    assert (stored["mailFrom"], stored["ruleSet"], stored["tls"]) == ("customer@remote.test", "inbound", False)
    assert stored["raw"].encode() == raw
    # The null sender (a bounce coming back) is taken too, and over STARTTLS.
    with smtplib.SMTP("127.0.0.1", mx.inbound_port, timeout=10) as smtp:
        smtp.starttls(context=mx.tls_context())
        smtp.ehlo("remote.test")
        assert smtp.mail("<>")[0] == 250
        assert smtp.rcpt("support@example.com")[0] == 250
        assert smtp.data(b"Subject: bounce\r\n\r\nx\r\n")[0] == 250
        assert smtp.docmd("AUTH PLAIN AGEAYg==")[0] == 502
    assert received(mx)[0]["tls"] is True and received(mx)[0]["mailFrom"] == ""


def test_without_an_active_rule_set_nothing_is_taken_and_swaks_delivers_when_it_is(mx):
    ses = mx.root_client("ses")
    support_rules(ses, active=False)
    swaks = ["swaks", "--server", f"127.0.0.1:{mx.inbound_port}", "--from", "a@remote.test", "--to", "support@example.com",
             "--header", "Subject: via swaks", "--body", "hello", "--timeout", "10"]
    refused = subprocess.run(swaks, capture_output=True, text=True)
    assert refused.returncode != 0 and "550 Requested action not taken: mailbox unavailable" in refused.stdout
    ses.set_active_receipt_rule_set(RuleSetName="inbound")
    accepted = subprocess.run(swaks, capture_output=True, text=True)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    [stored] = received(mx)
    assert "Subject: via swaks" in stored["raw"] and stored["recipients"] == ["support@example.com"]


def test_receipt_filters_refuse_clients_first(mx):
    ses = mx.root_client("ses")
    support_rules(ses)
    ses.create_receipt_filter(Filter={"Name": "block-loopback", "IpFilter": {"Policy": "Block", "Cidr": "127.0.0.0/8"}})
    with pytest.raises(smtplib.SMTPConnectError) as refused:
        smtplib.SMTP("127.0.0.1", mx.inbound_port, timeout=10)
    assert refused.value.smtp_code == 554
    # An Allow filter for the address wins over the Block.
    ses.create_receipt_filter(Filter={"Name": "allow-me", "IpFilter": {"Policy": "Allow", "Cidr": "127.0.0.1/32"}})
    deadline = time.time() + 5
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", mx.inbound_port, timeout=10) as smtp:
                assert smtp.ehlo()[0] == 250
            break
        except smtplib.SMTPConnectError:
            assert time.time() < deadline
            time.sleep(0.2)
