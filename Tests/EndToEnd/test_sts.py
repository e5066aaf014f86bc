"""STS temporary credentials through boto3 and the aws CLI: AssumeRole with the trust policy
evaluated (principals, the account, sts:ExternalId, TagSession), session policies, durations,
the session token checked on every request, GetSessionToken, and the aws CLI's role_arn
profiles. Both engines."""
import datetime
import json
import os
import re
import smtplib
import subprocess
import time
import urllib.error
import urllib.request

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import smtp_password


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def allow(*actions, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]})


def trust(principal, condition=None, actions=("sts:AssumeRole",)):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": list(actions)}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def session_client(node, service, credentials, token=True):
    return boto3.client(
        service, endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"] if token else None,
        config=botocore.config.Config(retries={"total_max_attempts": 1}))


@pytest.fixture
def setup(sesame):
    iam = sesame.root_client("iam")
    account = sesame.root_client("sts").get_caller_identity()["Account"]
    iam.create_user(UserName="ci")
    key = iam.create_access_key(UserName="ci")["AccessKey"]
    sts = sesame.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    return sesame, iam, account, key, sts


def test_assume_role_trusting_the_account_needs_the_callers_permission(setup):
    node, iam, account, key, sts = setup
    role_arn = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust(account), MaxSessionDuration=7200)["Role"]["Arn"]
    iam.put_role_policy(RoleName="deployer", PolicyName="ses", PolicyDocument=allow("ses:*"))
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="build-1") == (
        "AccessDenied", f"User: arn:aws:iam::{account}:user/ci is not authorized to perform: sts:AssumeRole on resource: {role_arn}", 403)
    iam.put_user_policy(UserName="ci", PolicyName="assume", PolicyDocument=allow("sts:AssumeRole", resource=role_arn))
    result = sts.assume_role(RoleArn=role_arn, RoleSessionName="build-1", DurationSeconds=7200)
    creds, user = result["Credentials"], result["AssumedRoleUser"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["SecretAccessKey"]) == 40 and creds["SessionToken"]
    assert user["Arn"] == f"arn:aws:sts::{account}:assumed-role/deployer/build-1"
    role_id = iam.get_role(RoleName="deployer")["Role"]["RoleId"]
    assert user["AssumedRoleId"] == f"{role_id}:build-1"
    issued_for = (creds["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    assert 7100 < issued_for <= 7200

    # The session acts as the role: the role's permissions, not the user's.
    me = session_client(node, "sts", creds).get_caller_identity()
    assert me["Arn"] == user["Arn"] and me["UserId"] == user["AssumedRoleId"] and me["Account"] == account
    ses = session_client(node, "ses", creds)
    assert ses.list_identities()["Identities"] == []
    code, message, _ = error_of(session_client(node, "iam", creds).list_users)
    assert code == "AccessDenied" and user["Arn"] in message

    # The role's last use is recorded (written about once a second).
    deadline = time.time() + 10
    while "LastUsedDate" not in iam.get_role(RoleName="deployer")["Role"].get("RoleLastUsed", {}) and time.time() < deadline:
        time.sleep(0.2)
    assert iam.get_role(RoleName="deployer")["Role"]["RoleLastUsed"]["Region"] == "us-east-1"

    # A message sent by the session names it as the sender's principal.
    iam_root = node.root_client("ses")
    iam_root.verify_email_identity(EmailAddress="robot@example.com")
    sent = ses.send_email(Source="robot@example.com", Destination={"ToAddresses": ["x@example.net"]},
                          Message={"Subject": {"Data": "hi"}, "Body": {"Text": {"Data": "body"}}})
    captured = node.captured(id=sent["MessageId"])
    assert captured and captured[0]["Principal"] == user["Arn"]

    # The token is part of the credential: without it, or with another, the key is refused.
    assert error_of(session_client(node, "sts", creds, token=False).get_caller_identity)[:2] == (
        "InvalidClientTokenId", "The security token included in the request is invalid.")
    forged = dict(creds, SessionToken=creds["SessionToken"][:-4] + "AAAA")
    assert error_of(session_client(node, "sts", forged).get_caller_identity)[0] == "InvalidClientTokenId"
    # A long-term key takes no token.
    long_term = {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"], "SessionToken": creds["SessionToken"]}
    assert error_of(session_client(node, "sts", long_term).get_caller_identity)[0] == "InvalidClientTokenId"

    # Durations: beyond the role's maximum, and chained sessions are capped at an hour.
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=10800)[:2] == (
        "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    iam.update_assume_role_policy(RoleName="deployer", PolicyDocument=trust([account, user["Arn"]]))
    iam.put_role_policy(RoleName="deployer", PolicyName="chain", PolicyDocument=allow("sts:AssumeRole"))
    chained = session_client(node, "sts", creds)
    assert error_of(chained.assume_role, RoleArn=role_arn, RoleSessionName="again", DurationSeconds=7200)[0] == "ValidationError"
    again = chained.assume_role(RoleArn=role_arn, RoleSessionName="again")["AssumedRoleUser"]
    assert again["Arn"].endswith(":assumed-role/deployer/again")

    # Deleting the role ends its sessions.
    iam.delete_role_policy(RoleName="deployer", PolicyName="ses")
    iam.delete_role_policy(RoleName="deployer", PolicyName="chain")
    iam.delete_role(RoleName="deployer")
    assert error_of(session_client(node, "sts", creds).get_caller_identity)[0] == "InvalidClientTokenId"


def test_trust_naming_the_user_conditions_session_policies_and_tags(setup):
    node, iam, account, key, sts = setup
    user_arn = f"arn:aws:iam::{account}:user/ci"
    role_arn = iam.create_role(
        RoleName="partner", AssumeRolePolicyDocument=trust(user_arn, {"StringEquals": {"sts:ExternalId": "s3cr3t"}}))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="partner", PolicyArn="arn:aws:iam::aws:policy/AmazonSESFullAccess")
    # Named by ARN: no identity policy needed, but the condition must hold.
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="pp")[0] == "AccessDenied"
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="pp", ExternalId="wrong")[0] == "AccessDenied"
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="pp", ExternalId="s3cr3t")["Credentials"]
    assert "Max24HourSend" in session_client(node, "ses", creds).get_send_quota()

    # A session policy narrows the session below the role's permissions.
    narrowed = sts.assume_role(RoleArn=role_arn, RoleSessionName="narrow", ExternalId="s3cr3t",
                               Policy=allow("ses:ListIdentities"))
    assert narrowed["PackedPolicySize"] >= 0
    ses = session_client(node, "ses", narrowed["Credentials"])
    assert ses.list_identities()["Identities"] == []
    assert error_of(ses.get_send_quota)[0] == "AccessDenied"
    by_arn = sts.assume_role(RoleArn=role_arn, RoleSessionName="arns", ExternalId="s3cr3t",
                             PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess"}])["Credentials"]
    assert "Max24HourSend" in session_client(node, "ses", by_arn).get_send_quota()
    assert error_of(session_client(node, "ses", by_arn).verify_email_identity, EmailAddress="a@example.com")[0] == "AccessDenied"
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="bad", ExternalId="s3cr3t", Policy="{}")[0] == (
        "MalformedPolicyDocument")

    # Session tags need sts:TagSession in the trust policy.
    tags = [{"Key": "project", "Value": "mail"}]
    assert error_of(sts.assume_role, RoleArn=role_arn, RoleSessionName="tt", ExternalId="s3cr3t", Tags=tags)[0] == "AccessDenied"
    iam.update_assume_role_policy(
        RoleName="partner", PolicyDocument=trust(user_arn, {"StringEquals": {"sts:ExternalId": "s3cr3t"}},
                                                 actions=("sts:AssumeRole", "sts:TagSession")))
    tagged = sts.assume_role(RoleArn=role_arn, RoleSessionName="tt", ExternalId="s3cr3t", Tags=tags)["Credentials"]
    # The tag is the session's `aws:PrincipalTag/project`.
    iam.put_role_policy(RoleName="partner", PolicyName="deny-untagged", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ses:ListIdentities", "Resource": "*",
                                                "Condition": {"StringNotEquals": {"aws:PrincipalTag/project": "mail"}}}]}))
    assert session_client(node, "ses", tagged).list_identities()["Identities"] == []
    assert error_of(session_client(node, "ses", creds).list_identities)[0] == "AccessDenied"

    # Unknown roles, roles of other accounts and the root user are refused alike.
    missing = f"arn:aws:iam::{account}:role/nope"
    assert error_of(sts.assume_role, RoleArn=missing, RoleSessionName="xx")[0] == "AccessDenied"
    assert error_of(node.root_client("sts").assume_role, RoleArn=role_arn, RoleSessionName="xx")[:2] == (
        "AccessDenied", "Roles may not be assumed by root accounts.")


