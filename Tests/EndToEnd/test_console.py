"""The web console in headless Chromium (Selenium): sign-in, the SMTP-credentials wizard as SES's
documentation describes it, the CSV, sending with those credentials, deleting the user, the
not-authorized error for an IAM user without IAM rights, users, identities and captured mail."""
import csv
import glob
import io
import os
import re
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from conftest import smtp_password
from console_helpers import ROOT_PASSWORD, create_smtp_credentials, sign_in_root, visit, wait_for
from http_helpers import NoRedirect


def test_root_creates_smtp_credentials_sends_and_deletes_them(console):
    node, driver = console
    sign_in_root(driver, node, password="wrong")
    wait_for(driver, "Your authentication information is incorrect")
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    cookie = driver.get_cookie("sesame_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    visit(driver, node, "/console/smtp")
    assert driver.find_element(By.ID, "starttls-ports").text == str(node.smtp_port)
    assert driver.find_element(By.ID, "tls-ports").text == str(node.smtps_port)
    driver.find_element(By.ID, "create-smtp-credentials").click()
    wait_for(driver, "Create User for SMTP")
    name_field = driver.find_element(By.ID, "user-name")
    proposed = name_field.get_attribute("value")
    assert re.fullmatch(r"ses-smtp-user\.\d{8}-\d{6}", proposed), proposed
    driver.save_screenshot(os.path.join(driver.shots, "smtp_create.png"))
    driver.find_element(By.ID, "create").click()

    # The password is shown once, behind "Show User SMTP Credentials".
    wait_for(driver, "This is the only time you can see or download these credentials")
    driver.find_element(By.CSS_SELECTOR, "#show-credentials summary").click()
    user_name = driver.find_element(By.ID, "iam-user-name").text
    smtp_user = driver.find_element(By.ID, "smtp-username").text
    password = driver.find_element(By.ID, "smtp-password").text
    assert user_name == proposed and smtp_user.startswith("AKIA") and len(password) == 44 and password.startswith("B")
    driver.save_screenshot(os.path.join(driver.shots, "smtp_created.png"))
    driver.find_element(By.ID, "download").click()
    for _ in range(100):
        found = glob.glob(os.path.join(driver.downloads, "credentials*.csv"))
        if found and not found[0].endswith(".crdownload"):
            break
        time.sleep(0.1)
    with open(found[0], newline="") as f:
        text = f.read()
    assert text.splitlines()[0] == "IAM User Name,Smtp Username,Smtp Password"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{"IAM User Name": proposed, "Smtp Username": smtp_user, "Smtp Password": password}]
    driver.find_element(By.ID, "close").click()
    wait_for(driver, "Simple Mail Transfer Protocol (SMTP) settings")
    assert password not in driver.page_source

    # The credentials work over SMTP, as made (policy AmazonSesSendingAccess).
    node.root_client("ses").verify_email_identity(EmailAddress="console@example.com")
    s = node.smtp()
    s.login(smtp_user, password)
    s.sendmail("console@example.com", ["someone@example.net"], "Subject: from the console's credentials\r\n\r\nhi\r\n")
    s.quit()
    assert node.captured()[-1]["Subject"] == "from the console's credentials"
    assert node.root_client("iam").get_user_policy(UserName=proposed, PolicyName="AmazonSesSendingAccess")

    # Deleting the user in the console ends the credentials: 535.
    visit(driver, node, "/console/iam/users")
    assert proposed in driver.page_source
    visit(driver, node, f"/console/iam/users/{proposed}/delete")
    assert smtp_user in driver.page_source and "AmazonSesSendingAccess" in driver.page_source
    driver.find_element(By.ID, "confirm").send_keys(proposed)
    driver.find_element(By.ID, "delete").click()
    wait_for(driver, f"IAM user {proposed} was deleted")
    s = node.smtp()
    with pytest.raises(smtplib.SMTPAuthenticationError) as failure:
        s.login(smtp_user, password)
    assert failure.value.smtp_code == 535
    s.close()

    # Every page renders without an error; each is kept as a screenshot.
    for path in ("/console", "/console/smtp", "/console/smtp/create", "/console/iam/users"):
        visit(driver, node, path)
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait_for(driver, "Sign in to the Sesame console")
    assert driver.current_url.endswith("/console/signin")
    visit(driver, node, "/console/smtp")
    assert driver.current_url.endswith("/console/signin")


