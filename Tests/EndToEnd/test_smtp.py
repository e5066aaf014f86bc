"""The SMTP interface driven by real clients: Python smtplib (STARTTLS and implicit TLS), swaks and
openssl s_client, with SMTP passwords derived in the test by an independent implementation of AWS's
algorithm (conftest.smtp_password)."""
import json
import os
import smtplib
import socket
import subprocess
import time

import pytest

from conftest import SESAME_BIN, Sesame, smtp_password
from smtp_helpers import auth_failures, base64_plain, send, smtp_user, verify


def test_starttls_v4_password_delivers_with_the_stored_message_id(sesame):
    key, secret, arn = smtp_user(sesame)
    verify(sesame, "example.com")
    s = sesame.smtp("starttls")
    # SES's EHLO after TLS: SIZE, 8BITMIME, PIPELINING, AUTH; no STARTTLS any more.
    assert s.has_extn("auth") and s.has_extn("pipelining") and s.has_extn("8bitmime")
    assert not s.has_extn("starttls")
    assert s.esmtp_features["size"] == str(40 * 1024 * 1024)
    code, reply = s.login(key, smtp_password(secret, "us-east-1"))
    assert (code, reply) == (235, b"Authentication successful.")
    code, reply = send(s, "app@example.com", "someone@example.net", subject="over STARTTLS")
    assert code == 250
    text = reply.decode()
    assert text.startswith("Ok ")
    message_id = text[3:]
    assert len(message_id) == 60 and message_id.endswith("-000000")
    s.quit()
    captured = sesame.captured(id=message_id)
    assert len(captured) == 1
    entry = captured[0]
    assert entry["Via"] == "SMTP" and entry["Principal"] == arn and entry["Region"] == "us-east-1"
    assert entry["Subject"] == "over STARTTLS"
    assert entry["Destination"]["ToAddresses"] == ["someone@example.net"]
    # Dot-stuffing undone: the line that began with a dot arrives as written.
    assert "\r\n.leading dot\r\n" in entry["RawData"]
    # It counts against the same quota as the API.
    assert sesame.root_client("ses").get_send_quota()["SentLast24Hours"] == 1.0


def test_implicit_tls_with_a_version_2_password(sqlite_sesame):
    node = sqlite_sesame
    key, secret, _ = smtp_user(node)
    verify(node, "sender@example.com")
    s = node.smtp("implicit")
    assert not s.has_extn("starttls") and s.has_extn("auth")
    s.login(key, smtp_password(secret, version=2))
    code, reply = send(s, "sender@example.com", ["a@example.net", "b@example.net"])
    assert code == 250 and reply.startswith(b"Ok ")
    s.quit()
    entry = node.captured(id=reply.decode()[3:])[0]
    assert entry["Via"] == "SMTP"


def test_v4_password_picks_the_region(sesame):
    """The node serves us-east-1 and eu-west-1: a password for eu-west-1 acts in eu-west-1."""
    key, secret, _ = smtp_user(sesame)
    verify(sesame, "eu@example.com", region="eu-west-1")
    verify(sesame, "us@example.com", region="us-east-1")
    s = sesame.smtp()
    s.login(key, smtp_password(secret, "eu-west-1"))
    code, reply = send(s, "eu@example.com", "x@example.net")
    assert code == 250
    assert sesame.captured(id=reply.decode()[3:])[0]["Region"] == "eu-west-1"
    code, reply = send(s, "us@example.com", "x@example.net")
    assert (code, reply.decode()) == (
        554, "Message rejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: us@example.com")
    s.quit()


def test_auth_only_after_tls_and_mail_only_after_auth(sqlite_sesame):
    s = sqlite_sesame.smtp(tls=None)
    assert s.has_extn("starttls") and not s.has_extn("auth")
    assert s.docmd("AUTH", "LOGIN") == (530, b"Must issue a STARTTLS command first")
    assert s.docmd("AUTH", "PLAIN AGEAYg==") == (530, b"Must issue a STARTTLS command first")
    assert s.mail("a@example.com") == (530, b"Authentication required")
    s.quit()
    s = sqlite_sesame.smtp("starttls")
    assert s.mail("a@example.com") == (530, b"Authentication required")
    s.quit()


