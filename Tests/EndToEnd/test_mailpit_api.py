"""The Mailpit-compatible API over captured mail, exercised as a suite written from Mailpit's
published API documentation would (field names, types, paging, search words), on both engines."""
import datetime
import hashlib
import http.server
import re
import threading
import time
from email.message import EmailMessage

import requests

from conftest import smtp_password
from smtp_helpers import PDF, PNG, smtp_user, verify


def rich_message(to, link):
    message = EmailMessage()
    message["From"] = "Shop Team <shop@example.com>"
    message["To"] = f"Customer <{to}>"
    message["Cc"] = "audit@example.net"
    message["Subject"] = "Confirm your account"
    message.set_content(f"Welcome! Confirm at {link} within a day.")
    message.add_alternative(f'<html><body><p>Welcome!</p><a href="{link}">Confirm</a><img src="cid:logo@shop"></body></html>',
                            subtype="html")
    message.get_payload()[1].add_related(PNG, "image", "png", cid="<logo@shop>")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="terms.pdf")
    return message


def iso(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_mailpit_endpoints(sesame):
    node = sesame
    api = f"{node.endpoint}/api/v1"
    verify(node, "example.com")
    ses = node.root_client("ses")
    for n in range(3):
        ses.send_email(Source="news@example.com", Destination={"ToAddresses": [f"reader{n}@example.net"]},
                       Message={"Subject": {"Data": f"Newsletter {n}"}, "Body": {"Text": {"Data": f"Issue number {n} about widgets"}}})
    key, secret, _ = smtp_user(node)
    with node.smtp() as s:
        s.login(key, smtp_password(secret))
        s.send_message(rich_message("new.user@example.net", "http://127.0.0.1:9/confirm?t=abc"))

    # The list: newest first, with Mailpit's fields and types.
    listing = requests.get(f"{api}/messages").json()
    assert listing["total"] == 4 and listing["unread"] == 4 and listing["messages_count"] == 4 and listing["count"] == 4
    assert listing["start"] == 0 and listing["tags"] == []
    newest = listing["messages"][0]
    assert newest["Subject"] == "Confirm your account" and newest["Read"] is False
    assert newest["From"] == {"Name": "Shop Team", "Address": "shop@example.com"}
    assert newest["To"] == [{"Name": "Customer", "Address": "new.user@example.net"}]
    assert newest["Cc"] == [{"Name": "", "Address": "audit@example.net"}]
    assert newest["Attachments"] == 1 and isinstance(newest["Size"], int) and newest["Size"] > len(PDF)
    assert newest["Snippet"].startswith("Welcome! Confirm at") and newest["MessageID"].endswith("@") is False
    assert newest["Sesame"]["Via"] == "SMTP" and newest["Sesame"]["Principal"].endswith(":user/ses-smtp-user.20261123-101500")
    assert abs((iso(newest["Created"]) - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 60
    assert [m["Subject"] for m in listing["messages"][1:]] == ["Newsletter 2", "Newsletter 1", "Newsletter 0"]

    # Paging.
    page = requests.get(f"{api}/messages", params={"start": 1, "limit": 2}).json()
    assert [m["Subject"] for m in page["messages"]] == ["Newsletter 2", "Newsletter 1"] and page["start"] == 1
    assert page["count"] == 2 and page["messages_count"] == 4

    # Search, with Mailpit's words and Sesame's own.
    def search(query, **extra):
        response = requests.get(f"{api}/search", params={"query": query, **extra})
        assert response.status_code == 200, response.text
        return [m["Subject"] for m in response.json()["messages"]]
    assert search("to:reader1@example.net") == ["Newsletter 1"]
    assert search("widgets -subject:\"Newsletter 2\"") == ["Newsletter 1", "Newsletter 0"]
    assert search("has:attachment") == ["Confirm your account"]
    assert search("via:api") == ["Newsletter 2", "Newsletter 1", "Newsletter 0"]
    assert search("from:shop is:unread") == ["Confirm your account"]
    assert search("terms") == ["Confirm your account"]  # attachment names are searchable
    today = datetime.date.today().isoformat()
    assert len(search(f"after:{today}", tz="UTC")) == 4
    found = requests.get(f"{api}/search", params={"query": "newsletter", "limit": 1}).json()
    assert found["messages_count"] == 3 and found["count"] == 1 and found["total"] == 4

    # One message: its summary marks it read.
    message = requests.get(f"{api}/message/{newest['ID']}").json()
    assert message["ID"] == newest["ID"] and message["Subject"] == "Confirm your account"
    assert message["Text"].startswith("Welcome! Confirm at http://127.0.0.1:9/confirm?t=abc")
    assert '<a href="http://127.0.0.1:9/confirm?t=abc">' in message["HTML"]
    assert message["ReturnPath"] and iso(message["Date"])
    [attachment] = message["Attachments"]
    assert attachment["FileName"] == "terms.pdf" and attachment["ContentType"] == "application/pdf" and attachment["Size"] == len(PDF)
    assert attachment["Checksums"] == {"MD5": hashlib.md5(PDF).hexdigest(), "SHA1": hashlib.sha1(PDF).hexdigest(),
                                       "SHA256": hashlib.sha256(PDF).hexdigest()}
    [inline] = message["Inline"]
    assert inline["ContentID"] == "logo@shop" and inline["ContentType"] == "image/png"
    assert requests.get(f"{api}/messages").json()["unread"] == 3
    assert requests.get(f"{api}/message/latest").json()["ID"] == newest["ID"]

    # Parts, headers, raw source, and the HTML and text views.
    part = requests.get(f"{api}/message/{newest['ID']}/part/{attachment['PartID']}")
    assert part.status_code == 200 and part.content == PDF and part.headers["Content-Type"] == "application/pdf"
    assert requests.get(f"{api}/message/latest/part/{inline['PartID']}").content == PNG
    headers = requests.get(f"{api}/message/{newest['ID']}/headers").json()
    assert headers["Subject"] == ["Confirm your account"] and headers["To"] == ["Customer <new.user@example.net>"]
    raw = requests.get(f"{api}/message/{newest['ID']}/raw")
    assert raw.headers["Content-Type"].startswith("text/plain") and "Subject: Confirm your account" in raw.text
    assert raw.text == node.captured(id=newest["ID"])[0]["RawData"]
    view = requests.get(f"{node.endpoint}/view/{newest['ID']}.html")
    assert view.headers["Content-Type"].startswith("text/html") and view.headers["Content-Security-Policy"].startswith("sandbox")
    assert f"/api/v1/message/{newest['ID']}/part/{inline['PartID']}" in view.text and "cid:" not in view.text
    assert requests.get(f"{node.endpoint}/view/latest.txt").text.startswith("Welcome!")
    newsletter = listing["messages"][1]["ID"]
    assert requests.get(f"{node.endpoint}/view/{newsletter}.html").status_code == 404

    # Read flags by ID, by search, and for all.
    assert requests.put(f"{api}/messages", json={"IDs": [newest["ID"]], "Read": False}).text == "ok"
    assert requests.get(f"{api}/search", params={"query": "is:unread"}).json()["messages_count"] == 4
    requests.put(f"{api}/messages", json={"Read": True, "Search": "newsletter"})
    assert search("is:unread") == ["Confirm your account"]
    requests.put(f"{api}/messages", json={"Read": True})
    assert requests.get(f"{api}/messages").json()["unread"] == 0

    # Errors in plain text with Mailpit's statuses.
    assert requests.get(f"{api}/message/nope").status_code == 404
    assert requests.get(f"{api}/message/{newest['ID']}/part/9").status_code == 404
    bad = requests.get(f"{api}/search", params={"query": "before:someday"})
    assert bad.status_code == 400 and "before:" in bad.text
    assert requests.get(f"{api}/search").status_code == 400
    assert requests.get(f"{api}/messages", params={"limit": "0"}).status_code == 400
    assert requests.put(f"{api}/messages", data="{not json").status_code == 400

    # Deleting: by search, by ID, then everything.
    assert requests.delete(f"{api}/search", params={"query": "subject:\"Newsletter 0\""}).text == "ok"
    assert search("newsletter") == ["Newsletter 2", "Newsletter 1"]
    requests.delete(f"{api}/messages", json={"IDs": [newsletter]})
    assert requests.get(f"{api}/messages").json()["total"] == 2
    assert node.captured(id=newsletter) == []
    requests.delete(f"{api}/messages")
    assert requests.get(f"{api}/messages").json()["total"] == 0 and node.captured() == []

    info = requests.get(f"{api}/info").json()
    assert info["Messages"] == 0 and info["Version"].startswith("Sesame")


def test_mailpit_api_requires_root_off_loopback(sqlite_sesame):
    node = sqlite_sesame
    creds = node.root_credentials()
    api = f"{node.endpoint}/api/v1/messages"
    # A page on another origin that points its name at 127.0.0.1 names its own host.
    assert requests.get(api, headers={"Host": "attacker.test"}).status_code == 403
    ok = requests.get(api, headers={"Host": "attacker.test"}, auth=(creds["Root email"], creds["Root password"]))
    assert ok.status_code == 200 and ok.json()["total"] == 0
    wrong = requests.get(api, headers={"Host": "attacker.test"}, auth=(creds["Root email"], "wrong"))
    assert wrong.status_code == 403 and "root" in wrong.text


class LinkTarget(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        LinkTarget.hits.append(("GET", self.path))
        self.send_response(404 if self.path == "/missing" else 200)
        self.end_headers()
        self.wfile.write(b"confirmed")

    def do_HEAD(self):
        LinkTarget.hits.append(("HEAD", self.path))
        self.send_response(405)  # HEAD refused: the check asks again with GET
        self.end_headers()

    def log_message(self, *args):
        pass


def newest_message_to(base_url, address, timeout=10):
    """What an end-to-end suite does with Mailpit: wait for the newest message to an address."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = requests.get(f"{base_url}/api/v1/search", params={"query": f"to:{address}", "limit": 1}).json()
        if found["messages"]:
            return requests.get(f"{base_url}/api/v1/message/{found['messages'][0]['ID']}").json()
        time.sleep(0.1)
    raise AssertionError(f"no message to {address}")


def test_a_suite_fetches_the_newest_message_and_follows_its_link(sqlite_sesame):
    node = sqlite_sesame
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LinkTarget)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        verify(node, "example.com")
        link = f"http://127.0.0.1:{server.server_port}/confirm?token=s3same"
        node.root_client("ses").send_raw_email(RawMessage={"Data": rich_message("signup@example.net", link).as_bytes()})
        message = newest_message_to(node.endpoint, "signup@example.net")
        assert LinkTarget.hits == []  # reading a message checks no link
        first_link = re.search(r'href="([^"]+)"', message["HTML"]).group(1)
        assert requests.get(first_link).text == "confirmed"
        assert LinkTarget.hits == [("GET", "/confirm?token=s3same")]

        # Mailpit's link check, on request.
        broken = f"http://127.0.0.1:{server.server_port}/missing"
        node.root_client("ses").send_email(Source="a@example.com", Destination={"ToAddresses": ["links@example.net"]},
                                           Message={"Subject": {"Data": "links"}, "Body": {"Text": {"Data": f"{link} and {broken}"}}})
        checked = requests.get(f"{node.endpoint}/api/v1/message/latest/link-check").json()
        assert checked == {"Errors": 1, "Links": [{"URL": link, "StatusCode": 200, "Status": "OK"},
                                                  {"URL": broken, "StatusCode": 404, "Status": "Not Found"}]}
    finally:
        server.shutdown()


def test_release_to_a_relay_the_operator_allows(tmpdir_path):
    import os
    from conftest import Sesame, free_port
    from mailsinks import Sink
    sink = Sink(free_port(), reject=["refused@allowed.test"]).start()
    node = Sesame(os.path.join(tmpdir_path, "data"), args=[
        "--release-relay", f"smtp://127.0.0.1:{sink.port}?tls=none", "--release-allow", "@allowed.test",
        "--release-allow", "boss@example.org"]).start()
    try:
        verify(node, "example.com")
        node.root_client("ses").send_raw_email(RawMessage={"Data": rich_message("dev@example.net", "http://127.0.0.1:9/x").as_bytes()})
        api = f"{node.endpoint}/api/v1"
        released = requests.post(f"{api}/message/latest/release", json={"To": ["qa@allowed.test", "boss@example.org"]})
        assert released.status_code == 200 and released.text == "ok", released.text
        [got] = sink.wait_for(1)
        assert sorted(got["rcpt_tos"]) == ["boss@example.org", "qa@allowed.test"]
        assert got["content"].replace(b"\r\n", b"\n") == node.captured()[0]["RawData"].encode().replace(b"\r\n", b"\n")
        # Not allowed, not an address, refused by the relay: each said plainly, nothing sent.
        denied = requests.post(f"{api}/message/latest/release", json={"To": ["someone@elsewhere.test"]})
        assert denied.status_code == 400 and "--release-allow" in denied.text
        assert requests.post(f"{api}/message/latest/release", json={"To": ["not an address"]}).status_code == 400
        assert requests.post(f"{api}/message/latest/release", json={}).status_code == 400
        refused = requests.post(f"{api}/message/latest/release", json={"To": ["refused@allowed.test"]})
        assert refused.status_code == 400 and "User unknown" in refused.text
        assert len(sink.messages) == 1
    finally:
        assert node.stop() == 0
        sink.stop()


def test_release_is_off_without_a_relay(sqlite_sesame):
    node = sqlite_sesame
    verify(node, "example.com")
    node.root_client("ses").send_email(Source="a@example.com", Destination={"ToAddresses": ["b@example.net"]},
                                       Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}})
    off = requests.post(f"{node.endpoint}/api/v1/message/latest/release", json={"To": ["b@example.net"]})
    assert off.status_code == 400 and "--release-relay" in off.text


def test_mailpit_event_stream_announces_new_mail(sqlite_sesame):
    """Mailpit's clients (its web UI, mailpit-api, Playwright helpers) wait on ws://HOST/api/events."""
    import json
    import websocket
    node = sqlite_sesame
    verify(node, "example.com")
    ws = websocket.create_connection(f"ws://127.0.0.1:{node.port}/api/events", timeout=10)
    try:
        node.root_client("ses").send_email(Source="a@example.com", Destination={"ToAddresses": ["ws@example.net"]},
                                           Message={"Subject": {"Data": "pushed"}, "Body": {"Text": {"Data": "x"}}})
        event = json.loads(ws.recv())
        assert event["Type"] == "new" and event["Data"]["Subject"] == "pushed"
        assert event["Data"]["To"] == [{"Name": "", "Address": "ws@example.net"}] and event["Data"]["Read"] is False
    finally:
        ws.close()
    # Naming another host it is refused (an HTTP error, no upgrade), as the API is; so is a page
    # from another site (a browser sends its Origin; WebSockets are not bound by CORS).
    for refused_by in ({"host": "attacker.test"}, {"origin": "http://attacker.test"}, {"origin": "null"}):
        try:
            websocket.create_connection(f"ws://127.0.0.1:{node.port}/api/events", timeout=10, **refused_by)
            raise AssertionError(f"upgraded with {refused_by}")
        except websocket.WebSocketBadStatusException as refused:
            assert refused.status_code in (400, 403)


def test_mailpit_event_streams_are_capped(sqlite_sesame):
    """Each stream holds at most 1,000 summaries for a slow reader; 64 streams at once bound the total."""
    import websocket
    url = f"ws://127.0.0.1:{sqlite_sesame.port}/api/events"
    streams = [websocket.create_connection(url, timeout=10) for _ in range(64)]
    try:
        try:
            websocket.create_connection(url, timeout=10)
            raise AssertionError("a 65th stream was opened")
        except websocket.WebSocketBadStatusException as refused:
            assert refused.status_code == 400
        streams.pop().close()
        deadline = time.time() + 10
        while True:
            try:
                streams.append(websocket.create_connection(url, timeout=10))
                break
            except websocket.WebSocketBadStatusException:
                assert time.time() < deadline, "a closed stream's place was not given back"
                time.sleep(0.1)
    finally:
        for stream in streams:
            stream.close()


def test_mailpit_root_moves_the_api_under_a_path(tmpdir_path):
    import json
    import os
    import websocket
    from conftest import Sesame
    node = Sesame(os.path.join(tmpdir_path, "data"), args=["--mailpit-root", "/mailpit"]).start()
    try:
        verify(node, "example.com")
        ws = websocket.create_connection(f"ws://127.0.0.1:{node.port}/mailpit/api/events", timeout=10)
        node.root_client("ses").send_email(Source="a@example.com", Destination={"ToAddresses": ["b@example.net"]},
                                           Message={"Subject": {"Data": "rooted"}, "Body": {"Text": {"Data": "x"}}})
        assert json.loads(ws.recv())["Data"]["Subject"] == "rooted"
        ws.close()
        assert requests.get(f"{node.endpoint}/mailpit/api/v1/messages").json()["total"] == 1
        assert requests.get(f"{node.endpoint}/mailpit/view/latest.txt").text == "x"
        assert requests.get(f"{node.endpoint}/api/v1/messages").status_code == 404
    finally:
        assert node.stop() == 0
    bad = Sesame(os.path.join(tmpdir_path, "data2"), args=["--mailpit-root", "mailpit"])
    try:
        bad.start()
        raise AssertionError("started")
    except RuntimeError as refused:
        assert "--mailpit-root must be a path such as / or /mailpit" in str(refused)
