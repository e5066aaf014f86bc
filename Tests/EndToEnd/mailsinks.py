"""Loopback mail servers and a DNS server for the delivery tests.

`Sink` is an aiosmtpd server on 127.0.0.1 that records what it receives and answers as told
(accept, temporary failure a number of times, permanent failure per recipient, optional AUTH and
STARTTLS). `DNS` is a dnslib server on 127.0.0.1 answering MX and A questions from a table.
"""
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, SMTP

import dnslib
import dnslib.server


class Sink:
    def __init__(self, port, tempfail_first=0, reject=(), reject_all=None, delay=0.0, tls_context=None,
                 auth=None, require_tls=False, tempfail_once=(), implicit_tls=None):
        self.port = port
        self.messages = []
        self.attempts = 0
        self.refused = 0
        self.tempfail_first = tempfail_first
        self.reject = {r.lower() for r in reject}
        # Recipients answered 451 the first time they are offered, accepted after.
        self.tempfail_once = {r.lower() for r in tempfail_once}
        self.reject_all = reject_all
        self.delay = delay
        self.connections = 0
        self.lock = threading.Lock()
        self.auth = auth
        kwargs = {}
        if tls_context is not None:
            kwargs["tls_context"] = tls_context
            kwargs["require_starttls"] = require_tls
        if auth is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            kwargs["auth_require_tls"] = True
        if implicit_tls is not None:
            kwargs["ssl_context"] = implicit_tls  # TLS from the first byte (port 465 style)
        self.controller = Controller(self, hostname="127.0.0.1", port=port, **kwargs)
        self.logins = []

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == self.auth
        self.logins.append((mechanism, ok))
        return AuthResult(success=ok)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            with self.lock:
                self.refused += 1
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.lower() in self.tempfail_once:
            with self.lock:
                self.tempfail_once.discard(address.lower())
            return "451 4.2.0 <%s>: Recipient address rejected: greylisted, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio
        with self.lock:
            self.attempts += 1
            attempt = self.attempts
        if self.delay:
            await asyncio.sleep(self.delay)
        if attempt <= self.tempfail_first:
            return "451 4.3.0 Temporary local problem, try again"
        if self.reject_all:
            return self.reject_all
        with self.lock:
            self.messages.append({
                "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                "content": envelope.original_content, "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
                "authenticated": bool(getattr(session, "authenticated", False)),
                "peer": session.peer[0] if isinstance(session.peer, tuple) else str(session.peer),
            })
        return "250 2.0.0 Ok: queued"

    def wait_for(self, count, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"sink on {self.port} got {len(self.messages)} messages, wanted {count}")


class DNS:
    """Answers from `zone`: {name: {"MX": [(pref, host)], "A": ["127.0.0.1"], "TXT": ["v=…"]}}; unknown names
    get NXDOMAIN. The zone may be changed while the server runs (`dns.zone[name] = {...}`)."""

    def __init__(self, port, zone):
        self.port = port
        self.zone = {k.lower().rstrip("."): v for k, v in zone.items()}
        self.queries = []
        outer = self

        class Resolver:
            def resolve(self, request, handler):
                reply = request.reply()
                name = str(request.q.qname).rstrip(".").lower()
                qtype = dnslib.QTYPE[request.q.qtype]
                outer.queries.append((name, qtype))
                entry = outer.zone.get(name)
                if entry is None:
                    reply.header.rcode = dnslib.RCODE.NXDOMAIN
                    return reply
                if qtype == "MX":
                    for pref, host in entry.get("MX", []):
                        reply.add_answer(dnslib.RR(name, dnslib.QTYPE.MX, rdata=dnslib.MX(host, pref), ttl=60))
                elif qtype == "A":
                    for address in entry.get("A", []):
                        reply.add_answer(dnslib.RR(name, dnslib.QTYPE.A, rdata=dnslib.A(address), ttl=60))
                elif qtype == "TXT":
                    # A long value is split into strings of at most 255 bytes, as DNS carries it.
                    for text in entry.get("TXT", []):
                        data = text.encode()
                        chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
                        reply.add_answer(dnslib.RR(name, dnslib.QTYPE.TXT, rdata=dnslib.TXT(chunks), ttl=60))
                return reply

        self.server = dnslib.server.DNSServer(Resolver(), port=port, address="127.0.0.1", logger=dnslib.server.DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"))

    def start(self):
        self.server.start_thread()
        return self

    def stop(self):
        self.server.stop()