def test_failed_logins_get_535_and_a_recorded_diagnosis(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--smtp-auth-failure-limit", "100"]).start()
    try:
        key, secret, _ = smtp_user(node, name="mailer")
        inactive_key = node.root_client("iam").create_access_key(UserName="mailer")["AccessKey"]
        node.root_client("iam").update_access_key(UserName="mailer", AccessKeyId=inactive_key["AccessKeyId"], Status="Inactive")
        gone_key, gone_secret, _ = smtp_user(node, name="departed")
        node.root_client("iam").delete_access_key(UserName="departed", AccessKeyId=gone_key)
        attempts = [
            ("AKIAUNKNOWNKEY000000", smtp_password(secret), "unknown-access-key"),
            ("mailer", smtp_password(secret), "iam-user-name-used"),
            ("root@sesame.localhost", smtp_password(secret), "root-email-used"),
            (key, secret, "secret-access-key-used"),
            (key, smtp_password(secret, "ap-southeast-2"), "region-not-served"),
            (inactive_key["AccessKeyId"], smtp_password(inactive_key["SecretAccessKey"]), "inactive-access-key"),
            (gone_key, smtp_password(gone_secret), "deleted-access-key"),
            (key, smtp_password("x" * 40), "wrong-password"),
            # The secret pasted into the user-name field: recorded only as a fingerprint.
            (secret, smtp_password(secret), "unknown-access-key"),
            (key, "hunter2", "not-an-smtp-password"),
        ]
        for username, password, _ in attempts:
            s = node.smtp()
            s.user, s.password = username, password
            with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
                s.auth("PLAIN", s.auth_plain)  # one mechanism, one attempt (login() would try LOGIN too)
            # The wire reply never tells which mistake it was.
            assert (failure.value.smtp_code, failure.value.smtp_error) == (535, b"Authentication Credentials Invalid")
            s.close()
        recorded = auth_failures(node)
        assert sorted(r["diagnosis"] for r in recorded) == sorted(a[2] for a in attempts)
        by_diagnosis = {r["diagnosis"]: r for r in recorded}
        assert by_diagnosis["region-not-served"]["detail"] == "ap-southeast-2"
        assert "ap-southeast-2" in by_diagnosis["region-not-served"]["explanation"]
        assert by_diagnosis["iam-user-name-used"]["userName"] == "mailer"
        assert by_diagnosis["deleted-access-key"]["userName"] == "departed"
        assert by_diagnosis["wrong-password"]["accessKeyId"] == key
        assert all(r["source"] == "127.0.0.1" for r in recorded)
        assert not any(secret in json.dumps(r) for r in recorded)
        assert any(r["username"].startswith("[not kept: 40 characters, SHA-256 ") for r in recorded)
        assert {r["diagnosis"] for r in auth_failures(node, "--user", "departed")} == {"deleted-access-key"}
        # The readable form names the mistake.
        text = subprocess.run([SESAME_BIN, "auth-failures", "--data-dir", node.data_dir, "--limit", "1"],
                              capture_output=True, text=True, check=True).stdout
        assert "not-an-smtp-password" in text and "44 characters" in text
        # Secrets are never recorded.
        assert secret not in json.dumps(recorded)
    finally:
        assert node.stop() == 0


def test_deleting_the_user_ends_its_smtp_credentials_at_once_and_new_keys_rotate(sesame):
    key, secret, _ = smtp_user(sesame, name="rotating")
    verify(sesame, "example.com")
    s = sesame.smtp()
    s.login(key, smtp_password(secret))
    assert send(s, "a@example.com", "b@example.net")[0] == 250
    # Rotation: a new key is a new password; the old one goes away.
    iam = sesame.root_client("iam")
    new = iam.create_access_key(UserName="rotating")["AccessKey"]
    iam.delete_access_key(UserName="rotating", AccessKeyId=key)
    # The session that logged in with the deleted key can send no more.
    code, _ = s.mail("a@example.com")
    assert code == 250
    s.rcpt("b@example.net")
    assert s.data(b"Subject: x\r\n\r\nx\r\n") == (535, b"Authentication Credentials Invalid")
    s.close()
    s = sesame.smtp()
    with pytest.raises(smtplib.SMTPAuthenticationError):
        s.login(key, smtp_password(secret))
    s.close()
    s = sesame.smtp()
    s.login(new["AccessKeyId"], smtp_password(new["SecretAccessKey"]))
    assert send(s, "a@example.com", "b@example.net")[0] == 250
    s.quit()
    # Deleting the user (with its key and policy) ends the credentials.
    iam.delete_access_key(UserName="rotating", AccessKeyId=new["AccessKeyId"])
    iam.delete_user_policy(UserName="rotating", PolicyName="AmazonSesSendingAccess")
    iam.delete_user(UserName="rotating")
    s = sesame.smtp()
    with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
        s.login(new["AccessKeyId"], smtp_password(new["SecretAccessKey"]))
    assert failure.value.smtp_code == 535
    s.close()


def test_policies_decide_with_ses_condition_keys(sesame):
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*",
        "Condition": {"StringEquals": {"ses:FromAddress": "allowed@example.com"},
                      "ForAllValues:StringLike": {"ses:Recipients": "*@example.net"}}}]}
    key, secret, arn = smtp_user(sesame, name="limited", policy=policy)
    verify(sesame, "example.com")
    s = sesame.smtp()
    s.login(key, smtp_password(secret))
    assert send(s, "allowed@example.com", "ok@example.net")[0] == 250
    code, reply = send(s, "other@example.com", "ok@example.net")
    assert (code, reply.decode()) == (
        554, f"Access denied: User `{arn}' is not authorized to perform `ses:SendRawEmail' on resource "
             f"`arn:aws:ses:us-east-1:{account}:identity/other@example.com'")
    assert send(s, "allowed@example.com", "elsewhere@example.org")[0] == 554
    s.quit()
    # A user without any SES permission is refused the same way.
    iam = sesame.root_client("iam")
    iam.create_user(UserName="nothing")
    bare = iam.create_access_key(UserName="nothing")["AccessKey"]
    s = sesame.smtp()
    s.login(bare["AccessKeyId"], smtp_password(bare["SecretAccessKey"]))
    code, reply = send(s, "allowed@example.com", "ok@example.net")
    assert code == 554 and reply.startswith(b"Access denied: User `arn:aws:iam::")
    s.quit()


