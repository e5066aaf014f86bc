"""Crash consistency: senders over SMTP and the API, SIGKILL at a random moment, restart; every
acknowledged message is stored, and SQLite's file passes `PRAGMA integrity_check`. Twenty trials
on each engine against one growing store (it guards the SQLite append path: the row writer and
its write-coalescing VFS)."""
import os
import random
import signal
import smtplib
import sqlite3
import threading
import time

import botocore.exceptions
import pytest

from conftest import Sesame, create_database, smtp_password
from smtp_helpers import send, smtp_user, verify

TRIALS = int(os.environ.get("SESAME_CRASH_TRIALS", "20"))


def stored_ids(node):
    ids, after = set(), None
    while True:
        query = {"limit": 10000}
        if after:
            query["after"] = after
        import json
        import urllib.parse
        import urllib.request
        with urllib.request.urlopen(f"{node.endpoint}/_aws/ses?" + urllib.parse.urlencode(query)) as r:
            page = json.load(r)
        ids |= {m["Id"] for m in page["messages"]}
        after = page.get("nextToken")
        if not after:
            return ids


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_acknowledged_mail_survives_random_kills(tmpdir_path, engine):
    data = os.path.join(tmpdir_path, "data")
    database_url = create_database() if engine == "postgres" else None
    rng = random.Random(f"crash-{engine}")
    args = ["--max-send-rate=-1"]
    acknowledged = set()
    key = secret = None
    for trial in range(TRIALS + 1):
        node = Sesame(data, database_url=database_url, args=args).start()
        if trial == 0:
            key, secret, _ = smtp_user(node)
            verify(node, "example.com")
        stored = stored_ids(node)
        missing = acknowledged - stored
        assert not missing, f"trial {trial}: {len(missing)} acknowledged messages lost, e.g. {sorted(missing)[:3]}"
        if trial == TRIALS:
            assert node.stop() == 0
            break
        lock, stop = threading.Lock(), threading.Event()

        def smtp_sender(n):
            try:
                s = node.smtp("implicit" if n % 2 else "starttls")
                s.login(key, smtp_password(secret))
                while not stop.is_set():
                    code, reply = send(s, f"s{n}@example.com", f"r{n}@example.net")
                    if code == 250:
                        with lock:
                            acknowledged.add(reply.decode()[3:])
            except (smtplib.SMTPException, OSError, AssertionError):
                pass  # the server died under us

        def api_sender(n):
            ses = node.client("ses", key, secret)
            try:
                while not stop.is_set():
                    if n % 2:
                        sent = ses.send_raw_email(RawMessage={"Data": f"From: a@example.com\r\nTo: t{n}@example.net\r\nSubject: raw\r\n\r\nx\r\n"})
                    else:
                        sent = ses.send_email(Source="a@example.com", Destination={"ToAddresses": [f"t{n}@example.net", f"u{n}@example.net"]},
                                              Message={"Subject": {"Data": "api"}, "Body": {"Text": {"Data": "x"}}})
                    with lock:
                        acknowledged.add(sent["MessageId"])
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError):
                pass

        threads = [threading.Thread(target=smtp_sender, args=(n,)) for n in range(3)]
        threads += [threading.Thread(target=api_sender, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.3, 1.5))
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
        node.log.close()
        if engine == "sqlite":
            db = sqlite3.connect(os.path.join(data, "sesame.sqlite"))
            try:
                assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"trial {trial}"
            finally:
                db.close()
    assert len(acknowledged) > TRIALS * 10
