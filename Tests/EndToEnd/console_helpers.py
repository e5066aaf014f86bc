"""Helpers for the console tests: headless Chromium, waiting for a page, signing in through the
browser or with plain HTTP and the form's token."""
import contextlib
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import Sesame




ROOT_PASSWORD = "console-root-Passw0rd"


def chrome(tmpdir_path):
    """Headless Chromium with downloads into tmpdir_path/downloads."""
    downloads = os.path.join(tmpdir_path, "downloads")
    os.makedirs(downloads, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.downloads = downloads
    driver.shots = os.environ.get("SESAME_SCREENSHOTS") or os.path.join(tmpdir_path, "screenshots")
    os.makedirs(driver.shots, exist_ok=True)
    return driver


@contextlib.contextmanager
def console_node(tmpdir_path, database_url=None):
    """(node, driver): a node with ROOT_PASSWORD for the root and headless Chromium; both stopped after."""
    node = Sesame(os.path.join(tmpdir_path, "data"), database_url=database_url, env={"SESAME_ROOT_PASSWORD": ROOT_PASSWORD}).start()
    driver = chrome(tmpdir_path)
    try:
        yield node, driver
    finally:
        driver.quit()
        assert node.stop() == 0


def wait_for(driver, text, timeout=10):
    """Waits until the page shows `text` (a click's navigation may still be under way)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in driver.page_source:
            return True
        time.sleep(0.05)
    raise AssertionError(f"page never showed {text!r}:\n{driver.page_source[:3000]}")


def visit(driver, node, path):
    driver.get(node.endpoint + path)
    assert "Something went wrong" not in driver.page_source
    driver.save_screenshot(os.path.join(driver.shots, re.sub(r"[^a-z0-9]+", "_", path) + ".png"))


def sign_in_root(driver, node, password=ROOT_PASSWORD):
    visit(driver, node, "/console/signin")
    driver.find_element(By.ID, "root-email").send_keys("root@sesame.localhost")
    driver.find_element(By.ID, "root-password").send_keys(password)
    driver.find_element(By.ID, "root-signin").click()


def create_smtp_credentials(driver, node, path="/console/smtp/create"):
    visit(driver, node, path)
    name = driver.find_element(By.ID, "user-name").get_attribute("value")
    driver.find_element(By.ID, "create").click()
    wait_for(driver, "This is the only time you can see or download these credentials")
    driver.find_element(By.CSS_SELECTOR, "#show-credentials summary").click()
    return name, driver.find_element(By.ID, "smtp-username").text, driver.find_element(By.ID, "smtp-password").text


def console_post(node, path, fields, cookie=None, source="127.0.0.1"):
    """A form post from a chosen loopback address (the whole 127/8 range is this machine)."""
    import http.client
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", path, body=urllib.parse.urlencode(fields), headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def sign_in_form_token(node):
    """The sign-in form's double-submit token, as a browser gets it: (cookie, field value)."""
    with urllib.request.urlopen(node.endpoint + "/console/signin") as r:
        cookie = r.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="signin_csrf" value="([^"]+)"', r.read().decode()).group(1)
    return cookie, token


def iam_sign_in(node, user, password, source="127.0.0.1"):
    account = node.root_client("sts").get_caller_identity()["Account"]
    cookie, token = sign_in_form_token(node)
    return console_post(node, "/console/signin", {"kind": "iam", "account": account, "user": user, "password": password,
                                                  "signin_csrf": token}, cookie=cookie, source=source)
