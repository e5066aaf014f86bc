"""SES identity settings and configuration set options through boto3 (v1 and v2) and the aws CLI:
custom MAIL FROM domains, sending authorization policies (and their effect on sends), default
configuration sets, tags by ARN, and every configuration set option, stored and enforced."""
import json

import pytest
from botocore.exceptions import ClientError

SIMPLE = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}}


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def account_of(sesame):
    return sesame.root_client("sts").get_caller_identity()["Account"]


def test_mail_from_domain_v1_and_v2(sesame):
    ses, v2 = sesame.root_client("ses"), sesame.root_client("sesv2")
    ses.verify_domain_identity(Domain="example.com")
    ses.verify_email_identity(EmailAddress="someone@example.org")
    ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com", BehaviorOnMXFailure="RejectMessage")
    attributes = ses.get_identity_mail_from_domain_attributes(Identities=["example.com", "someone@example.org", "missing.test"])
    assert attributes["MailFromDomainAttributes"]["example.com"] == {
        "MailFromDomain": "bounce.example.com", "MailFromDomainStatus": "Success", "BehaviorOnMXFailure": "RejectMessage"}
    assert "missing.test" not in attributes["MailFromDomainAttributes"]
    got = v2.get_email_identity(EmailIdentity="example.com")["MailFromAttributes"]
    assert got == {"MailFromDomain": "bounce.example.com", "MailFromDomainStatus": "SUCCESS", "BehaviorOnMxFailure": "REJECT_MESSAGE"}

    # Not a subdomain of the identity's domain; an identity that does not exist.
    code, message, _ = error_of(ses.set_identity_mail_from_domain, Identity="example.com", MailFromDomain="bounce.example.net")
    assert code == "InvalidParameterValue" and "not subdomain" in message
    assert error_of(v2.put_email_identity_mail_from_attributes, EmailIdentity="nobody.test", MailFromDomain="m.nobody.test")[0] \
        == "NotFoundException"
    # An address identity uses its domain's subdomains.
    v2.put_email_identity_mail_from_attributes(EmailIdentity="someone@example.org", MailFromDomain="mail.example.org")
    assert v2.get_email_identity(EmailIdentity="someone@example.org")["MailFromAttributes"]["MailFromDomain"] == "mail.example.org"
    # Clearing it returns to SES's own domain and keeps the behaviour.
    ses.set_identity_mail_from_domain(Identity="example.com")
    cleared = v2.get_email_identity(EmailIdentity="example.com")["MailFromAttributes"]
    assert "MailFromDomain" not in cleared and cleared["BehaviorOnMxFailure"] == "REJECT_MESSAGE"


