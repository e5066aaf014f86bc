"""SES API v2 (REST-JSON) through boto3's sesv2 client and `aws sesv2`."""
import email
import email.policy
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"], err["ResponseMetadata"]["HTTPHeaders"]




def test_identities(sesame):
    v2 = sesame.root_client("sesv2")
    created = v2.create_email_identity(EmailIdentity="v2@example.com")
    assert created["IdentityType"] == "EMAIL_ADDRESS" and created["VerifiedForSendingStatus"] is True
    assert v2.create_email_identity(EmailIdentity="example.org")["IdentityType"] == "DOMAIN"
    code, message, status, headers = error_of(v2.create_email_identity, EmailIdentity="v2@example.com")
    assert (code, status) == ("AlreadyExistsException", 400)
    assert message == "Email identity v2@example.com already exist."
    assert headers["x-amzn-errortype"] == "AlreadyExistsException"

    got = v2.get_email_identity(EmailIdentity="v2@example.com")
    assert got["IdentityType"] == "EMAIL_ADDRESS" and got["VerificationStatus"] == "SUCCESS"
    listed = {i["IdentityName"]: i for i in v2.list_email_identities()["EmailIdentities"]}
    assert set(listed) == {"v2@example.com", "example.org"} and listed["example.org"]["IdentityType"] == "DOMAIN"
    # v1 and v2 share one backend.
    assert sorted(sesame.root_client("ses").list_identities()["Identities"]) == ["example.org", "v2@example.com"]

    v2.delete_email_identity(EmailIdentity="v2@example.com")
    code, _, status, _ = error_of(v2.get_email_identity, EmailIdentity="v2@example.com")
    assert (code, status) == ("NotFoundException", 404)
    assert error_of(v2.delete_email_identity, EmailIdentity="v2@example.com")[0] == "NotFoundException"


def test_send_simple_raw_and_template(sesame):
    v2 = sesame.root_client("sesv2")
    v2.create_email_identity(EmailIdentity="example.com")
    simple = v2.send_email(
        FromEmailAddress="Team <team@example.com>", Destination={"ToAddresses": ["a@example.net"], "BccAddresses": ["b@example.net"]},
        Content={"Simple": {"Subject": {"Data": "v2 ✓"}, "Body": {"Text": {"Data": "text"}, "Html": {"Data": "<i>html</i>"}},
                            "Headers": [{"Name": "X-Custom", "Value": "yes"}]}})["MessageId"]
    [entry] = sesame.captured(id=simple)
    parsed = email.message_from_string(entry["RawData"], policy=email.policy.default)
    assert parsed["Subject"] == "v2 ✓" and parsed["X-Custom"] == "yes"
    assert entry["Destination"]["ToAddresses"] == ["a@example.net", "b@example.net"]

    raw = b"From: team@example.com\r\nTo: c@example.net\r\nSubject: raw v2\r\n\r\nhello\r\n"
    raw_id = v2.send_email(Content={"Raw": {"Data": raw}})["MessageId"]
    assert sesame.captured(id=raw_id)[0]["RawData"].encode() == raw

    v2.create_email_template(TemplateName="t2", TemplateContent={"Subject": "Hi {{n}}", "Text": "Body {{n}}"})
    t_id = v2.send_email(FromEmailAddress="team@example.com", Destination={"ToAddresses": ["d@example.net"]},
                         Content={"Template": {"TemplateName": "t2", "TemplateData": json.dumps({"n": "Dee"})}})["MessageId"]
    assert sesame.captured(id=t_id)[0]["Subject"] == "Hi Dee"
    inline = v2.send_email(FromEmailAddress="team@example.com", Destination={"ToAddresses": ["e@example.net"]},
                           Content={"Template": {"TemplateContent": {"Subject": "Inline {{x}}", "Text": "t"}, "TemplateData": '{"x": "1"}'}})["MessageId"]
    assert sesame.captured(id=inline)[0]["Subject"] == "Inline 1"

    code, message, status, headers = error_of(
        v2.send_email, FromEmailAddress="someone@unverified.org", Destination={"ToAddresses": ["a@example.net"]},
        Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}})
    assert (code, status) == ("MessageRejected", 400)
    assert "failed the check in region US-EAST-1: someone@unverified.org" in message
    assert headers["x-amzn-errortype"] == "MessageRejected"


def test_account_templates_configuration_sets(sesame):
    v2 = sesame.root_client("sesv2")
    account = v2.get_account()
    assert account["SendingEnabled"] is True and account["ProductionAccessEnabled"] is True
    assert account["SendQuota"] == {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0}

    v2.create_email_template(TemplateName="t", TemplateContent={"Subject": "S {{a}}", "Html": "<b>{{a}}</b>"})
    assert v2.get_email_template(TemplateName="t")["TemplateContent"] == {"Subject": "S {{a}}", "Html": "<b>{{a}}</b>"}
    assert [t["TemplateName"] for t in v2.list_email_templates()["TemplatesMetadata"]] == ["t"]
    rendered = v2.test_render_email_template(TemplateName="t", TemplateData='{"a": "<x>"}')["RenderedTemplate"]
    assert "Subject: S <x>" in rendered
    v2.update_email_template(TemplateName="t", TemplateContent={"Subject": "New"})
    assert v2.get_email_template(TemplateName="t")["TemplateContent"] == {"Subject": "New"}
    v2.delete_email_template(TemplateName="t")
    assert error_of(v2.get_email_template, TemplateName="t")[:3] == ("NotFoundException", "Template t does not exist.", 404)

    v2.create_configuration_set(ConfigurationSetName="cs1")
    assert v2.list_configuration_sets()["ConfigurationSets"] == ["cs1"]
    assert v2.get_configuration_set(ConfigurationSetName="cs1")["ConfigurationSetName"] == "cs1"
    assert error_of(v2.create_configuration_set, ConfigurationSetName="cs1")[0] == "AlreadyExistsException"
    v2.delete_configuration_set(ConfigurationSetName="cs1")
    assert error_of(v2.get_configuration_set, ConfigurationSetName="cs1")[0] == "NotFoundException"


