"""SES API v1 through boto3 and the aws CLI: identities, sending, quota, and captured mail."""
import email
import email.policy
import json
import urllib.request

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]




def test_identities(sesame):
    ses = sesame.root_client("ses")
    ses.verify_email_identity(EmailAddress="sender@example.com")
    ses.verify_email_address(EmailAddress="old-api@example.com")
    token = ses.verify_domain_identity(Domain="example.org")["VerificationToken"]
    assert len(token) == 44
    assert sorted(ses.list_identities()["Identities"]) == ["example.org", "old-api@example.com", "sender@example.com"]
    assert ses.list_identities(IdentityType="Domain")["Identities"] == ["example.org"]
    page = ses.list_identities(MaxItems=2)
    assert len(page["Identities"]) == 2 and page["NextToken"]
    assert ses.list_identities(MaxItems=2, NextToken=page["NextToken"])["Identities"] == ["sender@example.com"]
    attrs = ses.get_identity_verification_attributes(Identities=["sender@example.com", "example.org", "unknown@x.org"])["VerificationAttributes"]
    assert attrs["sender@example.com"] == {"VerificationStatus": "Success"}
    assert attrs["example.org"] == {"VerificationStatus": "Success", "VerificationToken": token}
    assert "unknown@x.org" not in attrs
    assert sorted(ses.list_verified_email_addresses()["VerifiedEmailAddresses"]) == ["old-api@example.com", "sender@example.com"]
    # Identities belong to a region.
    assert sesame.root_client("ses", region="eu-west-1").list_identities()["Identities"] == []
    ses.delete_identity(Identity="example.org")
    ses.delete_identity(Identity="never-there.org")
    ses.delete_verified_email_address(EmailAddress="old-api@example.com")
    assert ses.list_identities()["Identities"] == ["sender@example.com"]
    code, message, status = error_of(ses.verify_email_identity, EmailAddress="not an address")
    assert (code, status) == ("InvalidParameterValue", 400)


def test_easy_dkim_tokens(sesame):
    ses = sesame.root_client("ses")
    tokens = ses.verify_domain_dkim(Domain="Example.net")["DkimTokens"]
    assert len(tokens) == 3 and all(len(t) == 32 and t == t.lower() for t in tokens)
    # The same tokens every time; the domain became an identity.
    assert ses.verify_domain_dkim(Domain="example.net")["DkimTokens"] == tokens
    assert "example.net" in ses.list_identities(IdentityType="Domain")["Identities"]
    ses.verify_email_identity(EmailAddress="someone@example.org")
    attrs = ses.get_identity_dkim_attributes(Identities=["example.net", "someone@example.org", "unknown.org"])["DkimAttributes"]
    assert attrs["example.net"] == {"DkimEnabled": True, "DkimVerificationStatus": "Success", "DkimTokens": tokens}
    assert attrs["someone@example.org"] == {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}
    assert "unknown.org" not in attrs
    # v1's switch for signing, reflected by both APIs.
    ses.set_identity_dkim_enabled(Identity="example.net", DkimEnabled=False)
    assert ses.get_identity_dkim_attributes(Identities=["example.net"])["DkimAttributes"]["example.net"]["DkimEnabled"] is False
    assert sesame.root_client("sesv2").get_email_identity(EmailIdentity="example.net")["DkimAttributes"]["SigningEnabled"] is False
    ses.set_identity_dkim_enabled(Identity="example.net", DkimEnabled=True)
    # A domain verified earlier keeps its verification token and gains DKIM tokens.
    token = ses.verify_domain_identity(Domain="example.com")["VerificationToken"]
    dkim = ses.verify_domain_dkim(Domain="example.com")["DkimTokens"]
    assert ses.get_identity_verification_attributes(Identities=["example.com"])["VerificationAttributes"]["example.com"]["VerificationToken"] == token
    # The aws CLI sees the same, and sesv2 reports Easy DKIM with the tokens.
    _, out, _ = sesame.cli("ses", "get-identity-dkim-attributes", "--identities", "example.com")
    assert json.loads(out)["DkimAttributes"]["example.com"]["DkimTokens"] == dkim
    v2 = sesame.root_client("sesv2").get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    assert v2["SigningEnabled"] is True and v2["Status"] == "SUCCESS" and v2["Tokens"] == dkim
    created = sesame.root_client("sesv2").create_email_identity(EmailIdentity="v2.example.com")["DkimAttributes"]
    assert created["Status"] == "SUCCESS" and len(created["Tokens"]) == 3
    code, _, status = error_of(ses.verify_domain_dkim, Domain="not a domain")
    assert (code, status) == ("InvalidParameterValue", 400)
    # Regions are separate.
    assert sesame.root_client("ses", region="eu-west-1").get_identity_dkim_attributes(Identities=["example.net"])["DkimAttributes"] == {}


