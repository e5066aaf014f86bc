"""Delivery for real, on loopback only: relay mode against aiosmtpd servers, retries, bounces, the
suppression list, the mailbox simulator, the queue commands, a SIGKILL during delivery, and two
nodes sharing one PostgreSQL queue."""
import email
import json
import os
import subprocess
import time

import pytest

from conftest import Sesame, create_database, free_port, smtp_password
from mailsinks import Sink
from delivery_helpers import engine_url, events, node, queue, send, show, states, tls_context, wait_until


def test_relay_with_starttls_and_auth_delivers_api_and_smtp_mail(tmpdir_path):
    context, cert = tls_context(tmpdir_path)
    sink = Sink(free_port(), tls_context=context, auth=("relayuser", "relay p@ss"), require_tls=True).start()
    n = node(tmpdir_path, "--delivery", "relay",
             "--relay-url", f"smtp://relayuser:relay%20p%40ss@127.0.0.1:{sink.port}", "--relay-ca-file", cert)
    try:
        api_id = send(n, ["one@example.net", "two@example.org"], subject="via the API")
        # And one through Sesame's own SMTP interface, with SMTP credentials.
        iam = n.root_client("iam")
        iam.create_user(UserName="smtp-user")
        iam.put_user_policy(UserName="smtp-user", PolicyName="send", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}]}))
        k = iam.create_access_key(UserName="smtp-user")["AccessKey"]
        s = n.smtp()
        s.login(k["AccessKeyId"], smtp_password(k["SecretAccessKey"]))
        refused = s.sendmail("sender@example.com", ["three@example.net"],
                             "From: sender@example.com\r\nTo: three@example.net\r\nSubject: via SMTP\r\n\r\n..two dots\r\n")
        assert refused == {}, refused
        s.quit()
        got = sink.wait_for(2)
        by_subject = {email.message_from_bytes(m["content"])["Subject"]: m for m in got}
        api = by_subject["via the API"]
        assert api["mail_from"] == "sender@example.com"
        assert sorted(api["rcpt_tos"]) == ["one@example.net", "two@example.org"]  # one transaction for both
        assert api["tls"] and api["authenticated"]
        assert b"\r\n.leading dot line" in api["content"]  # dot-stuffing undone by the receiver
        smtp_mail = by_subject["via SMTP"]
        assert smtp_mail["rcpt_tos"] == ["three@example.net"] and b"\r\n..two dots\r\n" in smtp_mail["content"]  # as written: smtplib stuffed, Sesame unstuffed, stuffed again
        assert sink.logins and all(ok for _, ok in sink.logins)
        shown = wait_until(n, api_id, lambda s: set(states(s).values()) == {"delivered"})
        assert all(r["lastReply"].startswith("250") for r in shown["recipients"])
        delivered = events(shown, "Delivery")
        assert sorted(r for e in delivered for r in e["recipients"]) == ["one@example.net", "two@example.org"]
    finally:
        assert n.stop() == 0
        sink.stop()


def test_relay_over_implicit_tls(tmpdir_path):
    context, cert = tls_context(tmpdir_path)
    sink = Sink(free_port(), implicit_tls=context).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtps://127.0.0.1:{sink.port}", "--relay-ca-file", cert)
    try:
        message_id = send(n, ["tls@example.net"])
        got = sink.wait_for(1)[0]
        assert got["rcpt_tos"] == ["tls@example.net"] and got["tls"]
        wait_until(n, message_id, lambda s: states(s) == {"tls@example.net": "delivered"})
    finally:
        assert n.stop() == 0
        sink.stop()


def test_relay_with_an_untrusted_certificate_is_retried_not_sent(tmpdir_path):
    context, _ = tls_context(tmpdir_path)
    sink = Sink(free_port(), implicit_tls=context).start()
    # No --relay-ca-file: the self-signed certificate is not trusted, so nothing is sent.
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtps://127.0.0.1:{sink.port}")
    try:
        message_id = send(n, ["tls@example.net"])
        shown = wait_until(n, message_id, lambda s: s["recipients"][0].get("lastReply"))
        assert states(shown) == {"tls@example.net": "queued"} and "certificate" in shown["recipients"][0]["lastReply"].lower()
        assert sink.messages == []
    finally:
        assert n.stop() == 0
        sink.stop()


