"""`GET /health` (the process is up) and `GET /ready` (listeners bound, store answering): a node
on SQLite is ready; a node whose PostgreSQL stops, or whose database disappears, stops being
ready and says why, while still healthy, and is ready again once PostgreSQL is back."""
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import ROOT, Sesame, create_database, postgres_admin_url


def get(node, path):
    try:
        with urllib.request.urlopen(node.endpoint + path, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_and_ready(sqlite_sesame):
    assert get(sqlite_sesame, "/health") == (200, "ok\n")
    assert get(sqlite_sesame, "/ready") == (200, "ready\n")


def wait_for(node, path, wanted, seconds):
    deadline = time.time() + seconds
    status, body = get(node, path)
    while status != wanted and time.time() < deadline:
        time.sleep(0.2)
        status, body = get(node, path)
    return status, body


def test_ready_flips_when_postgresql_stops_and_comes_back(tmpdir_path):
    """Its own PostgreSQL server, stopped and started again under a running node."""
    script = os.path.join(ROOT, "scripts", "postgres.sh")
    server = os.path.join(tmpdir_path, "pg")
    os.makedirs(tmpdir_path, exist_ok=True)
    os.chmod(tmpdir_path, 0o755)
    url = subprocess.run([script, "start", server], check=True, capture_output=True, text=True).stdout.strip()
    node = None
    try:
        node = Sesame(os.path.join(tmpdir_path, "data"), database_url=url).start()
        assert get(node, "/ready") == (200, "ready\n")
        subprocess.run([script, "pause", server], check=True, capture_output=True)
        status, body = wait_for(node, "/ready", 503, 20)
        assert status == 503 and body.startswith("not ready: the store"), body
        assert get(node, "/health") == (200, "ok\n")
        subprocess.run([script, "resume", server], check=True, capture_output=True)
        assert wait_for(node, "/ready", 200, 30) == (200, "ready\n")
        assert node.root_client("sts").get_caller_identity()["Account"]
        assert node.stop() == 0
        node = None
    finally:
        if node is not None:
            node.proc.kill()
            node.proc.wait()
            node.log.close()
        subprocess.run([script, "stop", server], capture_output=True)


def test_a_node_whose_store_is_gone_is_healthy_but_not_ready_and_still_stops(tmpdir_path):
    url = create_database()
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=url, args=["--shutdown-timeout", "2"]).start()
    try:
        assert get(node, "/ready") == (200, "ready\n")
        admin = urllib.parse.urlsplit(postgres_admin_url())
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        libpq = urllib.parse.urlunsplit((admin.scheme, admin.netloc, admin.path, "", ""))
        subprocess.run(["psql", libpq, "-q", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=True, capture_output=True)
        status, body = wait_for(node, "/ready", 503, 20)
        assert status == 503 and body.startswith("not ready: the store"), body
        assert get(node, "/health") == (200, "ok\n")
        # Its background work waits on a store that is gone; the stop still ends once
        # --shutdown-timeout has passed, and says why it took that long.
        started = time.time()
        assert node.stop(timeout=15) == 0
        assert time.time() - started < 10
        assert "still stopping after --shutdown-timeout (2.0 seconds)" in node.read_log()
    finally:
        if node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait()
