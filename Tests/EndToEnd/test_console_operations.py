"""The console's operational pages in headless Chromium: the delivery queue and suppression list,
SNS topics and SQS queues with a queue's messages, and received mail with its verdicts and actions."""
import os
import smtplib
import time

from selenium.webdriver.common.by import By

from conftest import Sesame, free_port
from console_helpers import ROOT_PASSWORD, chrome, sign_in_root, visit, wait_for


def test_queue_and_suppression_pages(tmpdir_path):
    from conftest import free_port
    from mailsinks import Sink
    port = free_port()  # nothing listens yet: deliveries wait in the queue
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": ROOT_PASSWORD},
                  args=["--delivery", "relay", "--relay-url", f"smtp://127.0.0.1:{port}?tls=none", "--retry-initial", "3600"]).start()
    driver = chrome(tmpdir_path)
    sink = None
    try:
        ses = node.root_client("ses")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        keep = ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["keep@example.net"]},
                              Message={"Subject": {"Data": "queued one"}, "Body": {"Text": {"Data": "x"}}})["MessageId"]
        drop = ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["drop@example.net"]},
                              Message={"Subject": {"Data": "dropped one"}, "Body": {"Text": {"Data": "x"}}})["MessageId"]
        sign_in_root(driver, node)
        wait_for(driver, "Signed in as root")
        deadline = time.time() + 10
        while time.time() < deadline:
            visit(driver, node, "/console/queue")
            if "refused" in driver.find_element(By.ID, "queue").text.lower():
                break
            time.sleep(0.3)
        assert driver.find_element(By.ID, "delivery-mode").text == "relay"
        table = driver.find_element(By.ID, "queue").text
        assert "keep@example.net" in table and "drop@example.net" in table and "queued: 2" in driver.find_element(By.ID, "queue-states").text
        # Delete one message's recipients from the queue.
        row = [r for r in driver.find_elements(By.CSS_SELECTOR, "#queue tbody tr") if "drop@example.net" in r.text][0]
        row.find_element(By.CSS_SELECTOR, "button[value=delete]").click()
        wait_for(driver, f"Removed 1 queued recipient of {drop}")
        assert "drop@example.net" not in driver.find_element(By.ID, "queue").text
        # The relay comes up; "Retry all now" sends what waits.
        sink = Sink(port).start()
        driver.find_element(By.ID, "retry-all").click()
        wait_for(driver, "1 recipient will be tried again now.")
        assert sink.wait_for(1)[0]["rcpt_tos"] == ["keep@example.net"]
        deadline = time.time() + 10
        while time.time() < deadline:
            visit(driver, node, "/console/queue?state=delivered")
            if "keep@example.net" in driver.find_element(By.ID, "queue").text:
                break
            time.sleep(0.3)
        assert "keep@example.net" in driver.find_element(By.ID, "queue").text
        # The message page shows where each recipient stands and the events.
        visit(driver, node, f"/console/mail/{keep}")
        assert "keep@example.net delivered" in driver.find_element(By.ID, "deliveries").text
        assert "Delivery" in driver.find_element(By.ID, "events").text
        driver.save_screenshot(os.path.join(driver.shots, "message-delivery.png"))

        # Suppression list: add, see it refuse a send, remove.
        visit(driver, node, "/console/suppression")
        driver.find_element(By.ID, "address").send_keys("blocked@example.net")
        driver.find_element(By.ID, "add-suppressed").click()
        wait_for(driver, "blocked@example.net was added to the suppression list.")
        assert "blocked@example.net BOUNCE" in driver.find_element(By.ID, "suppressed").text
        driver.save_screenshot(os.path.join(driver.shots, "suppression.png"))
        listed = node.root_client("sesv2").list_suppressed_destinations()["SuppressedDestinationSummaries"]
        assert [e["EmailAddress"] for e in listed] == ["blocked@example.net"]
        driver.find_element(By.ID, "address").send_keys("not an address")
        driver.find_element(By.ID, "add-suppressed").click()
        wait_for(driver, "error-message")
        visit(driver, node, "/console/suppression")
        driver.find_element(By.CSS_SELECTOR, "#suppressed button[value=remove]").click()
        wait_for(driver, "blocked@example.net was removed from the suppression list.")
        assert node.root_client("sesv2").list_suppressed_destinations()["SuppressedDestinationSummaries"] == []
        visit(driver, node, "/console/queue")
        driver.save_screenshot(os.path.join(driver.shots, "queue.png"))
    finally:
        driver.quit()
        assert node.stop() == 0
        if sink:
            sink.stop()


