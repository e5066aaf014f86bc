"""SMTP against clients that misbehave: pipelining and smuggling, plaintext injected after STARTTLS,
repeated failed logins, too many connections, idle sessions, old TLS and bytes no client should send."""
import os
import smtplib
import socket
import ssl
import time

import pytest

from conftest import Sesame, smtp_password
from smtp_helpers import base64_plain, plain_auth, raw_tls_session, read_reply, send, smtp_user, verify


def test_pipelining_and_smuggling(sqlite_sesame):
    node = sqlite_sesame
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    sock, f = raw_tls_session(node)
    plain = base64_plain(key, smtp_password(secret))
    # Everything up to DATA in one write (RFC 2920), replies in order.
    sock.sendall(b"EHLO c\r\nAUTH PLAIN " + plain + b"\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\n"
                 b"RCPT TO:<c@example.net>\r\nDATA\r\n")
    replies = [read_reply(f) for _ in range(6)]
    assert [r[:3] for r in replies] == [b"250", b"235", b"250", b"250", b"250", b"354"]
    # A smuggled second message behind LF.LF: it is all one message (bare LFs stored as
    # CRLF), and nothing leaks out as commands.
    sock.sendall(b"Subject: one\r\n\r\nfirst\n.\nMAIL FROM:<a@example.com>\r\nRCPT TO:<evil@example.net>\r\nDATA\r\n"
                 b"Subject: smuggled\r\n\r\nsecond\r\n.\r\n")
    reply = read_reply(f)
    assert reply.startswith(b"250 Ok 0")
    # A bare CR is still refused, and CR.CR ends nothing.
    sock.sendall(b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
    assert [read_reply(f)[:3] for _ in range(3)] == [b"250", b"250", b"354"]
    sock.sendall(b"Subject: cr\r\n\r\nx\r.\rMAIL FROM:<a@example.com>\r\n.\r\n")
    assert read_reply(f).startswith(b"554 Transaction failed: Bare CR in message data")
    # The session goes on; message data and the next commands in one write.
    sock.sendall(b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
    assert [read_reply(f)[:3] for _ in range(3)] == [b"250", b"250", b"354"]
    sock.sendall(b"Subject: two\r\n\r\nsecond\r\n.\r\nNOOP\r\nQUIT\r\n")
    assert read_reply(f).startswith(b"250 Ok 0")
    assert read_reply(f) == b"250 Ok\r\n"
    assert read_reply(f) == b"221 Bye\r\n"
    sock.close()
    captured = node.captured()
    assert [m["Subject"] for m in captured] == ["one", "two"]
    assert b"first\r\n.\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<evil@example.net>" in captured[0]["RawData"].encode()
    assert captured[0]["Destination"]["ToAddresses"] == ["b@example.net", "c@example.net"]
    # Messages back to back in many small writes, without waiting for any reply: the next
    # arrives while one is being stored, and every reply still comes once and in order.
    sock, f = raw_tls_session(node)
    sock.sendall(b"EHLO c\r\nAUTH PLAIN " + plain + b"\r\n")
    assert [read_reply(f)[:3] for _ in range(2)] == [b"250", b"235"]
    for n in range(5):
        for part in (b"MAIL FROM:<a@example.com>\r\n", b"RCPT TO:<b@example.net>\r\nDATA\r\n",
                     b"Subject: rapid %d\r\n\r\n" % n, b"x" * 70000 + b"\r\n.\r\n"):
            sock.sendall(part)
    sock.sendall(b"QUIT\r\n")
    replies = [read_reply(f) for _ in range(5 * 4 + 1)]
    assert [r[:3] for r in replies] == [b"250", b"250", b"354", b"250"] * 5 + [b"221"]
    assert len({r for r in replies if r.startswith(b"250 Ok 0")}) == 5
    sock.close()
    rapid = sorted(m["Subject"] for m in node.captured() if m["Subject"].startswith("rapid"))
    assert rapid == [f"rapid {n}" for n in range(5)]
    # Bare LF in a command is refused too.
    sock, f = raw_tls_session(node)
    sock.sendall(b"EHLO c\nNOOP\r\n")
    assert read_reply(f).startswith(b"500 ")
    assert read_reply(f) == b"250 Ok\r\n"
    sock.close()


def test_plaintext_injected_after_starttls_is_not_executed(sqlite_sesame):
    raw = socket.create_connection(("127.0.0.1", sqlite_sesame.smtp_port), timeout=10)
    f = raw.makefile("rb")
    f.readline()
    raw.sendall(b"EHLO c\r\n")
    read_reply(f)
    raw.sendall(b"STARTTLS\r\nNOOP\r\n")
    assert read_reply(f) == b"220 Ready to start TLS\r\n"
    # The connection is dropped instead of answering the injected NOOP inside TLS.
    assert f.read() == b""
    raw.close()


def test_repeated_failures_are_slowed_then_refused_per_address_and_user(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--smtp-auth-failure-limit", "4"]).start()
    try:
        key, secret, _ = smtp_user(node)
        neighbour, neighbour_secret, _ = smtp_user(node, name="neighbour")
        s = node.smtp()
        # smtplib's login() tries PLAIN, then LOGIN, with the same wrong password: one mistake.
        # The same wrong password offered again counts no more.
        with pytest.raises(smtplib.SMTPAuthenticationError):
            s.login(key, "wrong-0")
        assert plain_auth(s, key, "wrong-0") == (535, b"Authentication Credentials Invalid")
        for n in (1, 2):
            assert plain_auth(s, key, f"wrong-{n}") == (535, b"Authentication Credentials Invalid")
        # The fourth distinct failure reaches the limit: 421 and the connection is closed.
        started = time.time()
        assert plain_auth(s, key, "wrong-3")[0] == 421
        # Failures past half the limit were slowed down.
        assert time.time() - started >= 0.4
        with pytest.raises(smtplib.SMTPServerDisconnected):
            s.noop()
        # Now even the right password is refused for this user name from this address...
        s = node.smtp()
        assert plain_auth(s, key, smtp_password(secret))[0] == 421
        s.close()
        # ...but a neighbour behind the same address still signs in.
        s = node.smtp()
        assert plain_auth(s, neighbour, smtp_password(neighbour_secret))[0] == 235
        s.quit()
    finally:
        assert node.stop() == 0


def test_connection_cap_and_idle_timeout(tmpdir_path):
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--smtp-max-connections", "2", "--smtp-idle-timeout", "1"]).start()
    try:
        first = socket.create_connection(("127.0.0.1", node.smtp_port), timeout=10)
        second = socket.create_connection(("127.0.0.1", node.smtp_port), timeout=10)
        assert first.makefile("rb").readline().startswith(b"220 ")
        assert second.makefile("rb").readline().startswith(b"220 ")
        third = socket.create_connection(("127.0.0.1", node.smtps_port), timeout=10)
        # The cap is counted before TLS: the refusal comes once the handshake is done.
        tls = node.tls_context().wrap_socket(third, server_hostname="localhost")
        assert tls.makefile("rb").readline() == b"421 Too many concurrent SMTP connections\r\n"
        tls.close()
        # Idle sessions are closed with SES's timeout reply.
        f = first.makefile("rb")
        assert f.readline() == b"451 Timeout waiting for data from client\r\n"
        assert f.read() == b""
        first.close()
        second.close()
    finally:
        assert node.stop() == 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_older_than_1_2_is_refused(sqlite_sesame):
    context = sqlite_sesame.tls_context()
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("ALL:@SECLEVEL=0")
    raw = socket.create_connection(("127.0.0.1", sqlite_sesame.smtps_port), timeout=10)
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        context.wrap_socket(raw, server_hostname="localhost").recv(10)
    raw.close()


def test_bad_bytes_never_bring_the_server_down(sqlite_sesame):
    """Random bytes, NULs, endless lines and garbage instead of a TLS handshake: each connection
    fails on its own, and the next client is served."""
    import random
    rng = random.Random(4)
    node = sqlite_sesame
    payloads = [bytes(rng.randrange(256) for _ in range(4096)) for _ in range(5)]
    payloads += [b"\x00" * 5000 + b"\r\n", b"EHLO " + b"x" * 100_000 + b"\r\n", b"\xff\xfe\r\n" * 50,
                 b"EHLO c\r\nMAIL FROM:<" + b"a" * 5000 + b"@example.com>\r\n", b"\r\n" * 1000]
    for port in (node.smtp_port, node.smtps_port):
        for payload in payloads:
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            try:
                raw.sendall(payload)
                raw.settimeout(1)
                try:
                    while raw.recv(65536):
                        pass
                except (socket.timeout, ConnectionResetError):
                    pass
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                raw.close()
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    s = node.smtp("implicit")
    s.login(key, smtp_password(secret))
    assert send(s, "a@example.com", "b@example.net")[0] == 250
    s.quit()
    assert node.proc.poll() is None
