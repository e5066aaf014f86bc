"""Helpers for the SMTP tests: an SMTP user made as SES's console makes one, verified identities,
a transaction driven by hand so every reply is visible, and raw TLS sessions."""
import base64
import json
import socket
import subprocess


from conftest import SESAME_BIN


MESSAGE = "From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nHello over SMTP.\r\n.leading dot\r\n"


def smtp_user(node, name="ses-smtp-user.20261123-101500", policy=None, region="us-east-1"):
    """An IAM user with a sending policy and an access key, as the SES console makes them.
    Returns (access key ID, secret, user ARN)."""
    iam = node.root_client("iam")
    user = iam.create_user(UserName=name)["User"]
    policy = policy or {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:SendRawEmail", "Resource": "*"}]}
    iam.put_user_policy(UserName=name, PolicyName="AmazonSesSendingAccess", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"], user["Arn"]


def verify(node, identity, region="us-east-1"):
    ses = node.root_client("ses", region=region)
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)


def send(s, frm, to, subject="hi", body=None):
    """MAIL, RCPT…, DATA by hand so the reply to the message (250 Ok <id>) is visible."""
    code, reply = s.mail(frm)
    assert code == 250, reply
    for rcpt in to if isinstance(to, list) else [to]:
        code, reply = s.rcpt(rcpt)
        assert code == 250, reply
    msg = body if body is not None else MESSAGE.format(frm=frm, to=to if isinstance(to, str) else to[0], subject=subject)
    return s.data(msg.encode() if isinstance(msg, str) else msg)


def auth_failures(node, *args):
    p = subprocess.run([SESAME_BIN, "auth-failures", "--data-dir", node.data_dir, "--json", *args],
                       capture_output=True, text=True, check=True)
    return [json.loads(line) for line in p.stdout.splitlines()]


def raw_tls_session(node):
    """A TLS socket on the implicit-TLS port, greeting read."""
    raw = socket.create_connection(("127.0.0.1", node.smtps_port), timeout=10)
    sock = node.tls_context().wrap_socket(raw, server_hostname="localhost")
    f = sock.makefile("rb")
    assert f.readline().startswith(b"220 ")
    return sock, f


def read_reply(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            break
        lines.append(line)
        if line[3:4] == b" ":
            break
    return b"".join(lines)


def plain_auth(s, user, password):
    """One AUTH PLAIN attempt (smtplib's login() would try LOGIN as well)."""
    return s.docmd("AUTH", "PLAIN " + base64_plain(user, password).decode())


def base64_plain(user, password):
    return base64.b64encode(f"\0{user}\0{password}".encode())


# Attachments for test messages: a tiny PDF and a 1×1 PNG.
PDF = b"%PDF-1.4\n% Sesame test attachment\n"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
