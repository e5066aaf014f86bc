"""Captured mail in the console, in headless Chromium: search, new mail arriving without a
reload, a message's attachments, its HTML in a sandbox with remote images blocked until asked,
release to a relay (aiosmtpd), .eml download, mark and delete."""
import glob
import http.server
import os
import threading
import time
from email.message import EmailMessage

from selenium.webdriver.common.by import By

from conftest import Sesame, free_port
from mailsinks import Sink
from console_helpers import ROOT_PASSWORD, chrome, sign_in_root, visit, wait_for
from smtp_helpers import PDF, PNG
from smtp_helpers import verify


class ImageServer(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        ImageServer.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG)

    def log_message(self, *args):
        pass


def newsletter(image_url, shop_url):
    message = EmailMessage()
    message["From"] = "Shop <shop@example.com>"
    message["To"] = "reader@example.net"
    message["Subject"] = "Spring catalogue"
    message.set_content("Our spring catalogue is attached.")
    message.add_alternative(
        f'<html><body style="display:flex"><p id="words">Spring is here</p><img id="remote" src="{image_url}">'
        f'<img id="inline" src="cid:logo@shop"><a href="{shop_url}">Shop now</a>'
        '<script>document.body.setAttribute("data-ran", "yes")</script></body></html>', subtype="html")
    message.get_payload()[1].add_related(PNG, "image", "png", cid="<logo@shop>")
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="catalogue.pdf")
    return message.as_bytes()


def rows(driver):
    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#mail tbody tr")]