def test_sending_authorization_policies(sesame):
    ses, v2, iam = sesame.root_client("ses"), sesame.root_client("sesv2"), sesame.root_client("iam")
    account = account_of(sesame)
    v2.create_email_identity(EmailIdentity="example.com")
    arn = f"arn:aws:ses:us-east-1:{account}:identity/example.com"
    iam.create_user(UserName="delegate")
    key = iam.create_access_key(UserName="delegate")["AccessKey"]
    delegate = sesame.client("sesv2", key["AccessKeyId"], key["SecretAccessKey"])
    send = lambda: delegate.send_email(FromEmailAddress="app@example.com", Destination={"ToAddresses": ["x@example.net"]},
                                       Content=SIMPLE)
    # No IAM policy and no identity policy: refused.
    assert error_of(send)[0] == "AccessDeniedException"

    allow = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:user/delegate"},
        "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": arn,
        "Condition": {"StringLike": {"ses:FromAddress": "app@example.com"}}}]}
    ses.put_identity_policy(Identity="example.com", PolicyName="delegate", Policy=json.dumps(allow))
    assert ses.list_identity_policies(Identity="example.com")["PolicyNames"] == ["delegate"]
    assert json.loads(ses.get_identity_policies(Identity="example.com", PolicyNames=["delegate", "other"])["Policies"]["delegate"]) == allow
    message_id = send()["MessageId"]
    assert sesame.captured(id=message_id)[0]["Principal"].endswith(":user/delegate")
    # The policy's condition holds: another From address of the domain is still refused.
    assert error_of(delegate.send_email, FromEmailAddress="other@example.com", Destination={"ToAddresses": ["x@example.net"]},
                    Content=SIMPLE)[0] == "AccessDeniedException"

    # An explicit Deny on the identity wins over the user's own IAM Allow.
    iam.put_user_policy(UserName="delegate", PolicyName="send", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}))
    deny = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": {"AWS": account}, "Action": "ses:SendEmail", "Resource": arn}]}
    v2.create_email_identity_policy(EmailIdentity="example.com", PolicyName="freeze", Policy=json.dumps(deny))
    assert error_of(send)[0] == "AccessDeniedException"
    assert set(v2.get_email_identity_policies(EmailIdentity="example.com")["Policies"]) == {"delegate", "freeze"}
    assert set(v2.get_email_identity(EmailIdentity="example.com")["Policies"]) == {"delegate", "freeze"}
    v2.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="freeze")
    assert send()["MessageId"]

    # v2 create and update keep to their verbs; invalid policies are SES's InvalidPolicy.
    assert error_of(v2.create_email_identity_policy, EmailIdentity="example.com", PolicyName="delegate",
                    Policy=json.dumps(allow))[0] == "AlreadyExistsException"
    assert error_of(v2.update_email_identity_policy, EmailIdentity="example.com", PolicyName="nope",
                    Policy=json.dumps(allow))[0] == "NotFoundException"
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendEmail", "Resource": arn}]}
    code, message, status = error_of(ses.put_identity_policy, Identity="example.com", PolicyName="bad", Policy=json.dumps(no_principal))
    assert (code, status) == ("InvalidPolicy", 400) and "Principal" in message
    other_resource = dict(allow, Statement=[dict(allow["Statement"][0], Resource=arn.replace("example.com", "example.net"))])
    assert error_of(ses.put_identity_policy, Identity="example.com", PolicyName="bad", Policy=json.dumps(other_resource))[0] \
        == "InvalidPolicy"
    not_ses = dict(allow, Statement=[dict(allow["Statement"][0], Action="s3:GetObject")])
    assert error_of(ses.put_identity_policy, Identity="example.com", PolicyName="bad", Policy=json.dumps(not_ses))[0] == "InvalidPolicy"
    assert error_of(v2.update_email_identity_policy, EmailIdentity="example.com", PolicyName="delegate",
                    Policy="{not json")[0] == "BadRequestException"

    # Deleting the identity deletes its policies.
    ses.delete_identity(Identity="example.com")
    v2.create_email_identity(EmailIdentity="example.com")
    assert v2.get_email_identity_policies(EmailIdentity="example.com")["Policies"] == {}