def test_iam_user_without_iam_rights_is_not_authorized(console):
    node, driver = console
    iam = node.root_client("iam")
    iam.create_user(UserName="mallory")
    iam.create_login_profile(UserName="mallory", Password="Mallory-Passw0rd")
    account = node.root_client("sts").get_caller_identity()["Account"]
    driver.get(node.endpoint + "/console/signin")
    driver.find_element(By.ID, "iam-account").send_keys(account)
    driver.find_element(By.ID, "iam-user").send_keys("mallory")
    driver.find_element(By.ID, "iam-password").send_keys("Mallory-Passw0rd")
    driver.find_element(By.ID, "iam-signin").click()
    wait_for(driver, "Signed in as mallory")
    visit(driver, node, "/console/smtp/create")
    message = driver.find_element(By.ID, "error-message").text
    assert message == (f"User: arn:aws:iam::{account}:user/mallory is not authorized to perform: iam:ListUsers "
                       f"on resource: arn:aws:iam::{account}:user/")
    visit(driver, node, "/console/iam/users")
    assert "not authorized to perform: iam:ListUsers" in driver.find_element(By.ID, "error-message").text
    # With ListUsers but not CreateUser, the message names CreateUser, and nothing is created.
    iam.put_user_policy(UserName="mallory", PolicyName="list", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}'))
    visit(driver, node, "/console/smtp/create")
    assert "not authorized to perform: iam:CreateUser" in driver.find_element(By.ID, "error-message").text
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["mallory"]


