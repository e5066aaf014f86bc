"""Behind a reverse proxy (`--trusted-proxy`): the client address comes from X-Forwarded-For only
when the connection's peer is a trusted proxy, and that address is what captured mail's loopback
rule, `--metrics-allow` and policies' `aws:SourceIp` see. Without the option the header changes
nothing."""
import json
import os
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Sesame


def get(node, path, forwarded=None):
    request = urllib.request.Request(node.endpoint + path, headers={"X-Forwarded-For": forwarded} if forwarded else {})
    try:
        with urllib.request.urlopen(request) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def with_forwarded(client, address):
    def add(request, **_):
        request.headers["X-Forwarded-For"] = address
    client.meta.events.register("before-sign.*.*", add)
    return client


def test_forwarded_client_addresses_count_only_from_trusted_proxies(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "proxied"),
                  args=["--trusted-proxy", "127.0.0.1", "--metrics-allow", "10.0.0.0/8"]).start()
    try:
        # Captured mail is open to loopback clients; a client the proxy forwards is not one.
        assert get(node, "/_aws/ses") == 200
        assert get(node, "/_aws/ses", "203.0.113.9") == 403
        assert get(node, "/_aws/ses", "203.0.113.9, 127.0.0.1") == 403  # the right-most untrusted hop
        # Metrics: the forwarded client must be allowed.
        assert get(node, "/metrics", "203.0.113.9") == 403 and get(node, "/metrics", "10.1.2.3") == 200
        # aws:SourceIp sees the forwarded client.
        iam = node.root_client("iam")
        iam.create_user(UserName="office")
        iam.put_user_policy(UserName="office", PolicyName="from-the-office", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:ListIdentities", "Resource": "*",
                                                   "Condition": {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}]}))
        key = iam.create_access_key(UserName="office")["AccessKey"]
        office = node.client("ses", key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(ClientError) as denied:
            office.list_identities()
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert with_forwarded(node.client("ses", key["AccessKeyId"], key["SecretAccessKey"]), "198.51.100.7").list_identities()
    finally:
        assert node.stop() == 0, node.read_log()

    plain = Sesame(os.path.join(tmpdir_path, "plain")).start()
    try:
        # No trusted proxy: anyone can write the header, so it is ignored.
        assert get(plain, "/_aws/ses", "203.0.113.9") == 200 and get(plain, "/metrics", "203.0.113.9") == 200
    finally:
        assert plain.stop() == 0, plain.read_log()
