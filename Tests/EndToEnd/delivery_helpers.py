"""Helpers for the delivery tests: a node in relay or MX mode, sending through the API, and
waiting on what `sesame queue show` says about a message."""
import json
import os
import subprocess
import time


from conftest import SESAME_BIN, Sesame, create_database


def node(tmpdir, *args, database_url=None, name="data"):
    n = Sesame(os.path.join(tmpdir, name), database_url=database_url,
               args=["--retry-initial", "0.3", "--max-send-rate=-1", *args])
    n.start()
    ses = n.root_client("ses")
    ses.verify_email_identity(EmailAddress="sender@example.com")
    return n


def send(n, to, subject="hello", text="Hello there.\n.leading dot line\n"):
    ses = n.root_client("ses")
    return ses.send_email(
        Source="sender@example.com", Destination={"ToAddresses": list(to)},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}})["MessageId"]


def queue(n, *args):
    cmd = [SESAME_BIN, "queue", *args, "--data-dir", n.data_dir]
    if n.database_url:
        cmd += ["--database-url", n.database_url]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p


def show(n, message_id):
    p = queue(n, "show", message_id, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def wait_until(n, message_id, done, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        shown = show(n, message_id)
        if done(shown):
            return shown
        time.sleep(0.1)
    raise AssertionError(f"message {message_id} did not get there: {json.dumps(shown, indent=1)}\n{n.read_log()[-3000:]}")


def states(shown):
    return {r["recipient"]: r["state"] for r in shown["recipients"]}


def events(shown, kind=None):
    return [e for e in shown["events"] if kind is None or e["eventType"] == kind]


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 (IP SAN), for a TLS-speaking test relay."""
    cert, key = os.path.join(directory, "relay.pem"), os.path.join(directory, "relay.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=relay.test",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def tls_context(tmpdir_path):
    """A server TLS context with a fresh self-signed certificate; returns (context, certificate path)."""
    import ssl
    cert, key = make_certificate(tmpdir_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


def engine_url(engine):
    return create_database() if engine == "postgres" else None


def dkim_dns(node, domain, region="us-east-1"):
    """What a DNS zone would answer for Sesame's published DKIM records."""
    import urllib.request
    with urllib.request.urlopen(f"{node.endpoint}/_aws/ses/dkim?domain={domain}&region={region}") as r:
        records = {rec["name"] + ".": rec["value"] for rec in json.load(r)["records"]}
    return lambda name, timeout=5: records.get(name.decode()).encode() if name.decode() in records else None
