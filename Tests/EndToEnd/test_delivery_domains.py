"""Delivery that depends on the sending domain, with a dnslib DNS server on loopback: MX preference,
implicit and null MX, routes, the TLS policy, dedicated IPs, DKIM signatures checked by dkimpy, and
the bounce and custom MAIL FROM domains that take DSN and ARF reports."""
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import free_port
from mailsinks import DNS, Sink
from delivery_helpers import dkim_dns, events, node, send, states, tls_context, wait_until


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
