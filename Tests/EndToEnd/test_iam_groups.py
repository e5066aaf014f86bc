"""IAM groups through boto3 and the aws CLI: lifecycle, members, inline and attached policies,
the conflicts IAM refuses, and a member's permissions coming from its groups."""
import json

import pytest
from botocore.exceptions import ClientError


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def test_group_lifecycle_and_members(sesame):
    iam = sesame.root_client("iam")
    created = iam.create_group(GroupName="Senders", Path="/mail/")["Group"]
    assert created["Arn"].endswith(":group/mail/Senders") and created["GroupId"].startswith("AGPA")
    assert error_of(iam.create_group, GroupName="senders")[:3] == (
        "EntityAlreadyExists", "Group with name senders already exists.", 409)
    assert error_of(iam.get_group, GroupName="ghosts")[:3] == ("NoSuchEntity", "The group with name ghosts cannot be found.", 404)
    code, message, _ = error_of(iam.create_group, GroupName="not valid!")
    assert code == "ValidationError" and "groupName" in message

    for name in ["carol", "alice", "bob"]:
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="senders", UserName=name)
    iam.add_user_to_group(GroupName="Senders", UserName="alice")  # twice: no change
    got = iam.get_group(GroupName="Senders")
    assert got["Group"]["GroupName"] == "Senders"
    assert [u["UserName"] for u in got["Users"]] == ["alice", "bob", "carol"]
    paged = iam.get_group(GroupName="Senders", MaxItems=2)
    assert paged["IsTruncated"] and [u["UserName"] for u in paged["Users"]] == ["alice", "bob"]
    rest = iam.get_group(GroupName="Senders", Marker=paged["Marker"])
    assert [u["UserName"] for u in rest["Users"]] == ["carol"] and not rest["IsTruncated"]

    iam.create_group(GroupName="Admins")
    iam.add_user_to_group(GroupName="Admins", UserName="alice")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["Admins", "Senders"]
    assert iam.list_groups_for_user(UserName="bob")["Groups"][0]["Arn"] == created["Arn"]
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["Admins", "Senders"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/mail/")["Groups"]] == ["Senders"]
    assert iam.get_account_summary()["SummaryMap"]["Groups"] == 2

    # Members and a user in a group both hold deletion back, as in IAM.
    code, message, status = error_of(iam.delete_group, GroupName="Admins")
    assert (code, status) == ("DeleteConflict", 409) and message == "Cannot delete entity, must remove users from group first."
    code, message, _ = error_of(iam.delete_user, UserName="alice")
    assert code == "DeleteConflict" and message == "Cannot delete entity, must remove user from all groups first."
    assert error_of(iam.remove_user_from_group, GroupName="Admins", UserName="bob")[:2] == (
        "NoSuchEntity", "The user with name bob cannot be found in group Admins.")
    iam.remove_user_from_group(GroupName="Admins", UserName="alice")
    iam.delete_group(GroupName="Admins")

    iam.update_group(GroupName="Senders", NewGroupName="Mailers", NewPath="/ops/")
    renamed = iam.get_group(GroupName="mailers")["Group"]
    assert renamed["Arn"].endswith(":group/ops/Mailers") and renamed["GroupId"] == created["GroupId"]
    # Terraform destroys a user after listing its groups and removing it from each.
    for g in iam.list_groups_for_user(UserName="carol")["Groups"]:
        iam.remove_user_from_group(GroupName=g["GroupName"], UserName="carol")
    iam.delete_user(UserName="carol")
    assert [u["UserName"] for u in iam.get_group(GroupName="Mailers")["Users"]] == ["alice", "bob"]


def test_group_policies_and_effective_permissions(sesame):
    iam = sesame.root_client("iam")
    iam.create_group(GroupName="readers")
    iam.create_user(UserName="dana")
    key = iam.create_access_key(UserName="dana")["AccessKey"]
    dana = sesame.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    ses_as_dana = sesame.client("ses", key["AccessKeyId"], key["SecretAccessKey"])
    assert error_of(dana.list_users)[0] == "AccessDenied"

    # An attached managed policy on a group the user is in grants its actions.
    iam.add_user_to_group(GroupName="readers", UserName="dana")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert [p["PolicyName"] for p in iam.list_attached_group_policies(GroupName="readers")["AttachedPolicies"]] == [
        "IAMReadOnlyAccess"]
    assert "dana" in [u["UserName"] for u in dana.list_users()["Users"]]
    assert iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")["Policy"]["AttachmentCount"] == 1
    code, message, status = error_of(iam.delete_group, GroupName="readers")
    assert code == "DeleteConflict"
    assert error_of(iam.attach_group_policy, GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicy")[0] == "NoSuchEntity"

    # An inline group policy, as SES senders are usually granted.
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:ListIdentities", "Resource": "*"}]}
    assert error_of(ses_as_dana.list_identities)[0] == "AccessDenied"
    iam.put_group_policy(GroupName="readers", PolicyName="list-identities", PolicyDocument=json.dumps(document))
    assert ses_as_dana.list_identities()["Identities"] == []
    got = iam.get_group_policy(GroupName="readers", PolicyName="list-identities")
    assert got["GroupName"] == "readers" and got["PolicyDocument"] == document
    assert iam.list_group_policies(GroupName="readers")["PolicyNames"] == ["list-identities"]
    code, message, _ = error_of(iam.put_group_policy, GroupName="readers", PolicyName="bad", PolicyDocument="{}")
    assert code == "MalformedPolicyDocument"
    assert error_of(iam.get_group_policy, GroupName="readers", PolicyName="nope")[:2] == (
        "NoSuchEntity", "The group policy with name nope cannot be found.")

    # Leaving the group takes its permissions away at once.
    iam.remove_user_from_group(GroupName="readers", UserName="dana")
    assert error_of(dana.list_users)[0] == "AccessDenied"
    assert error_of(ses_as_dana.list_identities)[0] == "AccessDenied"

    iam.delete_group_policy(GroupName="readers", PolicyName="list-identities")
    iam.detach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    assert error_of(iam.detach_group_policy, GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")[0] == "NoSuchEntity"
    iam.delete_group(GroupName="readers")
    assert iam.list_groups()["Groups"] == []


def test_groups_with_the_aws_cli(sqlite_sesame):
    node = sqlite_sesame
    node.cli("iam", "create-group", "--group-name", "cli-group")
    node.cli("iam", "create-user", "--user-name", "cli-user")
    node.cli("iam", "add-user-to-group", "--group-name", "cli-group", "--user-name", "cli-user")
    _, out, _ = node.cli("iam", "get-group", "--group-name", "cli-group")
    assert [u["UserName"] for u in json.loads(out)["Users"]] == ["cli-user"]
    code, _, err = node.cli("iam", "delete-group", "--group-name", "cli-group", check=False)
    assert code != 0 and "DeleteConflict" in err
