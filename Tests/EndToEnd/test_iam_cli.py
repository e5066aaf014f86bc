"""The issue's own walkthrough, with the aws CLI exactly as a user types it."""
import json


def test_aws_cli_walkthrough(sesame):
    _, out, _ = sesame.cli("iam", "create-user", "--user-name", "alice")
    user = json.loads(out)["User"]
    assert user["UserName"] == "alice"
    assert user["Arn"].endswith(":user/alice")
    assert user["UserId"].startswith("AIDA")

    _, out, _ = sesame.cli("iam", "create-access-key", "--user-name", "alice")
    key = json.loads(out)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40
    assert key["Status"] == "Active"

    policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}'
    sesame.cli("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "AmazonSesSendingAccess",
               "--policy-document", policy)
    _, out, _ = sesame.cli("iam", "get-user-policy", "--user-name", "alice", "--policy-name", "AmazonSesSendingAccess")
    assert json.loads(out)["PolicyDocument"]["Statement"][0]["Action"] == "ses:SendRawEmail"

    _, out, _ = sesame.cli("iam", "list-users")
    assert [u["UserName"] for u in json.loads(out)["Users"]] == ["alice"]

    _, out, _ = sesame.cli("sts", "get-caller-identity")
    root = json.loads(out)
    account = sesame.root_credentials()["Account ID"]
    assert root == {"UserId": account, "Account": account, "Arn": f"arn:aws:iam::{account}:root"}

    _, out, _ = sesame.cli("sts", "get-caller-identity", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    assert json.loads(out)["Arn"] == f"arn:aws:iam::{account}:user/alice"

    code, _, err = sesame.cli("iam", "list-users", key_id=key["AccessKeyId"], secret=key["SecretAccessKey"], check=False)
    assert code != 0
    assert (f"An error occurred (AccessDenied) when calling the ListUsers operation: User: arn:aws:iam::{account}:user/alice "
            f"is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::{account}:user/") in err


def test_cli_signed_for_another_served_region(sesame):
    _, out, _ = sesame.cli("sts", "get-caller-identity", region="eu-west-1")
    assert json.loads(out)["Arn"].endswith(":root")