def test_replies_injected_after_starttls_close_the_relay_connection(tmpdir_path):
    """A man in the middle answers STARTTLS with 220 and, in the same clear-text write, the
    post-TLS EHLO reply: the client must not take it, and closes without starting TLS."""
    import socket
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    port = listener.getsockname()[1]
    seen = []

    def fake_server():
        listener.settimeout(30)
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            f = conn.makefile("rb")
            conn.sendall(b"220 evil ESMTP\r\n")
            f.readline()  # EHLO
            conn.sendall(b"250-evil\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n")
            f.readline()  # STARTTLS
            conn.sendall(b"220 Go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")
            try:
                seen.append(conn.recv(4096))
            except OSError as e:
                seen.append(repr(e).encode())

    thread = threading.Thread(target=fake_server)
    thread.start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://user:pass@127.0.0.1:{port}")
    try:
        message_id = send(n, ["mitm@example.net"])
        shown = wait_until(n, message_id, lambda s: s["recipients"][0].get("lastReply"))
        assert states(shown) == {"mitm@example.net": "queued"}
        assert "injection" in shown["recipients"][0]["lastReply"]
        thread.join(timeout=20)
        # The client closed: no TLS ClientHello (or anything else) went out after the 220.
        assert seen == [b""]
    finally:
        assert n.stop() == 0
        listener.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_relay_temporary_failure_is_retried_then_delivered(tmpdir_path, engine):
    sink = Sink(free_port(), tempfail_first=2).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none", database_url=engine_url(engine))
    try:
        message_id = send(n, ["later@example.net"])
        shown = wait_until(n, message_id, lambda s: states(s) == {"later@example.net": "delivered"})
        assert shown["recipients"][0]["attempts"] == 3
        assert len(sink.messages) == 1 and sink.attempts == 3
        delays = events(shown, "DeliveryDelay")
        assert len(delays) == 1 and "451 4.3.0" in delays[0]["detail"]
        assert len(events(shown, "Delivery")) == 1
    finally:
        assert n.stop() == 0
        sink.stop()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_permanent_failure_bounces_and_suppresses_the_address(tmpdir_path, engine):
    sink = Sink(free_port(), reject=["gone@example.net"]).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none", database_url=engine_url(engine))
    try:
        first = send(n, ["gone@example.net", "here@example.net"])
        shown = wait_until(n, first, lambda s: "queued" not in states(s).values())
        assert states(shown) == {"gone@example.net": "bounced", "here@example.net": "delivered"}
        bounce = events(shown, "Bounce")[0]
        assert bounce["recipients"] == ["gone@example.net"]
        assert (bounce["type"], bounce["subType"]) == ("Permanent", "NoEmail")
        assert "550 5.1.1" in bounce["detail"]
        assert sink.wait_for(1)[0]["rcpt_tos"] == ["here@example.net"]
        # With no SNS topic for bounces, SES mails the report to the sender (feedback forwarding).
        deadline = time.time() + 20
        while time.time() < deadline and not [m for m in sink.messages if m["rcpt_tos"] == ["sender@example.com"]]:
            time.sleep(0.05)
        report = [m for m in sink.messages if m["rcpt_tos"] == ["sender@example.com"]][0]
        assert report["mail_from"] in ("", "<>")  # the null sender: reports never bounce back
        parsed = email.message_from_bytes(report["content"])
        assert parsed.get_content_type() == "multipart/report" and parsed.get_param("report-type") == "delivery-status"
        status = [p for p in parsed.walk() if p.get_content_type() == "message/delivery-status"][0]
        assert "gone@example.net" in status.as_string() and "5.1.1" in status.as_string()
        # SES puts hard-bounced addresses on the account's suppression list...
        sesv2 = n.root_client("sesv2")
        entry = sesv2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]
        assert entry["Reason"] == "BOUNCE"
        # ...and later sends to them are accepted but dropped, with a bounce event.
        second = send(n, ["gone@example.net"])
        shown = show(n, second)
        assert states(shown) == {"gone@example.net": "bounced"}
        assert events(shown, "Bounce")[0]["subType"] == "OnAccountSuppressionList"
        time.sleep(0.5)
        assert sink.refused == 1
        # Taken off the list, the address is tried again.
        sesv2.delete_suppressed_destination(EmailAddress="gone@example.net")
        third = send(n, ["gone@example.net"])
        wait_until(n, third, lambda s: states(s) == {"gone@example.net": "bounced"} and events(s, "Bounce"))
        assert sink.refused == 2
        # An account that suppresses only complaints keeps bounced addresses off the list...
        sesv2.delete_suppressed_destination(EmailAddress="gone@example.net")
        sesv2.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
        assert sesv2.get_account()["SuppressionAttributes"]["SuppressedReasons"] == ["COMPLAINT"]
        fourth = send(n, ["gone@example.net"])
        wait_until(n, fourth, lambda s: states(s) == {"gone@example.net": "bounced"} and events(s, "Bounce"))
        with pytest.raises(Exception) as absent:
            sesv2.get_suppressed_destination(EmailAddress="gone@example.net")
        assert "NotFoundException" in str(absent.value)
        # ...unless the message's configuration set suppresses bounces itself.
        sesv2.create_configuration_set(ConfigurationSetName="strict", SuppressionOptions={"SuppressedReasons": ["BOUNCE"]})
        fifth = n.root_client("ses").send_email(
            Source="sender@example.com", Destination={"ToAddresses": ["gone@example.net"]}, ConfigurationSetName="strict",
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})["MessageId"]
        wait_until(n, fifth, lambda s: states(s) == {"gone@example.net": "bounced"} and events(s, "Bounce"))
        assert sesv2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]["Reason"] == "BOUNCE"
    finally:
        assert n.stop() == 0
        sink.stop()