def test_default_configuration_set_tags_and_feedback(sesame):
    v2 = sesame.root_client("sesv2")
    account = account_of(sesame)
    v2.create_configuration_set(ConfigurationSetName="defaults", Tags=[{"Key": "team", "Value": "mail"}])
    v2.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="defaults", Tags=[{"Key": "env", "Value": "ci"}])
    got = v2.get_email_identity(EmailIdentity="example.com")
    assert got["ConfigurationSetName"] == "defaults" and got["Tags"] == [{"Key": "env", "Value": "ci"}]
    assert got["FeedbackForwardingStatus"] is True

    # A send that names no set uses the identity's default: pausing the set refuses it.
    v2.put_configuration_set_sending_options(ConfigurationSetName="defaults", SendingEnabled=False)
    send = lambda **kw: v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["x@example.net"]},
                                      Content=SIMPLE, **kw)
    code, message, _ = error_of(send)
    assert code == "SendingPausedException" and "defaults" in message
    code, _, _ = error_of(sesame.root_client("ses").send_email, Source="a@example.com", Destination={"ToAddresses": ["x@example.net"]},
                          Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
    assert code == "ConfigurationSetSendingPausedException"
    v2.put_email_identity_configuration_set_attributes(EmailIdentity="example.com")
    assert "ConfigurationSetName" not in v2.get_email_identity(EmailIdentity="example.com")
    assert send()["MessageId"]
    assert error_of(v2.put_email_identity_configuration_set_attributes, EmailIdentity="example.com",
                    ConfigurationSetName="nope")[0] == "NotFoundException"

    # Tags by ARN on identities and configuration sets.
    identity_arn = f"arn:aws:ses:us-east-1:{account}:identity/example.com"
    set_arn = f"arn:aws:ses:us-east-1:{account}:configuration-set/defaults"
    v2.tag_resource(ResourceArn=identity_arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "ops"}])
    assert v2.list_tags_for_resource(ResourceArn=identity_arn)["Tags"] == [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "ops"}]
    v2.untag_resource(ResourceArn=identity_arn, TagKeys=["env"])
    assert v2.list_tags_for_resource(ResourceArn=identity_arn)["Tags"] == [{"Key": "owner", "Value": "ops"}]
    assert v2.list_tags_for_resource(ResourceArn=set_arn)["Tags"] == [{"Key": "team", "Value": "mail"}]
    assert error_of(v2.list_tags_for_resource, ResourceArn=set_arn.replace("defaults", "nope"))[0] == "NotFoundException"
    assert error_of(v2.tag_resource, ResourceArn=identity_arn, Tags=[{"Key": "aws:x", "Value": "y"}])[0] == "BadRequestException"

    # Feedback forwarding can be turned off only with bounce and complaint topics (as v1).
    assert error_of(v2.put_email_identity_feedback_attributes, EmailIdentity="example.com", EmailForwardingEnabled=False)[0] \
        == "BadRequestException"


def test_configuration_set_options_v2(sesame):
    v2 = sesame.root_client("sesv2")
    v2.create_configuration_set(
        ConfigurationSetName="all",
        TrackingOptions={"CustomRedirectDomain": "track.example.com", "HttpsPolicy": "REQUIRE"},
        DeliveryOptions={"TlsPolicy": "REQUIRE", "SendingPoolName": "pool", "MaxDeliverySeconds": 600},
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
        SuppressionOptions={"SuppressedReasons": ["BOUNCE"]},
        VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}, "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"}},
        ArchivingOptions={"ArchiveArn": "arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a-0123456789abcdefghijklmnop"},
        Tags=[{"Key": "k", "Value": "v"}])
    got = v2.get_configuration_set(ConfigurationSetName="all")
    assert got["TrackingOptions"] == {"CustomRedirectDomain": "track.example.com", "HttpsPolicy": "REQUIRE"}
    assert got["DeliveryOptions"] == {"TlsPolicy": "REQUIRE", "SendingPoolName": "pool", "MaxDeliverySeconds": 600}
    assert got["ReputationOptions"]["ReputationMetricsEnabled"] is True
    assert got["SendingOptions"] == {"SendingEnabled": True}
    assert got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}
    assert got["VdmOptions"] == {"DashboardOptions": {"EngagementMetrics": "ENABLED"},
                                 "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"}}
    assert got["ArchivingOptions"]["ArchiveArn"].endswith("a-0123456789abcdefghijklmnop") and got["Tags"] == [{"Key": "k", "Value": "v"}]

    v2.put_configuration_set_delivery_options(ConfigurationSetName="all", TlsPolicy="OPTIONAL")
    v2.put_configuration_set_reputation_options(ConfigurationSetName="all", ReputationMetricsEnabled=False)
    v2.put_configuration_set_suppression_options(ConfigurationSetName="all", SuppressedReasons=["BOUNCE", "COMPLAINT"])
    v2.put_configuration_set_tracking_options(ConfigurationSetName="all", CustomRedirectDomain="t2.example.com")
    v2.put_configuration_set_vdm_options(ConfigurationSetName="all", VdmOptions={})
    v2.put_configuration_set_archiving_options(ConfigurationSetName="all")
    got = v2.get_configuration_set(ConfigurationSetName="all")
    assert got["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"}
    assert got["ReputationOptions"]["ReputationMetricsEnabled"] is False
    assert got["SuppressionOptions"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]
    assert got["TrackingOptions"] == {"CustomRedirectDomain": "t2.example.com"}
    assert "VdmOptions" not in got and "ArchivingOptions" not in got

    unchecked = sesame.root_client("sesv2", validate=False)
    code, message, _ = error_of(unchecked.put_configuration_set_delivery_options, ConfigurationSetName="all", MaxDeliverySeconds=5)
    assert code == "BadRequestException" and "maxDeliverySeconds" in message
    assert error_of(v2.put_configuration_set_sending_options, ConfigurationSetName="nope", SendingEnabled=True)[0] \
        == "NotFoundException"
    assert error_of(v2.create_configuration_set, ConfigurationSetName="all")[0] == "AlreadyExistsException"