def test_send_email_builds_standard_mime(sesame):
    ses = sesame.root_client("ses")
    ses.verify_domain_identity(Domain="example.com")
    result = ses.send_email(
        Source='"Støre, Ånne" <news@example.com>',
        Destination={"ToAddresses": ["to@example.net"], "CcAddresses": ["cc@example.net"], "BccAddresses": ["bcc@example.net"]},
        ReplyToAddresses=["reply@example.com"],
        Message={"Subject": {"Data": "Grüße — subject ✓", "Charset": "UTF-8"},
                 "Body": {"Text": {"Data": "Plain text, ünïcode.\nSecond line."}, "Html": {"Data": "<p>HTML ✓</p>"}}})
    message_id = result["MessageId"]
    assert len(message_id) == 60 and message_id.endswith("-000000")

    [entry] = sesame.captured(id=message_id)
    assert entry["Destination"]["ToAddresses"] == ["to@example.net", "cc@example.net", "bcc@example.net"]
    assert entry["Subject"] == "Grüße — subject ✓"
    assert entry["Body"] == {"text_part": "Plain text, ünïcode.\nSecond line.", "html_part": "<p>HTML ✓</p>"}
    assert entry["Principal"].endswith(":root")

    parsed = email.message_from_bytes(entry["RawData"].encode(), policy=email.policy.default)
    assert parsed["Subject"] == "Grüße — subject ✓"
    assert parsed["From"].addresses[0].display_name == "Støre, Ånne"
    assert parsed["From"].addresses[0].addr_spec == "news@example.com"
    assert parsed["To"] == "to@example.net" and parsed["Cc"] == "cc@example.net"
    assert parsed["Bcc"] is None
    assert parsed["Reply-To"] == "reply@example.com"
    assert parsed["Message-ID"] == f"<{message_id}@email.amazonses.com>"
    assert parsed["Date"] is not None
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content().rstrip("\n") == "Plain text, ünïcode.\nSecond line."
    assert parsed.get_body(("html",)).get_content().rstrip("\n") == "<p>HTML ✓</p>"
    assert b"\n" not in entry["RawData"].encode().replace(b"\r\n", b"")


def test_send_raw_email_keeps_bytes_and_strips_ses_headers(sesame):
    ses = sesame.root_client("ses")
    ses.verify_email_identity(EmailAddress="raw@example.com")
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    raw = (b"From: Raw Sender <raw@example.com>\r\nTo: one@example.net\r\nCc: two@example.net\r\nSubject: raw test\r\n"
           b"X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: campaign=launch\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nExact body bytes.\r\n")
    message_id = ses.send_raw_email(RawMessage={"Data": raw})["MessageId"]
    [entry] = sesame.captured(id=message_id)
    assert entry["Destination"]["ToAddresses"] == ["one@example.net", "two@example.net"]
    assert "X-SES-" not in entry["RawData"]
    assert entry["RawData"].encode() == raw.replace(b"X-SES-CONFIGURATION-SET: marketing\r\nX-SES-MESSAGE-TAGS: campaign=launch\r\n", b"")
    assert entry["Via"] == "SendRawEmail"

    # Source and Destinations override the headers.
    ses.verify_email_identity(EmailAddress="bounce@example.com")
    other = ses.send_raw_email(Source="bounce@example.com", Destinations=["only@example.net"], RawMessage={"Data": raw})["MessageId"]
    [entry] = sesame.captured(id=other)
    assert entry["Source"] == "bounce@example.com" and entry["Destination"]["ToAddresses"] == ["only@example.net"]


