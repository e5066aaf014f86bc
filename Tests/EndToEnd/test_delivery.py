"""Delivery for real, on loopback only: relay and MX modes against aiosmtpd servers, a dnslib
DNS server for MX lookups, retries, bounces, the suppression list, the mailbox simulator, the
queue commands, a SIGKILL during delivery, and two nodes sharing one PostgreSQL queue."""
import email
import json
import os
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import SESAME_BIN, Sesame, create_database, free_port, smtp_password
from mailsinks import DNS, Sink


def node(tmpdir, *args, database_url=None, name="data"):
    n = Sesame(os.path.join(tmpdir, name), database_url=database_url,
               args=["--retry-initial", "0.3", "--max-send-rate=-1", *args])
    n.start()
    ses = n.root_client("ses")
    ses.verify_email_identity(EmailAddress="sender@example.com")
    return n


def send(n, to, subject="hello", text="Hello there.\n.leading dot line\n"):
    ses = n.root_client("ses")
    return ses.send_email(
        Source="sender@example.com", Destination={"ToAddresses": list(to)},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}})["MessageId"]


def queue(n, *args):
    cmd = [SESAME_BIN, "queue", *args, "--data-dir", n.data_dir]
    if n.database_url:
        cmd += ["--database-url", n.database_url]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p


