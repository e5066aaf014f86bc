"""Customer managed policies with versions, roles with trust policies, and permissions
boundaries, through boto3 and the aws CLI, on both engines; each change takes effect on the
next signed request."""
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def allow(*actions, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]})


TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}],
}


def test_customer_managed_policy_versions(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    created = iam.create_policy(
        PolicyName="ses-senders", Path="/mail/", PolicyDocument=allow("ses:ListIdentities"), Description="Who may send",
        Tags=[{"Key": "team", "Value": "mail"}])["Policy"]
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{account}:policy/mail/ses-senders"
    assert created["PolicyId"].startswith("ANPA") and created["DefaultVersionId"] == "v1"
    assert created["AttachmentCount"] == 0 and created["IsAttachable"]
    assert error_of(iam.create_policy, PolicyName="SES-Senders", PolicyDocument=allow("ses:*")) == (
        "EntityAlreadyExists", "A policy called SES-Senders already exists. Duplicate names are not allowed.", 409)
    assert error_of(iam.create_policy, PolicyName="bad", PolicyDocument="{}")[0] == "MalformedPolicyDocument"

    got = iam.get_policy(PolicyArn=arn)["Policy"]
    assert got["Description"] == "Who may send" and got["Tags"] == [{"Key": "team", "Value": "mail"}]
    missing = f"arn:aws:iam::{account}:policy/nope"
    assert error_of(iam.get_policy, PolicyArn=missing) == ("NoSuchEntity", f"Policy {missing} was not found.", 404)
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["ses-senders"]
    assert "ses-senders" in [p["PolicyName"] for p in iam.list_policies()["Policies"]]
    assert "ses-senders" not in [p["PolicyName"] for p in iam.list_policies(Scope="AWS")["Policies"]]
    assert iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"] == []
    assert iam.list_policies(Scope="Local", PathPrefix="/other/")["Policies"] == []

    # Versions: v2 not default, v3 default; at most five; the default cannot be deleted.
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:GetSendQuota"))["PolicyVersion"]
    assert v2["VersionId"] == "v2" and not v2["IsDefaultVersion"]
    v3 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:*"), SetAsDefault=True)["PolicyVersion"]
    assert v3["VersionId"] == "v3" and v3["IsDefaultVersion"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    doc = iam.get_policy_version(PolicyArn=arn, VersionId="v2")["PolicyVersion"]
    assert doc["Document"]["Statement"][0]["Action"] == ["ses:GetSendQuota"] and not doc["IsDefaultVersion"]
    assert error_of(iam.get_policy_version, PolicyArn=arn, VersionId="v9") == (
        "NoSuchEntity", f"Policy {arn} version v9 does not exist or is not attachable.", 404)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v3", True), ("v2", False), ("v1", False)]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:*"))
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:*"))
    code, message, status = error_of(iam.create_policy_version, PolicyArn=arn, PolicyDocument=allow("ses:*"))
    assert (code, status) == ("LimitExceeded", 409) and message.startswith("A managed policy can have up to 5 versions.")
    assert error_of(iam.delete_policy_version, PolicyArn=arn, VersionId="v3") == (
        "DeleteConflict", "Cannot delete the default version of a policy.", 409)
    code, message, _ = error_of(iam.delete_policy, PolicyArn=arn)
    assert code == "DeleteConflict" and message.startswith("This policy has more than one version.")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    for version in ["v2", "v3", "v4", "v5"]:
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    assert [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]] == ["v1"]
    # Numbers are never reused.
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:*"))["PolicyVersion"]["VersionId"] == "v6"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v6")

    # Tags.
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "env", "Value": "ci"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "team", "Value": "mail"}, {"Key": "env", "Value": "ci"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["team"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "env", "Value": "ci"}]

    # AWS managed policies belong to AWS.
    aws_arn = "arn:aws:iam::aws:policy/AmazonSESFullAccess"
    assert error_of(iam.delete_policy, PolicyArn=aws_arn)[0] == "AccessDenied"
    assert error_of(iam.create_policy_version, PolicyArn=aws_arn, PolicyDocument=allow("ses:*"))[0] == "AccessDenied"
    assert iam.get_policy_version(PolicyArn=aws_arn, VersionId="v1")["PolicyVersion"]["IsDefaultVersion"]

    iam.delete_policy(PolicyArn=arn)
    assert error_of(iam.get_policy, PolicyArn=arn)[0] == "NoSuchEntity"
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_customer_policies_grant_through_users_groups_and_versions(sesame):
    iam = sesame.root_client("iam")
    arn = iam.create_policy(PolicyName="list-ids", PolicyDocument=allow("ses:ListIdentities"))["Policy"]["Arn"]
    iam.create_user(UserName="erin")
    key = iam.create_access_key(UserName="erin")["AccessKey"]
    ses = sesame.client("ses", key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(ses.list_identities)[0] == "AccessDenied"

    iam.attach_user_policy(UserName="erin", PolicyArn=arn)
    assert ses.list_identities()["Identities"] == []
    assert iam.list_attached_user_policies(UserName="erin")["AttachedPolicies"] == [{"PolicyName": "list-ids", "PolicyArn": arn}]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert error_of(iam.delete_policy, PolicyArn=arn) == ("DeleteConflict", "Cannot delete a policy attached to entities.", 409)

    # A new default version changes what the policy grants at once.
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("ses:GetSendQuota"), SetAsDefault=True)
    assert error_of(ses.list_identities)[0] == "AccessDenied"
    assert "Max24HourSend" in ses.get_send_quota()
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v1")
    assert ses.list_identities()["Identities"] == []

    # Through a group, and listed by ListEntitiesForPolicy.
    iam.detach_user_policy(UserName="erin", PolicyArn=arn)
    assert error_of(ses.list_identities)[0] == "AccessDenied"
    iam.create_group(GroupName="senders")
    iam.add_user_to_group(GroupName="senders", UserName="erin")
    iam.attach_group_policy(GroupName="senders", PolicyArn=arn)
    assert ses.list_identities()["Identities"] == []
    iam.create_role(RoleName="ci", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="ci", PolicyArn=arn)
    iam.create_user(UserName="frank")
    iam.attach_user_policy(UserName="frank", PolicyArn=arn)
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["senders"]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["frank"]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["ci"]
    assert iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")["PolicyGroups"] == []
    paged = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=2)
    assert paged["IsTruncated"]
    rest = iam.list_entities_for_policy(PolicyArn=arn, Marker=paged["Marker"])
    assert [r["RoleName"] for r in rest["PolicyRoles"]] == ["ci"] and not rest["IsTruncated"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Policies"] == 1 and summary["Roles"] == 1 and summary["PolicyVersionsInUse"] == 2


def test_role_lifecycle(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    role = iam.create_role(
        RoleName="Deployer", Path="/ci/", AssumeRolePolicyDocument=json.dumps(TRUST), Description="CI deploys",
        MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "ops"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::{account}:role/ci/Deployer" and role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"] == TRUST and role["MaxSessionDuration"] == 7200
    assert error_of(iam.create_role, RoleName="deployer", AssumeRolePolicyDocument=json.dumps(TRUST)) == (
        "EntityAlreadyExists", "Role with name deployer already exists.", 409)
    assert error_of(iam.get_role, RoleName="ghost") == ("NoSuchEntity", "The role with name ghost cannot be found.", 404)

    # Trust policies are resource policies: a principal is required, a resource refused.
    no_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    assert error_of(iam.create_role, RoleName="x", AssumeRolePolicyDocument=json.dumps(no_principal))[:2] == (
        "MalformedPolicyDocument", "Missing required field Principal")
    with_resource = {"Version": "2012-10-17", "Statement": [dict(TRUST["Statement"][0], Resource="*")]}
    assert error_of(iam.create_role, RoleName="x", AssumeRolePolicyDocument=json.dumps(with_resource))[:2] == (
        "MalformedPolicyDocument", "Has prohibited field Resource")
    bad_principal = {"Version": "2012-10-17", "Statement": [dict(TRUST["Statement"][0], Principal={"AWS": "bob"})]}
    assert error_of(iam.create_role, RoleName="x", AssumeRolePolicyDocument=json.dumps(bad_principal))[:2] == (
        "MalformedPolicyDocument", 'Invalid principal in policy: "AWS":"bob"')
    unchecked = sesame.root_client("iam", validate=False)
    code, message, _ = error_of(unchecked.create_role, RoleName="x", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=60)
    assert code == "ValidationError" and "maxSessionDuration" in message

    got = iam.get_role(RoleName="deployer")["Role"]
    assert got["RoleName"] == "Deployer" and got["Description"] == "CI deploys" and got["Tags"] == [{"Key": "team", "Value": "ops"}]
    iam.create_role(RoleName="Auditor", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["Auditor", "Deployer"]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/ci/")["Roles"]] == ["Deployer"]
    first = iam.list_roles(MaxItems=1)
    assert first["IsTruncated"] and [r["RoleName"] for r in iam.list_roles(Marker=first["Marker"])["Roles"]] == ["Deployer"]

    iam.update_role(RoleName="Deployer", Description="Deploys from CI", MaxSessionDuration=3600)
    assert iam.update_role_description(RoleName="Deployer", Description="Deploys")["Role"]["Description"] == "Deploys"
    service_trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.update_assume_role_policy(RoleName="Deployer", PolicyDocument=json.dumps(service_trust))
    got = iam.get_role(RoleName="Deployer")["Role"]
    assert got["AssumeRolePolicyDocument"] == service_trust and got["MaxSessionDuration"] == 3600

    # Inline and attached policies hold deletion back.
    iam.put_role_policy(RoleName="Deployer", PolicyName="send", PolicyDocument=allow("ses:SendEmail"))
    assert iam.get_role_policy(RoleName="Deployer", PolicyName="send")["PolicyDocument"]["Statement"][0]["Action"] == ["ses:SendEmail"]
    assert iam.list_role_policies(RoleName="Deployer")["PolicyNames"] == ["send"]
    assert error_of(iam.get_role_policy, RoleName="Deployer", PolicyName="nope")[:2] == (
        "NoSuchEntity", "The role policy with name nope cannot be found.")
    iam.attach_role_policy(RoleName="Deployer", PolicyArn="arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="Deployer")["AttachedPolicies"]] == [
        "AmazonSESReadOnlyAccess"]
    assert error_of(iam.delete_role, RoleName="Deployer") == (
        "DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_role_policy(RoleName="Deployer", PolicyName="send")
    assert error_of(iam.delete_role, RoleName="Deployer")[:2] == (
        "DeleteConflict", "Cannot delete entity, must detach all policies first.")
    iam.detach_role_policy(RoleName="Deployer", PolicyArn="arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")

    iam.tag_role(RoleName="Deployer", Tags=[{"Key": "env", "Value": "prod"}])
    iam.untag_role(RoleName="Deployer", TagKeys=["team"])
    assert iam.list_role_tags(RoleName="Deployer")["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert iam.list_instance_profiles_for_role(RoleName="Deployer")["InstanceProfiles"] == []
    iam.delete_role(RoleName="Deployer")
    assert error_of(iam.get_role, RoleName="Deployer")[0] == "NoSuchEntity"
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["Auditor"]


def test_permissions_boundary_caps_a_user(sesame):
    iam = sesame.root_client("iam")
    iam.create_user(UserName="gina")
    key = iam.create_access_key(UserName="gina")["AccessKey"]
    ses = sesame.client("ses", key["AccessKeyId"], key["SecretAccessKey"])
    iam_as_gina = sesame.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    iam.attach_user_policy(UserName="gina", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    assert ses.list_identities()["Identities"] == []
    assert "Users" in iam_as_gina.list_users()

    boundary = iam.create_policy(PolicyName="ses-only", PolicyDocument=allow("ses:*"))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName="gina", PermissionsBoundary=boundary)
    assert iam.get_user(UserName="gina")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}
    # Allowed by both: allowed. Allowed by the identity policy only: denied.
    assert ses.list_identities()["Identities"] == []
    assert error_of(iam_as_gina.list_users)[0] == "AccessDenied"
    assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    code, message, _ = error_of(iam.delete_policy, PolicyArn=boundary)
    assert code == "DeleteConflict"
    assert error_of(iam.put_user_permissions_boundary, UserName="gina", PermissionsBoundary="arn:aws:iam::aws:policy/Nope")[0] == (
        "NoSuchEntity")

    iam.delete_user_permissions_boundary(UserName="gina")
    assert "PermissionsBoundary" not in iam.get_user(UserName="gina")["User"]
    assert "Users" in iam_as_gina.list_users()
    assert error_of(iam.delete_user_permissions_boundary, UserName="gina")[0] == "NoSuchEntity"

    # Roles carry boundaries too.
    iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=json.dumps(TRUST), PermissionsBoundary=boundary)
    assert iam.get_role(RoleName="bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    iam.delete_role_permissions_boundary(RoleName="bounded")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="bounded")["Role"]
    iam.put_role_permissions_boundary(RoleName="bounded", PermissionsBoundary=boundary)
    assert iam.get_role(RoleName="bounded")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary


def test_policies_and_roles_with_the_aws_cli(sqlite_sesame):
    node = sqlite_sesame
    _, out, _ = node.cli("iam", "create-policy", "--policy-name", "cli-policy", "--policy-document", allow("ses:*"))
    arn = json.loads(out)["Policy"]["Arn"]
    node.cli("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", json.dumps(TRUST))
    node.cli("iam", "attach-role-policy", "--role-name", "cli-role", "--policy-arn", arn)
    _, out, _ = node.cli("iam", "list-attached-role-policies", "--role-name", "cli-role")
    assert json.loads(out)["AttachedPolicies"] == [{"PolicyName": "cli-policy", "PolicyArn": arn}]
    code, _, err = node.cli("iam", "delete-policy", "--policy-arn", arn, check=False)
    assert code != 0 and "DeleteConflict" in err
    _, out, _ = node.cli("iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v1")
    assert json.loads(out)["PolicyVersion"]["Document"]["Statement"][0]["Action"] == ["ses:*"]
