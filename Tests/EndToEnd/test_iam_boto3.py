"""Every IAM action through boto3, including the errors IAM defines."""
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_users(sesame):
    iam = sesame.root_client("iam")
    created = iam.create_user(UserName="Bob", Path="/mail/", Tags=[{"Key": "team", "Value": "mail ops"}])["User"]
    assert created["Path"] == "/mail/"
    assert created["Tags"] == [{"Key": "team", "Value": "mail ops"}]
    assert created["Arn"].endswith(":user/mail/Bob")

    code, message, status = error_of(iam.create_user, UserName="bob")
    assert (code, status) == ("EntityAlreadyExists", 409)
    assert message == "User with name bob already exists."

    got = iam.get_user(UserName="bob")["User"]
    assert got["UserName"] == "Bob" and got["UserId"] == created["UserId"]
    assert error_of(iam.get_user, UserName="ghost")[:2] == ("NoSuchEntity", "The user with name ghost cannot be found.")

    code, message, status = error_of(iam.create_user, UserName="not valid!")
    assert (code, status) == ("ValidationError", 400)
    assert "userName" in message

    for i in range(7):
        iam.create_user(UserName=f"user{i}")
    names = []
    for page in iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 3}):
        assert len(page["Users"]) <= 3
        names += [u["UserName"] for u in page["Users"]]
    assert names == ["Bob"] + [f"user{i}" for i in range(7)]
    first = iam.list_users(MaxItems=2)
    assert first["IsTruncated"] is True and first["Marker"]
    assert [u["UserName"] for u in iam.list_users(PathPrefix="/mail/")["Users"]] == ["Bob"]

    iam.update_user(UserName="user0", NewUserName="renamed", NewPath="/x/")
    assert iam.get_user(UserName="renamed")["User"]["Path"] == "/x/"

    iam.tag_user(UserName="Bob", Tags=[{"Key": "env", "Value": "dev"}])
    iam.untag_user(UserName="Bob", TagKeys=["team"])
    assert iam.list_user_tags(UserName="Bob")["Tags"] == [{"Key": "env", "Value": "dev"}]

    iam.delete_user(UserName="renamed")
    assert error_of(iam.delete_user, UserName="renamed")[0] == "NoSuchEntity"

    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 7 and summary["AccessKeysPerUserQuota"] == 2 and summary["AccountAccessKeysPresent"] == 1


