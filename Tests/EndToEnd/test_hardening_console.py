"""The console against hostile clients: sign-in needs its form token and hides which users exist,
guessing locks out, sessions end with their password, live mail views are capped and the mail list
is paged."""
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request


from conftest import Sesame, smtp_password
from console_helpers import console_post, iam_sign_in, sign_in_form_token
from http_helpers import NoRedirect, raw_get
from smtp_helpers import smtp_user, verify


def test_console_sign_in_needs_its_form_token_and_every_response_has_security_headers(sqlite_sesame):
    node = sqlite_sesame
    root = {"kind": "root", "email": "root@sesame.localhost", "password": "x"}
    # A cross-site post (no token, or a token without its cookie) never reaches the password check.
    status, _, page = console_post(node, "/console/signin", root)
    assert status == 403 and b"The sign-in form expired" in page
    cookie, token = sign_in_form_token(node)
    assert console_post(node, "/console/signin", dict(root, signin_csrf=token))[0] == 403
    assert console_post(node, "/console/signin", dict(root, signin_csrf="forged"), cookie=cookie)[0] == 403
    assert console_post(node, "/console/signin", dict(root, signin_csrf=token), cookie=cookie)[0] == 401
    # Pages, redirects and refusals all carry the security headers.
    for path in ("/console/signin", "/console", "/console/iam/users"):
        with raw_get(node, path) as r:
            headers = r.headers
            assert headers["X-Content-Type-Options"] == "nosniff", path
            assert headers["X-Frame-Options"] == "DENY", path
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
    status, headers, _ = console_post(node, "/console/signin", root)
    assert status == 403 and headers["X-Content-Type-Options"] == "nosniff"


def test_console_live_mail_views_are_capped(tmpdir_path):
    """Each live view holds at most 1,000 lines for a slow reader; 64 at once bound the total. A
    view closed by its page gives its place back (the second ping after the close fails, within 10 s)."""
    password = "console-root-Passw0rd"
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": password}).start()
    streams = []

    def open_stream(cookie):
        s = socket.create_connection(("127.0.0.1", node.port), timeout=10)
        s.sendall(f"GET /console/mail/events HTTP/1.1\r\nHost: 127.0.0.1:{node.port}\r\nCookie: {cookie}\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            assert chunk, head
            head += chunk
        return s, head

    try:
        form_cookie, token = sign_in_form_token(node)
        status, headers, _ = console_post(node, "/console/signin", {"kind": "root", "email": "root@sesame.localhost",
                                                                     "password": password, "signin_csrf": token}, cookie=form_cookie)
        assert status == 303
        cookie = "; ".join(c.split(";")[0] for c in headers.get_all("Set-Cookie"))
        for _ in range(64):
            stream, head = open_stream(cookie)
            assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head, head
            streams.append(stream)
        refused, head = open_stream(cookie)
        assert head.startswith(b"HTTP/1.1 503") and b"Retry-After: 30" in head.replace(b"retry-after", b"Retry-After")
        refused.close()
        streams.pop().close()
        deadline = time.time() + 25
        while True:
            stream, head = open_stream(cookie)
            if head.startswith(b"HTTP/1.1 200"):
                streams.append(stream)
                break
            stream.close()
            assert time.time() < deadline, "a closed view's place was not given back"
            time.sleep(0.5)
    finally:
        for stream in streams:
            stream.close()
        assert node.stop() == 0


def test_console_sign_in_does_not_reveal_users_and_locks_out_guessing(sqlite_sesame):
    node = sqlite_sesame
    iam = node.root_client("iam")
    iam.create_user(UserName="ann")
    iam.create_login_profile(UserName="ann", Password="Ann-Passw0rd!-long")

    def timed(user, source):
        started = time.time()
        status, _, _ = iam_sign_in(node, user, "wrong", source=source)
        assert status == 401
        return time.time() - started

    # The same work for a user that exists and one that does not (each from an address of its
    # own, below the point where an address is slowed down).
    existing = sorted(timed("ann", f"127.0.1.{n}") for n in range(3))[1]
    missing = sorted(timed("nobody", f"127.0.2.{n}") for n in range(3))[1]
    assert 0.5 < existing / missing < 2.0, (existing, missing)
    # Failures count per user name, whatever the address: past the limit even the right
    # password is refused for a while (parallel guessing gains nothing).
    for n in range(7):
        iam_sign_in(node, "ann", "wrong", source=f"127.0.3.{n}")
    status, _, page = iam_sign_in(node, "ann", "Ann-Passw0rd!-long", source="127.0.4.1")
    assert status == 429 and b"Too many failed sign-in attempts" in page
    # Another user is not affected.
    iam.create_user(UserName="cat")
    iam.create_login_profile(UserName="cat", Password="Cat-Passw0rd!-long")
    assert iam_sign_in(node, "cat", "Cat-Passw0rd!-long", source="127.0.4.2")[0] == 303


def test_console_sessions_end_when_the_password_changes_or_goes(sqlite_sesame):
    node = sqlite_sesame
    iam = node.root_client("iam")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Bob-Passw0rd!-long")

    def session():
        status, headers, _ = iam_sign_in(node, "bob", "Bob-Passw0rd!-long")
        assert status == 303
        return headers["Set-Cookie"].split(";")[0]

    def signed_in(cookie):
        request = urllib.request.Request(node.endpoint + "/console", headers={"Cookie": cookie})
        try:
            with urllib.request.build_opener(NoRedirect()).open(request) as r:
                return r.status == 200
        except urllib.error.HTTPError as e:
            assert e.code == 303
            return False

    cookie = session()
    assert signed_in(cookie)
    iam.update_login_profile(UserName="bob", Password="Bob-New-Passw0rd!")
    assert not signed_in(cookie)
    status, headers, _ = iam_sign_in(node, "bob", "Bob-New-Passw0rd!")
    cookie = headers["Set-Cookie"].split(";")[0]
    assert signed_in(cookie)
    iam.delete_login_profile(UserName="bob")
    assert not signed_in(cookie)


def test_console_mail_list_is_paged_newest_first(unthrottled):
    node = unthrottled
    key, secret, _ = smtp_user(node)
    verify(node, "example.com")
    with node.smtp() as s:
        s.login(key, smtp_password(secret))
        for n in range(103):
            s.sendmail("a@example.com", ["b@example.net"], f"Subject: page {n}\r\n\r\nx\r\n".encode())
    creds = node.root_credentials()
    cookie, token = sign_in_form_token(node)
    status, headers, _ = console_post(node, "/console/signin", {"kind": "root", "email": creds["Root email"],
                                                                "password": creds["Root password"], "signin_csrf": token}, cookie=cookie)
    assert status == 303
    session = headers["Set-Cookie"].split(";")[0]

    def page(path):
        with urllib.request.urlopen(urllib.request.Request(node.endpoint + path, headers={"Cookie": session})) as r:
            return r.read().decode()

    first = page("/console/mail")
    subjects = re.findall(r">page (\d+)</a>", first)
    assert len(subjects) == 100 and subjects[0] == "102" and subjects[-1] == "3"
    older = re.search(r'id="older" href="([^"]+)"', first).group(1)
    second = page(older.replace("&amp;", "&"))
    assert re.findall(r">page (\d+)</a>", second) == ["2", "1", "0"]
    assert 'id="older"' not in second