def test_forms_need_the_session_and_its_csrf_token(console):
    node, driver = console
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")  # the cookie is set by the sign-in's answer
    token = driver.get_cookie("sesame_console")["value"]
    # A cross-site form post carries the cookie (in older browsers) but not the CSRF token.
    request = urllib.request.Request(
        node.endpoint + "/console/smtp/create", data=b"userName=evil&region=us-east-1",
        headers={"Cookie": f"sesame_console={token}"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 403
    assert node.root_client("iam").list_users()["Users"] == []
    # Without a session, pages send the browser to sign in.
    request = urllib.request.Request(node.endpoint + "/console/iam/users")
    opener = urllib.request.build_opener(NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(request)
    assert redirected.value.code == 303 and redirected.value.headers["Location"] == "/console/signin"
    # Behind a TLS proxy the cookie is Secure.
    with urllib.request.urlopen(node.endpoint + "/console/signin") as form:
        signin_cookie = form.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="signin_csrf" value="([^"]+)"', form.read().decode()).group(1)
    request = urllib.request.Request(
        node.endpoint + "/console/signin", headers={"X-Forwarded-Proto": "https", "Cookie": signin_cookie}, method="POST",
        data=urllib.parse.urlencode({"kind": "root", "email": "root@sesame.localhost", "password": ROOT_PASSWORD,
                                     "signin_csrf": token}).encode())
    with pytest.raises(urllib.error.HTTPError) as signed_in:
        opener.open(request)
    cookie = signed_in.value.headers["Set-Cookie"]
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_user_pages_keys_policies_password_and_login_failures(console):
    node, driver = console
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    visit(driver, node, "/console/iam/users")
    driver.find_element(By.ID, "create-user").click()
    wait_for(driver, "Create IAM user")
    driver.find_element(By.ID, "new-user-name").send_keys("app-mailer")
    driver.find_element(By.ID, "create-user-submit").click()
    wait_for(driver, "User app-mailer was created.")

    # A new access key: the secret is shown once.
    driver.find_element(By.ID, "create-key").click()
    wait_for(driver, "This is the only time the secret access key can be seen.")
    driver.save_screenshot(os.path.join(driver.shots, "key_created.png"))
    key_id = driver.find_element(By.ID, "new-key-id").text
    secret = driver.find_element(By.ID, "new-key-secret").text
    assert key_id.startswith("AKIA") and len(secret) == 40
    visit(driver, node, "/console/iam/users/app-mailer")
    assert key_id in driver.find_element(By.ID, "access-keys").text and secret not in driver.page_source

    # A policy with a mistake is refused with IAM's reason, and the draft is kept.
    driver.find_element(By.ID, "policy-name").send_keys("send")
    driver.find_element(By.ID, "policy-document").send_keys('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail"}]}')
    driver.find_element(By.ID, "save-policy").click()
    wait_for(driver, "error-message")
    assert driver.find_element(By.ID, "error-message").text == "Policy statement must contain resources."
    assert "ses:SendRawEmail" in driver.find_element(By.ID, "policy-document").get_attribute("value")
    document = driver.find_element(By.ID, "policy-document")
    document.clear()
    document.send_keys('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}')
    driver.find_element(By.ID, "save-policy").click()
    wait_for(driver, "Inline policy send was saved.")
    assert node.root_client("iam").list_user_policies(UserName="app-mailer")["PolicyNames"] == ["send"]

    # A mailer that logs in with the user name instead of the key: the page says so.
    s = node.smtp()
    s.user, s.password = "app-mailer", smtp_password(secret)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        s.auth("PLAIN", s.auth_plain)
    s.close()
    s = node.smtp()
    s.user, s.password = key_id, secret
    with pytest.raises(smtplib.SMTPAuthenticationError):
        s.auth("PLAIN", s.auth_plain)
    s.close()
    visit(driver, node, "/console/iam/users/app-mailer")
    failures = driver.find_element(By.ID, "auth-failures").text
    assert "iam-user-name-used" in failures and "secret-access-key-used" in failures

    # Deactivate the key: SMTP refuses it.
    driver.find_element(By.XPATH, "//table[@id='access-keys']//button[text()='Deactivate']").click()
    wait_for(driver, f"Access key {key_id} is now inactive.")
    s = node.smtp()
    with pytest.raises(smtplib.SMTPAuthenticationError):
        s.login(key_id, smtp_password(secret))
    s.close()

    # A console password lets the user sign in.
    driver.find_element(By.ID, "new-password").send_keys("App-Mailer-Passw0rd")
    driver.find_element(By.ID, "set-password").click()
    wait_for(driver, "The console password was set.")
    assert "This user can sign in to the console." in driver.find_element(By.ID, "password-state").text
    account = node.root_client("sts").get_caller_identity()["Account"]
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait_for(driver, "Sign in to the Sesame console")
    driver.find_element(By.ID, "iam-account").send_keys(account)
    driver.find_element(By.ID, "iam-user").send_keys("app-mailer")
    driver.find_element(By.ID, "iam-password").send_keys("App-Mailer-Passw0rd")
    driver.find_element(By.ID, "iam-signin").click()
    wait_for(driver, "Signed in as app-mailer")


def test_identities_sending_and_captured_mail_pages(console):
    node, driver = console
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    visit(driver, node, "/console/identities")
    driver.find_element(By.ID, "identity").send_keys("example.com")
    driver.find_element(By.ID, "add-identity").click()
    wait_for(driver, "Identity example.com was created")
    table = driver.find_element(By.ID, "identities").text
    dkim = node.root_client("ses").get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"]["DkimTokens"]
    token = node.root_client("ses").get_identity_verification_attributes(Identities=["example.com"])["VerificationAttributes"]["example.com"]["VerificationToken"]
    assert "_amazonses.example.com" in table and token in table
    # The DKIM records publish Sesame's own public key, the same one /_aws/ses/dkim serves.
    import json as _json, urllib.request as _request
    with _request.urlopen(f"{node.endpoint}/_aws/ses/dkim?domain=example.com") as r:
        published = _json.load(r)["records"]
    assert [r["name"] for r in published] == [f"{t}._domainkey.example.com" for t in dkim]
    assert all(r["name"] in table and r["value"] in table for r in published)
    assert "DKIM signing on (Easy DKIM, 2048-bit RSA)" in table
    # A custom MAIL FROM domain set from the page: its MX and SPF records are shown, and the API sees it.
    form = driver.find_element(By.CSS_SELECTOR, "form.mail-from-form")
    form.find_element(By.NAME, "mailFrom").send_keys("bounce.example.com")
    form.find_element(By.NAME, "reject").click()
    form.find_element(By.CSS_SELECTOR, "button[value=mailfrom]").click()
    wait_for(driver, "example.com sends from bounce.example.com")
    table = driver.find_element(By.ID, "identities").text
    assert "MX bounce.example.com" in table and "TXT bounce.example.com" in table and "refused if its MX record is missing" in table
    attributes = node.root_client("ses").get_identity_mail_from_domain_attributes(Identities=["example.com"])
    assert attributes["MailFromDomainAttributes"]["example.com"]["BehaviorOnMXFailure"] == "RejectMessage"
    node.root_client("ses").put_identity_policy(Identity="example.com", PolicyName="delegate", Policy=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ses:SendEmail","Resource":"*"}]}'))
    visit(driver, node, "/console/identities")
    assert "Sending authorization policies: delegate" in driver.find_element(By.ID, "identities").text
    driver.find_element(By.ID, "identity").send_keys("not an address@")
    driver.find_element(By.ID, "add-identity").click()
    wait_for(driver, "error-message")

    # Mail sent with HTML: listed, then shown with headers, text, HTML in a sandboxed frame, raw source.
    ses = node.root_client("ses")
    message_id = ses.send_email(
        Source="news@example.com", Destination={"ToAddresses": ["reader@example.net"]},
        Message={"Subject": {"Data": "Hello from the console test"},
                 "Body": {"Text": {"Data": "plain words"}, "Html": {"Data": "<h1 id='inside'>Big news</h1><script>document.title='x'</script>"}}})["MessageId"]
    visit(driver, node, "/console/mail")
    driver.find_element(By.LINK_TEXT, "Hello from the console test").click()
    wait_for(driver, message_id)
    assert driver.find_element(By.ID, "text-part").text == "plain words"
    frame = driver.find_element(By.ID, "html-part")
    assert frame.get_attribute("sandbox") == ""
    driver.switch_to.frame(frame)
    assert driver.find_element(By.ID, "inside").text == "Big news"
    driver.switch_to.default_content()
    assert "Subject: Hello from the console test" in driver.find_element(By.ID, "raw").text
    driver.save_screenshot(os.path.join(driver.shots, "message.png"))

    visit(driver, node, "/console/sending")
    assert driver.find_element(By.ID, "sent-24").text == "1"
    assert driver.find_elements(By.CSS_SELECTOR, "#sending-chart rect")

    # Configuration sets: created, paused from the page (the API sees it), options and destinations shown.
    visit(driver, node, "/console/configuration-sets")
    driver.find_element(By.ID, "set-name").send_keys("marketing")
    driver.find_element(By.ID, "create-set").click()
    wait_for(driver, "Configuration set marketing was created")
    node.root_client("sesv2").put_configuration_set_delivery_options(ConfigurationSetName="marketing", TlsPolicy="REQUIRE",
                                                                      MaxDeliverySeconds=600)
    topic = node.root_client("sns").create_topic(Name="console-events")["TopicArn"]
    ses.create_configuration_set_event_destination(ConfigurationSetName="marketing", EventDestination={
        "Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["bounce"], "SNSDestination": {"TopicARN": topic}})
    visit(driver, node, "/console/configuration-sets")
    driver.find_element(By.CSS_SELECTOR, "#configuration-sets button[value=pause]").click()
    wait_for(driver, "Sending through marketing is paused")
    table = driver.find_element(By.ID, "configuration-sets").text
    assert "Paused" in table and "TLS REQUIRE" in table and "at most 600 s" in table and "to-sns: bounce" in table
    assert node.root_client("sesv2").get_configuration_set(ConfigurationSetName="marketing")["SendingOptions"] == {"SendingEnabled": False}

    # Contact lists: made and filled from the page; an unsubscribe through the mail's link shows up on it.
    visit(driver, node, "/console/contact-lists")
    driver.find_element(By.ID, "list-name").send_keys("customers")
    driver.find_element(By.ID, "topic-name").send_keys("news")
    driver.find_element(By.ID, "create-list").click()
    wait_for(driver, "Contact list customers was created")
    driver.find_element(By.ID, "contact-email").send_keys("reader@example.net")
    driver.find_element(By.ID, "add-contact").click()
    wait_for(driver, "reader@example.net was added to customers")
    assert "news: in" in driver.find_element(By.ID, "contacts-customers").text
    listed = node.root_client("sesv2").send_email(
        FromEmailAddress="news@example.com", Destination={"ToAddresses": ["reader@example.net"]},
        Content={"Simple": {"Subject": {"Data": "List mail"}, "Body": {"Text": {"Data": "x"}}}},
        ListManagementOptions={"ContactListName": "customers", "TopicName": "news"})["MessageId"]
    import email as _email, email.policy as _policy
    link = _email.message_from_string(node.captured(id=listed)[0]["RawData"], policy=_policy.default)["List-Unsubscribe"].strip("<>")
    driver.get(link)
    driver.find_element(By.ID, "unsubscribe").click()
    wait_for(driver, "will not get this mail any more")
    visit(driver, node, "/console/contact-lists")
    assert "news: out" in driver.find_element(By.ID, "contacts-customers").text

    # Nothing on any page is loaded from outside Sesame.
    for path in ("/console", "/console/identities", "/console/sending", "/console/mail", f"/console/mail/{message_id}",
                 "/console/configuration-sets", "/console/contact-lists", "/console/messaging",
                 "/console/iam/users", "/console/iam/create-user", "/console/smtp", "/console/smtp/create"):
        visit(driver, node, path)
        for element in driver.find_elements(By.CSS_SELECTOR, "[src], link[href], script"):
            src = element.get_attribute("src") or element.get_attribute("href") or ""
            assert src == "" or src.startswith(node.endpoint) or src.startswith("about:"), (path, src)


def test_rotation_replaces_the_user_in_one_step(console):
    node, driver = console
    sign_in_root(driver, node)
    wait_for(driver, "Signed in as root")
    old_name, old_user, old_password = create_smtp_credentials(driver, node)
    time.sleep(1.1)  # the proposed name has a seconds stamp
    new_name, new_user, new_password = create_smtp_credentials(driver, node, f"/console/smtp/create?replace={old_name}")
    assert new_name != old_name and new_user != old_user
    users = [u["UserName"] for u in node.root_client("iam").list_users()["Users"]]
    assert users == [new_name]
    node.root_client("ses").verify_email_identity(EmailAddress="rotate@example.com")
    s = node.smtp()
    with pytest.raises(smtplib.SMTPAuthenticationError):
        s.login(old_user, old_password)
    s.close()
    s = node.smtp()
    s.login(new_user, new_password)
    s.sendmail("rotate@example.com", ["x@example.net"], "Subject: rotated\r\n\r\nx\r\n")
    s.quit()