def show(n, message_id):
    p = queue(n, "show", message_id, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def wait_until(n, message_id, done, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        shown = show(n, message_id)
        if done(shown):
            return shown
        time.sleep(0.1)
    raise AssertionError(f"message {message_id} did not get there: {json.dumps(shown, indent=1)}\n{n.read_log()[-3000:]}")


def states(shown):
    return {r["recipient"]: r["state"] for r in shown["recipients"]}


def events(shown, kind=None):
    return [e for e in shown["events"] if kind is None or e["eventType"] == kind]


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 (IP SAN), for a TLS-speaking test relay."""
    cert, key = os.path.join(directory, "relay.pem"), os.path.join(directory, "relay.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=relay.test",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def tls_context(tmpdir_path):
    """A server TLS context with a fresh self-signed certificate; returns (context, certificate path)."""
    import ssl
    cert, key = make_certificate(tmpdir_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


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
        reply = s.sendmail("sender@example.com", ["three@example.net"],
                           "From: sender@example.com\r\nTo: three@example.net\r\nSubject: via SMTP\r\n\r\n..two dots\r\n")
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


def engine_url(engine):
    return create_database() if engine == "postgres" else None


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


def test_mx_delivery_follows_dns_preference_implicit_mx_null_mx_and_routes(tmpdir_path):
    # The MX host accepts most mail, greylists one recipient (451, then accepts) and refuses one (550).
    sink = Sink(free_port(), tempfail_once=["later@example.net"], reject=["gone@example.net"]).start()
    # The routed host offers STARTTLS: MX delivery takes it (opportunistic TLS, no certificate check).
    context, _ = tls_context(tmpdir_path)
    routed = Sink(free_port(), tls_context=context).start()
    dns = DNS(free_port(), {
        # Preference 5 has no address, so the next exchanger is used.
        "example.net": {"MX": [(10, "mx1.example.net"), (5, "noaddress.example.net")]},
        "mx1.example.net": {"A": ["127.0.0.1"]},
        "noaddress.example.net": {},
        # No MX: the domain's own address is the implicit MX.
        "plain.example": {"A": ["127.0.0.1"]},
        # RFC 7505 null MX: takes no mail.
        "nomail.example": {"MX": [(0, ".")]},
    }).start()
    n = node(tmpdir_path, "--delivery", "mx", "--dns-server", f"127.0.0.1:{dns.port}",
             "--mx-port", str(sink.port), "--route", f"routed.example=127.0.0.1:{routed.port}")
    try:
        ids = {
            "mx": send(n, ["a@example.net", "b@example.net"]),
            "implicit": send(n, ["c@plain.example"]),
            "null": send(n, ["d@nomail.example"]),
            "nxdomain": send(n, ["e@nowhere.example"]),
            "routed": send(n, ["f@routed.example"]),
            "mixed": send(n, ["later@example.net", "gone@example.net"]),
        }
        got = sink.wait_for(3)
        assert sorted(sorted(m["rcpt_tos"]) for m in got) == [["a@example.net", "b@example.net"], ["c@plain.example"], ["later@example.net"]]
        mixed = wait_until(n, ids["mixed"], lambda s: states(s) == {"later@example.net": "delivered", "gone@example.net": "bounced"})
        later = [r for r in mixed["recipients"] if r["recipient"] == "later@example.net"][0]
        assert later["attempts"] == 2 and len(events(mixed, "DeliveryDelay")) == 1
        assert events(mixed, "Bounce")[0]["recipients"] == ["gone@example.net"]
        routed_mail = routed.wait_for(1)[0]
        assert routed_mail["rcpt_tos"] == ["f@routed.example"] and routed_mail["tls"]
        assert not got[0]["tls"]  # the other MX host offers no STARTTLS: plain text, as MTAs do
        for key in ("mx", "implicit", "routed"):
            wait_until(n, ids[key], lambda s: set(states(s).values()) == {"delivered"})
        null = wait_until(n, ids["null"], lambda s: states(s) == {"d@nomail.example": "bounced"})
        assert "null MX" in events(null, "Bounce")[0]["detail"]
        nx = wait_until(n, ids["nxdomain"], lambda s: states(s) == {"e@nowhere.example": "bounced"})
        assert "NXDOMAIN" in events(nx, "Bounce")[0]["detail"]
        assert ("example.net", "MX") in dns.queries and ("mx1.example.net", "A") in dns.queries
        assert not any(name == "routed.example" for name, _ in dns.queries)
    finally:
        assert n.stop() == 0
        sink.stop()
        routed.stop()
        dns.stop()


def test_tls_policy_require_sends_over_tls_or_not_at_all(tmpdir_path):
    """A configuration set with TlsPolicy REQUIRE: mail goes to a host that offers STARTTLS
    encrypted, and waits (deferred, never sent in clear) for one that does not; the same plain
    host still takes mail without the set, over a session of its own."""
    plain = Sink(free_port()).start()
    context, _ = tls_context(tmpdir_path)
    secure = Sink(free_port(), tls_context=context).start()
    n = node(tmpdir_path, "--delivery", "mx", "--route", f"plain.example=127.0.0.1:{plain.port}",
             "--route", f"secure.example=127.0.0.1:{secure.port}")
    try:
        v2 = n.root_client("sesv2")
        v2.create_configuration_set(ConfigurationSetName="strict", DeliveryOptions={"TlsPolicy": "REQUIRE"})
        def strict(to):
            return v2.send_email(FromEmailAddress="sender@example.com", Destination={"ToAddresses": [to]}, ConfigurationSetName="strict",
                                 Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "secret"}}}})["MessageId"]
        held = strict("a@plain.example")
        encrypted = strict("b@secure.example")
        clear = send(n, ["c@plain.example"])
        wait_until(n, encrypted, lambda s: states(s) == {"b@secure.example": "delivered"})
        assert secure.wait_for(1)[0]["tls"]
        wait_until(n, clear, lambda s: states(s) == {"c@plain.example": "delivered"})
        shown = wait_until(n, held, lambda s: s["recipients"][0]["attempts"] >= 1)
        assert states(shown) == {"a@plain.example": "queued"}
        assert "does not offer STARTTLS, and TLS is required" in shown["recipients"][0]["lastReply"]
        assert [m["rcpt_tos"] for m in plain.messages] == [["c@plain.example"]]
    finally:
        assert n.stop() == 0
        plain.stop()
        secure.stop()


def test_dedicated_ips_are_the_source_addresses_of_their_pools_mail(tmpdir_path):
    """--source-address offers local addresses as dedicated IPs; a configuration set's sending
    pool decides which one mail leaves from (mx mode), others leave from the host's own."""
    sink = Sink(free_port()).start()
    n = node(tmpdir_path, "--delivery", "mx", "--route", f"example.net=127.0.0.1:{sink.port}",
             "--source-address", "127.0.0.2", "--source-address", "127.0.0.3")
    try:
        v2 = n.root_client("sesv2")
        listed = v2.get_dedicated_ips()["DedicatedIps"]
        assert listed == [{"Ip": ip, "WarmupStatus": "DONE", "WarmupPercentage": 100, "PoolName": "ses-default-dedicated-pool"}
                          for ip in ("127.0.0.2", "127.0.0.3")]
        v2.create_dedicated_ip_pool(PoolName="transactional")
        v2.put_dedicated_ip_in_pool(Ip="127.0.0.3", DestinationPoolName="transactional")
        v2.put_dedicated_ip_warmup_attributes(Ip="127.0.0.3", WarmupPercentage=40)
        assert v2.get_dedicated_ip(Ip="127.0.0.3")["DedicatedIp"] == {
            "Ip": "127.0.0.3", "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 40, "PoolName": "transactional"}
        assert [ip["Ip"] for ip in v2.get_dedicated_ips(PoolName="transactional")["DedicatedIps"]] == ["127.0.0.3"]
        with pytest.raises(ClientError) as missing:
            v2.put_dedicated_ip_in_pool(Ip="127.0.0.3", DestinationPoolName="nope")
        assert missing.value.response["Error"]["Code"] == "NotFoundException"
        v2.create_configuration_set(ConfigurationSetName="tx", DeliveryOptions={"SendingPoolName": "transactional"})
        pooled = v2.send_email(FromEmailAddress="sender@example.com", Destination={"ToAddresses": ["a@example.net"]},
                               ConfigurationSetName="tx",
                               Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}})["MessageId"]
        plain = send(n, ["b@example.net"])
        for message_id in (pooled, plain):
            wait_until(n, message_id, lambda s: set(states(s).values()) == {"delivered"})
        peers = {m["rcpt_tos"][0]: m["peer"] for m in sink.wait_for(2)}
        assert peers == {"a@example.net": "127.0.0.3", "b@example.net": "127.0.0.1"}
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
        got = sink.wait_for(total, timeout=60)
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


def dkim_dns(node, domain, region="us-east-1"):
    """What a DNS zone would answer for Sesame's published DKIM records."""
    import urllib.request
    with urllib.request.urlopen(f"{node.endpoint}/_aws/ses/dkim?domain={domain}&region={region}") as r:
        records = {rec["name"] + ".": rec["value"] for rec in json.load(r)["records"]}
    return lambda name, timeout=5: records.get(name.decode()).encode() if name.decode() in records else None


def test_dkim_signatures_verify_with_dkimpy(tmpdir_path):
    import dkim
    sink = Sink(free_port()).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none")
    try:
        sesv2 = n.root_client("sesv2")
        created = sesv2.create_email_identity(EmailIdentity="example.com")["DkimAttributes"]
        assert created["SigningEnabled"] and created["SigningAttributesOrigin"] == "AWS_SES" and len(created["Tokens"]) == 3
        attributes = sesv2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
        assert attributes["CurrentSigningKeyLength"] == "RSA_2048_BIT" and attributes["Tokens"] == created["Tokens"]
        dns = dkim_dns(n, "example.com")

        # A raw message that stresses relaxed canonicalization: folded headers, runs of spaces,
        # trailing whitespace and empty lines at the end of the body, a leading dot, an LF-only line.
        raw = ("From: Sender <sender@example.com>\r\nTo: rcpt@example.net\r\nSubject:   a   folded\r\n\tsubject  line \r\n"
               "Date: Mon, 23 Nov 2026 06:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
               "Hello  world   \r\n.dot line\nbare LF above\r\n\r\n\r\n")
        ses = n.root_client("ses")
        ses.send_raw_email(RawMessage={"Data": raw.encode()})
        send(n, ["other@example.net"], subject="simple")
        got = sink.wait_for(2)
        for message in got:
            assert message["content"].startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=")
            assert dkim.verify(message["content"], dnsfunc=dns), message["content"][:600]
            # And a change in transit is caught.
            assert not dkim.verify(message["content"].replace(b"example.net", b"example.org"), dnsfunc=dns)

        # Bring your own key (BYODKIM): made with openssl, published by its owner.
        subprocess.run(["openssl", "genrsa", "-out", os.path.join(tmpdir_path, "byo.pem"), "2048"], check=True, capture_output=True)
        der = subprocess.run(["openssl", "rsa", "-in", os.path.join(tmpdir_path, "byo.pem"), "-outform", "DER"],
                             check=True, capture_output=True).stdout
        public = subprocess.run(["openssl", "rsa", "-in", os.path.join(tmpdir_path, "byo.pem"), "-pubout", "-outform", "DER"],
                                check=True, capture_output=True).stdout
        import base64
        sesv2.create_email_identity(EmailIdentity="byo.example")
        put = sesv2.put_email_identity_dkim_signing_attributes(
            EmailIdentity="byo.example", SigningAttributesOrigin="EXTERNAL",
            SigningAttributes={"DomainSigningSelector": "mail2026", "DomainSigningPrivateKey": base64.b64encode(der).decode()})
        assert put["DkimTokens"] == ["mail2026"]
        owner_dns = {b"mail2026._domainkey.byo.example.": b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)}
        ses.send_raw_email(RawMessage={"Data": b"From: x@byo.example\r\nTo: r@example.net\r\nSubject: byo\r\n\r\nbody\r\n"},
                           Source="sender@example.com")
        byo = sink.wait_for(3)[2]["content"]
        assert b"d=byo.example; s=mail2026;" in byo
        assert dkim.verify(byo, dnsfunc=lambda name, timeout=5: owner_dns.get(name))
        assert sesv2.get_email_identity(EmailIdentity="byo.example")["DkimAttributes"]["SigningAttributesOrigin"] == "EXTERNAL"
        with pytest.raises(Exception) as bad:
            sesv2.put_email_identity_dkim_signing_attributes(
                EmailIdentity="byo.example", SigningAttributesOrigin="EXTERNAL",
                SigningAttributes={"DomainSigningSelector": "s", "DomainSigningPrivateKey": "bm90IGEga2V5"})
        assert "not a valid RSA private key" in str(bad.value)
        # The same key given at creation (DkimSigningAttributes) is used, not an Easy DKIM key.
        created = sesv2.create_email_identity(
            EmailIdentity="byo2.example", DkimSigningAttributes={"DomainSigningSelector": "sel2", "DomainSigningPrivateKey": base64.b64encode(der).decode()})
        assert created["DkimAttributes"]["SigningAttributesOrigin"] == "EXTERNAL"
        assert created["DkimAttributes"]["Tokens"] == ["sel2"]
        assert sesv2.get_email_identity(EmailIdentity="byo2.example")["DkimAttributes"]["SigningAttributesOrigin"] == "EXTERNAL"

        # Signing turned off: mail goes out unsigned.
        sesv2.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=False)
        send(n, ["third@example.net"], subject="unsigned")
        unsigned = sink.wait_for(4)[3]["content"]
        assert b"DKIM-Signature" not in unsigned
    finally:
        assert n.stop() == 0
        sink.stop()