def test_captured_mail_workbench_in_the_browser(tmpdir_path):
    images = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ImageServer)
    threading.Thread(target=images.serve_forever, daemon=True).start()
    sink = Sink(free_port()).start()
    node = Sesame(os.path.join(tmpdir_path, "data"), env={"SESAME_ROOT_PASSWORD": ROOT_PASSWORD},
                  args=["--release-relay", f"smtp://127.0.0.1:{sink.port}?tls=none", "--max-send-rate=-1"]).start()
    driver = chrome(tmpdir_path)
    try:
        verify(node, "example.com")
        ses = node.root_client("ses")
        ses.verify_domain_dkim(Domain="example.com")  # Easy DKIM: delivery signs example.com's mail
        for n in range(3):
            ses.send_email(Source="alerts@example.com", Destination={"ToAddresses": [f"ops{n}@example.net"]},
                           Message={"Subject": {"Data": f"Disk alert {n}"}, "Body": {"Text": {"Data": "disk is full"}}})
        remote = f"http://127.0.0.1:{images.server_port}/pixel.png"
        shop = f"http://127.0.0.1:{images.server_port}/spring"
        ses.send_raw_email(RawMessage={"Data": newsletter(remote, shop)})
        sign_in_root(driver, node)
        wait_for(driver, "Signed in as root")

        # Search with the query language, and a bad word said plainly.
        visit(driver, node, "/console/mail")
        assert len(rows(driver)) == 4 and "Spring catalogue" in rows(driver)[0]
        box = driver.find_element(By.ID, "search")
        box.send_keys("has:attachment")
        driver.find_element(By.ID, "search-button").click()
        wait_for(driver, "1 of 4 messages")
        assert len(rows(driver)) == 1 and "Spring catalogue" in rows(driver)[0]
        visit(driver, node, "/console/mail?q=" + "disk -to:ops1")
        found = rows(driver)
        assert len(found) == 2 and "Disk alert 2" in found[0] and "Disk alert 0" in found[1]
        visit(driver, node, "/console/mail?q=before%3Asomeday")
        assert "before: takes a date" in driver.find_element(By.ID, "search-error").text

        # New mail appears on the first page without a reload.
        visit(driver, node, "/console/mail")
        driver.execute_script("window.sesameMarker = 1")
        ses.send_email(Source="alerts@example.com", Destination={"ToAddresses": ["late@example.net"]},
                       Message={"Subject": {"Data": "Arrived live"}, "Body": {"Text": {"Data": "hello"}}})
        deadline = time.time() + 10
        while time.time() < deadline and "Arrived live" not in (rows(driver) or [""])[0]:
            time.sleep(0.1)
        assert "Arrived live" in rows(driver)[0] and driver.execute_script("return window.sesameMarker") == 1
        driver.save_screenshot(os.path.join(driver.shots, "mail-live.png"))

        # The message: sandboxed HTML, remote images blocked, inline image shown, parts and checks.
        driver.find_element(By.LINK_TEXT, "Spring catalogue").click()
        wait_for(driver, "catalogue.pdf")
        frame = driver.find_element(By.ID, "html-part")
        assert frame.get_attribute("sandbox") == ""
        driver.switch_to.frame(frame)
        assert driver.find_element(By.ID, "words").text == "Spring is here"
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-ran") is None  # no script ran
        time.sleep(0.5)
        assert driver.execute_script("return document.getElementById('inline').naturalWidth") == 1
        assert driver.execute_script("return document.getElementById('remote').naturalWidth") == 0
        driver.switch_to.default_content()
        assert ImageServer.hits == []
        assert shop in driver.find_element(By.ID, "links").text
        assert "display: flex" in driver.find_element(By.ID, "compatibility").text
        assert "catalogue.pdf" in driver.find_element(By.ID, "parts").text
        dkim = driver.find_element(By.ID, "dkim").text
        assert dkim.startswith("Signed as delivery will sign it: d=example.com s=") and dkim.endswith("verified with Sesame's key"), dkim
        driver.save_screenshot(os.path.join(driver.shots, "mail-message.png"))
        driver.find_element(By.ID, "show-images").click()
        wait_for(driver, "remote images shown")
        deadline = time.time() + 10
        while time.time() < deadline and not ImageServer.hits:
            time.sleep(0.1)
        assert ImageServer.hits == ["/pixel.png"]
        # Links are checked when asked (the server refuses HEAD: asked again with GET).
        driver.find_element(By.ID, "check-links").click()
        wait_for(driver, "Check again")
        assert "200 OK" in driver.find_element(By.ID, "links").text and ImageServer.hits == ["/pixel.png", "/spring"]

        # Attachment and .eml downloads.
        driver.find_element(By.LINK_TEXT, "catalogue.pdf").click()
        driver.find_element(By.ID, "download-eml").click()
        deadline = time.time() + 10
        while time.time() < deadline:
            done = [f for f in glob.glob(os.path.join(driver.downloads, "*")) if not f.endswith(".crdownload")]
            if len(done) == 2:
                break
            time.sleep(0.1)
        pdf = os.path.join(driver.downloads, "catalogue.pdf")
        assert open(pdf, "rb").read() == PDF
        [eml] = glob.glob(os.path.join(driver.downloads, "*.eml"))
        assert b"Subject: Spring catalogue" in open(eml, "rb").read()

        # Release to the relay.
        driver.find_element(By.ID, "release-to").send_keys("qa@example.org")
        driver.find_element(By.ID, "release").click()
        wait_for(driver, "Released to qa@example.org.")
        [released] = sink.wait_for(1)
        assert released["rcpt_tos"] == ["qa@example.org"] and b"Spring catalogue" in released["content"]

        # Mark unread, then delete it; the list shows the rest.
        driver.find_element(By.ID, "mark-unread").click()
        wait_for(driver, "Marked unread.")
        assert "Spring catalogue" in driver.find_element(By.CSS_SELECTOR, "#mail tr.unread").text or \
            any("Spring catalogue" in r.text for r in driver.find_elements(By.CSS_SELECTOR, "#mail tr.unread"))
        driver.find_element(By.LINK_TEXT, "Spring catalogue").click()
        wait_for(driver, "catalogue.pdf")
        driver.find_element(By.ID, "delete-message").click()
        wait_for(driver, "deleted.")
        assert not any("Spring catalogue" in r for r in rows(driver)) and len(rows(driver)) == 4

        # Delete everything a search matches.
        visit(driver, node, "/console/mail?q=disk")
        driver.find_element(By.ID, "delete-matching").click()
        wait_for(driver, "3 messages deleted.")
        visit(driver, node, "/console/mail")
        assert len(rows(driver)) == 1 and "Arrived live" in rows(driver)[0]
    finally:
        driver.quit()
        images.shutdown()
        sink.stop()
        assert node.stop() == 0
