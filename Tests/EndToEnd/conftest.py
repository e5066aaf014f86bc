"""Fixtures that run the real `sesame` binary on 127.0.0.1 and drive it with real AWS clients.

SESAME_BIN names the binary (scripts/test builds it); SESAME_TEST_POSTGRES_URL names a PostgreSQL
server where databases may be created (scripts/test starts a throwaway one).
"""
import csv
import json
import os
import base64
import hashlib
import hmac
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
import urllib.parse
import urllib.request

import boto3
import botocore.config
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SESAME_BIN = os.environ.get("SESAME_BIN", os.path.join(ROOT, ".build", "debug", "sesame"))


_handed_out = set()


def free_port():
    """A port free now on 127.0.0.1, never one this run handed out before: the system may offer a
    port again as soon as its probe closes, and two listeners of one node once got the same one."""
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def postgres_admin_url():
    url = os.environ.get("SESAME_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("SESAME_TEST_POSTGRES_URL is not set: run scripts/test, which starts a throwaway PostgreSQL")
    return url


def create_database():
    """A fresh PostgreSQL database; returns its URL."""
    admin = postgres_admin_url()
    name = "sesame_e2e_" + uuid.uuid4().hex[:12]
    parts = urllib.parse.urlsplit(admin)
    libpq = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    subprocess.run(["psql", libpq, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


_quiet_dns = None


def quiet_dns_address():
    """A DNS server on 127.0.0.1 that knows no names, started once: every node uses it unless a
    test gives --dns-server, so nothing a node looks up (received mail's SPF, DKIM and DMARC)
    ever leaves the machine."""
    global _quiet_dns
    if _quiet_dns is None:
        import atexit
        from mailsinks import DNS
        _quiet_dns = DNS(free_port(), {}).start()
        atexit.register(_quiet_dns.stop)
    return f"127.0.0.1:{_quiet_dns.port}"


class Sesame:
    """One running `sesame serve` process with its own data directory and ports."""

    def __init__(self, data_dir, database_url=None, env=None, regions=("us-east-1",), args=()):
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.regions = regions
        self.extra_args = list(args)
        self.smtp_port = free_port()
        self.smtps_port = free_port()
        self.proc = None
        self.output = ""

    def start(self, wait=True):
        """Starts the node. A port picked free can be taken by another program before the node
        binds it: the node then exits saying so, and is started again on new ports."""
        for attempt in range(3):
            try:
                return self._start(wait)
            except RuntimeError as error:
                if "already in use" not in str(error) or attempt == 2:
                    raise
                self.port, self.smtp_port, self.smtps_port = free_port(), free_port(), free_port()
                self.endpoint = f"http://127.0.0.1:{self.port}"

    def _start(self, wait):
        env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_") and not k.startswith("AWS_")}
        env["SESAME_DNS_SERVER"] = quiet_dns_address()
        env.update(self.extra_env)
        args = [SESAME_BIN, "serve", "--data-dir", self.data_dir, "--http-address", f"127.0.0.1:{self.port}",
                "--smtp-address", f"127.0.0.1:{self.smtp_port}", "--smtps-address", f"127.0.0.1:{self.smtps_port}"]
        for region in self.regions:
            args += ["--region", region]
        if self.database_url:
            args += ["--database-url", self.database_url]
        args += self.extra_args
        self.log_path = os.path.join(self.data_dir + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sesame exited with {self.proc.returncode}:\n{self.read_log()}")
            if "Sesame " in self.read_log() and "is running" in self.read_log():
                return
            time.sleep(0.05)
        raise RuntimeError("sesame did not start:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self, timeout=20):
        """SIGTERM and wait: Sesame must shut down gracefully and exit 0."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"sesame did not stop within {timeout} s of SIGTERM; its log ends:\n{self.read_log()[-3000:]}")
        finally:
            self.log.close()
        return code

    @property
    def certificate(self):
        """The self-signed certificate Sesame made for its SMTP listeners."""
        return os.path.join(self.data_dir, "tls", "certificate.pem")

    def tls_context(self):
        return ssl.create_default_context(cafile=self.certificate)

    def smtp(self, tls="starttls", timeout=10):
        """An smtplib session after EHLO (and STARTTLS + EHLO for tls="starttls"); not logged in."""
        if tls == "implicit":
            s = smtplib.SMTP_SSL("127.0.0.1", self.smtps_port, context=self.tls_context(), timeout=timeout)
            s.ehlo("client.test")
            return s
        s = smtplib.SMTP("127.0.0.1", self.smtp_port, local_hostname="client.test", timeout=timeout)
        s.ehlo()
        if tls == "starttls":
            s.starttls(context=self.tls_context())
            s.ehlo()
        return s

    def captured(self, **query):
        """The captured mail at /_aws/ses, optionally filtered (`id=`, `email=`)."""
        qs = urllib.parse.urlencode(query)
        with urllib.request.urlopen(f"{self.endpoint}/_aws/ses" + (f"?{qs}" if qs else "")) as r:
            return json.load(r)["messages"]

    def root_credentials(self):
        with open(os.path.join(self.data_dir, "root-credentials.csv")) as f:
            row = list(csv.DictReader(f))[0]
        return row

    def client(self, service, key_id, secret, region="us-east-1", validate=True):
        """A boto3 client; `validate=False` sends what botocore would refuse, to see Sesame refuse it."""
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=key_id, aws_secret_access_key=secret,
            config=botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=validate))

    def root_client(self, service, region="us-east-1", validate=True):
        creds = self.root_credentials()
        return self.client(service, creds["Access key ID"], creds["Secret access key"], region, validate)

    def cli(self, *args, key_id=None, secret=None, region="us-east-1", check=True):
        """Runs the aws CLI against this node; returns (exit code, stdout, stderr)."""
        if key_id is None:
            creds = self.root_credentials()
            key_id, secret = creds["Access key ID"], creds["Secret access key"]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=region,
                   AWS_MAX_ATTEMPTS="1", AWS_PAGER="", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        p = subprocess.run(["aws", "--endpoint-url", self.endpoint, "--output", "json", *args],
                           capture_output=True, text=True, env=env)
        if check and p.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {p.stderr}")
        return p.returncode, p.stdout, p.stderr


def smtp_password(secret, region="us-east-1", version=4):
    """AWS's SMTP password algorithm, written here independently of Sesame's implementation."""
    def sign(key, msg):
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()
    if version == 2:
        return base64.b64encode(bytes([2]) + sign(secret.encode("utf-8"), "SendRawEmail")).decode()
    key = sign(("AWS4" + secret).encode("utf-8"), "11111111")
    for part in (region, "ses", "aws4_request", "SendRawEmail"):
        key = sign(key, part)
    return base64.b64encode(bytes([4]) + key).decode()


@pytest.fixture
def tmpdir_path():
    with tempfile.TemporaryDirectory(prefix="sesame-e2e-") as d:
        yield d


@pytest.fixture(params=["sqlite", "postgres"])
def sesame(request, tmpdir_path):
    """A node on each storage engine, stopped (gracefully, exit 0) after the test."""
    database_url = create_database() if request.param == "postgres" else None
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=database_url, regions=("us-east-1", "eu-west-1"))
    node.engine = request.param
    node.start()
    yield node
    assert node.stop() == 0, node.read_log()


@pytest.fixture
def sqlite_sesame(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"))
    node.start()
    yield node
    assert node.stop() == 0, node.read_log()


@pytest.fixture
def unthrottled(tmpdir_path):
    """A node without the sending rate, for tests that send faster than SES's 14 a second."""
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--max-send-rate=-1"]).start()
    yield node
    assert node.stop() == 0


@pytest.fixture
def console(tmpdir_path):
    """A node with a root password and headless Chromium, both stopped after the test."""
    from console_helpers import console_node

    with console_node(tmpdir_path) as pair:
        yield pair


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory):
    """A Terraform configuration that installs the AWS provider from the machine's mirror only."""
    from terraform_helpers import provider_mirror

    if shutil.which("terraform") is None or provider_mirror() is None:
        pytest.fail("terraform and the AWS provider mirror come with the machine (machine notes, section 6)")
    work = tmp_path_factory.mktemp("terraform")
    cache = work / "plugin-cache"
    cache.mkdir()
    config = work / "terraformrc"
    config.write_text(
        f'plugin_cache_dir = "{cache}"\n'
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{provider_mirror()}"\n'
        f'    include = ["registry.terraform.io/hashicorp/*"]\n  }}\n'
        f'  direct {{\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }}\n}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(TF_CLI_CONFIG_FILE=str(config), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")
    return work, env


@pytest.fixture
def moto_s3(tmpdir_path):
    """moto's server with signature checks on after three unsigned calls, which make the IAM user
    whose key Sesame signs with."""
    port = free_port()
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
    log = open(os.path.join(tmpdir_path, "moto.log"), "w")
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/").read()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        iam.create_user(UserName="sesame")
        iam.put_user_policy(UserName="sesame", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="sesame")["AccessKey"]
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key["AccessKeyId"],
                          aws_secret_access_key=key["SecretAccessKey"])
        s3.create_bucket(Bucket="ses-jobs")
        yield endpoint, key, s3
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
