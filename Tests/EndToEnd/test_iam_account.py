"""Account-wide IAM through boto3: the password policy (and AWS's default rule when none is
set) enforced on console passwords, ChangePassword, the account alias, the credential report
and GetAccountAuthorizationDetails. Both engines."""
import csv
import io
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_password_policy_and_change_password(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    assert error_of(iam.get_account_password_policy) == (
        "NoSuchEntity", f"The Password Policy with domain name {account} cannot be found.", 404)
    iam.create_user(UserName="pat")
    # AWS's default rule: 8 characters, three kinds of characters.
    assert error_of(iam.create_login_profile, UserName="pat", Password="short1!")[:2] == (
        "PasswordPolicyViolation", "Password should have a minimum length of 8")
    assert error_of(iam.create_login_profile, UserName="pat", Password="alllowercase")[0] == "PasswordPolicyViolation"
    iam.create_login_profile(UserName="pat", Password="Lower-and-1")

    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
                                       RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
                                       AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=3)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] and policy["ExpirePasswords"]
    assert policy["MaxPasswordAge"] == 90 and policy["AllowUsersToChangePassword"] and policy["PasswordReusePrevention"] == 3
    assert error_of(iam.update_login_profile, UserName="pat", Password="Short-1")[:2] == (
        "PasswordPolicyViolation", "Password should have a minimum length of 12")
    assert error_of(iam.update_login_profile, UserName="pat", Password="no-uppercase-123")[:2] == (
        "PasswordPolicyViolation", "Password should have at least one uppercase letter")
    assert error_of(iam.update_login_profile, UserName="pat", Password="No-Numbers-Here")[:2] == (
        "PasswordPolicyViolation", "Password should have at least one number")
    assert error_of(iam.update_login_profile, UserName="pat", Password="NoSymbols12345")[:2] == (
        "PasswordPolicyViolation", "Password should have at least one symbol")

    # The user changes its own password: the old one is required; the new one meets the policy.
    key = iam.create_access_key(UserName="pat")["AccessKey"]
    pat = sesame.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(pat.change_password, OldPassword="wrong-Passw0rd!", NewPassword="New-Passw0rd-123!")[0] == "AccessDenied"
    assert error_of(pat.change_password, OldPassword="Lower-and-1", NewPassword="weak")[0] == "PasswordPolicyViolation"
    iam.update_login_profile(UserName="pat", PasswordResetRequired=True)
    pat.change_password(OldPassword="Lower-and-1", NewPassword="New-Passw0rd-123!")
    assert not iam.get_login_profile(UserName="pat")["LoginProfile"]["PasswordResetRequired"]
    assert error_of(sesame.root_client("iam").change_password, OldPassword="a", NewPassword="b")[0] == "InvalidUserType"

    # Without AllowUsersToChangePassword, a user needs iam:ChangePassword.
    iam.update_account_password_policy(MinimumPasswordLength=8)
    assert iam.get_account_password_policy()["PasswordPolicy"]["AllowUsersToChangePassword"] is False
    assert error_of(pat.change_password, OldPassword="New-Passw0rd-123!", NewPassword="Other-Passw0rd-1")[0] == "AccessDenied"
    iam.put_user_policy(UserName="pat", PolicyName="self", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ChangePassword",
                                                "Resource": "arn:aws:iam::*:user/${aws:username}"}]}))
    pat.change_password(OldPassword="New-Passw0rd-123!", NewPassword="Other-Passw0rd-1")

    iam.delete_account_password_policy()
    assert error_of(iam.delete_account_password_policy)[0] == "NoSuchEntity"
    assert error_of(iam.get_account_password_policy)[0] == "NoSuchEntity"


def test_account_alias(sesame):
    iam = sesame.root_client("iam")
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="mail-team")
    assert iam.list_account_aliases()["AccountAliases"] == ["mail-team"]
    assert error_of(iam.create_account_alias, AccountAlias="mail-team")[0] == "EntityAlreadyExists"
    # One alias per account: a new one replaces the old.
    iam.create_account_alias(AccountAlias="mail-ops")
    assert iam.list_account_aliases()["AccountAliases"] == ["mail-ops"]
    assert error_of(iam.delete_account_alias, AccountAlias="mail-team")[0] == "NoSuchEntity"
    iam.delete_account_alias(AccountAlias="mail-ops")
    assert iam.list_account_aliases()["AccountAliases"] == []


def test_credential_report_and_authorization_details(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    assert error_of(iam.get_credential_report)[:1] == ("ReportNotPresent",)
    iam.create_user(UserName="quinn", Path="/ops/")
    iam.create_login_profile(UserName="quinn", Password="Quinn-Passw0rd")
    iam.create_access_key(UserName="quinn")
    iam.create_user(UserName="rae")
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [r["user"] for r in rows] == ["<root_account>", "quinn", "rae"]
    assert rows[0]["arn"] == f"arn:aws:iam::{account}:root" and rows[0]["access_key_1_active"] == "true"
    quinn = rows[1]
    assert quinn["arn"] == f"arn:aws:iam::{account}:user/ops/quinn" and quinn["password_enabled"] == "true"
    assert quinn["password_last_used"] == "no_information" and quinn["access_key_1_active"] == "true"
    assert quinn["access_key_1_last_rotated"].endswith("+00:00") and quinn["access_key_2_active"] == "false"
    assert rows[2]["password_enabled"] == "false" and rows[2]["password_last_used"] == "N/A"

    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="quinn")
    iam.put_group_policy(GroupName="ops", PolicyName="read", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:Get*", "Resource": "*"}]}))
    arn = iam.create_policy(PolicyName="send", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="quinn", PolicyArn=arn)
    iam.attach_user_policy(UserName="rae", PolicyArn="arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": account}, "Action": "sts:AssumeRole"}]}))
    details = iam.get_account_authorization_details()
    users = {u["UserName"]: u for u in details["UserDetailList"]}
    assert users["quinn"]["GroupList"] == ["ops"] and users["quinn"]["AttachedManagedPolicies"] == [{"PolicyName": "send", "PolicyArn": arn}]
    assert details["GroupDetailList"][0]["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "ses:Get*"
    assert details["RoleDetailList"][0]["RoleName"] == "auditor"
    assert details["RoleDetailList"][0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": account}
    names = [p["PolicyName"] for p in details["Policies"]]
    assert "send" in names and "AmazonSESReadOnlyAccess" in names and "AdministratorAccess" not in names
    send = next(p for p in details["Policies"] if p["PolicyName"] == "send")
    assert send["PolicyVersionList"][0]["IsDefaultVersion"] and send["PolicyVersionList"][0]["Document"]["Statement"][0]["Action"] == "ses:Send*"
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and len(only_roles["RoleDetailList"]) == 1 and only_roles["Policies"] == []
