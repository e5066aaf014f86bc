"""A node serving China's regions writes every ARN in the `aws-cn` partition (IAM, STS, AWS
managed policies, SNS), and a node refuses regions from two partitions."""
import json
import os
import subprocess

import pytest

from conftest import SESAME_BIN, Sesame


@pytest.fixture
def china(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), regions=("cn-north-1", "cn-northwest-1"))
    node.start()
    yield node
    assert node.stop() == 0, node.read_log()


def test_arns_use_the_regions_partition(china):
    iam = china.root_client("iam", region="cn-north-1")
    sts = china.root_client("sts", region="cn-north-1")
    me = sts.get_caller_identity()
    account = me["Account"]
    assert me["Arn"] == f"arn:aws-cn:iam::{account}:root"
    assert iam.create_user(UserName="ops")["User"]["Arn"] == f"arn:aws-cn:iam::{account}:user/ops"
    assert iam.create_group(GroupName="g")["Group"]["Arn"] == f"arn:aws-cn:iam::{account}:group/g"
    policy = iam.create_policy(PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}))["Policy"]["Arn"]
    assert policy == f"arn:aws-cn:iam::{account}:policy/p"
    managed = [p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]]
    assert "arn:aws-cn:iam::aws:policy/AmazonSESFullAccess" in managed
    iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws-cn:iam::aws:policy/AmazonSESFullAccess")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws-cn:iam::{account}:user/ops"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    assert role == f"arn:aws-cn:iam::{account}:role/r"
    key = iam.create_access_key(UserName="ops")["AccessKey"]
    ops_sts = china.client("sts", key["AccessKeyId"], key["SecretAccessKey"], region="cn-north-1")
    assumed = ops_sts.assume_role(RoleArn=role, RoleSessionName="s1")["AssumedRoleUser"]["Arn"]
    assert assumed == f"arn:aws-cn:sts::{account}:assumed-role/r/s1"
    ses = china.client("ses", key["AccessKeyId"], key["SecretAccessKey"], region="cn-northwest-1")
    ses.verify_email_identity(EmailAddress="a@example.cn")
    topic = china.root_client("sns", region="cn-northwest-1").create_topic(Name="feedback")["TopicArn"]
    assert topic == f"arn:aws-cn:sns:cn-northwest-1:{account}:feedback"


def test_regions_of_two_partitions_are_refused(tmpdir_path):
    p = subprocess.run([SESAME_BIN, "serve", "--data-dir", os.path.join(tmpdir_path, "data"), "--region", "us-east-1",
                        "--region", "cn-north-1"], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "one AWS partition" in p.stderr and "cn-north-1 (aws-cn)" in p.stderr
