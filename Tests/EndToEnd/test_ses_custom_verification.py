"""Custom verification email templates (SES v1 and v2) and SendCustomVerificationEmail: the
branded mail is captured with Sesame's confirmation link added, and following the link verifies
the address and lands on the template's success page (or its failure page for a bad token)."""
import email
import email.policy
import re
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from http_helpers import NoRedirect


def error_code(call, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"]


def follow(url):
    """The status and Location of a GET, without following the redirect."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url) as r:
            return r.status, r.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


def test_custom_verification_templates_and_the_link(sesame):
    ses, v2 = sesame.root_client("ses"), sesame.root_client("sesv2")
    ses.verify_email_identity(EmailAddress="welcome@example.com")
    ses.create_custom_verification_email_template(
        TemplateName="onboarding", FromEmailAddress="welcome@example.com", TemplateSubject="Confirm your address",
        TemplateContent="<html><body><h1>Welcome!</h1><p>Please confirm.</p></body></html>",
        SuccessRedirectionURL="https://app.example.com/verified", FailureRedirectionURL="https://app.example.com/failed")
    assert error_code(ses.create_custom_verification_email_template, TemplateName="onboarding", FromEmailAddress="welcome@example.com",
                      TemplateSubject="s", TemplateContent="c", SuccessRedirectionURL="https://a.example",
                      FailureRedirectionURL="https://b.example") == "CustomVerificationEmailTemplateAlreadyExists"
    assert error_code(v2.create_custom_verification_email_template, TemplateName="onboarding", FromEmailAddress="welcome@example.com",
                      TemplateSubject="s", TemplateContent="c", SuccessRedirectionURL="https://a.example",
                      FailureRedirectionURL="https://b.example") == "AlreadyExistsException"
    assert error_code(ses.create_custom_verification_email_template, TemplateName="stranger", FromEmailAddress="nobody@else.test",
                      TemplateSubject="s", TemplateContent="c", SuccessRedirectionURL="https://a.example",
                      FailureRedirectionURL="https://b.example") == "FromEmailAddressNotVerified"

    got = v2.get_custom_verification_email_template(TemplateName="onboarding")
    assert got["TemplateSubject"] == "Confirm your address" and got["SuccessRedirectionURL"] == "https://app.example.com/verified"
    ses.update_custom_verification_email_template(TemplateName="onboarding", TemplateSubject="Please confirm your address")
    assert ses.get_custom_verification_email_template(TemplateName="onboarding")["TemplateContent"].startswith("<html>")
    listed = ses.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"]
    assert [(t["TemplateName"], t["TemplateSubject"]) for t in listed] == [("onboarding", "Please confirm your address")]
    assert error_code(ses.get_custom_verification_email_template, TemplateName="nope") == "CustomVerificationEmailTemplateDoesNotExist"
    assert error_code(v2.get_custom_verification_email_template, TemplateName="nope") == "NotFoundException"

    message_id = v2.send_custom_verification_email(EmailAddress="new.user@example.org", TemplateName="onboarding")["MessageId"]
    [entry] = sesame.captured(id=message_id)
    parsed = email.message_from_string(entry["RawData"], policy=email.policy.default)
    assert parsed["Subject"] == "Please confirm your address" and parsed["From"] == "welcome@example.com"
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "<h1>Welcome!</h1>" in html
    link = re.search(r'href="([^"]+)"', html).group(1).replace("&amp;", "&")
    attributes = ses.get_identity_verification_attributes(Identities=["new.user@example.org"])["VerificationAttributes"]
    assert attributes["new.user@example.org"]["VerificationStatus"] == "Pending"

    # A tampered token lands on the failure page; the real link verifies and lands on success.
    assert follow(re.sub(r"token=[0-9a-f]+", "token=00", link)) == (303, "https://app.example.com/failed")
    assert follow(link) == (303, "https://app.example.com/verified")
    attributes = ses.get_identity_verification_attributes(Identities=["new.user@example.org"])["VerificationAttributes"]
    assert attributes["new.user@example.org"]["VerificationStatus"] == "Success"

    # v1 sends too; an unknown template is refused in each API's words.
    assert ses.send_custom_verification_email(EmailAddress="other@example.org", TemplateName="onboarding")["MessageId"]
    assert error_code(ses.send_custom_verification_email, EmailAddress="x@example.org",
                      TemplateName="nope") == "CustomVerificationEmailTemplateDoesNotExist"
    assert error_code(v2.send_custom_verification_email, EmailAddress="x@example.org", TemplateName="nope") == "NotFoundException"

    ses.delete_custom_verification_email_template(TemplateName="onboarding")
    ses.delete_custom_verification_email_template(TemplateName="onboarding")  # v1: deleting again succeeds
    assert error_code(v2.delete_custom_verification_email_template, TemplateName="onboarding") == "NotFoundException"
    assert v2.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"] == []
