"""SES v1's receiving configuration with boto3, on both engines: receipt rule sets, rules (their
defaults, order, actions and SES's checks of them), the active set, and receipt filters."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response["Error"]["Code"], info.value.response["Error"]["Message"]


def names(ses, rule_set):
    return [r["Name"] for r in ses.describe_receipt_rule_set(RuleSetName=rule_set)["Rules"]]


def test_rule_sets_rules_and_their_order(sesame):
    ses, sns = sesame.root_client("ses"), sesame.root_client("sns")
    ses.create_receipt_rule_set(RuleSetName="inbound")
    assert error_of(ses.create_receipt_rule_set, RuleSetName="inbound") == ("AlreadyExists", "Rule set already exists: inbound")
    code, message = error_of(ses.create_receipt_rule_set, RuleSetName="bad!name")
    assert code == "ValidationError" and "^[a-zA-Z0-9_.-]+$" in message
    assert error_of(ses.describe_receipt_rule_set, RuleSetName="missing") == ("RuleSetDoesNotExist", "Rule set does not exist: missing")
    assert [s["Name"] for s in ses.list_receipt_rule_sets()["RuleSets"]] == ["inbound"]
    # A minimal rule gets SES's defaults; without After a rule goes first, with it right behind.
    ses.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "minimal"})
    rule = ses.describe_receipt_rule(RuleSetName="inbound", RuleName="minimal")["Rule"]
    assert (rule["Enabled"], rule["TlsPolicy"], rule["ScanEnabled"], rule.get("Actions", [])) == (False, "Optional", False, [])
    topic = sns.create_topic(Name="inbound-mail")["TopicArn"]
    ses.create_receipt_rule(RuleSetName="inbound", Rule={
        "Name": "support", "Enabled": True, "TlsPolicy": "Require", "ScanEnabled": True,
        "Recipients": ["support@example.com", ".example.org", "example.com"],
        "Actions": [{"AddHeaderAction": {"HeaderName": "X-Route", "HeaderValue": "support"}},
                    {"SNSAction": {"TopicArn": topic}}, {"StopAction": {"Scope": "RuleSet"}}]})
    ses.create_receipt_rule(RuleSetName="inbound", After="support", Rule={"Name": "after-support"})
    assert names(ses, "inbound") == ["support", "after-support", "minimal"]
    support = ses.describe_receipt_rule(RuleSetName="inbound", RuleName="support")["Rule"]
    assert support["Recipients"] == [".example.org", "example.com", "support@example.com"]  # kept sorted, as SES does
    assert [list(a)[0] for a in support["Actions"]] == ["AddHeaderAction", "SNSAction", "StopAction"]
    assert support["Actions"][1]["SNSAction"] == {"TopicArn": topic, "Encoding": "UTF-8"}
    assert error_of(ses.create_receipt_rule, RuleSetName="inbound", Rule={"Name": "support"}) == (
        "AlreadyExists", "Rule already exists: support")
    assert error_of(ses.describe_receipt_rule, RuleSetName="inbound", RuleName="ghost") == ("RuleDoesNotExist", "Rule does not exist: ghost")
    assert error_of(ses.create_receipt_rule, RuleSetName="inbound", After="ghost", Rule={"Name": "x"})[0] == "RuleDoesNotExist"
    # Update replaces the rule where it stands; positions move; a reorder names every rule.
    ses.update_receipt_rule(RuleSetName="inbound", Rule={"Name": "support", "Enabled": True})
    updated = ses.describe_receipt_rule(RuleSetName="inbound", RuleName="support")["Rule"]
    assert updated.get("Actions", []) == [] and updated["TlsPolicy"] == "Optional" and names(ses, "inbound")[0] == "support"
    assert error_of(ses.update_receipt_rule, RuleSetName="inbound", Rule={"Name": "ghost"})[0] == "RuleDoesNotExist"
    ses.set_receipt_rule_position(RuleSetName="inbound", RuleName="minimal")
    assert names(ses, "inbound") == ["minimal", "support", "after-support"]
    ses.set_receipt_rule_position(RuleSetName="inbound", RuleName="minimal", After="after-support")
    assert names(ses, "inbound") == ["support", "after-support", "minimal"]
    ses.reorder_receipt_rule_set(RuleSetName="inbound", RuleNames=["minimal", "after-support", "support"])
    assert names(ses, "inbound") == ["minimal", "after-support", "support"]
    assert error_of(ses.reorder_receipt_rule_set, RuleSetName="inbound", RuleNames=["minimal", "ghost"])[0] == "RuleDoesNotExist"
    assert error_of(ses.reorder_receipt_rule_set, RuleSetName="inbound", RuleNames=["minimal"])[0] == "InvalidParameterValue"
    ses.delete_receipt_rule(RuleSetName="inbound", RuleName="after-support")
    ses.delete_receipt_rule(RuleSetName="inbound", RuleName="after-support")  # again: nothing to delete, no error
    assert names(ses, "inbound") == ["minimal", "support"]
    # Clone copies the rules; the active set cannot be deleted until another (or none) is active.
    ses.clone_receipt_rule_set(RuleSetName="inbound-copy", OriginalRuleSetName="inbound")
    assert names(ses, "inbound-copy") == ["minimal", "support"]
    assert ses.describe_active_receipt_rule_set().get("Metadata") is None
    ses.set_active_receipt_rule_set(RuleSetName="inbound")
    active = ses.describe_active_receipt_rule_set()
    assert active["Metadata"]["Name"] == "inbound" and [r["Name"] for r in active["Rules"]] == ["minimal", "support"]
    assert error_of(ses.delete_receipt_rule_set, RuleSetName="inbound") == ("CannotDelete", "Cannot delete active rule set: inbound")
    assert error_of(ses.set_active_receipt_rule_set, RuleSetName="missing")[0] == "RuleSetDoesNotExist"
    ses.set_active_receipt_rule_set()  # none active
    assert ses.describe_active_receipt_rule_set().get("Metadata") is None
    ses.delete_receipt_rule_set(RuleSetName="inbound")
    assert [s["Name"] for s in ses.list_receipt_rule_sets()["RuleSets"]] == ["inbound-copy"]


def test_actions_are_checked_as_ses_checks_them(sesame):
    ses = sesame.root_client("ses")
    ses.create_receipt_rule_set(RuleSetName="checks")

    def create(*actions, name="r"):
        return ses.create_receipt_rule(RuleSetName="checks", Rule={"Name": name, "Actions": list(actions)})

    missing_topic = "arn:aws:sns:us-east-1:123456789012:nope"
    assert error_of(create, {"SNSAction": {"TopicArn": missing_topic}}) == (
        "InvalidSnsTopic", f"Could not publish to SNS topic: {missing_topic}")
    code, message = error_of(create, {"LambdaAction": {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f"}})
    assert code == "InvalidLambdaFunction" and "Sesame has no AWS Lambda" in message
    assert "WorkMail" in error_of(create, {"WorkmailAction": {"OrganizationArn": "arn:aws:workmail:us-east-1:1:organization/m"}})[1]
    code, message = error_of(create, {"S3Action": {"BucketName": "mail"}})
    assert code == "InvalidS3Configuration" and "--s3-endpoint" in message
    assert error_of(create, {"StopAction": {"Scope": "RuleSet"}}, {"AddHeaderAction": {"HeaderName": "X", "HeaderValue": "v"}}) == (
        "InvalidParameterValue", "Stop action, if any, must be placed at the end of the actions list")
    assert error_of(create, {"StopAction": {"Scope": "RuleSet"}, "AddHeaderAction": {"HeaderName": "X", "HeaderValue": "v"}}) == (
        "InvalidParameterValue", "Exactly one action type must be specified for each ReceiptAction")
    bounce = {"BounceAction": {"SmtpReplyCode": "550", "StatusCode": "5.1.1", "Message": "Mailbox does not exist",
                               "Sender": "postmaster@example.com"}}
    assert error_of(create, bounce) == ("InvalidParameterValue", "Identity is not verified: postmaster@example.com")
    ses.verify_domain_identity(Domain="example.com")
    create(bounce)
    assert ses.describe_receipt_rule(RuleSetName="checks", RuleName="r")["Rule"]["Actions"] == [bounce]
    assert error_of(ses.create_receipt_rule, RuleSetName="checks", Rule={"Name": "t", "TlsPolicy": "Sometimes"})[0] in (
        "InvalidParameterValue", "ValidationError")


def test_receipt_filters(sesame):
    ses = sesame.root_client("ses")
    ses.create_receipt_filter(Filter={"Name": "block-spammers", "IpFilter": {"Policy": "Block", "Cidr": "203.0.113.0/24"}})
    ses.create_receipt_filter(Filter={"Name": "allow-partner", "IpFilter": {"Policy": "Allow", "Cidr": "203.0.113.7"}})
    assert error_of(ses.create_receipt_filter, Filter={"Name": "block-spammers", "IpFilter": {"Policy": "Block", "Cidr": "10.0.0.0/8"}})[0] == (
        "AlreadyExists")
    assert error_of(ses.create_receipt_filter, Filter={"Name": "bad", "IpFilter": {"Policy": "Block", "Cidr": "300.1.1.1/8"}})[0] == (
        "InvalidParameterValue")
    filters = ses.list_receipt_filters()["Filters"]
    assert [(f["Name"], f["IpFilter"]["Policy"], f["IpFilter"]["Cidr"]) for f in filters] == [
        ("allow-partner", "Allow", "203.0.113.7"), ("block-spammers", "Block", "203.0.113.0/24")]
    ses.delete_receipt_filter(FilterName="allow-partner")
    assert [f["Name"] for f in ses.list_receipt_filters()["Filters"]] == ["block-spammers"]
    # Filters and rule sets belong to their region.
    assert sesame.root_client("ses", region="eu-west-1").list_receipt_filters()["Filters"] == []
