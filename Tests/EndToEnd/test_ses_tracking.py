"""Open and click tracking, Rendering Failure events and event destinations of every type.

A tracked HTML mail is opened and its link clicked in headless Chromium; the Open and Click events
arrive over SNS in SES's JSON. A templated send whose data lacks an attribute is accepted and
reported with a Rendering Failure event. CloudWatch, Firehose, EventBridge and Pinpoint destinations
are stored and returned in v1's and v2's shapes; what they would have received is counted and shown
in the console."""
import email
import email.policy
import http.server
import json
import os
import threading
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import Sesame, free_port
from console_helpers import ROOT_PASSWORD, chrome, sign_in_root, visit, wait_for
from sns_helpers import Receiver, subscribe, verify_signature


class Landing:
    """The site a tracked link leads to, on 127.0.0.1: records each request's path."""

    def __init__(self):
        self.paths = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                body = b"<html><body><h1>Landing page</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def error_of(call, **kwargs):
    with pytest.raises(Exception) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def test_event_destinations_of_every_type_are_stored_and_returned(sesame):
    ses, sesv2 = sesame.root_client("ses"), sesame.root_client("sesv2")
    sesv2.create_configuration_set(ConfigurationSetName="everything")
    region, account = "us-east-1", sesame.root_client("sts").get_caller_identity()["Account"]
    destinations = {
        "cw": {"CloudWatchDestination": {"DimensionConfigurations": [
            {"DimensionName": "campaign", "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "none"}]}},
        "firehose": {"KinesisFirehoseDestination": {
            "IamRoleArn": f"arn:aws:iam::{account}:role/firehose", "DeliveryStreamArn": f"arn:aws:firehose:{region}:{account}:deliverystream/s"}},
        "bus": {"EventBridgeDestination": {"EventBusArn": f"arn:aws:events:{region}:{account}:event-bus/default"}},
        "pinpoint": {"PinpointDestination": {"ApplicationArn": f"arn:aws:mobiletargeting:{region}:{account}:apps/abc"}},
    }
    for name, target in destinations.items():
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="everything", EventDestinationName=name,
            EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "OPEN"], **target})
    got = {d["Name"]: d for d in sesv2.get_configuration_set_event_destinations(ConfigurationSetName="everything")["EventDestinations"]}
    for name, target in destinations.items():
        assert got[name] == {"Name": name, "Enabled": True, "MatchingEventTypes": ["SEND", "OPEN"], **target}

    # SES v1 reads the same destinations in its own shape (and writes its own).
    ses.create_configuration_set_event_destination(ConfigurationSetName="everything", EventDestination={
        "Name": "cw-v1", "Enabled": False, "MatchingEventTypes": ["click"],
        "CloudWatchDestination": {"DimensionConfigurations": [
            {"DimensionName": "link", "DimensionValueSource": "linkTag", "DefaultDimensionValue": "x"}]}})
    described = ses.describe_configuration_set(ConfigurationSetName="everything", ConfigurationSetAttributeNames=["eventDestinations"])
    v1 = {d["Name"]: d for d in described["EventDestinations"]}
    assert v1["cw"]["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionValueSource"] == "messageTag"
    assert v1["firehose"]["KinesisFirehoseDestination"] == {
        "IAMRoleARN": f"arn:aws:iam::{account}:role/firehose", "DeliveryStreamARN": f"arn:aws:firehose:{region}:{account}:deliverystream/s"}
    assert v1["cw-v1"]["Enabled"] is False and v1["cw-v1"]["MatchingEventTypes"] == ["click"]
    assert got["cw"] != {} and "LINK_TAG" in json.dumps(
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName="everything")["EventDestinations"])

    # Exactly one destination per event destination, as SES requires.
    code, message = error_of(sesv2.create_configuration_set_event_destination, ConfigurationSetName="everything",
                             EventDestinationName="two", EventDestination={
                                 "MatchingEventTypes": ["SEND"], **destinations["bus"], **destinations["pinpoint"]})
    assert code == "BadRequestException" and "exactly one destination" in message
    code, message = error_of(ses.create_configuration_set_event_destination, ConfigurationSetName="everything",
                             EventDestination={"Name": "none", "MatchingEventTypes": ["send"]})
    assert code == "InvalidParameterValue" and "exactly one destination" in message
    # Updating replaces the target: a CloudWatch destination can become an SNS one.
    topic = sesame.root_client("sns").create_topic(Name="later")["TopicArn"]
    sesv2.update_configuration_set_event_destination(ConfigurationSetName="everything", EventDestinationName="cw", EventDestination={
        "Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}})
    updated = [d for d in sesv2.get_configuration_set_event_destinations(ConfigurationSetName="everything")["EventDestinations"]
               if d["Name"] == "cw"][0]
    assert updated == {"Name": "cw", "Enabled": True, "MatchingEventTypes": ["BOUNCE"], "SnsDestination": {"TopicArn": topic}}


def test_tracked_mail_is_opened_and_clicked_in_a_browser_and_events_arrive_over_sns(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": ROOT_PASSWORD}).start()
    receiver, landing = Receiver(), Landing()
    driver = chrome(tmpdir_path)
    try:
        sesv2, ses = node.root_client("sesv2"), node.root_client("ses")
        topic = subscribe(node, receiver, "engagement")
        ses.verify_email_identity(EmailAddress="news@example.com")
        sesv2.create_configuration_set(ConfigurationSetName="tracked")
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="tracked", EventDestinationName="to-sns",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["OPEN", "CLICK", "RENDERING_FAILURE"],
                              "SnsDestination": {"TopicArn": topic}})
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="tracked", EventDestinationName="metrics",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"], "CloudWatchDestination": {"DimensionConfigurations": [
                {"DimensionName": "ses:configuration-set", "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "x"}]}})

        target = f"{landing.url}/offer?id=7&src=mail"
        html = (f'<html><body><p>Hello</p><a href="{target.replace("&", "&amp;")}" ses:tags="campaign:spring;kind:offer">See the offer</a>'
                f' <a ses:no-track href="{landing.url}/plain">untracked</a> <a href="mailto:help@example.com">help</a></body></html>')
        message_id = sesv2.send_email(
            FromEmailAddress="news@example.com", Destination={"ToAddresses": ["reader@example.net"]}, ConfigurationSetName="tracked",
            Content={"Simple": {"Subject": {"Data": "Spring offer"},
                                "Body": {"Text": {"Data": f"Offer: {target}"}, "Html": {"Data": html}}}})["MessageId"]
        parsed = email.message_from_string(node.captured(id=message_id)[0]["RawData"], policy=email.policy.default)
        stored_html = parsed.get_body(("html",)).get_content()
        assert parsed.get_body(("plain",)).get_content().strip() == f"Offer: {target}"  # text parts are not rewritten
        tracked_links = [a for a in stored_html.split('"') if a.startswith(node.endpoint + "/_sesame/track/click?t=")]
        assert len(tracked_links) == 1 and target not in stored_html
        assert f'href="{landing.url}/plain"' in stored_html and 'href="mailto:help@example.com"' in stored_html
        assert f'src="{node.endpoint}/_sesame/track/open?t=' in stored_html

        # A reader opens the mail in a browser: the pixel loads, and the click goes through Sesame to the site.
        page = os.path.join(tmpdir_path, "mail.html")
        open(page, "w").write(stored_html)
        driver.get("file://" + page)
        opened = receiver.wait(lambda m: m["Type"] == "Notification" and json.loads(m["Message"])["eventType"] == "Open")
        assert verify_signature(opened[0])
        event = json.loads(opened[0]["Message"])
        assert event["mail"]["messageId"] == message_id and event["mail"]["destination"] == ["reader@example.net"]
        assert event["open"]["ipAddress"] == "127.0.0.1" and "Chrome" in event["open"]["userAgent"]
        assert event["open"]["timestamp"].endswith("Z")
        driver.find_element(By.LINK_TEXT, "See the offer").click()
        wait_for(driver, "Landing page")
        assert driver.current_url == target and [p for p in landing.paths if p != "/favicon.ico"] == ["/offer?id=7&src=mail"]
        clicked = receiver.wait(lambda m: m["Type"] == "Notification" and json.loads(m["Message"])["eventType"] == "Click")
        click = json.loads(clicked[0]["Message"])["click"]
        assert click["link"] == target and click["linkTags"] == {"campaign": ["spring"], "kind": ["offer"]}
        assert click["ipAddress"] == "127.0.0.1" and "Chrome" in click["userAgent"]

        # A link Sesame did not make is refused, and records nothing.
        forged = node.endpoint + "/_sesame/track/click?t=" + urllib.parse.quote("AAAA" + tracked_links[0][-20:])
        driver.get(forged)
        wait_for(driver, "This link is not valid")

        # Templated data without an attribute the template uses: accepted, sent to nobody, Rendering Failure.
        ses.create_template(Template={"TemplateName": "greeting", "SubjectPart": "Hi {{name}}", "TextPart": "Dear {{name}}"})
        failed = ses.send_templated_email(Source="news@example.com", Destination={"ToAddresses": ["reader@example.net"]},
                                          Template="greeting", TemplateData="{}", ConfigurationSetName="tracked")["MessageId"]
        failure = receiver.wait(lambda m: m["Type"] == "Notification"
                                and json.loads(m["Message"])["eventType"] == "Rendering Failure")
        rendered = json.loads(failure[0]["Message"])
        assert rendered["mail"]["messageId"] == failed
        assert rendered["failure"] == {"templateName": "greeting",
                                       "errorMessage": "Attribute 'name' is not present in the rendering data."}

        # Viewing captured mail in the console loads the pixel too; the console says where CloudWatch events went.
        sign_in_root(driver, node)
        wait_for(driver, "Signed in as root")
        before = len([m for _, m in receiver.messages("Notification") if json.loads(m["Message"])["eventType"] == "Open"])
        visit(driver, node, f"/console/mail/{message_id}")
        receiver.wait(lambda m: len([x for _, x in receiver.messages("Notification")
                                     if json.loads(x["Message"])["eventType"] == "Open"]) > before)
        visit(driver, node, "/console/configuration-sets")
        table = driver.find_element(By.ID, "configuration-sets").text
        assert "Amazon CloudWatch does not exist in Sesame" in table and "(2 events had nowhere to go)" in table, table
        assert "HTML mail is tracked: opens (a one-pixel image) and clicks (rewritten links)" in table
        # The same count is in the node's metrics, for Prometheus.
        with urllib.request.urlopen(node.endpoint + "/metrics") as r:
            lines = [l for l in r.read().decode().splitlines() if l.startswith("sesame_events_undelivered_total{")]
        assert len(lines) == 1 and 'destination_type="cloudwatch"' in lines[0] and 'event_type="send"' in lines[0], lines
        assert lines[0].endswith(" 2"), lines
    finally:
        driver.quit()
        receiver.stop()
        landing.stop()
        assert node.stop() == 0
