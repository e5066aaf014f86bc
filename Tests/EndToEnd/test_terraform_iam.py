"""Terraform's AWS provider (5.100.0, from the machine's filesystem mirror) against Sesame:
IAM users, login profiles, access keys, inline and customer managed policies, groups, roles
and attachments, then an SES identity managed through the role with the provider's
`assume_role`. Each root module is applied, planned again (no changes) and destroyed. The SMTP
password Terraform derives for the key sends a message."""
import email.message

from terraform_helpers import Module


def test_terraform_iam_and_ses_through_an_assumed_role(sesame, terraform_env):
    node = sesame
    work, env = terraform_env
    root = node.root_credentials()
    iam = node.root_client("iam")
    account = node.root_client("sts").get_caller_identity()["Account"]

    first = Module("iam", work, env, {"endpoint": node.endpoint, "access_key": root["Access key ID"],
                                      "secret_key": root["Secret access key"]})
    first.apply_and_replan()
    out = first.outputs()
    user = iam.get_user(UserName="tf-deployer")["User"]
    assert user["Path"] == "/ci/" and user["Tags"] == [{"Key": "team", "Value": "mail"}]
    assert iam.get_login_profile(UserName="tf-deployer")["LoginProfile"]["UserName"] == "tf-deployer"
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="tf-deployer")["Groups"]] == ["tf-senders"]
    entities = iam.list_entities_for_policy(PolicyArn=out["policy_arn"])
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["tf-deployer"]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["tf-senders"]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["tf-ses-admin"]
    assert out["role_arn"] == f"arn:aws:iam::{account}:role/tf-ses-admin"

    # The SMTP password Terraform derived sends mail as the user.
    node.root_client("ses").verify_email_identity(EmailAddress="ci@example.com")
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "ci@example.com", "ops@example.net", "from terraform"
    message.set_content("sent with the SMTP password Terraform derived")
    with node.smtp() as s:
        s.login(out["access_key_id"], out["smtp_password"])
        s.send_message(message)
    sent = [m for m in node.captured() if m.get("Subject") == "from terraform"]
    assert sent and sent[0]["Principal"] == f"arn:aws:iam::{account}:user/ci/tf-deployer"

    second = Module("ses_via_role", work, env, {"endpoint": node.endpoint, "access_key": out["access_key_id"],
                                                "secret_key": out["secret_access_key"], "role_arn": out["role_arn"]})
    second.apply_and_replan()
    assert second.outputs()["caller_arn"] == f"arn:aws:sts::{account}:assumed-role/tf-ses-admin/terraform"
    identities = node.root_client("ses").list_identities()["Identities"]
    assert "tf-mail.example.com" in identities and "robot@tf-mail.example.com" in identities

    second.destroy()
    assert "tf-mail.example.com" not in node.root_client("ses").list_identities()["Identities"]
    first.destroy()
    assert iam.list_roles()["Roles"] == [] and iam.list_policies(Scope="Local")["Policies"] == []
    assert "tf-deployer" not in [u["UserName"] for u in iam.list_users()["Users"]]
    assert iam.list_groups()["Groups"] == []