def test_configuration_set_options_v1_and_cli(sesame):
    ses = sesame.root_client("ses")
    ses.create_configuration_set(ConfigurationSet={"Name": "v1set"})
    names = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]
    described = ses.describe_configuration_set(ConfigurationSetName="v1set", ConfigurationSetAttributeNames=names)
    assert described["ConfigurationSet"] == {"Name": "v1set"} and described["EventDestinations"] == []
    assert described["DeliveryOptions"] == {"TlsPolicy": "Optional"}
    assert described["ReputationOptions"] == {"SendingEnabled": True, "ReputationMetricsEnabled": False}
    assert "TrackingOptions" not in described
    # Without attribute names only the name comes back.
    assert set(ses.describe_configuration_set(ConfigurationSetName="v1set")) - {"ResponseMetadata"} == {"ConfigurationSet"}

    topic = sesame.root_client("sns").create_topic(Name="events")["TopicArn"]
    ses.create_configuration_set_event_destination(ConfigurationSetName="v1set", EventDestination={
        "Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["bounce", "renderingFailure"], "SNSDestination": {"TopicARN": topic}})
    ses.create_configuration_set_tracking_options(ConfigurationSetName="v1set", TrackingOptions={"CustomRedirectDomain": "t.example.com"})
    assert error_of(ses.create_configuration_set_tracking_options, ConfigurationSetName="v1set",
                    TrackingOptions={"CustomRedirectDomain": "t.example.com"})[0] == "TrackingOptionsAlreadyExistsException"
    ses.put_configuration_set_delivery_options(ConfigurationSetName="v1set", DeliveryOptions={"TlsPolicy": "Require"})
    ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="v1set", Enabled=True)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="v1set", Enabled=False)
    described = ses.describe_configuration_set(ConfigurationSetName="v1set", ConfigurationSetAttributeNames=names)
    assert described["EventDestinations"] == [{"Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["bounce", "renderingFailure"],
                                               "SNSDestination": {"TopicARN": topic}}]
    assert described["TrackingOptions"] == {"CustomRedirectDomain": "t.example.com"}
    assert described["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert described["ReputationOptions"] == {"SendingEnabled": False, "ReputationMetricsEnabled": True}
    # v2 sees what v1 set.
    got = sesame.root_client("sesv2").get_configuration_set(ConfigurationSetName="v1set")
    assert got["DeliveryOptions"]["TlsPolicy"] == "REQUIRE" and got["SendingOptions"] == {"SendingEnabled": False}

    # The paused set refuses sends that name it.
    ses.verify_email_identity(EmailAddress="a@example.com")
    code, _, _ = error_of(ses.send_email, Source="a@example.com", Destination={"ToAddresses": ["x@example.net"]},
                          Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}}, ConfigurationSetName="v1set")
    assert code == "ConfigurationSetSendingPausedException"

    # The aws CLI drives the same operations.
    sesame.cli("ses", "update-configuration-set-tracking-options", "--configuration-set-name", "v1set",
               "--tracking-options", "CustomRedirectDomain=t3.example.com")
    _, out, _ = sesame.cli("ses", "describe-configuration-set", "--configuration-set-name", "v1set",
                           "--configuration-set-attribute-names", "trackingOptions")
    assert json.loads(out)["TrackingOptions"] == {"CustomRedirectDomain": "t3.example.com"}
    sesame.cli("ses", "delete-configuration-set-tracking-options", "--configuration-set-name", "v1set")
    code, _, err = sesame.cli("ses", "delete-configuration-set-tracking-options", "--configuration-set-name", "v1set", check=False)
    assert code != 0 and "TrackingOptionsDoesNotExistException" in err
    assert error_of(ses.update_configuration_set_sending_enabled, ConfigurationSetName="nope", Enabled=True)[0] \
        == "ConfigurationSetDoesNotExist"


