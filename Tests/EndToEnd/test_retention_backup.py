"""Operations: the store over time. Retention prunes delivered and captured mail and events on
both engines while the suppression list stays; `sesame store stats` shows it. `sesame backup`
copies a live SQLite store (writes going on) and `sesame restore` puts it back: the restored node
refuses to start without the master key, then serves the same keys, identities and mail. A
PostgreSQL store goes through pg_dump and pg_restore, as the README says, with the same result."""
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.parse

import boto3
import pytest

from conftest import SESAME_BIN, Sesame, create_database


def cli(*args, env=None, check=True):
    out = subprocess.run([SESAME_BIN, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check:
        assert out.returncode == 0, out.stderr + out.stdout
    return out


def stats(node, database_url=None):
    args = ["store", "stats", "--json", "--data-dir", node.data_dir]
    if database_url:
        args += ["--database-url", database_url]
    return {t["table"]: t["rows"] for t in json.loads(cli(*args).stdout)["tables"]}


def send(ses, to="someone@example.net", subject="hello"):
    return ses.send_email(Source="sender@example.com", Destination={"ToAddresses": [to]},
                          Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "body"}}})["MessageId"]


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_retention_prunes_mail_and_events_but_keeps_the_suppression_list(tmpdir_path, engine):
    database_url = create_database() if engine == "postgres" else None
    # About 3 seconds of retention, pruned every half second.
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=database_url,
                  args=["--retain-messages", "0.000035", "--retain-events", "0.000035", "--retention-interval", "0.5"]).start()
    try:
        ses, v2 = node.root_client("ses"), node.root_client("sesv2")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        v2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
        ids = [send(ses) for _ in range(5)] + [send(ses, "success@simulator.amazonses.com")]
        assert {m["Id"] for m in node.captured()} >= set(ids[:5])
        before = stats(node, database_url)
        assert before["messages"] >= 6 and before["ses_suppressed"] == 1
        deadline = time.time() + 30
        while True:
            now = stats(node, database_url)
            if now["messages"] == 0 and now["delivery_events"] == 0 and now["delivery_queue"] == 0:
                break
            assert time.time() < deadline, now
            time.sleep(0.5)
        assert node.captured() == []
        assert now["ses_suppressed"] == 1  # never pruned
        assert v2.get_suppressed_destination(EmailAddress="gone@example.net")["SuppressedDestination"]["Reason"] == "BOUNCE"
        # Sending goes on as before.
        assert send(ses, subject="after pruning") and node.captured()[-1]["Subject"] == "after pruning"
        assert "pruned the store" in node.read_log()
    finally:
        assert node.stop() == 0, node.read_log()