def test_temporary_failures_bounce_after_the_maximum_time(tmpdir_path):
    sink = Sink(free_port(), reject_all="421 4.4.2 come back later").start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none", "--retry-max-age", "1")
    try:
        message_id = send(n, ["slow@example.net"])
        shown = wait_until(n, message_id, lambda s: states(s) == {"slow@example.net": "bounced"})
        bounce = events(shown, "Bounce")[0]
        assert bounce["type"] == "Transient" and "421 4.4.2" in bounce["detail"]
        # A transient bounce does not suppress the address.
        with pytest.raises(Exception):
            n.root_client("sesv2").get_suppressed_destination(EmailAddress="slow@example.net")
    finally:
        assert n.stop() == 0
        sink.stop()


def test_mailbox_simulator_outcomes_in_capture_mode(tmpdir_path):
    n = node(tmpdir_path)  # capture: the default
    try:
        sim = "@simulator.amazonses.com"
        message_id = send(n, ["success" + sim, "bounce" + sim, "ooto" + sim, "complaint" + sim, "suppressionlist" + sim,
                              "kept@example.net"])
        shown = wait_until(n, message_id, lambda s: len(s["recipients"]) == 5 and "queued" not in states(s).values())
        assert states(shown) == {
            "success" + sim: "delivered", "bounce" + sim: "bounced", "ooto" + sim: "delivered",
            "complaint" + sim: "delivered", "suppressionlist" + sim: "bounced"}
        bounces = {e["recipients"][0]: e for e in events(shown, "Bounce")}
        assert (bounces["bounce" + sim]["type"], bounces["bounce" + sim]["subType"]) == ("Permanent", "General")
        assert bounces["suppressionlist" + sim]["subType"] == "OnAccountSuppressionList"
        assert [e["recipients"] for e in events(shown, "Complaint")] == [["complaint" + sim]]
        # Captured mail is kept, not queued; simulator bounces never reach the suppression list.
        assert n.captured(id=message_id)
        assert n.root_client("sesv2").list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
    finally:
        assert n.stop() == 0


def test_queue_commands_list_retry_and_delete(tmpdir_path):
    port = free_port()  # nothing listens here yet: connection refused
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{port}?tls=none",
             "--retry-initial", "3600")
    sink = None
    try:
        keep = send(n, ["keep@example.net"])
        drop = send(n, ["drop@example.net"])
        wait_until(n, keep, lambda s: s["recipients"][0]["attempts"] == 1 and s["recipients"][0].get("lastReply"))
        wait_until(n, drop, lambda s: s["recipients"][0]["attempts"] == 1 and s["recipients"][0].get("lastReply"))
        listing = queue(n, "list")
        assert listing.returncode == 0 and "queued: 2" in listing.stdout
        assert "keep@example.net" in listing.stdout and "refused" in listing.stdout.lower()
        lines = [json.loads(l) for l in queue(n, "list", "--json").stdout.splitlines()]
        assert {l["recipient"] for l in lines} == {"keep@example.net", "drop@example.net"}
        deleted = queue(n, "delete", drop)
        assert deleted.returncode == 0 and "Removed 1" in deleted.stdout
        assert queue(n, "delete", drop).returncode != 0
        sink = Sink(port).start()
        retried = queue(n, "retry", "--all")
        assert retried.returncode == 0 and "1 recipient will be tried again" in retried.stdout
        assert sink.wait_for(1)[0]["rcpt_tos"] == ["keep@example.net"]
        wait_until(n, keep, lambda s: states(s) == {"keep@example.net": "delivered"})
        assert queue(n, "show", "no-such-id").returncode != 0
    finally:
        assert n.stop() == 0
        if sink:
            sink.stop()


