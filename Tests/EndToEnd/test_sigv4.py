"""Signature V4 is verified for real: each way a request can be wrong gets AWS's error."""
import datetime
import urllib.request
import urllib.error
import xml.etree.ElementTree as ET

import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError


def call(endpoint, body=b"Action=GetCallerIdentity&Version=2011-06-15", headers=None, method="POST", url_suffix="/"):
    req = urllib.request.Request(endpoint + url_suffix, data=body if method == "POST" else None, method=method,
                                 headers=headers or {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def error_code(xml_text):
    root = ET.fromstring(xml_text)
    ns = {"n": root.tag.split("}")[0][1:]} if root.tag.startswith("{") else {"n": ""}
    return root.find("n:Error/n:Code", ns).text, root.find("n:Error/n:Message", ns).text


def signed(endpoint, key_id, secret, service="sts", region="us-east-1",
           body=b"Action=GetCallerIdentity&Version=2011-06-15", when=None):
    request = AWSRequest(method="POST", url=endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    auth = SigV4Auth(Credentials(key_id, secret), service, region)
    if when is None:
        auth.add_auth(request)
    else:
        # Sign as of another time, as a client with a wrong clock would.
        request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        auth._modify_request_before_signing(request)
        canonical = auth.canonical_request(request)
        string_to_sign = auth.string_to_sign(request, canonical)
        signature = auth.signature(string_to_sign, request)
        auth._inject_signature_to_request(request, signature)
    return dict(request.headers.items())


def test_unsigned_request(sqlite_sesame):
    status, body, headers = call(sqlite_sesame.endpoint)
    assert status == 403
    assert error_code(body) == ("MissingAuthenticationToken", "Request is missing Authentication Token")
    assert "x-amzn-RequestId" in headers or "x-amzn-requestid" in {k.lower() for k in headers}


def test_unknown_key(sqlite_sesame):
    sts = sqlite_sesame.client("sts", "AKIAAAAAAAAAAAAAAAAA", "x" * 40)
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    err = e.value.response["Error"]
    assert (err["Code"], err["Message"]) == ("InvalidClientTokenId", "The security token included in the request is invalid.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret(sqlite_sesame):
    key = sqlite_sesame.root_credentials()["Access key ID"]
    sts = sqlite_sesame.client("sts", key, "y" * 40)
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert e.value.response["Error"]["Message"].startswith("The request signature we calculated does not match")


def test_tampered_body(sqlite_sesame):
    creds = sqlite_sesame.root_credentials()
    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], service="iam",
                     body=b"Action=ListUsers&Version=2010-05-08")
    status, body, _ = call(sqlite_sesame.endpoint, body=b"Action=DeleteUser&UserName=x&Version=2010-05-08", headers=headers)
    assert status == 403
    assert error_code(body)[0] == "SignatureDoesNotMatch"


def test_clock_skew(sqlite_sesame):
    creds = sqlite_sesame.root_credentials()
    past = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], when=past)
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    code, message = error_code(body)
    assert status == 403 and code == "SignatureDoesNotMatch"
    assert message.startswith("Signature expired: ") and message.endswith(" - 15 min.)")

    future = datetime.datetime.utcnow() + datetime.timedelta(minutes=20)
    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], when=future)
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    assert error_code(body)[1].startswith("Signature not yet current: ")

    recent = datetime.datetime.utcnow() - datetime.timedelta(minutes=10)
    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], when=recent)
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    assert status == 200, body


def test_scope_service_and_region(sqlite_sesame):
    creds = sqlite_sesame.root_credentials()
    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], service="s3")
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    assert status == 403 and error_code(body)[0] == "SignatureDoesNotMatch"
    assert "Credential should be scoped to correct service" in error_code(body)[1]

    headers = signed(sqlite_sesame.endpoint, creds["Access key ID"], creds["Secret access key"], region="mars-north-1")
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    assert status == 403
    assert "Credential should be scoped to a valid region, not 'mars-north-1'" in error_code(body)[1]


def test_incomplete_signature(sqlite_sesame):
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Amz-Date": "20260101T000000Z",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAAAAAAAAAAAAAAAAA/20260101/us-east-1/sts/aws4_request"}
    status, body, _ = call(sqlite_sesame.endpoint, headers=headers)
    code, message = error_code(body)
    assert status == 400 and code == "IncompleteSignature"
    assert "Authorization header requires 'Signature' parameter." in message


def test_presigned_url(sqlite_sesame):
    creds = sqlite_sesame.root_credentials()
    url = sqlite_sesame.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15"
    request = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials(creds["Access key ID"], creds["Secret access key"]), "sts", "us-east-1", expires=60).add_auth(request)
    status, body, _ = call(request.url, method="GET", url_suffix="", headers={})
    assert status == 200, body
    assert "<Arn>arn:aws:iam::" in body

    # The same URL with one parameter changed no longer matches.
    status, body, _ = call(request.url.replace("GetCallerIdentity", "GetCallerIdentitx"), method="GET", url_suffix="", headers={})
    assert status == 403 and error_code(body)[0] == "SignatureDoesNotMatch"


def test_expired_presigned_url(sqlite_sesame):
    creds = sqlite_sesame.root_credentials()
    request = AWSRequest(method="GET", url=sqlite_sesame.endpoint + "/?Action=GetCallerIdentity&Version=2011-06-15")
    auth = SigV4QueryAuth(Credentials(creds["Access key ID"], creds["Secret access key"]), "sts", "us-east-1", expires=60)
    when = datetime.datetime.utcnow() - datetime.timedelta(minutes=5)
    request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
    auth._modify_request_before_signing(request)
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    auth._inject_signature_to_request(request, signature)
    status, body, _ = call(request.url, method="GET", url_suffix="", headers={})
    assert status == 400
    assert error_code(body)[0] == "RequestExpired"