def test_send_bounce_sends_a_dsn_to_the_original_sender(sesame):
    ses = sesame.root_client("ses")
    ses.verify_domain_identity(Domain="example.com")
    original = ses.send_email(Source="writer@example.com", Destination={"ToAddresses": ["support@example.com"]},
                              Message={"Subject": {"Data": "Help please"}, "Body": {"Text": {"Data": "?"}}})["MessageId"]
    bounce = dict(OriginalMessageId=original, BounceSender="mailer-daemon@example.com", Explanation="Nobody here by that name.",
                  MessageDsn={"ReportingMta": "mx.example.com", "ExtensionFields": [{"Name": "X-Note", "Value": "n\r\nInjected: 1"}]},
                  BouncedRecipientInfoList=[
                      {"Recipient": "support@example.com", "BounceType": "DoesNotExist"},
                      {"Recipient": "other@example.com", "RecipientDsnFields": {
                          "Action": "failed", "Status": "5.2.1", "DiagnosticCode": "smtp; 550 5.2.1 disabled", "RemoteMta": "mx2.example.com"}},
                  ])
    bounce_id = ses.send_bounce(**bounce)["MessageId"]
    [entry] = sesame.captured(id=bounce_id)
    assert entry["Source"] == "mailer-daemon@example.com" and entry["Destination"]["ToAddresses"] == ["writer@example.com"]
    dsn = email.message_from_string(entry["RawData"], policy=email.policy.default)
    assert dsn.get_content_type() == "multipart/report" and dsn.get_param("report-type") == "delivery-status"
    human, status, headers = dsn.get_payload()
    assert human.get_content().strip() == "Nobody here by that name."
    text = status.as_string()
    assert "Reporting-MTA: dns; mx.example.com" in text and "X-Note: n  Injected: 1" in text and "\nInjected" not in text
    assert "Final-Recipient: rfc822; support@example.com" in text and "Status: 5.1.1" in text
    assert "Final-Recipient: rfc822; other@example.com" in text and "Status: 5.2.1" in text and "Remote-MTA: dns; mx2.example.com" in text
    assert headers.get_content_type() == "text/rfc822-headers" and "Subject: Help please" in headers.as_string()

    assert error_of(ses.send_bounce, **dict(bounce, OriginalMessageId="no-such-message"))[0] == "MessageRejected"
    code, message, _ = error_of(ses.send_bounce, **dict(bounce, BounceSender="someone@unverified.example"))
    assert code == "MessageRejected" and "not verified" in message
    code, message, _ = error_of(ses.send_bounce, **dict(bounce, BouncedRecipientInfoList=[{"Recipient": "x@example.com"}]))
    assert (code, message) == ("MessageRejected", "Recipient x@example.com needs a BounceType or RecipientDsnFields.")


