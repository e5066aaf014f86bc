"""Terraform's AWS provider (5.100.0, from the machine's filesystem mirror) managing SES: domain
and email identities, Easy DKIM and BYODKIM, custom MAIL FROM (v1 and v2 resources), a sending
authorization policy, a template, a notification topic, configuration sets with every option
and their SNS event destinations, and receiving (a receipt rule set with rules, made active, and
a receipt filter). Applied, planned again (no changes) and destroyed; what
Terraform wrote is read back with boto3."""
import base64
import json
import os
import subprocess

import pytest

from conftest import Sesame, create_database
from terraform_helpers import Module


@pytest.fixture(params=["sqlite", "postgres"])
def node(request, tmpdir_path):
    """A node with a place for S3 actions' files (a local directory), on each engine."""
    database_url = create_database() if request.param == "postgres" else None
    started = Sesame(os.path.join(tmpdir_path, "data"), database_url=database_url,
                     args=["--s3-directory", os.path.join(tmpdir_path, "s3")]).start()
    yield started
    assert started.stop() == 0, started.read_log()


def test_terraform_ses(node, terraform_env, tmpdir_path):
    work, env = terraform_env
    root = node.root_credentials()
    pem = os.path.join(tmpdir_path, "byo.pem")
    subprocess.run(["openssl", "genrsa", "-out", pem, "2048"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", pem, "-outform", "DER"], check=True, capture_output=True).stdout
    topic = node.root_client("sns").create_topic(Name="tf-ses-events")["TopicArn"]
    module = Module("ses", work, env, {"endpoint": node.endpoint, "topic_arn": topic, "access_key": root["Access key ID"],
                                        "secret_key": root["Secret access key"], "byodkim_private_key": base64.b64encode(der).decode()})
    module.apply_and_replan()
    out = module.outputs()
    ses, v2 = node.root_client("ses"), node.root_client("sesv2")
    assert len(out["dkim_tokens"]) == 3 and len(out["easy_dkim_tokens"]) == 3

    mail_from = ses.get_identity_mail_from_domain_attributes(Identities=["tf-ses.example.com"])["MailFromDomainAttributes"]
    assert mail_from["tf-ses.example.com"]["MailFromDomain"] == "bounce.tf-ses.example.com"
    assert mail_from["tf-ses.example.com"]["BehaviorOnMXFailure"] == "RejectMessage"
    policy = json.loads(ses.get_identity_policies(Identity="tf-ses.example.com", PolicyNames=["delegate"])["Policies"]["delegate"])
    assert policy["Statement"][0]["Resource"] == out["domain_arn"]
    assert ses.get_template(TemplateName="tf-welcome")["Template"]["SubjectPart"] == "Welcome, {{name}}"
    topics = ses.get_identity_notification_attributes(Identities=["tf-ses.example.com"])["NotificationAttributes"]
    assert topics["tf-ses.example.com"]["BounceTopic"].endswith(":tf-ses-events")

    names = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]
    v1set = ses.describe_configuration_set(ConfigurationSetName="tf-v1-set", ConfigurationSetAttributeNames=names)
    assert v1set["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert v1set["TrackingOptions"] == {"CustomRedirectDomain": "track.tf-ses.example.com"}
    assert v1set["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert sorted(d["Name"] for d in v1set["EventDestinations"]) == ["to-cloudwatch", "to-sns"]
    cloudwatch = [d for d in v1set["EventDestinations"] if d["Name"] == "to-cloudwatch"][0]
    assert cloudwatch["CloudWatchDestination"]["DimensionConfigurations"] == [
        {"DimensionName": "campaign", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "none"}]
    bus = [d for d in v2.get_configuration_set_event_destinations(ConfigurationSetName="tf-v2-set")["EventDestinations"]
           if d["Name"] == "v2-to-eventbridge"][0]
    assert bus["EventBridgeDestination"]["EventBusArn"].endswith(":event-bus/default")

    v2set = v2.get_configuration_set(ConfigurationSetName="tf-v2-set")
    assert v2set["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 600}
    assert v2set["SuppressionOptions"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    assert v2set["VdmOptions"]["DashboardOptions"] == {"EngagementMetrics": "ENABLED"}
    assert v2set["Tags"] == [{"Key": "team", "Value": "mail"}]
    easy = v2.get_email_identity(EmailIdentity="tf-v2.example.com")
    assert easy["ConfigurationSetName"] == "tf-v2-set" and easy["Tags"] == [{"Key": "env", "Value": "ci"}]
    assert easy["MailFromAttributes"]["MailFromDomain"] == "mail.tf-v2.example.com"
    byo = v2.get_email_identity(EmailIdentity="tf-byo.example.com")["DkimAttributes"]
    assert byo["SigningAttributesOrigin"] == "EXTERNAL" and byo["Tokens"] == ["tf2026"]

    assert v2.get_dedicated_ip_pool(PoolName="tf-pool")["DedicatedIpPool"]["ScalingMode"] == "STANDARD"

    assert v2.get_contact_list(ContactListName="tf-customers")["Topics"][0]["TopicName"] == "news"

    active = ses.describe_active_receipt_rule_set()
    assert active["Metadata"]["Name"] == "tf-inbound" and [r["Name"] for r in active["Rules"]] == ["support", "catchall"]
    support = active["Rules"][0]
    assert support["TlsPolicy"] == "Require" and support["Recipients"] == ["support@tf-ses.example.com"]
    assert [list(a)[0] for a in support["Actions"]] == ["AddHeaderAction", "S3Action", "SNSAction", "StopAction"]
    assert support["Actions"][1]["S3Action"] == {"BucketName": "tf-inbound-mail", "ObjectKeyPrefix": "support/", "TopicArn": topic}
    assert support["Actions"][2]["SNSAction"] == {"TopicArn": topic, "Encoding": "Base64"}
    assert active["Rules"][1]["Actions"][0]["BounceAction"]["SmtpReplyCode"] == "550"
    assert ses.list_receipt_filters()["Filters"] == [{"Name": "tf-block", "IpFilter": {"Policy": "Block", "Cidr": "203.0.113.0/24"}}]

    module.destroy()
    assert ses.list_receipt_rule_sets().get("RuleSets", []) == [] and ses.list_receipt_filters()["Filters"] == []
    assert ses.describe_active_receipt_rule_set().get("Metadata") is None
    assert v2.list_contact_lists()["ContactLists"] == []
    assert v2.list_dedicated_ip_pools()["DedicatedIpPools"] == []
    assert ses.list_identities()["Identities"] == []
    assert ses.list_configuration_sets()["ConfigurationSets"] == []
    assert ses.list_templates()["TemplatesMetadata"] == []
