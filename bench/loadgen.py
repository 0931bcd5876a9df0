"""Registration load generator: N client threads, each with its own keep-alive connection and
cookie jar, sharing one budget of attempts (and a time limit). Standard library only.

browser: GET the form, parse it (csrf token, signed start time, notice, sessions), POST it,
         follow the redirect to the thanks page; one attempt = the three requests.
bare:    one GET per client for a valid csrf cookie/token and start time, then POSTs only
         (the redirect is not followed); one attempt = one POST.
"""

import html
import http.client
import itertools
import re
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

# A browser parses the page on its own machine; here the client shares the server's cores, so it
# reads only the tags a form submission needs, with one regular expression (an HTMLParser cost
# ~4 ms per form page, more than the server's own POST).
TAG = re.compile(r"<(input|select|option|/select)\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|([^\s"\'>]+)))?')


def form_fields(page: str) -> dict[str, str]:
    """The registration form's fields: hidden/text values, the first enabled radio of each
    group, the first non-empty option of each select."""
    values: dict[str, str] = {}
    radios: dict[str, str] = {}
    select = None
    for match in TAG.finditer(page):
        tag = match.group(1).lower()
        if tag == "/select":
            select = None
            continue
        if tag == "option" and (select is None or select in values):
            continue  # the hundreds of options after a select's first value
        attrs = {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                 for m in ATTRIBUTE.finditer(match.group(2))}
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "radio":
                if "disabled" not in attrs and name not in radios:
                    radios[name] = attrs.get("value", "")
            elif kind in ("hidden", "text", "email") and name not in values:
                values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            select = name
        elif tag == "option" and select and attrs.get("value"):
            values.setdefault(select, attrs["value"])
    return {**values, **radios}


def form_data(page: str, n: int) -> dict:
    data = form_fields(page)
    data.update({
        "first_name": "Bench", "family_name": f"Client{n}", "email": f"bench{n}@example.org",
        "organisation": "Load Test Org", "country": "RO", "language": "en",
        "job_title": "", "website": "", "privacy": "on", "time_zone": "Europe/Bucharest",
    })
    return data


class Client:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            # name=value; attributes (Django's cookies: plain tokens, never quoted)
            key, _, rest = value.partition("=")
            self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, response.getheader("Location"), data

    def post_form(self, path, data):
        body = urlencode(data, doseq=True)
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://{self.host}:{self.port}",
            "Referer": f"http://{self.host}:{self.port}{path}",
        })


def run(host, port, path, *, mode, clients, attempts, time_limit):
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    results: dict[str, int] = {}
    errors: list[str] = []
    deadline = time.monotonic() + time_limit

    def note(key):
        with lock:
            results[key] = results.get(key, 0) + 1

    def worker(index):
        client = Client(host, port)
        template = None
        while time.monotonic() < deadline:
            n = next(counter)
            if n >= attempts:
                return
            started = time.perf_counter()
            try:
                fresh = template is None
                if mode == "browser" or fresh:
                    status, _loc, body = client.request("GET", path)
                    if status != 200:
                        note(f"get_{status}")
                        continue
                    template = form_data(body.decode(), n)
                data = dict(template, first_name="Bench", family_name=f"Client{n}",
                            email=f"bench{n}@example.org")
                if mode == "bare" and fresh:
                    started = time.perf_counter()  # the one GET is set-up, not an attempt
                status, location, body = client.post_form(path, data)
                if status != 302 or not location:
                    note(f"post_{status}")
                    if len(errors) < 3:
                        errors.append(body.decode(errors="replace")[:300])
                    continue
                result = parse_qs(urlsplit(location).query).get("result", ["?"])[0]
                if mode == "browser":
                    target = urlsplit(location)
                    status, _loc, _body = client.request(
                        "GET", target.path + ("?" + target.query if target.query else ""))
                    if status != 200:
                        note(f"thanks_{status}")
                        continue
                latency = time.perf_counter() - started
                with lock:
                    latencies.append(latency)
                note(result)
            except Exception as error:  # noqa: BLE001 - counted and reported
                note(type(error).__name__)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + 40)
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 1) \
            if latencies else None

    return {
        "mode": mode, "clients": clients, "attempts": min(next(counter), attempts),
        "completed": len(latencies), "seconds": round(seconds, 2),
        "per_second": round(len(latencies) / seconds, 1) if seconds else 0,
        "p50_ms": pct(0.50), "p99_ms": pct(0.99), "results": results, "errors": errors,
        "timed_out": time.monotonic() >= deadline,
    }
