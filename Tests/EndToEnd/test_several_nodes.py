"""Several nodes on one PostgreSQL: the sending rate is one rate for all of them (three nodes
driven at once send at the configured rate, within 10%), and background work such as pruning
runs on exactly one node at a time, moving to another when that node stops."""
import os
import threading
import time

from botocore.exceptions import ClientError

from conftest import Sesame, create_database
from test_metrics import scrape, value

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


def test_pruning_runs_on_one_node_at_a_time_and_moves_when_it_stops(tmpdir_path):
    database_url = create_database()
    args = ["--retain-messages", "30", "--retention-interval", "0.3"]
    first = Sesame(os.path.join(tmpdir_path, "a"), database_url=database_url, env=KEY, args=["--node-name", "a", *args]).start()
    time.sleep(1)  # a takes the lease first
    second = Sesame(os.path.join(tmpdir_path, "b"), database_url=database_url, env=KEY, args=["--node-name", "b", *args]).start()
    try:
        time.sleep(3)
        runs_a = value(scrape(first), "sesame_background_runs_total", job="retention")
        runs_b = value(scrape(second), "sesame_background_runs_total", job="retention")
        assert runs_a >= 5 and runs_b == 0, (runs_a, runs_b)
    finally:
        assert first.stop() == 0, first.read_log()
    try:
        deadline = time.time() + 10
        while value(scrape(second), "sesame_background_runs_total", job="retention") == 0:
            assert time.time() < deadline, "b never took over the pruning"
            time.sleep(0.2)
    finally:
        assert second.stop() == 0, second.read_log()