def test_topics_queues_and_a_queue_s_messages(console):
    node, driver = console
    sns, sqs = node.root_client("sns"), node.root_client("sqs")
    topic = sns.create_topic(Name="console-feedback")["TopicArn"]
    url = sqs.create_queue(QueueName="console-queue")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    import json as _json
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": _json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="<hello from SNS>")
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    visit(driver, node, "/console/messaging")
    assert topic in driver.find_element(By.ID, "topics").text and f"sqs {arn} raw" in driver.find_element(By.ID, "topics").text
    row = driver.find_element(By.ID, "queues").text
    assert "console-queue 1 0 0" in row, row
    driver.find_element(By.LINK_TEXT, "console-queue").click()
    wait_for(driver, "The oldest messages")
    assert "<hello from SNS>" in driver.find_element(By.ID, "queue-messages").text
    # Looking did not receive it.
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "<hello from SNS>"


def test_received_mail_page_shows_rules_verdicts_and_actions(tmpdir_path):
    port = free_port()
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": ROOT_PASSWORD},
                  args=["--inbound-address", f"127.0.0.1:{port}"]).start()
    driver = chrome(tmpdir_path)
    try:
        ses = node.root_client("ses")
        ses.verify_domain_identity(Domain="example.com")
        ses.verify_email_identity(EmailAddress="postmaster@example.com")
        ses.create_receipt_rule_set(RuleSetName="inbound")
        ses.create_receipt_rule(RuleSetName="inbound", Rule={
            "Name": "support", "Enabled": True, "Recipients": ["support@example.com"], "Actions": [
                {"AddHeaderAction": {"HeaderName": "X-Route", "HeaderValue": "support"}},
                {"BounceAction": {"SmtpReplyCode": "550", "Message": "Gone fishing", "Sender": "postmaster@example.com"}}]})
        ses.create_receipt_rule_set(RuleSetName="spare")
        ses.set_active_receipt_rule_set(RuleSetName="inbound")
        ses.create_receipt_filter(Filter={"Name": "block-doc", "IpFilter": {"Policy": "Block", "Cidr": "203.0.113.0/24"}})
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.ehlo("mail.remote.test")
            smtp.sendmail("alice@remote.test", ["support@example.com"], b"From: alice@remote.test\r\nSubject: hi\r\n\r\nhello\r\n")
        sign_in_root(driver, node)
        wait_for(driver, "Signed in as root")
        deadline = time.time() + 20
        while True:
            visit(driver, node, "/console/receiving")
            received = driver.find_element(By.ID, "received").text
            if "processed" in received or time.time() > deadline:
                break
            time.sleep(0.2)
        text = driver.find_element(By.TAG_NAME, "main").text
        assert "inbound (active)" in text and "spare" in text and "(active)" not in text.split("spare")[1].split("\n")[0]
        assert "AddHeader X-Route: support → Bounce 550 Gone fishing" in text
        assert "block-doc Block 203.0.113.0/24" in driver.find_element(By.ID, "filters").text
        assert "alice@remote.test" in received and "support@example.com" in received and "processed" in received, received
        assert "SPF GRAY" in received and "virus PASS" in received, received  # the node's DNS knows no remote.test
        assert "support: AddHeader done" in received and "support: Bounce done" in received, received
        # One rule set's mail only.
        driver.find_element(By.LINK_TEXT, "spare").click()
        wait_for(driver, "by rule set spare")
        assert "No mail received yet." in driver.find_element(By.ID, "received").text
    finally:
        driver.quit()
        assert node.stop() == 0, node.read_log()