def test_suppression_list(sesame):
    v2 = sesame.root_client("sesv2")
    v2.put_suppressed_destination(EmailAddress="Gone@Example.net", Reason="BOUNCE")
    v2.put_suppressed_destination(EmailAddress="angry@example.net", Reason="COMPLAINT")
    got = v2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]
    assert got["EmailAddress"] == "gone@example.net" and got["Reason"] == "BOUNCE"
    summaries = v2.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    assert [(s["EmailAddress"], s["Reason"]) for s in summaries] == [("angry@example.net", "COMPLAINT"), ("gone@example.net", "BOUNCE")]
    assert [s["EmailAddress"] for s in v2.list_suppressed_destinations(Reasons=["COMPLAINT"])["SuppressedDestinationSummaries"]] == ["angry@example.net"]
    both = v2.list_suppressed_destinations(Reasons=["COMPLAINT", "BOUNCE"])["SuppressedDestinationSummaries"]
    assert [s["EmailAddress"] for s in both] == ["angry@example.net", "gone@example.net"]
    # The date range: added before a moment in the future, not after it.
    import datetime
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    assert len(v2.list_suppressed_destinations(EndDate=later)["SuppressedDestinationSummaries"]) == 2
    assert v2.list_suppressed_destinations(StartDate=later)["SuppressedDestinationSummaries"] == []
    paged = v2.list_suppressed_destinations(PageSize=1)
    assert len(paged["SuppressedDestinationSummaries"]) == 1 and paged["NextToken"]
    rest = v2.list_suppressed_destinations(PageSize=1, NextToken=paged["NextToken"])["SuppressedDestinationSummaries"]
    assert [s["EmailAddress"] for s in rest] == ["gone@example.net"]
    assert error_of(v2.put_suppressed_destination, EmailAddress="x@example.net", Reason="BORED")[0] == "BadRequestException"
    v2.delete_suppressed_destination(EmailAddress="gone@example.net")
    assert error_of(v2.get_suppressed_destination, EmailAddress="gone@example.net")[0] == "NotFoundException"


def test_v2_errors_and_cli(sesame):
    iam = sesame.root_client("iam")
    iam.create_user(UserName="v2user")
    key = iam.create_access_key(UserName="v2user")["AccessKey"]
    user = sesame.client("sesv2", key["AccessKeyId"], key["SecretAccessKey"])
    code, message, status, _ = error_of(user.get_account)
    assert (code, status) == ("AccessDeniedException", 403)
    assert "is not authorized to perform `ses:GetSendQuota'" in message
    bad = sesame.client("sesv2", "AKIAAAAAAAAAAAAAAAAA", "x" * 40)
    assert error_of(bad.get_account)[:3] == ("UnrecognizedClientException", "The security token included in the request is invalid.", 403)

    sesame.cli("sesv2", "create-email-identity", "--email-identity", "cli2@example.com")
    _, out, _ = sesame.cli("sesv2", "send-email", "--from-email-address", "cli2@example.com",
                           "--destination", "ToAddresses=to@example.net",
                           "--content", "Simple={Subject={Data=v2cli},Body={Text={Data=hello}}}")
    message_id = json.loads(out)["MessageId"]
    assert sesame.captured(id=message_id)[0]["Subject"] == "v2cli"
    _, out, _ = sesame.cli("sesv2", "get-email-identity", "--email-identity", "cli2@example.com")
    assert json.loads(out)["VerifiedForSendingStatus"] is True


def test_send_bulk_email_per_entry_results(sesame):
    v2 = sesame.root_client("sesv2")
    v2.create_email_identity(EmailIdentity="example.com")
    v2.create_email_template(TemplateName="bulk", TemplateContent={"Subject": "Hi {{name}}", "Text": "Dear {{name}}"})
    result = v2.send_bulk_email(
        FromEmailAddress="news@example.com",
        DefaultContent={"Template": {"TemplateName": "bulk", "TemplateData": '{"name": "friend"}'}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["ann@example.net"]},
             "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": '{"name": "Ann"}'}}},
            {"Destination": {"ToAddresses": ["bob@example.net"]}},
            {"Destination": {"ToAddresses": []}},
        ])["BulkEmailEntryResults"]
    assert [r["Status"] for r in result] == ["SUCCESS", "SUCCESS", "MESSAGE_REJECTED"]
    subjects = {sesame.captured(id=r["MessageId"])[0]["Subject"] for r in result[:2]}
    assert subjects == {"Hi Ann", "Hi friend"}
    # Inline template content works the same way; a missing stored template fails each entry.
    inline = v2.send_bulk_email(
        FromEmailAddress="news@example.com",
        DefaultContent={"Template": {"TemplateContent": {"Subject": "Inline {{n}}", "Text": "x"}, "TemplateData": '{"n": 1}'}},
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["c@example.net"]}}])["BulkEmailEntryResults"]
    assert inline[0]["Status"] == "SUCCESS" and sesame.captured(id=inline[0]["MessageId"])[0]["Subject"] == "Inline 1"
    missing = v2.send_bulk_email(
        FromEmailAddress="news@example.com", DefaultContent={"Template": {"TemplateName": "nope"}},
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["c@example.net"]}}])["BulkEmailEntryResults"]
    assert missing[0]["Status"] == "TEMPLATE_NOT_FOUND"
