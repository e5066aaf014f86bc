"""The `sesame` command itself: help, version, first start, restarts, files, shutdown, several nodes."""
import base64
import os
import stat
import subprocess


from conftest import SESAME_BIN, Sesame, create_database


def test_version_and_help():
    out = subprocess.run([SESAME_BIN, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0.1.0"
    help_text = subprocess.run([SESAME_BIN, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    for option in ["--data-dir", "--database-url", "--http-address", "--smtp-address", "--smtps-address", "--region"]:
        assert option in help_text
    for variable in ["SESAME_DATA_DIR", "SESAME_DATABASE_URL", "SESAME_HTTP_ADDRESS", "SESAME_SMTP_ADDRESS",
                     "SESAME_SMTPS_ADDRESS", "SESAME_REGION", "SESAME_ROOT_PASSWORD", "SESAME_MASTER_KEY"]:
        assert variable in help_text


def test_bad_options_are_explained(tmpdir_path):
    p = subprocess.run([SESAME_BIN, "serve", "--data-dir", tmpdir_path, "--http-address", "nonsense"],
                       capture_output=True, text=True)
    assert p.returncode != 0
    assert "--http-address must look like HOST:PORT" in p.stderr
    p = subprocess.run([SESAME_BIN, "serve", "--data-dir", tmpdir_path, "--database-url", "mysql://x"],
                       capture_output=True, text=True)
    assert p.returncode != 0 and "PostgreSQL URL" in p.stderr


def test_first_start_generates_and_writes_credentials_once(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    node = Sesame(data).start()
    try:
        creds = node.root_credentials()
        log = node.read_log()
        assert "root-credentials.csv" in log
        assert creds["Account ID"] in log
        # Secrets are never logged.
        assert creds["Secret access key"] not in log and creds["Root password"] not in log
        for name in ["root-credentials.csv", "master.key"]:
            mode = stat.S_IMODE(os.stat(os.path.join(data, name)).st_mode)
            assert mode == 0o600, (name, oct(mode))
        assert len(creds["Account ID"]) == 12 and creds["Account ID"].isdigit()
        # The copy of the database alone reveals no secret: neither the secret key nor the password.
        node.root_client("sts").get_caller_identity()
    finally:
        assert node.stop() == 0
    blob = b""
    for name in os.listdir(data):
        if name.startswith("sesame.sqlite"):
            blob += open(os.path.join(data, name), "rb").read()
    assert creds["Secret access key"].encode() not in blob
    assert creds["Root password"].encode() not in blob

    # A restart keeps the account and does not rewrite the credentials file.
    os.remove(os.path.join(data, "root-credentials.csv"))
    again = Sesame(data, env={"SESAME_ROOT_EMAIL": "someone-else@example.com"}).start()
    try:
        log = again.read_log()
        assert creds["Account ID"] in log
        assert "SESAME_ROOT_EMAIL is ignored" in log
        assert not os.path.exists(os.path.join(data, "root-credentials.csv"))
        sts = again.client("sts", creds["Access key ID"], creds["Secret access key"])
        assert sts.get_caller_identity()["Account"] == creds["Account ID"]
    finally:
        assert again.stop() == 0


def test_seeded_first_start(tmpdir_path):
    env = {"SESAME_ACCOUNT_ID": "123456789012", "SESAME_ROOT_EMAIL": "ops@example.com",
           "SESAME_ROOT_PASSWORD": "a long root password", "SESAME_ROOT_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
           "SESAME_ROOT_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    node = Sesame(os.path.join(tmpdir_path, "data"), env=env).start()
    try:
        sts = node.client("sts", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::123456789012:root"
        # Nothing was generated, so there is nothing to write down.
        assert not os.path.exists(os.path.join(node.data_dir, "root-credentials.csv"))
        assert "SESAME_ROOT_* variables" in node.read_log()
        assert "a long root password" not in node.read_log() and "EXAMPLEKEY" not in node.read_log()
    finally:
        assert node.stop() == 0


def test_wrong_master_key_is_refused(tmpdir_path):
    data = os.path.join(tmpdir_path, "data")
    node = Sesame(data).start()
    assert node.stop() == 0
    os.remove(os.path.join(data, "master.key"))
    p = subprocess.run([SESAME_BIN, "serve", "--data-dir", data, "--http-address", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=60)
    # No key beside an existing store: none is made, and the message says what to do.
    assert p.returncode != 0
    assert "master.key does not" in p.stderr and "put that key at" in p.stderr
    assert not os.path.exists(os.path.join(data, "master.key"))
    # Another key: refused too.
    with open(os.path.join(data, "master.key"), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    p = subprocess.run([SESAME_BIN, "serve", "--data-dir", data, "--http-address", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "master key does not match" in p.stderr


def test_environment_configures_the_server(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"))
    port = node.port
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    env.update({"SESAME_DATA_DIR": node.data_dir, "SESAME_HTTP_ADDRESS": f"127.0.0.1:{port}", "SESAME_REGION": "eu-west-1,us-west-2"})
    log_path = node.data_dir + ".log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([SESAME_BIN, "serve"], stdout=log, stderr=subprocess.STDOUT, env=env)
    node.proc, node.log_path, node.log = proc, log_path, open(log_path)
    node.wait_ready()
    try:
        out = node.read_log()
        assert f"http://127.0.0.1:{port}" in out and "eu-west-1, us-west-2" in out
        assert node.root_client("sts", region="us-west-2").get_caller_identity()
    finally:
        assert node.stop() == 0


def test_two_nodes_share_one_postgres(tmpdir_path):
    url = create_database()
    key = "q2Nl8bqh8cNQ4rBhQm7xk0R4d3m1h3tYVb8bWJwq5cM="
    a = Sesame(os.path.join(tmpdir_path, "a"), database_url=url, env={"SESAME_MASTER_KEY": key}).start()
    b = Sesame(os.path.join(tmpdir_path, "b"), database_url=url, env={"SESAME_MASTER_KEY": key}).start()
    try:
        creds = a.root_credentials()
        assert "postgresql" in a.read_log()
        # b found the account a created and generated nothing.
        assert not os.path.exists(os.path.join(b.data_dir, "root-credentials.csv"))
        iam_a = a.root_client("iam")
        iam_a.create_user(UserName="shared")
        new_key = iam_a.create_access_key(UserName="shared")["AccessKey"]
        iam_b = b.client("iam", creds["Access key ID"], creds["Secret access key"])
        assert [u["UserName"] for u in iam_b.list_users()["Users"]] == ["shared"]
        sts_b = b.client("sts", new_key["AccessKeyId"], new_key["SecretAccessKey"])
        assert sts_b.get_caller_identity()["Arn"].endswith(":user/shared")
    finally:
        assert a.stop() == 0
        assert b.stop() == 0
