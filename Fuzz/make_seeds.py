#!/usr/bin/env python3
"""Writes the seed corpora (Fuzz/corpus/TARGET/seed-*) and the inputs of crashes found so far
(Fuzz/crashes/TARGET/). Seeds are small, valid-looking inputs the fuzzer mutates from; run again
after changing them. libFuzzer adds its own finds to the corpus folders when scripts/fuzz runs."""
import base64
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NUL = b"\0"


def plain(user, password):
    return base64.b64encode(b"\0" + user + b"\0" + password)


SEEDS = {
    "json": [
        b"POST /v2/email/outbound-emails" + NUL
        + b'{"FromEmailAddress":"a@example.com","Destination":{"ToAddresses":["b@example.net"]},"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"t"}}}}}',
        b"GET /v2/email/suppression/addresses?Reason=BOUNCE&Reason=COMPLAINT&PageSize=5&StartDate=2026-01-01T00:00:00Z" + NUL,
        b"PUT /v2/email/identities/example.com/dkim/signing" + NUL
        + b'{"SigningAttributesOrigin":"EXTERNAL","SigningAttributes":{"DomainSigningSelector":"s1","DomainSigningPrivateKey":"AAAA"}}',
        b"GET /v2/email/identities/a%40b.example" + NUL + b'{"QueueUrl":"q","MessageBody":"hi","DelaySeconds":3,"MessageAttributes":{"a":{"DataType":"String","StringValue":"v"}}}',
        b"POST /v2/email/templates/t1/render" + NUL + b'{"TemplateData":"{}","x":[1,2,{"y":null}],"n":1e400}',
    ],
    "smtp": [
        b"\x04EHLO remote.test\r\nAUTH PLAIN AGEAYg==\r\nMAIL FROM:<>\r\nRCPT TO:<x@elsewhere.test>\r\nRCPT TO:<a@fuzz.test>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n",
        b"\x01EHLO client.example\r\nSTARTTLS\r\nEHLO client.example\r\nAUTH PLAIN " + plain(b"AKIAEXAMPLE", b"pw") + b"\r\n"
        b"MAIL FROM:<a@example.com> SIZE=100 BODY=8BITMIME\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
        b"Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\nQUIT\r\n",
        b"\x03EHLO x\r\nAUTH LOGIN\r\nQUtJQQ==\r\ncHc=\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\nx\n.\nMAIL FROM:<e@f>\r\n.\r\n",
        b"\x00HELO mx.remote\r\nMAIL FROM:<>\r\nRCPT TO:<0100abc@bounces.fuzz.test>\r\nDATA\r\nContent-Type: multipart/report\r\n\r\nx\r\n.\r\nRSET\r\nNOOP\r\nVRFY x\r\n",
        b"\x02EHLO x\r\nAUTH PLAIN\r\n*\r\nAUTH CRAM-MD5\r\nBDAT 10\r\nMAIL FROM:<a@b.example> SIZE=99999999\r\nx\rEHLO\n",
    ],
    "sigv4": [
        b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
        b"Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" + NUL + NUL + b"20150830T123600Z",
        b"AWS4-HMAC-SHA256 Credential=AKIA/20261129/eu-west-1/ses/aws4_request,SignedHeaders=content-type;host;x-amz-date,Signature=00"
        + NUL + b"Action=SendEmail" + NUL + b"Sun, 30 Aug 2015 12:36:00 GMT",
        b"" + NUL + b"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
        b"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=abc" + NUL + b"20150830T123600Z",
    ],
    "query": [
        b"Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Fh%2F1%2Fq&MessageBody=hi&MessageAttribute.1.Name=a"
        b"&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v&Tag.1.Key=k&AttributeName.1=All" + NUL,
        b"Action=SendEmail&Version=2010-12-01&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.net"
        b"&Message.Subject.Data=Hi&Message.Body.Text.Data=x+y" + NUL + b"Action=SendEmail",
        b"Action=TagUser&UserName=ann&Tags.member.1.Key=k&Tags.member.1.Value=v&Tags.member.2.Key=%ZZ" + NUL,
        b"Action=SetTopicAttributes&Attributes.entry.1.key=Policy&Attributes.entry.1.value=%7B%7D&MaxItems=10&Enabled=true" + NUL + b"a=%&b==&&=",
        # The workbench's search words (the body half is parsed as a search too).
        b'from:shop -to:"Ann B" subject:"a b" is:unread has:attachment via:api before:2026-11-30T10:00:00+02:00 larger:1.5kb !x' + NUL,
    ],
    "mime": [
        b"DKIM-Signature: v=1; a=rsa-sha256; c=simple/relaxed; d=example.org; s=sel; l=10; x=1; h=from : to;\r\n bh=AAAA; b=BBBB\r\n"
        b"From: a@example.org\r\nTo: b@example.net\r\n\r\nbody\r\nv=DKIM1; k=rsa; p=MIGf",
        b"From: =?UTF-8?B?w6k=?= <a@example.com>\r\nTo: \"B, C\" <b@example.net>, d@example.net\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n"
        b"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n--b1\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"PGI+aGk8L2I+\r\n--b1--\r\n",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; b@example.net\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n--r--\r\n",
        b"Content-Type: multipart/report; report-type=feedback-report; boundary=f\r\n\r\n--f\r\nContent-Type: message/feedback-report\r\n\r\n"
        b"Feedback-Type: abuse\r\nOriginal-Rcpt-To: b@example.net\r\n--f\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n--f--\r\n",
        # Captured mail with nested parts, an inline image, an attachment and links.
        b"Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\n"
        b"Content-Type: text/html\r\n\r\n<a href='https://a.test/?x=1&amp;y'>a</a><img src=cid:i><style>p{display:flex}</style>\r\n--r\r\n"
        b"Content-Type: image/png\r\nContent-ID: <i>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n--o\r\n"
        b"Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n\r\n%PDF\r\n--o--\r\n",
    ],
    "policy": [
        b"v=spf1 ip4:192.0.2.0/24 a:%{d} mx/24 include:_spf.%{o} exists:%{i}.x ~all redirect=other.test" + NUL + b"x",
        b"v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r" + NUL + b"x",
        b'{"http":{"defaultHealthyRetryPolicy":{"numRetries":5,"numNoDelayRetries":1,"minDelayTarget":1,"maxDelayTarget":60,'
        b'"backoffFunction":"exponential"},"disableSubscriptionOverrides":false},"healthyRetryPolicy":{"numRetries":2},'
        b'"default":"d","sqs":"q"}' + NUL + b"sns:Publish\narn:aws:sns:us-east-1:123456789012:t\n1",
        b'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ses:Send*","Resource":"*",'
        b'"Condition":{"StringLike":{"ses:FromAddress":"*@example.com"},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1/128"]}}}]}'
        + NUL + b"ses:SendRawEmail\narn:aws:ses:us-east-1:123456789012:identity/example.com\n10.1.2.3",
        b'{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:user/a?c",'
        b'"Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericGreaterThan":{"x":"1.5"},"Bool":{"aws:SecureTransport":"true"}}}}'
        + NUL + b"iam:CreateUser\narn:aws:iam::123456789012:user/abc\n2001:db8::1",
        # A role trust policy: AWS and Federated principals, conditions on the token's claims.
        b'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","arn:aws:iam::123456789012:user/ci"],'
        b'"Federated":"arn:aws:iam::123456789012:oidc-provider/token.example"},"Action":["sts:AssumeRole","sts:TagSession"],'
        b'"Condition":{"StringEquals":{"sts:ExternalId":"x","token.example:aud":"sts.amazonaws.com"}}}]}'
        + NUL + b"sts:AssumeRole\narn:aws:iam::123456789012:user/ci\narn:aws:iam::123456789012:oidc-provider/token.example",
        # A web identity token (header.payload.signature, base64url).
        b"eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.eyJpc3MiOiJodHRwczovL3Rva2VuLmV4YW1wbGUiLCJhdWQiOlsiYSIsImIiXSwiZXhwIjoxOTAwMDAwMDAwfQ.c2ln",
        b"arn:aws-cn:iam::123456789012:policy/team/ses-senders",
    ],
    "template": [
        b"Hello {{name}}, {{#if flag}}yes{{else}}no{{/if}} {{#each list}}<{{this}}>{{/each}} {{{raw}}} {{user.first}}"
        + NUL + b'{"name":"<Ann>","flag":true,"list":[1,"two"],"raw":"<b>","user":{"first":"A"}}',
        b"{{#unless missing}}x{{/unless}}{{#each}}{{/each}}" + NUL + b"[1,2]",
    ],
    # A relay's or MX host's replies; the first byte: TLS policy (bits 0-1), credentials (bit 2).
    "smtpclient": [
        b"\x02220 mx.example.net ESMTP\r\n250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n"
        b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <c@example.org>: no such user\r\n354 go\r\n250 2.0.0 Ok: queued\r\n",
        b"\x05220 relay.test\r\n250-relay.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n220 2.0.0 Ready\r\n"
        b"250-relay.test\r\n250 AUTH PLAIN\r\n235 2.7.0 Authenticated\r\n250 Ok\r\n451 4.3.0 try later\r\n",
        b"\x03220 old.test\r\n502 what\r\n250 old.test\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n554 5.7.1 rejected\r\n",
        b"\x00220-multi\n220 line greeting\n250-a\n251 mismatch\n",
    ],
    # DNS answers: an MX whose names point back at the question, and a TXT of two strings.
    "dns": [
        bytes([0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 7]) + b"example" + bytes([4]) + b"test"
        + bytes([0, 0, 15, 0, 1, 0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 7, 0, 10, 2]) + b"mx" + bytes([0xc0, 12]),
        bytes([0, 7, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 1]) + b"t" + bytes([0, 0, 16, 0, 1, 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 9, 3])
        + b"v=D" + bytes([4]) + b"KIM1" + bytes([0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16]) + bytes(range(16)),
        bytes([0, 9, 0x81, 0x83, 0, 1, 0, 1, 0, 0, 0, 0, 1]) + b"a" + bytes([0, 0, 1, 0, 1, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12]),
    ],
}

CRASHES = {
    # MAIL FROM:<> with a parameter that is only "=" (indexing an empty split): fixed 2026-11-29.
    "smtp": [b"\x00EHLO x\r\nMAIL FROM:<> =\r\n"],
    # A section tag without a name: fixed 2026-11-29.
    "template": [b"{{#}}" + NUL + b"{}"],
}

for folder, table in (("corpus", SEEDS), ("crashes", CRASHES)):
    for target, inputs in table.items():
        directory = os.path.join(HERE, folder, target)
        os.makedirs(directory, exist_ok=True)
        for n, data in enumerate(inputs):
            name = f"seed-{n}" if folder == "corpus" else f"crash-{n}"
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
