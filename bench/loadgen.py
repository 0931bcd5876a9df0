"""Registration load generator: N client threads, each with its own keep-alive connection and
cookie jar, sharing one budget of attempts (and a time limit). Standard library only.

browser: GET the form, parse it (csrf token, signed start time, notice, sessions), POST it,
         follow the redirect to the thanks page; one attempt = the three requests.
bare:    one GET per client for a valid csrf cookie/token and start time, then POSTs only
         (the redirect is not followed); one attempt = one POST.
"""

import http.client
import itertools
import threading
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit


class FormParser(HTMLParser):
    """The registration form's fields: hidden/text values, the first enabled radio of each
    group, the first non-empty option of each select."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.radios: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                if "disabled" not in a and name not in self.radios:
                    self.radios[name] = a.get("value", "")
            elif kind in ("hidden", "text", "email") and name not in self.values:
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and a.get("value"):
            self.values.setdefault(self.select, a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def form_data(html: str, n: int) -> dict:
    parser = FormParser()
    parser.feed(html)
    data = {**parser.values, **parser.radios}
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
            cookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
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
