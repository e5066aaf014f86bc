"""Several nodes on one PostgreSQL: the sending rate is one rate for all of them (three nodes
driven at once send at the configured rate, within 10%), and background work (pruning, DNS
verification checks) runs on exactly one node at a time, moving to another when that node stops
or dies."""
import os
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Sesame, create_database
from http_helpers import scrape, value

KEY = {"SESAME_MASTER_KEY": "q2+1NtVXcJt9d2X4n7QfKcH1aA9cR3Ww0e5yZbL6mUo="}  # one store, one key


def test_three_nodes_share_the_sending_rate(tmpdir_path):
    database_url = create_database()
    rate, seconds = 10, 8
    nodes = [Sesame(os.path.join(tmpdir_path, f"n{i}"), database_url=database_url, env=KEY,
                    args=["--node-name", f"n{i}", "--max-send-rate", str(rate)]).start() for i in range(3)]
    try:
        nodes[0].root_client("ses").verify_email_identity(EmailAddress="sender@example.com")
        accepted, throttled = [], []
        deadline = time.time() + seconds

        root = nodes[0].root_credentials()  # the account the first node made; the others share it
        attempts = {node.endpoint: 0 for node in nodes}

        def hammer(node):
            ses = node.client("ses", root["Access key ID"], root["Secret access key"])
            while time.time() < deadline:
                attempts[node.endpoint] += 1
                try:
                    ses.send_email(Source="sender@example.com", Destination={"ToAddresses": ["a@example.net"]},
                                   Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}})
                    accepted.append(time.time())
                except ClientError as e:
                    assert e.response["Error"]["Code"] == "Throttling", e.response
                    throttled.append(time.time())

        started = time.time()
        threads = [threading.Thread(target=hammer, args=(node,)) for node in nodes for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        # One second of burst, then the rate: the nodes together, not each.
        expected = rate * (elapsed + 1)
        assert abs(len(accepted) - expected) <= 0.1 * expected, (len(accepted), expected, len(throttled))
        assert len(throttled) > len(accepted)  # the clients asked for far more
        assert all(n > 50 for n in attempts.values()), attempts  # through every node
    finally:
        for node in nodes:
            assert node.stop() == 0, node.read_log()


def runs(node, job):
    return value(scrape(node), "sesame_background_runs_total", job=job)


def wait_for_runs(node, job, timeout):
    deadline = time.time() + timeout
    while runs(node, job) == 0:
        assert time.time() < deadline, f"{node.data_dir} never took over {job}"
        time.sleep(0.1)


def test_background_work_runs_on_one_node_at_a_time_and_moves_when_it_stops(tmpdir_path):
    """Pruning and DNS verification checks each run on exactly one node. A node that stops gives
    its jobs back, so another takes them at its next run; a node killed outright holds them until
    its lease runs out (pruning's: three intervals; DNS checks': 30 s, not waited for here)."""
    database_url = create_database()
    # Pruning's lease lasts three intervals: 1.5 s, so a node slowed by a busy machine keeps it.
    args = ["--retain-messages", "30", "--retention-interval", "0.5", "--identity-verification", "dns",
            "--identity-check-interval", "0.1"]
    jobs = ("retention", "identity-dns-checks")

    def start(name):
        return Sesame(os.path.join(tmpdir_path, name), database_url=database_url, env=KEY, args=["--node-name", name, *args]).start()

    first = start("a")
    time.sleep(1)  # a takes the leases first
    second = start("b")
    third = None
    try:
        time.sleep(3)
        for job in jobs:
            assert runs(first, job) >= 3 and runs(second, job) == 0, (job, runs(first, job), runs(second, job))
        # A graceful stop gives the leases back: b takes both jobs within a few of its runs (the
        # DNS checks' lease would otherwise hold them for 30 s).
        assert first.stop() == 0, first.read_log()
        for job in jobs:
            wait_for_runs(second, job, timeout=5)
        third = start("c")
        time.sleep(1)
        assert [runs(third, job) for job in jobs] == [0, 0]
        # b is killed: it cannot give anything back, so c takes pruning when b's lease runs out.
        second.proc.kill()
        second.proc.wait()
        wait_for_runs(third, "retention", timeout=10)
    finally:
        first.stop()
        second.stop()
        if third is not None:
            assert third.stop() == 0, third.read_log()


def test_a_live_view_hears_of_mail_whichever_node_took_it(tmpdir_path):
    """Mailpit's event stream on one node announces mail sent through the other node, and mail
    sent through its own node, each once."""
    import json
    import websocket
    database_url = create_database()
    here = Sesame(os.path.join(tmpdir_path, "here"), database_url=database_url, env=KEY, args=["--node-name", "here"]).start()
    there = Sesame(os.path.join(tmpdir_path, "there"), database_url=database_url, env=KEY, args=["--node-name", "there"]).start()
    try:
        here.root_client("ses").verify_domain_identity(Domain="example.com")
        ws = websocket.create_connection(f"ws://127.0.0.1:{here.port}/api/events", timeout=15)
        try:
            time.sleep(0.5)
            root = here.root_credentials()  # the account the first node made; the other shares it
            for node, subject in ((there, "through there"), (here, "through here")):
                ses = node.client("ses", root["Access key ID"], root["Secret access key"])
                ses.send_email(Source="a@example.com", Destination={"ToAddresses": ["live@example.net"]},
                               Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": "x"}}})
                event = json.loads(ws.recv())
                assert event["Type"] == "new" and event["Data"]["Subject"] == subject, event
            ws.settimeout(1.5)
            with pytest.raises(websocket.WebSocketTimeoutException):
                ws.recv()  # nothing twice
        finally:
            ws.close()
    finally:
        assert there.stop() == 0, there.read_log()
        assert here.stop() == 0, here.read_log()
