"""SES feedback through Sesame's SNS: a Python HTTP receiver on loopback subscribes, confirms the
subscription through its SubscribeURL, checks every message's SNS signature against the
certificate at SigningCertURL (with openssl), and checks SES's notification and event JSON."""
import base64
import json
import time
import urllib.request

import pytest

from conftest import create_database, free_port
from mailsinks import Sink
from delivery_helpers import node, send, show, states, wait_until
from sns_helpers import Receiver, subscribe, verify_signature


def test_sns_publish_signature_retries_and_unsubscribe(tmpdir_path):
    receiver = Receiver(fail_first=1)  # the confirmation's first post fails: SNS tries again
    n = node(tmpdir_path)
    try:
        sns = n.root_client("sns")
        topic = subscribe(n, receiver, "plain-topic")
        assert receiver.posts[0][0] == "refused"
        message_id = sns.publish(TopicArn=topic, Message="hello handlers", Subject="greeting")["MessageId"]
        note = receiver.wait(lambda m: m["Type"] == "Notification")[0]
        assert (note["Message"], note["Subject"], note["MessageId"], note["TopicArn"]) == ("hello handlers", "greeting", message_id, topic)
        assert verify_signature(note)
        tampered = dict(note, Message="hello handlerz")
        assert not verify_signature(tampered)
        posted_headers = [h for h, m in receiver.messages("Notification")][0]
        assert posted_headers["x-amz-sns-message-type"] == "Notification" and posted_headers["x-amz-sns-topic-arn"] == topic
        # SignatureVersion 2 (SHA256withRSA) when the topic asks for it.
        topic2 = sns.create_topic(Name="v2-topic", Attributes={"SignatureVersion": "2"})["TopicArn"]
        sns.subscribe(TopicArn=topic2, Protocol="http", Endpoint=receiver.url)
        confirmation = receiver.wait(lambda m: m["Type"] == "SubscriptionConfirmation" and m["TopicArn"] == topic2)[0]
        sns.confirm_subscription(TopicArn=topic2, Token=confirmation["Token"])  # the API way
        sns.publish(TopicArn=topic2, Message="v2")
        v2 = receiver.wait(lambda m: m.get("Message") == "v2")[0]
        assert v2["SignatureVersion"] == "2" and verify_signature(v2)
        # Unsubscribing through the UnsubscribeURL stops deliveries.
        with urllib.request.urlopen(note["UnsubscribeURL"]):
            pass
        assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
        sns.publish(TopicArn=topic, Message="nobody hears this")
        time.sleep(1)
        assert not any(m.get("Message") == "nobody hears this" for _, m in receiver.messages())
        # Errors in SNS's words.
        with pytest.raises(sns.exceptions.NotFoundException):
            sns.publish(TopicArn=topic.replace("plain-topic", "missing"), Message="x")
        with pytest.raises(sns.exceptions.InvalidParameterException):
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint="arn:aws:lambda:us-east-1:123456789012:function:f")
        assert topic in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
        sns.delete_topic(TopicArn=topic)
        assert topic not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    finally:
        assert n.stop() == 0
        receiver.stop()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_ses_notifications_and_event_destinations_reach_an_sns_subscriber(tmpdir_path, engine):
    receiver = Receiver()
    sink = Sink(free_port(), reject=["gone@example.net"]).start()
    n = node(tmpdir_path, "--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{sink.port}?tls=none",
             database_url=create_database() if engine == "postgres" else None)
    try:
        ses = n.root_client("ses")
        feedback = subscribe(n, receiver, "ses-feedback")
        events = subscribe(n, receiver, "ses-events")
        for kind in ("Bounce", "Complaint", "Delivery"):
            ses.set_identity_notification_topic(Identity="sender@example.com", NotificationType=kind, SnsTopic=feedback)
        ses.set_identity_headers_in_notifications_enabled(Identity="sender@example.com", NotificationType="Bounce", Enabled=True)
        ses.set_identity_feedback_forwarding_enabled(Identity="sender@example.com", ForwardingEnabled=False)
        attrs = ses.get_identity_notification_attributes(Identities=["sender@example.com"])["NotificationAttributes"]["sender@example.com"]
        assert attrs["BounceTopic"] == feedback and attrs["ForwardingEnabled"] is False and attrs["HeadersInBounceNotificationsEnabled"]
        ses.create_configuration_set(ConfigurationSet={"Name": "tracked"})
        sesv2 = n.root_client("sesv2")
        sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="tracked", EventDestinationName="to-sns",
            EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "REJECT"],
                              "SnsDestination": {"TopicArn": events}})
        # The v1 API manages the same destinations.
        ses.create_configuration_set_event_destination(ConfigurationSetName="tracked", EventDestination={
            "Name": "v1-dest", "Enabled": True, "MatchingEventTypes": ["bounce"], "SNSDestination": {"TopicARN": events}})
        with pytest.raises(ses.exceptions.ClientError):
            ses.create_configuration_set_event_destination(ConfigurationSetName="tracked", EventDestination={
                "Name": "v1-dest", "Enabled": True, "MatchingEventTypes": ["bounce"], "SNSDestination": {"TopicARN": events}})
        assert len(sesv2.get_configuration_set_event_destinations(ConfigurationSetName="tracked")["EventDestinations"]) == 2
        ses.delete_configuration_set_event_destination(ConfigurationSetName="tracked", EventDestinationName="v1-dest")
        listed = sesv2.get_configuration_set_event_destinations(ConfigurationSetName="tracked")["EventDestinations"]
        assert listed[0]["Name"] == "to-sns" and sorted(listed[0]["MatchingEventTypes"]) == ["BOUNCE", "COMPLAINT", "DELIVERY", "REJECT", "SEND"]

        message_id = ses.send_email(
            Source="sender@example.com", Destination={"ToAddresses": ["here@example.net", "gone@example.net", "complaint@simulator.amazonses.com"]},
            Message={"Subject": {"Data": "tracked mail"}, "Body": {"Text": {"Data": "hi"}}}, ConfigurationSetName="tracked")["MessageId"]

        def ses_json(topic, key, value):
            found = receiver.wait(lambda m: m["Type"] == "Notification" and m["TopicArn"] == topic and json.loads(m["Message"]).get(key) == value)
            assert all(verify_signature(m) for m in found)
            return [json.loads(m["Message"]) for m in found]

        bounce = ses_json(feedback, "notificationType", "Bounce")[0]
        assert bounce["bounce"]["bounceType"] == "Permanent" and bounce["bounce"]["bounceSubType"] == "NoEmail"
        assert bounce["bounce"]["bouncedRecipients"][0]["emailAddress"] == "gone@example.net"
        assert bounce["bounce"]["bouncedRecipients"][0]["status"] == "5.1.1"
        assert bounce["mail"]["messageId"] == message_id and bounce["mail"]["source"] == "sender@example.com"
        assert bounce["mail"]["commonHeaders"]["subject"] == "tracked mail"
        assert any(h["name"] == "Subject" for h in bounce["mail"]["headers"])  # headers were asked for
        delivery = ses_json(feedback, "notificationType", "Delivery")
        assert sorted(r for d in delivery for r in d["delivery"]["recipients"]) == ["complaint@simulator.amazonses.com", "here@example.net"]
        assert all("smtpResponse" in d["delivery"] and d["delivery"]["processingTimeMillis"] >= 0 for d in delivery)
        complaint = ses_json(feedback, "notificationType", "Complaint")[0]
        assert complaint["complaint"]["complainedRecipients"] == [{"emailAddress": "complaint@simulator.amazonses.com"}]

        sent = ses_json(events, "eventType", "Send")[0]
        assert sent["mail"]["messageId"] == message_id and sent["mail"]["tags"]["ses:configuration-set"] == ["tracked"]
        assert ses_json(events, "eventType", "Bounce")[0]["bounce"]["bounceSubType"] == "NoEmail"
        assert ses_json(events, "eventType", "Delivery")
        assert ses_json(events, "eventType", "Complaint")

        # A message carrying the antivirus test file (EICAR) is accepted, then rejected: no delivery, a Reject event.
        eicar = base64.b64encode(rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").decode()
        raw = ("From: sender@example.com\r\nTo: victim@example.net\r\nSubject: invoice\r\nMIME-Version: 1.0\r\n"
               "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
               "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
               f"Content-Disposition: attachment; filename=eicar.com\r\n\r\n{eicar}\r\n--b--\r\n")
        rejected = ses.send_raw_email(RawMessage={"Data": raw.encode()}, ConfigurationSetName="tracked")["MessageId"]
        reject = [e for e in ses_json(events, "eventType", "Reject") if e["mail"]["messageId"] == rejected][0]
        assert reject["reject"] == {"reason": "Bad content"}
        assert states(show(n, rejected)) == {"victim@example.net": "rejected"}
        assert not any("victim@example.net" in m["rcpt_tos"] for m in sink.messages)

        # A message without the configuration set publishes no events, only identity notifications.
        before = len(receiver.messages("Notification"))
        plain = send(n, ["plain@example.net"])
        wait_until(n, plain, lambda s: states(s) == {"plain@example.net": "delivered"})
        ses_json(feedback, "notificationType", "Delivery")
        time.sleep(1)
        new = [json.loads(m["Message"]) for _, m in receiver.messages("Notification")[before:]]
        assert all("eventType" not in m for m in new) and any(m["mail"]["messageId"] == plain for m in new)

        # Forwarding cannot be turned off for an identity without bounce and complaint topics.
        ses.verify_email_identity(EmailAddress="other@example.com")
        with pytest.raises(ses.exceptions.ClientError) as refused:
            ses.set_identity_feedback_forwarding_enabled(Identity="other@example.com", ForwardingEnabled=False)
        assert "InvalidParameterValue" in str(refused.value)
    finally:
        assert n.stop() == 0
        sink.stop()
        receiver.stop()