def test_dedicated_ip_pools_are_stored_and_hold_no_addresses(sesame):
    v2 = sesame.root_client("sesv2")
    account = account_of(sesame)
    v2.create_dedicated_ip_pool(PoolName="transactional", Tags=[{"Key": "k", "Value": "v"}])
    v2.create_dedicated_ip_pool(PoolName="bulk", ScalingMode="MANAGED")
    assert error_of(v2.create_dedicated_ip_pool, PoolName="bulk")[0] == "AlreadyExistsException"
    assert v2.list_dedicated_ip_pools()["DedicatedIpPools"] == ["bulk", "transactional"]
    first = v2.list_dedicated_ip_pools(PageSize=1)
    assert first["DedicatedIpPools"] == ["bulk"]
    assert v2.list_dedicated_ip_pools(PageSize=1, NextToken=first["NextToken"])["DedicatedIpPools"] == ["transactional"]
    assert v2.get_dedicated_ip_pool(PoolName="transactional")["DedicatedIpPool"] == {"PoolName": "transactional", "ScalingMode": "STANDARD"}
    v2.put_dedicated_ip_pool_scaling_attributes(PoolName="transactional", ScalingMode="MANAGED")
    assert error_of(v2.put_dedicated_ip_pool_scaling_attributes, PoolName="transactional", ScalingMode="STANDARD")[0] \
        == "BadRequestException"
    arn = f"arn:aws:ses:us-east-1:{account}:dedicated-ip-pool/transactional"
    assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    # No addresses: Sesame sends from its host's own.
    assert v2.get_dedicated_ips(PoolName="transactional")["DedicatedIps"] == []
    assert error_of(v2.get_dedicated_ip, Ip="192.0.2.1")[0] == "NotFoundException"
    assert error_of(v2.get_dedicated_ips, PoolName="nope")[0] == "NotFoundException"
    v2.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=True)
    assert v2.get_account()["DedicatedIpAutoWarmupEnabled"] is True
    v2.delete_dedicated_ip_pool(PoolName="bulk")
    assert error_of(v2.delete_dedicated_ip_pool, PoolName="bulk")[0] == "NotFoundException"
    assert v2.list_dedicated_ip_pools()["DedicatedIpPools"] == ["transactional"]