def test_ses_limits_and_texts(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"),
                  args=["--max-message-size", "4096", "--max-send-rate", "2", "--max-24-hour-send", "4"]).start()
    try:
        key, secret, _ = smtp_user(node)
        verify(node, "example.com")
        s = node.smtp()
        s.login(key, smtp_password(secret))
        assert s.esmtp_features["size"] == "4096"
        # Declared size over the limit, then an actual body over it.
        assert s.mail("a@example.com", ["SIZE=5000"]) == (552, b"Message is too long.")
        s.mail("a@example.com")
        s.rcpt("b@example.net")
        assert s.data(b"Subject: big\r\n\r\n" + b"x" * 5000 + b"\r\n") == (552, b"Message is too long.")
        # 51 recipients: SES's text, before the body is sent.
        s.mail("a@example.com")
        for i in range(51):
            assert s.rcpt(f"r{i}@example.net")[0] == 250
        assert s.docmd("DATA") == (554, b"Transaction failed: Recipient count exceeds 50.")
        # Unverified sender.
        code, reply = send(s, "a@unverified.example", "b@example.net")
        assert (code, reply.decode()) == (
            554, "Message rejected: Email address is not verified. The following identities failed the check in region US-EAST-1: a@unverified.example")
        # Addresses.
        assert s.mail("not-an-address") == (553, b"<not-an-address> Invalid email address")
        s.mail("a@example.com")
        assert s.rcpt("nobody") == (553, b"<nobody> address unknown")
        s.rset()
        # Rate (2 recipients a second), then the 24-hour quota (4 recipients).
        assert send(s, "a@example.com", ["1@example.net", "2@example.net"])[0] == 250
        assert send(s, "a@example.com", "3@example.net") == (454, b"Throttling failure: Maximum sending rate exceeded.")
        time.sleep(1.1)
        assert send(s, "a@example.com", ["3@example.net", "4@example.net"])[0] == 250
        time.sleep(1.1)
        assert send(s, "a@example.com", "5@example.net") == (454, b"Throttling failure: Daily message quota exceeded.")
        s.quit()
        assert len(node.captured()) == 2
    finally:
        assert node.stop() == 0


def test_sandbox_requires_verified_recipients(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--sandbox"]).start()
    try:
        key, secret, _ = smtp_user(node)
        verify(node, "a@example.com")
        s = node.smtp()
        s.login(key, smtp_password(secret))
        code, reply = send(s, "a@example.com", "stranger@example.net")
        assert code == 554 and reply.endswith(b"region US-EAST-1: stranger@example.net")
        assert send(s, "a@example.com", "success@simulator.amazonses.com")[0] == 250
        s.quit()
    finally:
        assert node.stop() == 0


def test_swaks_starttls_and_implicit_tls(sqlite_sesame):
    node = sqlite_sesame
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    for mode in (["--tls"], ["--tlsc"]):
        port = node.smtp_port if mode == ["--tls"] else node.smtps_port
        p = subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{port}", "--from", "app@example.com", "--to", "user@example.net",
             *mode, "--tls-verify", "--tls-ca-path", node.certificate, "--tls-sni", "localhost",
             "--auth", "LOGIN", "--auth-user", key, "--auth-password", smtp_password(secret),
             "--header", f"Subject: swaks {mode[0]}"],
            capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "<~  235 Authentication successful." in p.stdout
        assert "<~  250 Ok 0" in p.stdout
    assert sorted(m["Subject"] for m in node.captured()) == ["swaks --tls", "swaks --tlsc"]
    # swaks with AUTH PLAIN and a wrong password sees SES's 535.
    p = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{node.smtp_port}", "--from", "app@example.com", "--to", "user@example.net",
         "--tls", "--tls-ca-path", node.certificate, "--auth", "PLAIN", "--auth-user", key, "--auth-password", "nope"],
        capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "535 Authentication Credentials Invalid" in p.stdout