def test_access_keys(sesame):
    iam = sesame.root_client("iam")
    iam.create_user(UserName="keys")
    k1 = iam.create_access_key(UserName="keys")["AccessKey"]
    k2 = iam.create_access_key(UserName="keys")["AccessKey"]
    iam.update_access_key(UserName="keys", AccessKeyId=k2["AccessKeyId"], Status="Inactive")
    code, message, status = error_of(iam.create_access_key, UserName="keys")
    assert (code, message, status) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409)

    listed = iam.list_access_keys(UserName="keys")["AccessKeyMetadata"]
    assert {k["AccessKeyId"]: k["Status"] for k in listed} == {k1["AccessKeyId"]: "Active", k2["AccessKeyId"]: "Inactive"}
    assert all("SecretAccessKey" not in k for k in listed)

    # The new key works at once; its use is recorded with service and region.
    sts = sesame.client("sts", k1["AccessKeyId"], k1["SecretAccessKey"], region="eu-west-1")
    assert sts.get_caller_identity()["Arn"].endswith(":user/keys")
    used = iam.get_access_key_last_used(AccessKeyId=k1["AccessKeyId"])
    assert used["UserName"] == "keys"
    assert used["AccessKeyLastUsed"]["ServiceName"] == "sts"
    assert used["AccessKeyLastUsed"]["Region"] == "eu-west-1"
    assert "LastUsedDate" in used["AccessKeyLastUsed"]
    never = iam.get_access_key_last_used(AccessKeyId=k2["AccessKeyId"])["AccessKeyLastUsed"]
    assert never["ServiceName"] == "N/A" and "LastUsedDate" not in never

    # An inactive key is refused like an unknown one.
    inactive = sesame.client("sts", k2["AccessKeyId"], k2["SecretAccessKey"])
    assert error_of(inactive.get_caller_identity)[0] == "InvalidClientTokenId"

    code, message, _ = error_of(iam.update_access_key, UserName="keys", AccessKeyId=k1["AccessKeyId"], Status="Paused")
    assert code == "ValidationError" and "Active, Inactive" in message

    code, message, status = error_of(iam.delete_user, UserName="keys")
    assert (code, message, status) == ("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409)
    iam.delete_access_key(UserName="keys", AccessKeyId=k1["AccessKeyId"])
    iam.delete_access_key(UserName="keys", AccessKeyId=k2["AccessKeyId"])
    # A deleted key stops working immediately.
    assert error_of(sts.get_caller_identity)[0] == "InvalidClientTokenId"
    iam.delete_user(UserName="keys")

    # Root may hold two keys of its own too (one made at first start).
    root_key = iam.create_access_key()["AccessKey"]
    assert "UserName" not in root_key
    assert error_of(iam.create_access_key)[0] == "LimitExceeded"
    iam.delete_access_key(AccessKeyId=root_key["AccessKeyId"])


def test_inline_and_managed_policies(sesame):
    iam = sesame.root_client("iam")
    iam.create_user(UserName="pol")
    doc = {"Version": "2012-10-17", "Statement": [{"Sid": "Send", "Effect": "Allow", "Action": "ses:Send*", "Resource": "*",
                                                    "Condition": {"StringLike": {"ses:FromAddress": "*@example.com"}}}]}
    iam.put_user_policy(UserName="pol", PolicyName="send", PolicyDocument=json.dumps(doc))
    assert iam.get_user_policy(UserName="pol", PolicyName="send")["PolicyDocument"] == doc
    assert iam.list_user_policies(UserName="pol")["PolicyNames"] == ["send"]
    code, message, status = error_of(iam.get_user_policy, UserName="pol", PolicyName="other")
    assert (code, message, status) == ("NoSuchEntity", "The user policy with name other cannot be found.", 404)

    code, message, status = error_of(iam.put_user_policy, UserName="pol", PolicyName="bad", PolicyDocument="{not json")
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert message == "Syntax errors in policy."
    code, message, _ = error_of(iam.put_user_policy, UserName="pol", PolicyName="bad",
                                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}}))
    assert (code, message) == ("MalformedPolicyDocument", "Policy statement must contain actions.")

    ro = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    iam.attach_user_policy(UserName="pol", PolicyArn=ro)
    attached = iam.list_attached_user_policies(UserName="pol")["AttachedPolicies"]
    assert attached == [{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": ro}]
    code, _, status = error_of(iam.attach_user_policy, UserName="pol", PolicyArn="arn:aws:iam::aws:policy/Nope")
    assert (code, status) == ("NoSuchEntity", 404)
    assert error_of(iam.attach_user_policy, UserName="pol", PolicyArn="arn:aws:s3:::not-a-policy")[0] == "InvalidInput"

    policies = {p["PolicyName"]: p for p in iam.list_policies(Scope="AWS")["Policies"]}
    assert {"AdministratorAccess", "IAMFullAccess", "IAMReadOnlyAccess", "AmazonSESFullAccess", "AmazonSESReadOnlyAccess"} <= set(policies)
    assert policies["IAMReadOnlyAccess"]["AttachmentCount"] == 1
    assert [p["PolicyName"] for p in iam.list_policies(OnlyAttached=True)["Policies"]] == ["IAMReadOnlyAccess"]
    got = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonSESFullAccess")["Policy"]
    assert got["Arn"] == "arn:aws:iam::aws:policy/AmazonSESFullAccess" and got["IsAttachable"] is True

    assert error_of(iam.delete_user, UserName="pol")[1] == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName="pol", PolicyName="send")
    assert error_of(iam.delete_user, UserName="pol")[1] == "Cannot delete entity, must detach all policies first."
    iam.detach_user_policy(UserName="pol", PolicyArn=ro)
    assert error_of(iam.detach_user_policy, UserName="pol", PolicyArn=ro)[0] == "NoSuchEntity"
    iam.delete_user(UserName="pol")


def test_login_profiles(sesame):
    iam = sesame.root_client("iam")
    iam.create_user(UserName="web")
    profile = iam.create_login_profile(UserName="web", Password="s3cret-enough", PasswordResetRequired=True)["LoginProfile"]
    assert profile["UserName"] == "web" and profile["PasswordResetRequired"] is True
    code, message, status = error_of(iam.create_login_profile, UserName="web", Password="s3cret-enough")
    assert (code, message, status) == ("EntityAlreadyExists", "Login Profile for user web already exists.", 409)
    assert error_of(iam.create_login_profile, UserName="web", Password="x")[0] in ("PasswordPolicyViolation",)
    iam.update_login_profile(UserName="web", Password="another-s3cret", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="web")["LoginProfile"]["PasswordResetRequired"] is False
    assert error_of(iam.delete_user, UserName="web")[1] == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName="web")
    assert error_of(iam.get_login_profile, UserName="web")[0] == "NoSuchEntity"


