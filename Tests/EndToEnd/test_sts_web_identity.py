"""AssumeRoleWithWebIdentity as a CI system uses it: an OIDC provider registered in IAM, tokens
signed by the test itself (RS256 with keys served over HTTP on 127.0.0.1, ES256 with keys in a
file), the trust policy's Federated principal and `PROVIDER:aud`/`PROVIDER:sub` conditions, and
every way a token is refused. Both engines."""
import base64
import http.server
import json
import threading
import time

import boto3
import botocore
import botocore.config
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from conftest import Sesame, create_database

ISSUER = "https://token.ci.example.test"
FILE_ISSUER = "https://idp.example.test/tenant"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def number(n):
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class Issuer:
    """Signs tokens as an OIDC provider would."""

    def __init__(self):
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())

    def rsa_jwks(self):
        public = self.rsa.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": number(public.n), "e": number(public.e)}]}

    def ec_jwks(self):
        public = self.ec.public_key().public_numbers()
        return {"keys": [{"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": b64url(public.x.to_bytes(32, "big")),
                          "y": b64url(public.y.to_bytes(32, "big"))}]}

    def token(self, claims, alg="RS256", kid=None, key=None):
        header = {"alg": alg, "typ": "JWT", "kid": kid or ("rsa-1" if alg == "RS256" else "ec-1")}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        if alg == "RS256":
            signature = (key or self.rsa).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            r, s = decode_dss_signature((key or self.ec).sign(signing_input, ec.ECDSA(hashes.SHA256())))
            signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input.decode() + "." + b64url(signature)


def claims(issuer=ISSUER, aud="sts.amazonaws.com", sub="repo:acme/mail:ref:refs/heads/main", lifetime=300):
    now = int(time.time())
    return {"iss": issuer, "aud": aud, "sub": sub, "iat": now, "nbf": now - 5, "exp": now + lifetime}


@pytest.fixture(params=["sqlite", "postgres"])
def node(request, tmp_path):
    issuer = Issuer()
    jwks = json.dumps(issuer.rsa_jwks()).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if self.path == "/jwks" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            if self.path == "/jwks":
                self.wfile.write(jwks)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(issuer.ec_jwks()))
    database_url = create_database() if request.param == "postgres" else None
    sesame = Sesame(str(tmp_path / "data"), database_url=database_url, args=(
        "--oidc-jwks", f"{ISSUER}=http://127.0.0.1:{server.server_address[1]}/jwks",
        "--oidc-jwks", f"{FILE_ISSUER}={key_file}"))
    sesame.start()
    sesame.issuer = issuer
    yield sesame
    server.shutdown()
    assert sesame.stop() == 0, sesame.read_log()


def unsigned_sts(node):
    return boto3.client("sts", endpoint_url=node.endpoint, region_name="us-east-1",
                        config=botocore.config.Config(signature_version=botocore.UNSIGNED, retries={"total_max_attempts": 1}))


def error_of(call, *args, **kwargs):
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    err = info.value.response
    return err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"]


def setup_role(node, url=ISSUER, condition_sub="repo:acme/mail:*"):
    iam = node.root_client("iam")
    account = node.root_client("sts").get_caller_identity()["Account"]
    host = url[len("https://"):]
    provider = iam.create_open_id_connect_provider(Url=url, ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40])
    assert provider["OpenIDConnectProviderArn"] == f"arn:aws:iam::{account}:oidc-provider/{host}"
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider["OpenIDConnectProviderArn"]},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{host}:aud": "sts.amazonaws.com"}, "StringLike": {f"{host}:sub": condition_sub}}}]}
    name = "ci-" + host.split(".")[0]
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.attach_role_policy(RoleName=name, PolicyArn="arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")
    return iam, account, role, provider["OpenIDConnectProviderArn"]


