"""`--identity-verification dns`: domains become verified when their records appear in DNS (a
dnslib server on 127.0.0.1 stands in for the world's DNS), on SES's schedule scaled down with
--identity-check-interval; DKIM and MAIL FROM statuses likewise; BehaviorOnMxFailure decides
what a send does while the MAIL FROM domain's MX record is missing."""
import json
import os
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Sesame, create_database, free_port
from mailsinks import DNS

# 5 ms intervals: missing records are looked for every 5 ms for 0.3 s, then every 75 ms; found
# records are checked again after 7.2 s; a record missing for 21.6 s fails.
INTERVAL = 0.005


def wait_for(read, expected, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = read()
        if got == expected:
            return got
        time.sleep(0.05)
    raise AssertionError(f"still {got!r}, wanted {expected!r}")


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_domains_mail_from_and_dkim_are_verified_by_their_dns_records(tmpdir_path, engine):
    dns = DNS(free_port(), {}).start()
    n = Sesame(os.path.join(tmpdir_path, "data"), database_url=create_database() if engine == "postgres" else None,
               args=["--identity-verification", "dns", "--identity-check-interval", str(INTERVAL),
                     "--dns-server", f"127.0.0.1:{dns.port}", "--hostname", "mx.sesame.test"]).start()
    try:
        ses, v2 = n.root_client("ses"), n.root_client("sesv2")
        v2.create_email_identity(EmailIdentity="example.com")
        v2.create_email_identity(EmailIdentity="never.example")
        token = ses.get_identity_verification_attributes(Identities=["example.com"])["VerificationAttributes"]["example.com"]["VerificationToken"]

        def status(name="example.com"):
            identity = v2.get_email_identity(EmailIdentity=name)
            return identity["VerificationStatus"], identity["DkimAttributes"]["Status"], identity.get("MailFromAttributes", {}).get(
                "MailFromDomainStatus")

        assert status() == ("PENDING", "PENDING", None)
        # Nothing is sent from a pending domain.
        send = dict(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["a@example.net"]},
                    Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}})
        with pytest.raises(ClientError) as refused:
            v2.send_email(**send)
        assert refused.value.response["Error"]["Code"] == "MessageRejected"

        # The _amazonses TXT record verifies the domain; DKIM waits for its own records.
        dns.zone["_amazonses.example.com"] = {"TXT": [token]}
        wait_for(status, ("SUCCESS", "PENDING", None))
        assert ses.get_identity_verification_attributes(Identities=["example.com"])["VerificationAttributes"]["example.com"][
            "VerificationStatus"] == "Success"
        assert v2.send_email(**send)["MessageId"]

        with urllib.request.urlopen(f"{n.endpoint}/_aws/ses/dkim?domain=example.com") as r:
            records = json.load(r)["records"]
        for record in records:
            dns.zone[record["name"].lower()] = {"TXT": [record["value"]]}
        wait_for(status, ("SUCCESS", "SUCCESS", None))
        assert ses.get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"][
            "DkimVerificationStatus"] == "Success"

        # A custom MAIL FROM domain waits for its MX record to name this node; with RejectMessage
        # sends are refused until then, with UseDefaultValue they go out with the default domain.
        v2.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="bounce.example.com",
                                                   BehaviorOnMxFailure="REJECT_MESSAGE")
        assert status()[2] == "PENDING"
        with pytest.raises(ClientError) as rejected:
            v2.send_email(**send)
        assert rejected.value.response["Error"]["Code"] == "MailFromDomainNotVerifiedException"
        assert "could not read the MX record" in rejected.value.response["Error"]["Message"]
        dns.zone["bounce.example.com"] = {"MX": [(10, "elsewhere.example")]}
        time.sleep(0.5)
        assert status()[2] == "PENDING"  # an MX naming another host does not count
        dns.zone["bounce.example.com"] = {"MX": [(10, "mx.sesame.test.")]}
        wait_for(status, ("SUCCESS", "SUCCESS", "SUCCESS"))
        assert ses.get_identity_mail_from_domain_attributes(Identities=["example.com"])["MailFromDomainAttributes"][
            "example.com"]["MailFromDomainStatus"] == "Success"
        assert v2.send_email(**send)["MessageId"]

        # Records that disappear: a temporary failure (still sending), until they come back.
        del dns.zone["_amazonses.example.com"]
        for record in records:
            del dns.zone[record["name"].lower()]
        wait_for(status, ("TEMPORARY_FAILURE", "TEMPORARY_FAILURE", "SUCCESS"), timeout=20)
        assert v2.send_email(**send)["MessageId"]
        dns.zone["_amazonses.example.com"] = {"TXT": [token]}
        wait_for(lambda: status()[0], "SUCCESS", timeout=20)

        # A domain whose records never appear fails after the (scaled) 72 hours, and sends from it are refused.
        assert status("never.example")[0] == "PENDING"
        wait_for(lambda: status("never.example")[:2], ("FAILED", "FAILED"), timeout=40)
        assert ses.get_identity_verification_attributes(Identities=["never.example"])["VerificationAttributes"][
            "never.example"]["VerificationStatus"] == "Failed"
        # Verifying it again starts over.
        ses.verify_domain_identity(Domain="never.example")
        assert status("never.example")[0] == "PENDING"
        assert ("_amazonses.example.com", "TXT") in dns.queries and ("bounce.example.com", "MX") in dns.queries
    finally:
        assert n.stop() == 0, n.read_log()
        dns.stop()
