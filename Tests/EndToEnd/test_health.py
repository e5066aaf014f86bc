"""`GET /health` (the process is up) and `GET /ready` (listeners bound, store answering): a node
on SQLite is ready; a node whose PostgreSQL database disappears stops being ready and says why,
while still healthy."""
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import Sesame, create_database, postgres_admin_url


def get(node, path):
    try:
        with urllib.request.urlopen(node.endpoint + path, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_and_ready(sqlite_sesame):
    assert get(sqlite_sesame, "/health") == (200, "ok\n")
    assert get(sqlite_sesame, "/ready") == (200, "ready\n")


def test_a_node_whose_store_is_gone_is_healthy_but_not_ready(tmpdir_path):
    url = create_database()
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=url).start()
    try:
        assert get(node, "/ready") == (200, "ready\n")
        admin = urllib.parse.urlsplit(postgres_admin_url())
        name = urllib.parse.urlsplit(url).path.lstrip("/")
        libpq = urllib.parse.urlunsplit((admin.scheme, admin.netloc, admin.path, "", ""))
        subprocess.run(["psql", libpq, "-q", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=True, capture_output=True)
        deadline = time.time() + 20
        status, body = get(node, "/ready")
        while status == 200 and time.time() < deadline:
            time.sleep(0.2)
            status, body = get(node, "/ready")
        assert status == 503 and body.startswith("not ready: the store"), body
        assert get(node, "/health") == (200, "ok\n")
    finally:
        # With its database gone the node's graceful shutdown waits on writes it cannot make
        # (noted for the operations issue); this test is about /ready, so it ends the process.
        node.proc.kill()
        node.proc.wait()
        node.log.close()
