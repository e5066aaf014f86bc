"""Operations: GET /metrics in Prometheus's text format, read with the Prometheus client
library's own parser (prometheus_client from PyPI), after real traffic (boto3, smtplib); the
scrape is refused to addresses not allowed; `--log-format json` writes one JSON object per line
with the request's fields, and no secret the test handled appears anywhere in the log."""
import base64
import json
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ROOT, Sesame, smtp_password
from smtp_helpers import smtp_user
from http_helpers import scrape, value


def test_metrics_after_traffic_and_json_logs_without_secrets(tmpdir_path):
    root_password = "metrics-Root-Passw0rd!"
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": root_password},
                  args=["--log-format", "json", "--log-level", "debug", "--metrics-allow", "10.0.0.0/8"]).start()
    secrets = [root_password]
    try:
        root = node.root_credentials()
        secrets.append(root["Secret access key"])
        ses = node.root_client("ses")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                       Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}})
        with pytest.raises(ClientError):  # not a verified identity: refused
            ses.send_email(Source="stranger@elsewhere.test", Destination={"ToAddresses": ["a@example.net"]},
                           Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "hello"}}})
        node.root_client("sesv2").list_email_identities()
        key, secret, _ = smtp_user(node)
        secrets += [secret, smtp_password(secret)]
        with node.smtp() as s:
            s.login(key, smtp_password(secret))
            s.sendmail("sender@example.com", ["success@simulator.amazonses.com"],
                       b"From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: s\r\n\r\nbody\r\n")
        with node.smtp() as s:
            plain = base64.b64encode(f"\0{key}\0not-the-password".encode()).decode()
            assert s.docmd("AUTH", "PLAIN " + plain)[0] == 535  # one attempt (login() would try LOGIN too)
        sns, sqs = node.root_client("sns"), node.root_client("sqs")
        sns.create_topic(Name="metrics")
        sqs.send_message(QueueUrl=sqs.create_queue(QueueName="metrics")["QueueUrl"], MessageBody="x")

        deadline = time.time() + 20
        while True:
            samples = scrape(node)
            if value(samples, "sesame_recipients_total", outcome="delivered") >= 2 and value(samples, "sesame_sqs_messages") >= 1:
                break
            assert time.time() < deadline, {k: v for k, v in samples.items() if k.startswith("sesame_")}
            time.sleep(0.5)
        assert value(samples, "sesame_http_requests_total", service="email", operation="SendEmail", status="200") == 1
        assert value(samples, "sesame_http_requests_total", service="email", operation="SendEmail", status="400") == 1
        assert value(samples, "sesame_http_requests_total", service="sqs", operation="SendMessage", status="200") == 1
        assert value(samples, "sesame_http_requests_total", operation="ListEmailIdentities") == 1
        assert value(samples, "sesame_http_request_duration_seconds_count", service="email", operation="SendEmail") == 2
        assert value(samples, "sesame_messages_total", interface="api", outcome="accepted") == 1
        assert value(samples, "sesame_messages_total", interface="api", outcome="refused", reason="messageRejected") == 1
        assert value(samples, "sesame_messages_total", interface="smtp", outcome="accepted") == 1
        assert value(samples, "sesame_smtp_auth_failures_total") == 1
        assert "sesame_smtp_sessions_open" in samples
        assert value(samples, "sesame_delivery_attempt_duration_seconds_count", kind="simulator") >= 2
        assert value(samples, "sesame_store_commit_duration_seconds_count") >= 2
        assert value(samples, "sesame_store_commit_batch_size_count") >= 2
        assert value(samples, "sesame_queue_recipients") == 0 and "sesame_queue_oldest_due_seconds" in samples
        assert "sesame_sns_outbox_posts" in samples and "sesame_received_pending" in samples
    finally:
        assert node.stop() == 0, node.read_log()

    # The log: every line is one JSON object (the start-up summary aside); requests carry their fields.
    lines = node.read_log().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    requests = [r for r in records if r["message"] == "AWS request" and r.get("operation") == "SendEmail"]
    assert len(requests) == 2 and {r["status"] for r in requests} == {"200", "400"}
    assert all(r["request_id"] and r["principal"].endswith(":root") for r in requests)
    assert any(r["message"] == "SMTP login failed" and r.get("diagnosis") for r in records)
    log = node.read_log()
    for secret in secrets:
        assert secret not in log


def test_bad_metrics_ranges_log_formats_and_timeouts_are_refused_at_start():
    """(Which addresses may scrape is decided by `AddressAllowList`, unit-tested in the core: every
    client of these tests is on loopback, which is always allowed.)"""
    import subprocess
    binary = os.environ.get("SESAME_BIN", os.path.join(ROOT, ".build", "debug", "sesame"))
    out = subprocess.run([binary, "serve", "--metrics-allow", "not-a-range"], capture_output=True, text=True)
    assert out.returncode != 0 and "--metrics-allow takes an address or a CIDR range" in out.stderr
    out = subprocess.run([binary, "serve", "--log-format", "xml"], capture_output=True, text=True)
    assert out.returncode != 0 and "--log-format must be text or json" in out.stderr
    out = subprocess.run([binary, "serve", "--shutdown-timeout", "0"], capture_output=True, text=True)
    assert out.returncode != 0 and "--shutdown-timeout must be at least 0.1 seconds (got 0.0)." in out.stderr


def test_two_named_nodes_on_one_postgres_are_listed_with_what_they_do(tmpdir_path):
    from conftest import create_database, free_port
    import subprocess
    database_url = create_database()
    inbound = free_port()
    env = {"SESAME_MASTER_KEY": "q2+1NtVXcJt9d2X4n7QfKcH1aA9cR3Ww0e5yZbL6mUo="}  # one store, one key
    first = Sesame(os.path.join(tmpdir_path, "a"), database_url=database_url, env=env,
                   args=["--node-name", "mail-a", "--log-format", "json"]).start()
    second = Sesame(os.path.join(tmpdir_path, "b"), database_url=database_url, env=env,
                    args=["--node-name", "mail-b", "--inbound-address", f"127.0.0.1:{inbound}"]).start()
    try:
        binary = os.environ.get("SESAME_BIN", os.path.join(ROOT, ".build", "debug", "sesame"))
        deadline = time.time() + 20
        while True:
            out = subprocess.run([binary, "nodes", "--json", "--database-url", database_url], capture_output=True, text=True)
            assert out.returncode == 0, out.stderr
            nodes = {n["name"]: n for n in json.loads(out.stdout)["nodes"]}
            if {"mail-a", "mail-b"} <= set(nodes):
                break
            assert time.time() < deadline, nodes
            time.sleep(0.5)
        assert nodes["mail-a"]["running"] and nodes["mail-b"]["running"]
        assert f"inbound 127.0.0.1:{inbound}" in nodes["mail-b"]["doing"] and "inbound" not in nodes["mail-a"]["doing"]
        assert "delivery capture" in nodes["mail-a"]["doing"]
        text = subprocess.run([binary, "nodes", "--database-url", database_url], capture_output=True, text=True).stdout
        assert "mail-a" in text and "running" in text
        assert value(scrape(first), "sesame_node_info", node="mail-a") == 1
        assert value(scrape(second), "sesame_node_info", node="mail-b") == 1
    finally:
        assert first.stop() == 0, first.read_log()
        assert second.stop() == 0, second.read_log()
    records = [json.loads(line) for line in first.read_log().splitlines() if line.startswith("{")]
    assert records and all(r["node"] == "mail-a" for r in records)
