"""Raw HTTP against a node, for requests no well-behaved client would send; its metrics and its memory."""
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def raw_http(node, head, body=b"", read_timeout=10):
    """Sends a request as given; returns the first whole response and how long it took."""
    with socket.create_connection(("127.0.0.1", node.port), timeout=read_timeout) as s:
        s.sendall(head + body)
        data = b""
        started = time.time()
        while True:
            if b"\r\n\r\n" in data:
                header, rest = data.split(b"\r\n\r\n", 1)
                length = re.search(rb"(?i)content-length: (\d+)", header)
                if length is None or len(rest) >= int(length.group(1)):
                    break
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data, time.time() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def raw_get(node, path):
    try:
        return urllib.request.build_opener(NoRedirect()).open(node.endpoint + path)
    except urllib.error.HTTPError as e:
        return e


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def scrape(node):
    """The node's /metrics, parsed by prometheus_client: {name: [(labels, value)]}."""
    with urllib.request.urlopen(f"{node.endpoint}/metrics") as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples, name, **labels):
    """The sum of `name`'s samples whose labels include `labels`."""
    return sum(v for found, v in samples.get(name, []) if all(found.get(k) == w for k, w in labels.items()))
