"""SES v1 templates, templated and bulk sends, configuration sets and statistics."""
import email
import email.policy
import json

import pytest
from botocore.exceptions import ClientError

from delivery_helpers import show, states


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"]




TEMPLATE = {"TemplateName": "welcome", "SubjectPart": "Welcome, {{name}}!",
            "TextPart": "Hi {{name}}, your plan is {{plan.tier}}.{{#if vip}} VIP!{{/if}}",
            "HtmlPart": "<h1>Hi {{name}}</h1>{{#each items}}<li>{{this}}</li>{{/each}}"}


def test_template_lifecycle_and_rendering(sesame):
    ses = sesame.root_client("ses")
    ses.create_template(Template=TEMPLATE)
    assert error_of(ses.create_template, Template=TEMPLATE)[0] == "AlreadyExists"
    got = ses.get_template(TemplateName="welcome")["Template"]
    assert got == TEMPLATE
    assert [t["Name"] for t in ses.list_templates()["TemplatesMetadata"]] == ["welcome"]

    data = {"name": "Ann <& Co>", "plan": {"tier": "gold"}, "vip": True, "items": ["a", "b"]}
    rendered = ses.test_render_template(TemplateName="welcome", TemplateData=json.dumps(data))["RenderedTemplate"]
    parsed = email.message_from_string(rendered, policy=email.policy.default)
    assert parsed["Subject"] == "Welcome, Ann <& Co>!"
    assert parsed.get_body(("plain",)).get_content().strip() == "Hi Ann <& Co>, your plan is gold. VIP!"
    assert parsed.get_body(("html",)).get_content().strip() == "<h1>Hi Ann &lt;&amp; Co&gt;</h1><li>a</li><li>b</li>"

    code, message = error_of(ses.test_render_template, TemplateName="welcome", TemplateData=json.dumps({"plan": {"tier": "x"}}))
    assert (code, message) == ("MissingRenderingAttribute", "Attribute 'name' is not present in the rendering data.")
    assert error_of(ses.test_render_template, TemplateName="welcome", TemplateData="not json")[0] == "InvalidRenderingParameter"
    code, message = error_of(ses.get_template, TemplateName="nope")
    assert (code, message) == ("TemplateDoesNotExist", "Template nope does not exist.")

    ses.update_template(Template=dict(TEMPLATE, SubjectPart="Updated {{name}}"))
    assert ses.get_template(TemplateName="welcome")["Template"]["SubjectPart"] == "Updated {{name}}"
    assert error_of(ses.update_template, Template=dict(TEMPLATE, TemplateName="ghost"))[0] == "TemplateDoesNotExist"
    ses.delete_template(TemplateName="welcome")
    assert ses.list_templates()["TemplatesMetadata"] == []


def test_templated_and_bulk_sends(sesame):
    ses = sesame.root_client("ses")
    ses.verify_email_identity(EmailAddress="hello@example.com")
    ses.create_template(Template=TEMPLATE)
    data = {"name": "Bo", "plan": {"tier": "free"}, "vip": False, "items": []}
    message_id = ses.send_templated_email(Source="hello@example.com", Destination={"ToAddresses": ["bo@example.net"]},
                                          Template="welcome", TemplateData=json.dumps(data))["MessageId"]
    [entry] = sesame.captured(id=message_id)
    assert entry["Subject"] == "Welcome, Bo!"
    assert entry["Body"]["text_part"] == "Hi Bo, your plan is free."
    assert entry["Via"] == "SendTemplatedEmail"
    assert error_of(ses.send_templated_email, Source="hello@example.com", Destination={"ToAddresses": ["x@example.net"]},
                    Template="missing", TemplateData="{}")[0] == "TemplateDoesNotExist"

    result = ses.send_bulk_templated_email(
        Source="hello@example.com", Template="welcome",
        DefaultTemplateData=json.dumps({"name": "friend", "plan": {"tier": "basic"}, "items": []}),
        Destinations=[
            {"Destination": {"ToAddresses": ["one@example.net"]}},
            {"Destination": {"ToAddresses": ["two@example.net"]},
             "ReplacementTemplateData": json.dumps({"name": "Two", "plan": {"tier": "pro"}, "items": ["x"]})},
            {"Destination": {"ToAddresses": ["three@example.net"]}, "ReplacementTemplateData": json.dumps({"plan": {}})},
        ])["Status"]
    # Data without an attribute the template uses is accepted, as SES accepts it, and sent to nobody
    # (a Rendering Failure event reports it: test_ses_tracking.py).
    assert [s["Status"] for s in result] == ["Success", "Success", "Success"]
    subjects = {m["Destination"]["ToAddresses"][0]: m["Subject"] for m in sesame.captured()}
    assert subjects["one@example.net"] == "Welcome, friend!" and subjects["two@example.net"] == "Welcome, Two!"
    assert subjects["three@example.net"] == "Welcome, {{name}}!"  # never rendered
    shown = show(sesame, result[2]["MessageId"])
    assert states(shown) == {"three@example.net": "rejected"}
    assert shown["recipients"][0]["lastReply"] == "Rendering failure: Attribute 'name' is not present in the rendering data."
    assert [e["eventType"] for e in shown["events"]] == ["Rendering Failure"]


def test_configuration_sets_and_statistics(sesame):
    ses = sesame.root_client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    assert error_of(ses.create_configuration_set, ConfigurationSet={"Name": "marketing"})[0] == "ConfigurationSetAlreadyExists"
    assert ses.describe_configuration_set(ConfigurationSetName="marketing")["ConfigurationSet"] == {"Name": "marketing"}
    assert [c["Name"] for c in ses.list_configuration_sets()["ConfigurationSets"]] == ["marketing"]

    ses.verify_email_identity(EmailAddress="stats@example.com")
    send = dict(Source="stats@example.com", Destination={"ToAddresses": ["a@example.net", "b@example.net"]},
                Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    ses.send_email(ConfigurationSetName="marketing", **send)
    code, message = error_of(ses.send_email, ConfigurationSetName="nope", **send)
    assert code == "ConfigurationSetDoesNotExist"
    raw = b"From: stats@example.com\r\nTo: c@example.net\r\nX-SES-CONFIGURATION-SET: nope\r\nSubject: x\r\n\r\nx\r\n"
    assert error_of(ses.send_raw_email, RawMessage={"Data": raw})[0] == "ConfigurationSetDoesNotExist"
    ses.send_raw_email(RawMessage={"Data": raw.replace(b"nope", b"marketing")})

    points = ses.get_send_statistics()["SendDataPoints"]
    assert sum(p["DeliveryAttempts"] for p in points) == 3
    assert all(p["Timestamp"].minute % 15 == 0 and p["Timestamp"].second == 0 for p in points)

    ses.delete_configuration_set(ConfigurationSetName="marketing")
    assert error_of(ses.describe_configuration_set, ConfigurationSetName="marketing")[0] == "ConfigurationSetDoesNotExist"