def test_oidc_provider_lifecycle(node):
    iam = node.root_client("iam")
    arn = iam.create_open_id_connect_provider(Url=ISSUER, ClientIDList=["a"], ThumbprintList=["b" * 40],
                                              Tags=[{"Key": "ci", "Value": "yes"}])["OpenIDConnectProviderArn"]
    assert error_of(iam.create_open_id_connect_provider, Url=ISSUER, ThumbprintList=["b" * 40])[0] == "EntityAlreadyExists"
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "token.ci.example.test" and got["ClientIDList"] == ["a"] and got["Tags"] == [{"Key": "ci", "Value": "yes"}]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="a")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["c" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["b"] and got["ThumbprintList"] == ["c" * 40]
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [arn]
    assert iam.get_account_summary()["SummaryMap"]["Providers"] == 1
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["ci"])
    assert iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"] == []
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error_of(iam.get_open_id_connect_provider, OpenIDConnectProviderArn=arn)[0] == "NoSuchEntity"


def test_ci_token_becomes_a_role_session(node):
    iam, account, role, provider_arn = setup_role(node)
    sts = unsigned_sts(node)
    token = node.issuer.token(claims())
    result = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="build-42", WebIdentityToken=token)
    assert result["SubjectFromWebIdentityToken"] == "repo:acme/mail:ref:refs/heads/main"
    assert result["Provider"] == ISSUER and result["Audience"] == "sts.amazonaws.com"
    assert result["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{account}:assumed-role/{role['RoleName']}/build-42"
    creds = result["Credentials"]
    ses = boto3.client("ses", endpoint_url=node.endpoint, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    assert "Max24HourSend" in ses.get_send_quota()
    assert error_of(ses.verify_email_identity, EmailAddress="x@example.com")[0] == "AccessDenied"

    # Every way a token is refused.
    def refused(token_text, code="InvalidIdentityToken"):
        got = error_of(sts.assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="x1", WebIdentityToken=token_text)
        assert got[0] == code, got
        return got[1]
    forged = Issuer()
    refused(forged.token(claims()))                                   # signed by another key
    assert refused(node.issuer.token(claims(aud="someone-else"))) == "Incorrect token audience"
    refused(node.issuer.token(claims(lifetime=-60)), code="ExpiredTokenException")
    refused(node.issuer.token(claims(issuer="https://unknown.example.test")))
    refused("not.a.jwt")
    refused(node.issuer.token(claims(sub="repo:evil/fork:ref:refs/heads/main")), code="AccessDenied")
    tampered = token.split(".")
    tampered[1] = b64url(json.dumps(dict(claims(), sub="repo:acme/mail:ref:refs/heads/other")).encode())
    refused(".".join(tampered))
    # Signed calls work too; the signature adds nothing and takes nothing away.
    signed = node.root_client("sts")
    assert signed.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="b2", WebIdentityToken=token)["Credentials"]


def test_es256_keys_from_a_file(node):
    iam, account, role, provider_arn = setup_role(node, url=FILE_ISSUER, condition_sub="*")
    token = node.issuer.token(claims(issuer=FILE_ISSUER), alg="ES256")
    result = unsigned_sts(node).assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="file", WebIdentityToken=token)
    assert result["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{role['RoleName']}/file")
    # An issuer Sesame has no keys for is refused with the option to set.
    iam.create_open_id_connect_provider(Url="https://nokeys.example.test", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40])
    message = error_of(unsigned_sts(node).assume_role_with_web_identity, RoleArn=role["Arn"], RoleSessionName="nk",
                       WebIdentityToken=node.issuer.token(claims(issuer="https://nokeys.example.test")))[1]
    assert "--oidc-jwks" in message


def test_other_unsigned_operations_say_they_are_not_implemented(sqlite_sesame):
    error = error_of(unsigned_sts(sqlite_sesame).assume_role_with_saml, RoleArn="arn:aws:iam::123456789012:role/r" + "x" * 10,
                     PrincipalArn="arn:aws:iam::123456789012:saml-provider/p" + "x" * 10, SAMLAssertion="x" * 8)
    assert error[0] == "NotImplemented" and error[2] == 501 and "AssumeRoleWithSAML" in error[1]