def test_send_errors(sesame):
    ses = sesame.root_client("ses")
    code, message, status = error_of(ses.send_email, Source="nobody@unverified.org",
                                     Destination={"ToAddresses": ["a@example.net"]},
                                     Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert (code, status) == ("MessageRejected", 400)
    assert message == "Email address is not verified. The following identities failed the check in region US-EAST-1: nobody@unverified.org"

    ses.verify_email_identity(EmailAddress="ok@example.com")
    code, message, _ = error_of(ses.send_email, Source="ok@example.com",
                                Destination={"ToAddresses": [f"r{i}@example.net" for i in range(51)]},
                                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert (code, message) == ("InvalidParameterValue", "Recipient count exceeds 50.")

    # A raw message whose From is not verified is refused even when Source is.
    raw = b"From: spoof@unverified.org\r\nTo: a@example.net\r\nSubject: x\r\n\r\nx\r\n"
    code, message, _ = error_of(ses.send_raw_email, Source="ok@example.com", RawMessage={"Data": raw})
    assert code == "MessageRejected" and message.endswith(": spoof@unverified.org")

    ses.update_account_sending_enabled(Enabled=False)
    assert ses.get_account_sending_enabled()["Enabled"] is False
    code, _, _ = error_of(ses.send_email, Source="ok@example.com", Destination={"ToAddresses": ["a@example.net"]},
                          Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert code == "AccountSendingPausedException"
    ses.update_account_sending_enabled(Enabled=True)
    assert sesame.captured() == []


def test_quota_counts_recipients(sesame):
    ses = sesame.root_client("ses")
    quota = ses.get_send_quota()
    assert quota["Max24HourSend"] == 50000.0 and quota["MaxSendRate"] == 14.0 and quota["SentLast24Hours"] == 0.0
    ses.verify_email_identity(EmailAddress="q@example.com")
    ses.send_email(Source="q@example.com", Destination={"ToAddresses": ["a@example.net", "b@example.net"], "CcAddresses": ["c@example.net"]},
                   Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert ses.get_send_quota()["SentLast24Hours"] == 3.0
    assert sesame.root_client("ses", region="eu-west-1").get_send_quota()["SentLast24Hours"] == 0.0


def test_sending_is_authorized_with_ses_conditions(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_credentials()["Account ID"]
    sesame.root_client("ses").verify_domain_identity(Domain="example.com")
    iam.create_user(UserName="app")
    key = iam.create_access_key(UserName="app")["AccessKey"]
    app = sesame.client("ses", key["AccessKeyId"], key["SecretAccessKey"])
    send = dict(Source="app@example.com", Destination={"ToAddresses": ["user@example.net"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    code, message, status = error_of(app.send_email, **send)
    assert (code, status) == ("AccessDenied", 403)
    assert message == (f"User `arn:aws:iam::{account}:user/app' is not authorized to perform `ses:SendEmail' "
                       f"on resource `arn:aws:ses:us-east-1:{account}:identity/app@example.com'")
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "*",
        "Condition": {"StringLike": {"ses:FromAddress": "app@example.com"},
                      "ForAllValues:StringLike": {"ses:Recipients": ["*@example.net"]}}}]}
    iam.put_user_policy(UserName="app", PolicyName="send", PolicyDocument=json.dumps(policy))
    message_id = app.send_email(**send)["MessageId"]
    assert sesame.captured(id=message_id)[0]["Principal"] == f"arn:aws:iam::{account}:user/app"
    assert error_of(app.send_email, **dict(send, Source="other@example.com"))[0] == "AccessDenied"
    assert error_of(app.send_email, **dict(send, Destination={"ToAddresses": ["x@elsewhere.org"]}))[0] == "AccessDenied"
    # Other SES actions need their own permission.
    assert error_of(app.list_identities)[0] == "AccessDenied"


def test_aws_cli_and_capture_endpoint(sesame):
    sesame.cli("ses", "verify-email-identity", "--email-address", "cli@example.com")
    _, out, _ = sesame.cli("ses", "send-email", "--from", "cli@example.com", "--destination", "ToAddresses=to@example.net",
                           "--message", "Subject={Data=from the cli},Body={Text={Data=hello}}")
    message_id = json.loads(out)["MessageId"]
    _, out, _ = sesame.cli("ses", "list-identities")
    assert json.loads(out)["Identities"] == ["cli@example.com"]
    _, out, _ = sesame.cli("ses", "get-send-quota")
    assert json.loads(out)["SentLast24Hours"] == 1.0

    assert [m["Id"] for m in sesame.captured(email="cli@example.com")] == [message_id]
    assert sesame.captured(email="someone-else@example.com") == []
    request = urllib.request.Request(f"{sesame.endpoint}/_aws/ses?id={message_id}", method="DELETE")
    assert urllib.request.urlopen(request).status == 204
    assert sesame.captured() == []


def test_unserved_region_is_refused(sesame):
    code, message, status = error_of(sesame.root_client("ses", region="ap-south-1").get_send_quota)
    assert code == "SignatureDoesNotMatch" and "ap-south-1" in message


def test_configured_quota_and_rate_are_reported_and_enforced(tmpdir_path):
    import os
    import time
    from conftest import Sesame
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--max-24-hour-send", "5", "--max-send-rate", "2"]).start()
    try:
        ses = node.root_client("ses")
        assert ses.get_send_quota()["Max24HourSend"] == 5.0 and ses.get_send_quota()["MaxSendRate"] == 2.0
        assert node.root_client("sesv2").get_account()["SendQuota"]["Max24HourSend"] == 5.0
        ses.verify_email_identity(EmailAddress="q@example.com")
        def send(n):
            return ses.send_email(Source="q@example.com", Destination={"ToAddresses": [f"r{i}@example.net" for i in range(n)]},
                                  Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
        send(2)
        code, message, status = error_of(send, 1)
        assert (code, message, status) == ("Throttling", "Maximum sending rate exceeded.", 400)
        time.sleep(1.1)
        send(2)
        time.sleep(1.1)
        code, message, _ = error_of(send, 2)
        assert (code, message) == ("Throttling", "Daily message quota exceeded.")
        assert ses.get_send_quota()["SentLast24Hours"] == 4.0
        assert len(node.captured()) == 2
    finally:
        assert node.stop() == 0


def test_requests_signed_for_email_are_accepted(sesame):
    """Some SDKs sign SES requests with the endpoint prefix `email` instead of `ses`."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    creds = sesame.root_credentials()
    for service in ("ses", "email"):
        request = AWSRequest(method="POST", url=sesame.endpoint + "/", data=b"Action=GetSendQuota&Version=2010-12-01",
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(creds["Access key ID"], creds["Secret access key"]), service, "us-east-1").add_auth(request)
        req = urllib.request.Request(request.url, data=request.body, headers=dict(request.headers.items()), method="POST")
        with urllib.request.urlopen(req) as r:
            body = r.read().decode()
        assert "<Max24HourSend>50000.0</Max24HourSend>" in body, (service, body)


def test_sandbox(tmpdir_path):
    import os
    import time
    from conftest import Sesame
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--sandbox"]).start()
    try:
        ses = node.root_client("ses")
        quota = ses.get_send_quota()
        assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (200.0, 1.0)
        assert node.root_client("sesv2").get_account()["ProductionAccessEnabled"] is False
        ses.verify_email_identity(EmailAddress="from@example.com")
        message = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}
        code, text, _ = error_of(ses.send_email, Source="from@example.com",
                                 Destination={"ToAddresses": ["stranger@example.net"]}, Message=message)
        assert code == "MessageRejected"
        assert text == "Email address is not verified. The following identities failed the check in region US-EAST-1: stranger@example.net"
        ses.send_email(Source="from@example.com", Destination={"ToAddresses": ["success@simulator.amazonses.com"]}, Message=message)
        time.sleep(1.1)
        ses.verify_domain_identity(Domain="example.net")
        ses.send_email(Source="from@example.com", Destination={"ToAddresses": ["stranger@example.net"]}, Message=message)
        assert len(node.captured()) == 2
    finally:
        assert node.stop() == 0


def test_identity_verification_by_email_link_and_operator(tmpdir_path):
    import os
    import re
    import subprocess
    import time
    import urllib.error
    from conftest import SESAME_BIN, Sesame
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--identity-verification", "email"]).start()
    try:
        ses = node.root_client("ses")
        message = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}
        ses.verify_email_identity(EmailAddress="person@example.com")
        attrs = ses.get_identity_verification_attributes(Identities=["person@example.com"])["VerificationAttributes"]
        assert attrs == {"person@example.com": {"VerificationStatus": "Pending"}}
        assert error_of(ses.send_email, Source="person@example.com", Destination={"ToAddresses": ["a@example.net"]}, Message=message)[0] == "MessageRejected"

        [mail] = node.captured()
        assert mail["Destination"]["ToAddresses"] == ["person@example.com"]
        assert mail["Subject"].startswith("Amazon Web Services – Email Address Verification Request")
        link = re.search(r"(http://\S+/_sesame/verify-identity\?\S+)", mail["Body"]["text_part"]).group(1)
        assert link.startswith(node.endpoint)

        with pytest.raises(urllib.error.HTTPError) as bad:
            urllib.request.urlopen(link[:-4] + "0000")
        assert bad.value.code == 400
        with urllib.request.urlopen(link) as page:
            assert page.status == 200 and "Congratulations" in page.read().decode()
        attrs = ses.get_identity_verification_attributes(Identities=["person@example.com"])["VerificationAttributes"]
        assert attrs["person@example.com"]["VerificationStatus"] == "Success"
        ses.send_email(Source="person@example.com", Destination={"ToAddresses": ["a@example.net"]}, Message=message)
        # Verification mail does not count against the quota.
        assert ses.get_send_quota()["SentLast24Hours"] == 1.0

        # Domains wait for the operator (who has checked the _amazonses TXT record).
        token = ses.verify_domain_identity(Domain="example.org")["VerificationToken"]
        assert ses.get_identity_verification_attributes(Identities=["example.org"])["VerificationAttributes"]["example.org"] == {
            "VerificationStatus": "Pending", "VerificationToken": token}
        dkim = ses.verify_domain_dkim(Domain="example.org")["DkimTokens"]
        assert ses.get_identity_dkim_attributes(Identities=["example.org"])["DkimAttributes"]["example.org"] == {
            "DkimEnabled": True, "DkimVerificationStatus": "Pending", "DkimTokens": dkim}
        out = subprocess.run([SESAME_BIN, "identities", "verify", "example.org", "--region", "us-east-1", "--data-dir", node.data_dir],
                             capture_output=True, text=True, check=True).stdout
        assert "example.org is verified in us-east-1" in out
        time.sleep(2.2)
        ses.send_email(Source="news@example.org", Destination={"ToAddresses": ["a@example.net"]}, Message=message)
        assert ses.get_identity_dkim_attributes(Identities=["example.org"])["DkimAttributes"]["example.org"]["DkimVerificationStatus"] == "Success"
        assert node.root_client("sesv2").create_email_identity(EmailIdentity="other@example.com")["VerifiedForSendingStatus"] is False
    finally:
        assert node.stop() == 0