def test_get_session_token_and_access_key_info(setup):
    node, iam, account, key, sts = setup
    iam.attach_user_policy(UserName="ci", PolicyArn="arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    me = session_client(node, "sts", creds).get_caller_identity()
    assert me["Arn"] == f"arn:aws:iam::{account}:user/ci"
    assert "Max24HourSend" in session_client(node, "ses", creds).get_send_quota()
    assert error_of(session_client(node, "sts", creds).get_session_token)[0] == "AccessDenied"
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == account
    assert sts.get_access_key_info(AccessKeyId=creds["AccessKeyId"])["Account"] == account


def test_aws_cli_role_profile(sqlite_sesame, tmp_path):
    node = sqlite_sesame
    iam = node.root_client("iam")
    account = node.root_client("sts").get_caller_identity()["Account"]
    iam.create_user(UserName="cli")
    key = iam.create_access_key(UserName="cli")["AccessKey"]
    role_arn = iam.create_role(RoleName="cli-role", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{account}:user/cli"))["Role"]["Arn"]
    iam.attach_role_policy(RoleName="cli-role", PolicyArn="arn:aws:iam::aws:policy/AmazonSESFullAccess")
    config = tmp_path / "config"
    config.write_text(
        f"[profile base]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n"
        f"region = us-east-1\n\n[profile deploy]\nrole_arn = {role_arn}\nsource_profile = base\nrole_session_name = from-cli\n"
        f"region = us-east-1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(config), AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_ENDPOINT_URL=node.endpoint,
               AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
    p = subprocess.run(["aws", "--profile", "deploy", "--output", "json", "sts", "get-caller-identity"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["Arn"] == f"arn:aws:sts::{account}:assumed-role/cli-role/from-cli"
    p = subprocess.run(["aws", "--profile", "deploy", "--output", "json", "ses", "verify-email-identity", "--email-address",
                        "cli@example.com"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr


def test_get_federation_token(setup):
    node, iam, account, key, sts = setup
    iam.attach_user_policy(UserName="ci", PolicyArn="arn:aws:iam::aws:policy/AmazonSESFullAccess")
    # The user needs sts:GetFederationToken.
    assert error_of(sts.get_federation_token, Name="portal")[0] == "AccessDenied"
    iam.put_user_policy(UserName="ci", PolicyName="federate", PolicyDocument=allow("sts:GetFederationToken"))
    result = sts.get_federation_token(Name="portal", Policy=allow("ses:GetSendQuota"), DurationSeconds=900)
    assert result["FederatedUser"] == {"FederatedUserId": f"{account}:portal", "Arn": f"arn:aws:sts::{account}:federated-user/portal"}
    creds = result["Credentials"]
    assert session_client(node, "sts", creds).get_caller_identity()["Arn"] == f"arn:aws:sts::{account}:federated-user/portal"
    ses = session_client(node, "ses", creds)
    assert "Max24HourSend" in ses.get_send_quota()
    # The session policy caps the user's own permissions.
    assert error_of(ses.list_identities)[0] == "AccessDenied"
    # Without a session policy, a federated user may do nothing.
    bare = session_client(node, "ses", sts.get_federation_token(Name="bare")["Credentials"])
    assert error_of(bare.get_send_quota)[0] == "AccessDenied"
    assert error_of(session_client(node, "sts", creds).get_federation_token, Name="again")[0] == "AccessDenied"


def test_session_credentials_in_presigned_urls_and_not_for_smtp(setup):
    node, iam, account, key, sts = setup
    iam.attach_user_policy(UserName="ci", PolicyArn="arn:aws:iam::aws:policy/AmazonSESFullAccess")
    creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
    # A presigned URL carries the token in its query (X-Amz-Security-Token).
    # (botocore signs an STS URL for POST, the operation's method.)
    url = session_client(node, "sts", creds).generate_presigned_url("get_caller_identity", ExpiresIn=60)
    assert "X-Amz-Security-Token=" in url
    with urllib.request.urlopen(urllib.request.Request(url, data=b"", method="POST")) as response:
        assert f"arn:aws:iam::{account}:user/ci".encode() in response.read()
    without = re.sub(r"&X-Amz-Security-Token=[^&]*", "", url)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(without, data=b"", method="POST"))
    assert refused.value.code == 403
    # SES's SMTP interface takes long-term IAM keys only: a temporary key never logs in.
    node.root_client("ses").verify_email_identity(EmailAddress="ci@example.com")
    with node.smtp() as s:
        with pytest.raises(smtplib.SMTPAuthenticationError) as failed:
            s.login(creds["AccessKeyId"], smtp_password(creds["SecretAccessKey"]))
        assert failed.value.smtp_code == 535