def test_authorization_follows_policies(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_credentials()["Account ID"]
    iam.create_user(UserName="carol")
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    carol = sesame.client("iam", key["AccessKeyId"], key["SecretAccessKey"])

    code, message, status = error_of(carol.list_users)
    assert (code, status) == ("AccessDenied", 403)
    assert message == f"User: arn:aws:iam::{account}:user/carol is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{account}:user/"

    # GetUser without a name is the caller, and needs iam:GetUser on its own ARN.
    self_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:GetUser", "iam:*AccessKey*"],
                                                         "Resource": "arn:aws:iam::*:user/${aws:username}"}]}
    iam.put_user_policy(UserName="carol", PolicyName="self", PolicyDocument=json.dumps(self_only))
    assert carol.get_user()["User"]["UserName"] == "carol"
    assert carol.list_access_keys()["AccessKeyMetadata"][0]["AccessKeyId"] == key["AccessKeyId"]
    iam.create_user(UserName="dave")
    code, message, _ = error_of(carol.get_user, UserName="dave")
    assert code == "AccessDenied" and "iam:GetUser on resource: arn:aws:iam::" in message

    iam.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    carol.create_user(UserName="by-carol")
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*"}]}
    iam.put_user_policy(UserName="carol", PolicyName="nodelete", PolicyDocument=json.dumps(deny))
    code, message, _ = error_of(carol.delete_user, UserName="by-carol")
    assert code == "AccessDenied" and message.endswith("with an explicit deny in an identity-based policy")

    # Source-IP conditions see the real peer address.
    ip_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:ListUsers", "Resource": "*",
                                                         "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}
    iam.put_user_policy(UserName="carol", PolicyName="noloopback", PolicyDocument=json.dumps(ip_policy))
    assert error_of(carol.list_users)[0] == "AccessDenied"


def test_unknown_action_and_missing_parameters(sesame):
    iam = sesame.root_client("iam")
    # Ask botocore to sign an arbitrary action by injecting it into the request body.
    def rewrite(params, **kwargs):
        params["body"]["Action"] = "FlyToTheMoon"
    iam.meta.events.register("before-call.iam.ListUsers", rewrite)
    code, message, status = error_of(iam.list_users)
    assert (code, status) == ("InvalidAction", 400)
    assert "FlyToTheMoon" in message

    iam2 = sesame.root_client("iam")
    def drop(params, **kwargs):
        params["body"].pop("UserName", None)
    iam2.meta.events.register("before-call.iam.DeleteUser", drop)
    code, message, status = error_of(iam2.delete_user, UserName="x")
    assert (code, status) == ("ValidationError", 400)
    assert "userName" in message


def test_request_id_header(sesame):
    sts = sesame.root_client("sts")
    response = sts.get_caller_identity()
    rid = response["ResponseMetadata"]["RequestId"]
    assert len(rid) == 36
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == rid