def test_openssl_s_client_session(sqlite_sesame):
    node = sqlite_sesame
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    script = (f"EHLO openssl.test\nAUTH PLAIN {base64_plain(key, smtp_password(secret)).decode()}\n"
              "MAIL FROM:<app@example.com>\nRCPT TO:<user@example.net>\nDATA\nSubject: via openssl\n\nhello\n.\nQUIT\n")
    for args in (["-starttls", "smtp", "-connect", f"127.0.0.1:{node.smtp_port}"],
                 ["-connect", f"127.0.0.1:{node.smtps_port}"]):
        p = subprocess.run(
            ["openssl", "s_client", *args, "-servername", "localhost", "-CAfile", node.certificate,
             "-verify_return_error", "-crlf", "-quiet", "-tls1_2"],
            input=script, capture_output=True, text=True, timeout=60)
        assert "235 Authentication successful." in p.stdout, p.stdout + p.stderr
        assert "250 Ok 0" in p.stdout and "221 Bye" in p.stdout
    assert [m["Subject"] for m in node.captured()] == ["via openssl", "via openssl"]


def test_configuration_set_header_is_honoured_and_stripped(sqlite_sesame):
    node = sqlite_sesame
    node.root_client("ses").create_configuration_set(ConfigurationSet={"Name": "marketing"})
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    s = node.smtp()
    s.login(key, smtp_password(secret))
    body = "From: a@example.com\r\nTo: b@example.net\r\nX-SES-CONFIGURATION-SET: marketing\r\nSubject: cs\r\n\r\nx\r\n"
    code, reply = send(s, "a@example.com", "b@example.net", body=body)
    assert code == 250
    raw = node.captured(id=reply.decode()[3:])[0]["RawData"]
    assert "X-SES-CONFIGURATION-SET" not in raw
    body = body.replace("marketing", "missing")
    code, reply = send(s, "a@example.com", "b@example.net", body=body)
    assert code == 554 and b"Configuration set <missing> does not exist." in reply
    s.quit()


def test_graceful_shutdown_says_421_to_open_sessions(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data")).start()
    raw = socket.create_connection(("127.0.0.1", node.smtp_port), timeout=10)
    f = raw.makefile("rb")
    assert f.readline().startswith(b"220 ")
    assert node.stop() == 0
    assert f.readline() == b"421 Service shutting down, closing connection\r\n"
    assert f.read() == b""
    raw.close()


def test_smtp_password_command_matches_an_independent_implementation():
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    for region, version in (("us-east-1", 4), ("eu-central-1", 4), ("us-east-1", 2)):
        p = subprocess.run([SESAME_BIN, "smtp-password", "--secret-key-stdin", "--region", region, "--version", str(version)],
                           input=secret, capture_output=True, text=True, check=True)
        assert p.stdout.strip() == smtp_password(secret, region, version)


def test_smtp_and_api_messages_side_by_side_in_captured_mail(sesame):
    """One message by the API and one by SMTP: both in /_aws/ses, each with its raw MIME and sender."""
    key, secret, arn = smtp_user(sesame)
    verify(sesame, "example.com")
    api_id = sesame.root_client("ses").send_email(
        Source="api@example.com", Destination={"ToAddresses": ["x@example.net"]},
        Message={"Subject": {"Data": "by API"}, "Body": {"Text": {"Data": "hello"}}})["MessageId"]
    s = sesame.smtp()
    s.login(key, smtp_password(secret))
    code, reply = send(s, "smtp@example.com", "x@example.net", subject="by SMTP")
    s.quit()
    smtp_id = reply.decode()[3:]
    entries = {m["Id"]: m for m in sesame.captured()}
    assert entries[api_id]["Via"] == "SendEmail" and entries[api_id]["Subject"] == "by API"
    assert entries[smtp_id]["Via"] == "SMTP" and entries[smtp_id]["Subject"] == "by SMTP"
    assert entries[smtp_id]["Principal"] == arn and entries[api_id]["Principal"].endswith(":root")
    assert all("RawData" in m and m["RawData"] for m in entries.values())
    assert [m["Id"] for m in sesame.captured(email="smtp@example.com")] == [smtp_id]
