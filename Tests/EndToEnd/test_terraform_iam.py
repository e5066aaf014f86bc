"""Terraform's AWS provider (5.100.0, from the machine's filesystem mirror) against Sesame:
IAM users, login profiles, access keys, inline and customer managed policies, groups, roles
and attachments, then an SES identity managed through the role with the provider's
`assume_role`. Each root module is applied, planned again (no changes) and destroyed. The SMTP
password Terraform derives for the key sends a message."""
import email.message
import glob
import json
import os
import shutil
import subprocess
import uuid

import pytest


MODULES = os.path.join(os.path.dirname(__file__), "terraform")


def provider_mirror():
    found = glob.glob("/opt/tf-plugins/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_*")
    if not found:
        found = subprocess.run(["find", "/", "-name", "terraform-provider-aws_*", "-not", "-path", "/proc/*"],
                               capture_output=True, text=True).stdout.split()
    for path in found:
        marker = path.find("/registry.terraform.io/")
        if marker > 0:
            return path[:marker]
    return None


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory):
    if shutil.which("terraform") is None or provider_mirror() is None:
        pytest.fail("terraform and the AWS provider mirror come with the machine (machine notes, section 6)")
    work = tmp_path_factory.mktemp("terraform")
    cache = work / "plugin-cache"
    cache.mkdir()
    config = work / "terraformrc"
    config.write_text(
        f'plugin_cache_dir = "{cache}"\n'
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{provider_mirror()}"\n'
        f'    include = ["registry.terraform.io/hashicorp/*"]\n  }}\n'
        f'  direct {{\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }}\n}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(TF_CLI_CONFIG_FILE=str(config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")
    return work, env


class Module:
    """One root module, copied into a working folder, with its variables."""

    def __init__(self, name, work, env, variables):
        # One folder per use: the fixture's work folder is shared by both engines' runs.
        self.dir = work / f"{name}-{uuid.uuid4().hex[:8]}"
        shutil.copytree(os.path.join(MODULES, name), self.dir)
        self.env = dict(env, **{f"TF_VAR_{k}": v for k, v in variables.items()})

    def run(self, *args, check=True):
        p = subprocess.run(["terraform", *args], cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=600)
        if os.environ.get("SESAME_TERRAFORM_LOG"):
            open(os.environ["SESAME_TERRAFORM_LOG"], "a").write(p.stdout + p.stderr)
        if check and p.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} failed ({p.returncode}):\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
        return p

    def apply_and_replan(self):
        self.run("init", "-no-color")
        self.run("apply", "-auto-approve", "-no-color")
        # A second plan finds nothing to change: every attribute read back as written.
        plan = self.run("plan", "-detailed-exitcode", "-no-color", check=False)
        assert plan.returncode == 0, f"plan after apply is not empty:\n{plan.stdout[-6000:]}\n{plan.stderr[-2000:]}"

    def outputs(self):
        return {k: v["value"] for k, v in json.loads(self.run("output", "-json").stdout).items()}

    def destroy(self):
        self.run("destroy", "-auto-approve", "-no-color")


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
