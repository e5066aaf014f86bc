"""The console's IAM pages in headless Chromium: groups (members, attached policies), roles
(trust policy, attachments), customer managed policies (versions, who uses them), deletion with
the typed confirmation, the password policy, the account alias on sign-in, and an IAM user
forced to change its password at sign-in."""
import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import create_database
from console_helpers import console_node, sign_in_root, visit, wait_for


@pytest.fixture(params=["sqlite", "postgres"])
def console(request, tmpdir_path):
    with console_node(tmpdir_path, create_database() if request.param == "postgres" else None) as pair:
        yield pair


def fill(driver, element_id, text):
    element = driver.find_element(By.ID, element_id)
    element.clear()
    element.send_keys(text)


def test_groups_roles_and_policies(console):
    node, driver = console
    iam = node.root_client("iam")
    iam.create_user(UserName="dora")
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")

    # A group, a member and an AWS managed policy.
    visit(driver, node, "/console/iam/groups")
    fill(driver, "group-name", "senders")
    driver.find_element(By.ID, "create-group").click()
    wait_for(driver, "Group senders was created.")
    fill(driver, "member-name", "dora")
    driver.find_element(By.ID, "add-member").click()
    wait_for(driver, "dora was added to the group.")
    Select(driver.find_element(By.ID, "attach-policy")).select_by_visible_text("AmazonSESReadOnlyAccess")
    driver.find_element(By.ID, "attach").click()
    wait_for(driver, "The policy was attached.")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="dora")["Groups"]] == ["senders"]
    assert iam.list_attached_group_policies(GroupName="senders")["AttachedPolicies"][0]["PolicyName"] == "AmazonSESReadOnlyAccess"
    fill(driver, "member-name", "nobody")
    driver.find_element(By.ID, "add-member").click()
    wait_for(driver, "The user with name nobody cannot be found.")
    # The user's page shows its groups and what they grant.
    visit(driver, node, "/console/iam/users/dora")
    wait_for(driver, "AmazonSESReadOnlyAccess")
    assert "from group senders" in driver.page_source

    # A customer managed policy with a second version.
    visit(driver, node, "/console/iam/policies")
    fill(driver, "policy-name", "send-only")
    fill(driver, "policy-document", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}]}))
    driver.find_element(By.ID, "create-policy").click()
    wait_for(driver, "Policy send-only was created.")
    fill(driver, "version-document", "{not json")
    driver.find_element(By.ID, "new-version").click()
    wait_for(driver, "Syntax errors in policy.")
    fill(driver, "version-document", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ses:SendRawEmail", "ses:SendEmail"], "Resource": "*"}]}))
    driver.find_element(By.ID, "new-version").click()
    wait_for(driver, "Version v2 was created and is the default.")
    arn = next(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"

    # A role trusting the account, given the policy.
    visit(driver, node, "/console/iam/roles")
    fill(driver, "role-name", "deployer")
    driver.find_element(By.ID, "create-role").click()
    wait_for(driver, "Role deployer was created.")
    Select(driver.find_element(By.ID, "attach-policy")).select_by_visible_text("send-only")
    driver.find_element(By.ID, "attach").click()
    wait_for(driver, "The policy was attached.")
    assert iam.list_attached_role_policies(RoleName="deployer")["AttachedPolicies"] == [{"PolicyName": "send-only", "PolicyArn": arn}]
    visit(driver, node, "/console/iam/policy?arn=" + arn)
    wait_for(driver, "role <a")

    # Deleting asks for the name, says what goes with it, and takes it all apart.
    visit(driver, node, "/console/iam/policy/delete?arn=" + arn)
    wait_for(driver, "attached to role deployer")
    fill(driver, "confirm", "wrong")
    driver.find_element(By.ID, "confirm-delete").click()
    wait_for(driver, "Type the name exactly")
    visit(driver, node, "/console/iam/policy/delete?arn=" + arn)
    fill(driver, "confirm", "send-only")
    driver.find_element(By.ID, "confirm-delete").click()
    wait_for(driver, "Policy send-only was deleted.")
    assert iam.list_policies(Scope="Local")["Policies"] == []
    for kind, name in [("roles", "deployer"), ("groups", "senders")]:
        visit(driver, node, f"/console/iam/{kind}/{name}/delete")
        fill(driver, "confirm", name)
        driver.find_element(By.ID, "confirm-delete").click()
        wait_for(driver, "was deleted.")
    assert iam.list_roles()["Roles"] == [] and iam.list_groups()["Groups"] == []


def test_password_policy_alias_and_forced_password_change(console):
    node, driver = console
    iam = node.root_client("iam")
    iam.create_account_alias(AccountAlias="mail-team")
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    visit(driver, node, "/console/iam/password-policy")
    wait_for(driver, "AWS's default rule applies")
    fill(driver, "minimum-length", "12")
    driver.find_element(By.NAME, "allowUsersToChange").click()
    driver.find_element(By.ID, "save-policy").click()
    wait_for(driver, "The password policy was saved.")
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["AllowUsersToChangePassword"]

    iam.create_user(UserName="eve")
    iam.create_login_profile(UserName="eve", Password="First-Passw0rd-1", PasswordResetRequired=True)
    driver.delete_all_cookies()
    visit(driver, node, "/console/signin")
    wait_for(driver, "mail-team")
    fill(driver, "iam-account", "mail-team")          # the alias signs in as the account ID does
    fill(driver, "iam-user", "eve")
    fill(driver, "iam-password", "First-Passw0rd-1")
    driver.find_element(By.ID, "iam-signin").click()
    wait_for(driver, "requires you to choose a new password")
    visit(driver, node, "/console/mail")                # every page leads back to the change first
    wait_for(driver, "requires you to choose a new password")
    fill(driver, "old-password", "First-Passw0rd-1")
    fill(driver, "new-password", "short")
    fill(driver, "confirm-password", "short")
    driver.find_element(By.ID, "change-password").click()
    wait_for(driver, "Password should have a minimum length of 12")
    fill(driver, "old-password", "First-Passw0rd-1")
    fill(driver, "new-password", "Second-Passw0rd-2")
    fill(driver, "confirm-password", "Second-Passw0rd-2")
    driver.find_element(By.ID, "change-password").click()
    wait_for(driver, "Your password was changed.")
    assert not iam.get_login_profile(UserName="eve")["LoginProfile"]["PasswordResetRequired"]
    visit(driver, node, "/console/mail")
    assert "requires you to choose a new password" not in driver.page_source


def test_refusals_carry_a_message_sts_decodes(console):
    node, driver = console
    iam = node.root_client("iam")
    account = node.root_client("sts").get_caller_identity()["Account"]
    iam.create_user(UserName="fay")
    iam.create_login_profile(UserName="fay", Password="Fay-Passw0rd-1")
    visit(driver, node, "/console/signin")
    fill(driver, "iam-account", account)
    fill(driver, "iam-user", "fay")
    fill(driver, "iam-password", "Fay-Passw0rd-1")
    driver.find_element(By.ID, "iam-signin").click()
    wait_for(driver, "Signed in as fay")
    visit(driver, node, "/console/iam/roles")
    wait_for(driver, "is not authorized to perform: iam:ListRoles")
    encoded = driver.find_element(By.ID, "encoded-message").text
    decoded = json.loads(node.root_client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "iam:ListRoles"
    assert decoded["context"]["principal"]["arn"] == f"arn:aws:iam::{account}:user/fay"
    keys = {item["key"] for item in decoded["context"]["conditions"]["items"]}
    assert "aws:username" in keys
    # Decoding needs sts:DecodeAuthorizationMessage; an altered message is refused.
    key = iam.create_access_key(UserName="fay")["AccessKey"]
    fay_sts = node.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert_error(fay_sts.decode_authorization_message, "AccessDenied", EncodedMessage=encoded)
    iam.put_user_policy(UserName="fay", PolicyName="decode", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"}]}))
    assert "iam:ListRoles" in fay_sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    tampered = encoded[:-8] + ("A" if encoded[-8] != "A" else "B") + encoded[-7:]
    assert_error(fay_sts.decode_authorization_message, "InvalidAuthorizationMessageException", EncodedMessage=tampered)


def assert_error(call, code, **kwargs):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    assert info.value.response["Error"]["Code"] == code, info.value.response
