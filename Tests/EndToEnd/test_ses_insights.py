"""SES's reporting from Sesame's own records: v1 GetSendStatistics (with bounces and
complaints), v2 BatchGetMetricData, GetMessageInsights and GetEmailAddressInsights, fed by the
mailbox simulator's outcomes."""
import datetime

import pytest
from botocore.exceptions import ClientError

from delivery_helpers import states, wait_until

SIM = "@simulator.amazonses.com"


def test_statistics_metrics_and_insights_come_from_what_happened(sesame):
    ses, v2 = sesame.root_client("ses"), sesame.root_client("sesv2")
    ses.verify_domain_identity(Domain="example.com")
    v2.create_configuration_set(ConfigurationSetName="reports")
    message_id = v2.send_email(
        FromEmailAddress="news@example.com", ConfigurationSetName="reports",
        Destination={"ToAddresses": ["success" + SIM, "bounce" + SIM, "complaint" + SIM, "kept@gmail.com"]},
        Content={"Simple": {"Subject": {"Data": "Report me"}, "Body": {"Text": {"Data": "x"}}}})["MessageId"]
    wait_until(sesame, message_id, lambda s: len(s["recipients"]) == 3 and "queued" not in states(s).values())
    wait_until(sesame, message_id, lambda s: any(e["eventType"] == "Complaint" for e in s["events"]))

    # v1: the 15-minute bucket counts the attempt, the bounce and the complaint.
    [point] = ses.get_send_statistics()["SendDataPoints"]
    assert (point["DeliveryAttempts"], point["Bounces"], point["Complaints"], point["Rejects"]) == (4, 1, 1, 0)

    # v2 metrics: daily values, filtered by identity, configuration set or ISP.
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(minutes=5)
    def query(qid, metric, **dimensions):
        q = {"Id": qid, "Namespace": "VDM", "Metric": metric, "StartDate": start, "EndDate": end}
        return dict(q, Dimensions=dimensions) if dimensions else q
    result = v2.batch_get_metric_data(Queries=[
        query("send", "SEND", EMAIL_IDENTITY="example.com"), query("delivered", "DELIVERY", CONFIGURATION_SET="reports"),
        query("bounced", "PERMANENT_BOUNCE"), query("complained", "COMPLAINT"), query("gmail", "SEND", ISP="Gmail"),
        query("elsewhere", "SEND", EMAIL_IDENTITY="other.example"), query("delivered-complaint", "DELIVERY_COMPLAINT"),
    ])
    totals = {r["Id"]: sum(r["Values"]) for r in result["Results"]}
    assert totals == {"send": 4, "delivered": 2, "bounced": 1, "complained": 1, "gmail": 1, "elsewhere": 0,
                      "delivered-complaint": 2}
    assert result["Errors"] == []
    days = [r for r in result["Results"] if r["Id"] == "send"][0]["Timestamps"]
    assert len(days) == 2 and all(d.hour == 0 and d.minute == 0 for d in days)

    # Message insights: each recipient's events, with a bounce's details.
    insights = v2.get_message_insights(MessageId=message_id)
    assert insights["Subject"] == "Report me" and insights["FromEmailAddress"] == "news@example.com"
    assert {"Name": "ses:configuration-set", "Value": "reports"} in insights["EmailTags"]
    by = {i["Destination"]: i for i in insights["Insights"]}
    assert [e["Type"] for e in by["success" + SIM]["Events"]] == ["SEND", "DELIVERY"]
    bounce = [e for e in by["bounce" + SIM]["Events"] if e["Type"] == "BOUNCE"][0]
    assert bounce["Details"]["Bounce"]["BounceType"] == "PERMANENT"
    assert [e["Type"] for e in by["complaint" + SIM]["Events"]] == ["SEND", "DELIVERY", "COMPLAINT"]
    assert by["kept@gmail.com"]["Isp"] == "Gmail" and by["success" + SIM]["Isp"] == "Other"
    with pytest.raises(ClientError) as missing:
        v2.get_message_insights(MessageId="no-such-message")
    assert missing.value.response["Error"]["Code"] == "NotFoundException"

    # Address insights: what Sesame saw of each address.
    def verdicts(address):
        found = v2.get_email_address_insights(EmailAddress=address)["MailboxValidation"]
        return found["IsValid"]["ConfidenceVerdict"], {k: v["ConfidenceVerdict"] for k, v in found["Evaluations"].items()}
    valid, evaluations = verdicts("success" + SIM)
    assert valid == "HIGH" and evaluations["MailboxExists"] == "HIGH" and evaluations["HasValidDnsRecords"] == "HIGH"
    valid, evaluations = verdicts("bounce" + SIM)
    assert valid == "LOW" and evaluations["MailboxExists"] == "LOW"
    valid, evaluations = verdicts("info@never-mailed.example")
    assert valid == "MEDIUM" and evaluations["IsRoleAddress"] == "HIGH" and evaluations["HasValidSyntax"] == "HIGH"
    assert verdicts("not an address")[1]["HasValidSyntax"] == "LOW"