DSN = """From: MAILER-DAEMON@mx.example.net\r
To: {rcpt}\r
Subject: Undelivered Mail Returned to Sender\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"\r
\r
--dsn-boundary\r
Content-Type: text/plain\r
\r
The mail system could not deliver your message.\r
--dsn-boundary\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx.example.net\r
\r
Final-Recipient: rfc822; {failed}\r
Action: failed\r
Status: 5.1.1\r
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown\r
\r
--dsn-boundary--\r
"""

ARF = """From: fbl@isp.example\r
To: {rcpt}\r
Subject: Abuse report\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=feedback-report; boundary="arf"\r
\r
--arf\r
Content-Type: text/plain\r
\r
This is an email abuse report.\r
--arf\r
Content-Type: message/feedback-report\r
\r
Feedback-Type: abuse\r
User-Agent: ExampleFBL/1.0\r
Version: 1\r
Original-Rcpt-To: {complainer}\r
\r
--arf--\r
"""


def test_bounce_domain_takes_dsn_and_arf_reports_without_auth(tmpdir_path):
    import smtplib
    sink = Sink(free_port()).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none",
             "--bounce-domain", "bounces.example.com")
    try:
        first = send(n, ["accepted-then-bounced@example.net"])
        second = send(n, ["reader@example.org"])
        got = sink.wait_for(2)
        # The envelope sender names the message, under the bounce domain.
        assert sorted(m["mail_from"] for m in got) == sorted([f"{first}@bounces.example.com", f"{second}@bounces.example.com"])
        wait_until(n, first, lambda s: states(s) == {"accepted-then-bounced@example.net": "delivered"})

        # The remote MTA later bounces the first message: a DSN to its envelope sender, no login.
        s = smtplib.SMTP("127.0.0.1", n.smtp_port, local_hostname="mx.example.net", timeout=10)
        s.ehlo()
        s.sendmail("", [f"{first}@bounces.example.com"], DSN.format(rcpt=f"{first}@bounces.example.com", failed="accepted-then-bounced@example.net"))
        # An abuse report about the second.
        s.sendmail("", [f"{second}@bounces.example.com"], ARF.format(rcpt=f"{second}@bounces.example.com", complainer="reader@example.org"))
        # Anything else to the bounce domain is refused, and other domains need AUTH.
        with pytest.raises(smtplib.SMTPDataError) as plain:
            s.sendmail("", [f"{first}@bounces.example.com"], "Subject: hi\r\n\r\njust mail\r\n")
        assert plain.value.smtp_code == 554 and b"feedback reports" in plain.value.smtp_error
        with pytest.raises(smtplib.SMTPRecipientsRefused) as relay:
            s.sendmail("", ["someone@example.net"], "Subject: hi\r\n\r\nx\r\n")
        assert relay.value.recipients["someone@example.net"][0] == 530
        s.quit()

        bounced = wait_until(n, first, lambda s: events(s, "Bounce"))
        bounce = events(bounced, "Bounce")[0]
        assert (bounce["type"], bounce["subType"], bounce["recipients"]) == ("Permanent", "NoEmail", ["accepted-then-bounced@example.net"])
        assert "User unknown" in bounce["detail"]
        complained = wait_until(n, second, lambda s: events(s, "Complaint"))
        complaint = events(complained, "Complaint")[0]
        assert complaint["recipients"] == ["reader@example.org"] and complaint["type"] == "abuse"
        sesv2 = n.root_client("sesv2")
        assert sesv2.get_suppressed_destination(EmailAddress="accepted-then-bounced@example.net")["SuppressedDestination"]["Reason"] == "BOUNCE"
        assert sesv2.get_suppressed_destination(EmailAddress="reader@example.org")["SuppressedDestination"]["Reason"] == "COMPLAINT"
    finally:
        assert n.stop() == 0
        sink.stop()