def test_sqlite_backup_of_a_live_store_and_restore(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    node = Sesame(data).start()
    backup = os.path.join(tmpdir_path, "backup.sqlite")
    try:
        ses, iam = node.root_client("ses"), node.root_client("iam")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        iam.create_user(UserName="app")
        key = iam.create_access_key(UserName="app")["AccessKey"]
        first = send(ses, subject="before the backup")
        # Sends keep coming while the backup is taken.
        stop = threading.Event()
        sent = []

        def keep_sending():
            while not stop.is_set():
                sent.append(send(ses, subject="during"))
                time.sleep(0.1)  # under the default 14 messages a second

        writer = threading.Thread(target=keep_sending)
        writer.start()
        time.sleep(0.3)
        out = cli("backup", "--data-dir", data, "--to", backup)
        stop.set()
        writer.join()
        assert "Backed up" in out.stdout and "master key" in out.stdout
        assert sent, "no send ran during the backup"
        assert oct(os.stat(backup).st_mode & 0o777) == "0o600"
        refused = cli("backup", "--data-dir", data, "--to", backup, check=False)
        assert refused.returncode != 0 and "exists already" in refused.stderr
    finally:
        assert node.stop() == 0, node.read_log()

    restored = os.path.join(tmpdir_path, "restored")
    out = cli("restore", "--data-dir", restored, "--from", backup)
    assert "Now put the master key" in out.stdout
    again = cli("restore", "--data-dir", restored, "--from", backup, check=False)
    assert again.returncode != 0 and "exists" in again.stderr
    # Without the master key the node refuses, and says what to do.
    keyless = Sesame(restored)
    keyless.start(wait=False)
    assert keyless.proc.wait(30) != 0
    assert "master.key does not" in keyless.read_log() and "put that key at" in keyless.read_log()
    assert not os.path.exists(os.path.join(restored, "master.key"))
    shutil.copy(os.path.join(data, "master.key"), os.path.join(restored, "master.key"))
    # (The test's root client reads the credentials file the first start wrote.)
    shutil.copy(os.path.join(data, "root-credentials.csv"), os.path.join(restored, "root-credentials.csv"))
    node = Sesame(restored).start()
    try:
        user = boto3.client("sts", endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
        assert user.get_caller_identity()["Arn"].endswith(":user/app")
        ses = node.root_client("ses")
        assert ses.list_identities()["Identities"] == ["sender@example.com"]
        kept = {m["Id"] for m in node.captured()}
        assert first in kept and len(kept) >= 1
        assert kept <= {first, *sent}  # one moment's state: a prefix of what was sent
        assert send(ses, subject="after the restore")
    finally:
        assert node.stop() == 0, node.read_log()


def test_postgres_pg_dump_and_pg_restore_serve_the_same_keys_identities_and_queue(tmpdir_path):
    source_url = create_database()
    data = os.path.join(tmpdir_path, "data")
    node = Sesame(data, database_url=source_url, args=["--delivery", "relay", "--relay-url", "smtp://127.0.0.1:9?tls=none",
                                                      "--retry-initial", "3600"]).start()
    try:
        ses, iam = node.root_client("ses"), node.root_client("iam")
        ses.verify_email_identity(EmailAddress="sender@example.com")
        iam.create_user(UserName="app")
        key = iam.create_access_key(UserName="app")["AccessKey"]
        queued = send(ses, subject="waits in the queue")  # the relay is down: it stays queued
        time.sleep(1)
    finally:
        assert node.stop() == 0, node.read_log()
    dump = os.path.join(tmpdir_path, "sesame.dump")
    subprocess.run(["pg_dump", "-Fc", "-f", dump, "--dbname", pg_url(source_url)], check=True)
    target_url = create_database()
    subprocess.run(["pg_restore", "--no-owner", "--dbname", pg_url(target_url), dump], check=True)
    other = os.path.join(tmpdir_path, "other")
    os.makedirs(other)
    shutil.copy(os.path.join(data, "master.key"), os.path.join(other, "master.key"))
    shutil.copy(os.path.join(data, "root-credentials.csv"), os.path.join(other, "root-credentials.csv"))
    node = Sesame(other, database_url=target_url, args=["--delivery", "relay", "--relay-url", "smtp://127.0.0.1:9?tls=none",
                                                       "--retry-initial", "3600"]).start()
    try:
        user = boto3.client("sts", endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                            aws_secret_access_key=key["SecretAccessKey"])
        assert user.get_caller_identity()["Arn"].endswith(":user/app")
        assert node.root_client("ses").list_identities()["Identities"] == ["sender@example.com"]
        out = cli("queue", "show", queued, "--json", "--database-url", target_url)
        assert json.loads(out.stdout)["recipients"][0]["state"] == "queued"
    finally:
        assert node.stop() == 0, node.read_log()


def pg_url(url):
    """The store URL as libpq takes it (Sesame's `tlsmode` parameter is PostgresNIO's)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def test_suppression_entries_go_only_when_asked(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--retain-suppression", "0.00002", "--retention-interval", "0.5"]).start()
    try:
        v2 = node.root_client("sesv2")
        v2.put_suppressed_destination(EmailAddress="gone@example.net", Reason="BOUNCE")
        deadline = time.time() + 20
        while v2.list_suppressed_destinations()["SuppressedDestinationSummaries"]:
            assert time.time() < deadline
            time.sleep(0.3)
    finally:
        assert node.stop() == 0, node.read_log()