def test_contact_lists_topics_and_contacts(sesame):
    v2 = sesame.root_client("sesv2")
    account = account_of(sesame)
    topics = [{"TopicName": "news", "DisplayName": "News", "Description": "Monthly news", "DefaultSubscriptionStatus": "OPT_IN"},
              {"TopicName": "offers", "DisplayName": "Offers", "DefaultSubscriptionStatus": "OPT_OUT"}]
    v2.create_contact_list(ContactListName="customers", Topics=topics, Description="Our customers", Tags=[{"Key": "k", "Value": "v"}])
    # One list per account and region, as in SES.
    assert error_of(v2.create_contact_list, ContactListName="second")[0] == "LimitExceededException"
    assert error_of(v2.create_contact_list, ContactListName="customers")[0] == "AlreadyExistsException"
    got = v2.get_contact_list(ContactListName="customers")
    assert got["Topics"] == topics and got["Description"] == "Our customers" and got["Tags"] == [{"Key": "k", "Value": "v"}]
    assert [l["ContactListName"] for l in v2.list_contact_lists()["ContactLists"]] == ["customers"]
    arn = f"arn:aws:ses:us-east-1:{account}:contact-list/customers"
    assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]

    v2.create_contact(ContactListName="customers", EmailAddress="Ann@Example.com",
                      TopicPreferences=[{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}], AttributesData='{"name": "Ann"}')
    v2.create_contact(ContactListName="customers", EmailAddress="bob@example.com")
    v2.create_contact(ContactListName="customers", EmailAddress="cy@example.com", UnsubscribeAll=True)
    assert error_of(v2.create_contact, ContactListName="customers", EmailAddress="bob@example.com")[0] == "AlreadyExistsException"
    assert error_of(v2.create_contact, ContactListName="customers", EmailAddress="d@example.com",
                    TopicPreferences=[{"TopicName": "nope", "SubscriptionStatus": "OPT_IN"}])[0] == "BadRequestException"
    ann = v2.get_contact(ContactListName="customers", EmailAddress="ann@example.com")
    assert ann["TopicPreferences"] == [{"TopicName": "offers", "SubscriptionStatus": "OPT_IN"}]
    assert ann["TopicDefaultPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_IN"}]
    assert ann["AttributesData"] == '{"name": "Ann"}' and ann["UnsubscribeAll"] is False

    everyone = v2.list_contacts(ContactListName="customers")["Contacts"]
    assert [c["EmailAddress"] for c in everyone] == ["ann@example.com", "bob@example.com", "cy@example.com"]
    offers = v2.list_contacts(ContactListName="customers", Filter={
        "FilteredStatus": "OPT_IN", "TopicFilter": {"TopicName": "offers", "UseDefaultIfPreferenceUnavailable": True}})["Contacts"]
    assert [c["EmailAddress"] for c in offers] == ["ann@example.com"]
    news = v2.list_contacts(ContactListName="customers", Filter={
        "FilteredStatus": "OPT_IN", "TopicFilter": {"TopicName": "news", "UseDefaultIfPreferenceUnavailable": True}})["Contacts"]
    assert [c["EmailAddress"] for c in news] == ["ann@example.com", "bob@example.com"]
    page = v2.list_contacts(ContactListName="customers", PageSize=2)
    assert len(page["Contacts"]) == 2 and page["NextToken"]
    assert [c["EmailAddress"] for c in v2.list_contacts(ContactListName="customers", NextToken=page["NextToken"])["Contacts"]] \
        == ["cy@example.com"]

    v2.update_contact(ContactListName="customers", EmailAddress="bob@example.com", UnsubscribeAll=True)
    assert v2.get_contact(ContactListName="customers", EmailAddress="bob@example.com")["UnsubscribeAll"] is True
    v2.update_contact_list(ContactListName="customers", Topics=topics[:1], Description="Renamed")
    assert v2.get_contact_list(ContactListName="customers")["Description"] == "Renamed"
    v2.delete_contact(ContactListName="customers", EmailAddress="cy@example.com")
    assert error_of(v2.get_contact, ContactListName="customers", EmailAddress="cy@example.com")[0] == "NotFoundException"
    v2.delete_contact_list(ContactListName="customers")
    assert error_of(v2.get_contact_list, ContactListName="customers")[0] == "NotFoundException"
    assert v2.list_contact_lists()["ContactLists"] == []
