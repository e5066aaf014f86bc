"""Upgrades: stores made by the last Sesame whose schema ended at migration 12 (the binary of
9f47b4d, with a user and its key, identities, a template, a configuration set, captured and
simulator-delivered mail; fixtures/upgrade-from-migration-12) are started with today's binary
on each engine. It applies every later migration and everything still works: the user's key
signs, identities, templates and mail are there, new mail is accepted, and the newer features
(groups, SNS, receipt rules) work on the upgraded store."""
import json
import os
import shutil
import subprocess
import urllib.parse

import boto3
import pytest

from conftest import Sesame, create_database

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "upgrade-from-migration-12")
# The fixture's account: what the old node was started with.
ENV = {"SESAME_MASTER_KEY": "VXBncmFkZUZpeHR1cmVNYXN0ZXJLZXkwMDAwMDAwMDA=", "SESAME_ROOT_ACCESS_KEY_ID": "AKIAUPGRADEFIXTURE01",
       "SESAME_ROOT_SECRET_ACCESS_KEY": "upgradeFixtureSecretKey000000000000000001", "SESAME_ACCOUNT_ID": "111122223333",
       "SESAME_ROOT_PASSWORD": "Upgrade-Fixture-1"}


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_a_store_from_migration_12_upgrades_and_keeps_working(tmpdir_path, engine):
    data = os.path.join(tmpdir_path, "data")
    os.makedirs(data)
    database_url = None
    if engine == "sqlite":
        shutil.copy(os.path.join(FIXTURE, "sesame.sqlite"), os.path.join(data, "sesame.sqlite"))
    else:
        database_url = create_database()
        parts = urllib.parse.urlsplit(database_url)
        libpq = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        subprocess.run(["psql", libpq, "-q", "-v", "ON_ERROR_STOP=1", "-f", os.path.join(FIXTURE, "postgres.sql")], check=True,
                       capture_output=True)
    facts = json.load(open(os.path.join(FIXTURE, f"{engine}.json")))
    node = Sesame(data, database_url=database_url, env=ENV).start()
    try:
        key, secret = ENV["SESAME_ROOT_ACCESS_KEY_ID"], ENV["SESAME_ROOT_SECRET_ACCESS_KEY"]
        root = lambda service: boto3.client(service, endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=key,
                                            aws_secret_access_key=secret)
        user = boto3.client("sts", endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=facts["accessKeyId"],
                            aws_secret_access_key=facts["secretAccessKey"])
        assert user.get_caller_identity()["Arn"] == "arn:aws:iam::111122223333:user/app"
        ses = root("ses")
        assert sorted(ses.list_identities()["Identities"]) == ["example.com", "sender@example.com"]
        assert ses.get_template(TemplateName="welcome")["Template"]["SubjectPart"] == "Hi {{name}}"
        assert [c["Name"] for c in ses.list_configuration_sets()["ConfigurationSets"]] == ["marketing"]
        captured = {m["Id"]: m for m in node.captured()}
        assert set(facts["messageIds"][:3]) <= set(captured)
        assert captured[facts["messageIds"][0]]["Subject"] == "before the upgrade 0"
        # Mail keeps flowing, and what later migrations brought works on the upgraded store.
        ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["after@example.net"]},
                       Message={"Subject": {"Data": "after the upgrade"}, "Body": {"Text": {"Data": "body"}}})
        assert node.captured()[-1]["Subject"] == "after the upgrade"
        iam = root("iam")
        iam.create_group(GroupName="senders")
        iam.add_user_to_group(GroupName="senders", UserName="app")
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="app")["Groups"]] == ["senders"]
        assert root("sns").create_topic(Name="after-upgrade")["TopicArn"].endswith(":after-upgrade")
        ses.create_receipt_rule_set(RuleSetName="inbound")
        assert [s["Name"] for s in ses.list_receipt_rule_sets()["RuleSets"]] == ["inbound"]
    finally:
        assert node.stop() == 0, node.read_log()