def test_custom_mail_from_domain_is_the_envelope_sender_and_takes_reports(tmpdir_path):
    """SES's custom MAIL FROM: the envelope sender is MESSAGE-ID@mail-from-domain (SPF and DMARC
    align with it), and a DSN sent back there is taken without AUTH, also after a restart (the
    node loads the domains before it sends anything)."""
    import smtplib
    sink = Sink(free_port()).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none")
    try:
        n.root_client("ses").set_identity_mail_from_domain(Identity="sender@example.com", MailFromDomain="bounce.example.com")
        first = send(n, ["reader@example.net"])
        [got] = sink.wait_for(1)
        assert got["mail_from"] == f"{first}@bounce.example.com"
        wait_until(n, first, lambda s: states(s) == {"reader@example.net": "delivered"})
        assert n.stop() == 0
        n.start()
        s = smtplib.SMTP("127.0.0.1", n.smtp_port, local_hostname="mx.example.net", timeout=10)
        s.ehlo()
        s.sendmail("", [f"{first}@bounce.example.com"], DSN.format(rcpt=f"{first}@bounce.example.com", failed="reader@example.net"))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as other:
            s.sendmail("", ["someone@example.com"], "Subject: hi\r\n\r\nx\r\n")
        assert other.value.recipients["someone@example.com"][0] == 530
        s.quit()
        bounced = wait_until(n, first, lambda s: events(s, "Bounce"))
        assert events(bounced, "Bounce")[0]["recipients"] == ["reader@example.net"]
    finally:
        assert n.stop() == 0
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