def test_sigkill_during_delivery_loses_nothing(tmpdir_path):
    sink = Sink(free_port(), delay=0.05).start()
    args = ["--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none", "--delivery-concurrency", "4",
            "--connections-per-destination", "4", "--delivery-lease", "3"]
    n = node(tmpdir_path, *args)
    total = 120
    ids = [send(n, [f"r{i}@example.net"], subject=f"n{i}") for i in range(total)]
    # Kill while deliveries are in flight.
    sink.wait_for(10, timeout=30)
    n.proc.kill()
    n.proc.wait()
    n.log.close()
    at_kill = len(sink.messages)
    assert at_kill < total, "the kill came too late to test anything"
    # The dead node's claims are taken over once their lease (3 s here) runs out.
    restarted = Sesame(n.data_dir, args=["--retry-initial", "0.3", "--max-send-rate=-1", *args])
    restarted.start()
    try:
        sink.wait_for(total, timeout=60)
        time.sleep(1)
        subjects = [email.message_from_bytes(m["content"])["Subject"] for m in sink.messages]
        assert set(subjects) == {f"n{i}" for i in range(total)}
        duplicates = len(subjects) - len(set(subjects))
        # Only what was in flight at the kill may arrive twice: at most 4 deliveries at a time.
        assert duplicates <= 4, duplicates
        for message_id in ids[:5] + ids[-5:]:
            wait_until(restarted, message_id, lambda s: set(states(s).values()) == {"delivered"})
    finally:
        assert restarted.stop() == 0
        sink.stop()


def test_two_nodes_on_one_postgres_queue_deliver_each_message_once(tmpdir_path):
    url = create_database()
    sink = Sink(free_port(), delay=0.01).start()
    args = ["--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none"]
    env = {"SESAME_MASTER_KEY": "q2+1NtVXcJt9d2X4n7QfKcH1aA9cR3Ww0e5yZbL6mUo="}
    first = Sesame(os.path.join(tmpdir_path, "one"), database_url=url, env=env, args=["--max-send-rate=-1", *args]).start()
    second = Sesame(os.path.join(tmpdir_path, "two"), database_url=url, env=env, args=["--max-send-rate=-1", *args]).start()
    try:
        creds = first.root_credentials()
        ses = first.root_client("ses")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        other = second.client("ses", creds["Access key ID"], creds["Secret access key"])
        total = 200
        for i in range(total):
            client = ses if i % 2 else other
            client.send_email(Source="sender@example.com", Destination={"ToAddresses": [f"r{i}@example.net"]},
                              Message={"Subject": {"Data": f"n{i}"}, "Body": {"Text": {"Data": "x"}}})
        sink.wait_for(total, timeout=60)
        time.sleep(1.5)
        subjects = [email.message_from_bytes(m["content"])["Subject"] for m in sink.messages]
        assert len(subjects) == total and set(subjects) == {f"n{i}" for i in range(total)}
        # Sessions are reused: at most 10 per node (--connections-per-destination), not one a message.
        assert sink.connections <= 20, sink.connections
        counts = subprocess.run(["psql", url.split("?")[0], "-At", "-c",
                                 "SELECT COUNT(*) FROM delivery_events WHERE kind = 'Delivery'"],
                                capture_output=True, text=True, check=True).stdout.strip()
        assert counts == str(total)
    finally:
        assert first.stop() == 0
        assert second.stop() == 0
        sink.stop()


def test_verification_mail_is_delivered_in_relay_mode(tmpdir_path):
    sink = Sink(free_port()).start()
    n = Sesame(os.path.join(tmpdir_path, "data"),
               args=["--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none", "--identity-verification", "email"])
    n.start()
    try:
        n.root_client("ses").verify_email_identity(EmailAddress="new-sender@example.net")
        got = sink.wait_for(1)[0]
        assert got["rcpt_tos"] == ["new-sender@example.net"]
        import email.policy
        mail = email.message_from_bytes(got["content"], policy=email.policy.default)
        assert "Email Address Verification Request" in mail["Subject"]
        assert "/_sesame/verify-identity" in mail.get_body().get_content()
    finally:
        assert n.stop() == 0
        sink.stop()
