"""SES v2 list management: a send with ListManagementOptions carries RFC 8058's
List-Unsubscribe and List-Unsubscribe-Post headers; a GET of the link only shows a page, one
POST opts the contact out, and the next send to the list skips them."""
import email
import email.policy
import re
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

SIMPLE = {"Simple": {"Subject": {"Data": "Monthly news"}, "Body": {"Text": {"Data": "b"}}}}
OPTIONS = {"ContactListName": "customers", "TopicName": "news"}


def test_one_click_unsubscribe_and_the_next_send_skips_the_contact(sesame):
    v2 = sesame.root_client("sesv2")
    v2.create_email_identity(EmailIdentity="example.com")
    v2.create_contact_list(ContactListName="customers", Topics=[
        {"TopicName": "news", "DisplayName": "News", "DefaultSubscriptionStatus": "OPT_IN"}])
    v2.create_contact(ContactListName="customers", EmailAddress="ann@example.net")
    sent = v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@example.net"]},
                         Content=SIMPLE, ListManagementOptions=OPTIONS)["MessageId"]
    [entry] = sesame.captured(id=sent)
    parsed = email.message_from_string(entry["RawData"], policy=email.policy.default)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", parsed["List-Unsubscribe"]).group(1)
    assert link.startswith(sesame.endpoint + "/_sesame/unsubscribe?t=")

    # Following the link (a GET, as mail scanners do) changes nothing; it shows a form.
    with urllib.request.urlopen(link) as r:
        page = r.read().decode()
    assert r.status == 200 and 'id="unsubscribe"' in page and "ann@example.net" in page
    assert v2.get_contact(ContactListName="customers", EmailAddress="ann@example.net")["TopicDefaultPreferences"] == [
        {"TopicName": "news", "SubscriptionStatus": "OPT_IN"}]
    # One click: a POST with RFC 8058's body.
    with urllib.request.urlopen(urllib.request.Request(link, data=b"List-Unsubscribe=One-Click", method="POST")) as r:
        assert r.status == 200 and "Unsubscribed" in r.read().decode()
    assert v2.get_contact(ContactListName="customers", EmailAddress="ann@example.net")["TopicPreferences"] == [
        {"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]

    # The next send to the list skips her; someone who never chose still gets it.
    with pytest.raises(ClientError) as refused:
        v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@example.net"]},
                      Content=SIMPLE, ListManagementOptions=OPTIONS)
    assert refused.value.response["Error"]["Code"] == "MessageRejected"
    both = v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@example.net", "bob@example.net"]},
                         Content=SIMPLE, ListManagementOptions=OPTIONS)["MessageId"]
    assert sesame.captured(id=both)[0]["Destination"]["ToAddresses"] == ["bob@example.net"]
    # A stored template's mail carries the same headers.
    v2.create_email_template(TemplateName="digest", TemplateContent={"Subject": "Digest {{n}}", "Text": "Issue {{n}}"})
    templated = v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["bob@example.net"]},
                              Content={"Template": {"TemplateName": "digest", "TemplateData": '{"n": 3}'}},
                              ListManagementOptions=OPTIONS)["MessageId"]
    parsed = email.message_from_string(sesame.captured(id=templated)[0]["RawData"], policy=email.policy.default)
    assert parsed["Subject"] == "Digest 3" and parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Unsubscribe"].startswith("<" + sesame.endpoint + "/_sesame/unsubscribe?t=")
    # Mail outside the list's management is not affected.
    plain = v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@example.net"]}, Content=SIMPLE)
    assert plain["MessageId"]

    # A link Sesame did not make is refused; a list or topic that does not exist is NotFound.
    with pytest.raises(urllib.error.HTTPError) as bad:
        urllib.request.urlopen(urllib.request.Request(link[:-6] + "AAAAAA", data=b"List-Unsubscribe=One-Click", method="POST"))
    assert bad.value.code == 400
    for options in ({"ContactListName": "nope"}, {"ContactListName": "customers", "TopicName": "nope"}):
        with pytest.raises(ClientError) as missing:
            v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["x@example.net"]},
                          Content=SIMPLE, ListManagementOptions=options)
        assert missing.value.response["Error"]["Code"] == "NotFoundException"
