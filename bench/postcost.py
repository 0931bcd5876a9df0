"""What one registration POST costs the web process, whole: the production WSGI application
(``aula.wsgi.application``: the fast lane, every middleware, the form, ``register``, the
redirect) called in-process with the environ a browser's POST makes, N times, against a scratch
copy of the demo seminar prepared as ``make bench`` prepares it. Reports CPU and wall time per
POST, and on PostgreSQL the CPU its server process spent; ``POSTCOST_PROFILE=1`` adds a cProfile
of the timed loop (``=get``: of the form page), ``POSTCOST_SQL=1`` one POST's statements and
round trips, ``POSTCOST_CAPACITY=0`` every POST onto the waiting list,
``POSTCOST_CALLERS=<regex>`` (with the profile) who calls the functions it matches,
``POSTCOST_PAGES=1`` the CPU of the browser-like journey's two GETs and of the load generator's
parse of the form. No load generator, no sockets: this is the figure the web process is
responsible for (bench/README.md).

    .venv/bin/python bench/postcost.py [sqlite|postgres] [N]

PostgreSQL: the scratch database ``aula_bench_postcost`` (dropped and re-created); with
``postgres`` the cache is Redis db 12 when ``POSTCOST_REDIS=1`` (as ``make bench`` runs it).
"""

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 400
DB = "aula_bench_postcost"

env = dict(os.environ)
env["AULA_VAR_DIR"] = tempfile.mkdtemp(prefix="aula-postcost-")
env["AULA_SECRET_KEY"] = "postcost-secret-key-not-for-production-" + "x" * 20
env["DJANGO_SETTINGS_MODULE"] = "aula.settings"
env["AULA_REGISTRATION_RATE_LIMIT"] = "0/1s"
env["AULA_REGISTRATION_MIN_FILL_SECONDS"] = "0"
env["AULA_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
env.pop("AULA_REDIS_URL", None)
if backend == "postgres":
    conn = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *conn, "--if-exists", "--force", DB], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", *conn, DB], check=True)  # noqa: S603,S607
    env["AULA_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    if os.environ.get("POSTCOST_REDIS"):
        env["AULA_REDIS_URL"] = "redis://127.0.0.1:6379/12"
        subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True,  # noqa: S603,S607
                       stdout=subprocess.DEVNULL)
python = sys.executable
for step in (["manage.py", "migrate", "--noinput", "-v0"],
             ["manage.py", "collectstatic", "--noinput", "-v0"], ["manage.py", "load_demo"],
             ["bench/helper.py", "setup"]):
    done = subprocess.run([python, *step], cwd=ROOT, env=env, check=True,  # noqa: S603
                          capture_output=True, text=True)
path = json.loads(done.stdout.strip().splitlines()[-1])["path"] + "register/"
os.environ.update(env)
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from loadgen import form_data  # noqa: E402

from aula.wsgi import application  # noqa: E402

if os.environ.get("POSTCOST_CAPACITY"):  # e.g. 0: every POST joins the waiting list
    from aula.events.models import Event

    Event.objects.update(capacity=int(os.environ["POSTCOST_CAPACITY"]))


def call(method, url, body=b"", cookies=None, query=""):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": url, "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0), "CONTENT_LENGTH": str(len(body)),
        "HTTP_USER_AGENT": "postcost", "HTTP_ACCEPT": "text/html",
    }
    if method == "POST":
        environ.update({
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_ORIGIN": "http://127.0.0.1:8000", "HTTP_REFERER": "http://127.0.0.1:8000" + url,
        })
    if cookies:
        environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    chunks = application(environ, start_response)
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    for name, value in seen["headers"]:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return seen["status"], dict(seen["headers"]), body


LAZY = {"icalendar", "markdown_it", "nh3", "pyuca"}  # imported on first use (architecture.md)
cookies: dict[str, str] = {}
status, _headers, page = call("GET", path, cookies=cookies)
assert status.startswith("200"), status
template = form_data(page.decode(), 0)


def one(n):
    data = dict(template, family_name=f"Client{n}", email=f"post{n}@example.org")
    status, headers, body = call("POST", path, urlencode(data, doseq=True).encode(), cookies)
    assert status.startswith("302"), (status, body[:500])
    return headers.get("Location", "")


for n in range(20):
    one(n)
if os.environ.get("POSTCOST_SQL"):  # the statements of one POST, on stderr
    import psycopg
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sent = []
    command, execute = psycopg.Connection._exec_command, psycopg.Cursor.execute
    if backend == "postgres":  # every round trip, the driver's own commands included
        # In a pipeline (``sql.insert_lock_and_read``) statements are sent together: one round
        # trip when the pipeline syncs, marked "pipelined" here.
        def exec_command(self, cmd, *args, **kwargs):
            kind = "command pipelined" if self._pipeline is not None else "command"
            sent.append((kind, cmd if isinstance(cmd, bytes | str) else repr(cmd)))
            return command(self, cmd, *args, **kwargs)

        def cursor_execute(self, query, *args, **kwargs):
            pipelined = self.connection._pipeline is not None
            sent.append(("execute pipelined" if pipelined else "execute", str(query)[:120]))
            return execute(self, query, *args, **kwargs)

        psycopg.Connection._exec_command = exec_command
        psycopg.Cursor.execute = cursor_execute
    with CaptureQueriesContext(connection) as captured:
        one(99)
    psycopg.Connection._exec_command, psycopg.Cursor.execute = command, execute
    for query in captured.captured_queries:
        print(query["sql"][:300], file=sys.stderr)
    for kind, text in sent:
        print("round trip:", kind, text, file=sys.stderr)
profile = None
if os.environ.get("POSTCOST_PROFILE") == "1":
    import cProfile

    profile = cProfile.Profile()
    profile.enable()


def rss() -> float:
    return round(int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())
                     .group(1)) / 1024, 1)


def server_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (0 on SQLite)."""
    if backend != "postgres":
        return 0.0
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


rss_before = rss()
server_before = server_cpu()
cpu, wall = time.process_time(), time.perf_counter()
for n in range(100, 100 + N):
    location = one(n)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
server = server_cpu() - server_before
if profile is not None:
    import pstats

    profile.disable()
    if os.environ.get("POSTCOST_CALLERS"):  # who calls these functions (a regex), on stderr
        pstats.Stats(profile, stream=sys.stderr).print_callers(os.environ["POSTCOST_CALLERS"])
    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(60)
pages = {}
if os.environ.get("POSTCOST_PAGES"):  # the browser-like journey's two GETs, and the client's parse
    thanks_path, _, thanks_query = location.partition("?")

    def timed(label, fn, repeat=200):
        started = time.process_time()
        for _ in range(repeat):
            fn()
        pages[label] = round((time.process_time() - started) / repeat * 1000, 2)

    timed("form_get_ms", lambda: call("GET", path, cookies=dict(cookies)))
    if os.environ.get("POSTCOST_PROFILE") == "get":  # the form page's profile, on stderr
        import cProfile
        import pstats

        get_profile = cProfile.Profile()
        get_profile.enable()
        for _ in range(200):
            call("GET", path, cookies=dict(cookies))
        get_profile.disable()
        pstats.Stats(get_profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        pstats.Stats(get_profile, stream=sys.stderr).sort_stats("cumulative").print_stats(50)
    timed("client_parse_ms", lambda: form_data(page.decode(), 1))

    def get_thanks():
        status, _h, _b = call("GET", thanks_path, cookies=dict(cookies), query=thanks_query)
        assert status.startswith("200"), status

    timed("thanks_get_ms", get_thanks)
print(json.dumps({
    **pages, "backend": backend, "n": N, "last_result": re.sub(r".*result=", "", location),
    "cpu_ms_per_post": round(cpu / N * 1000, 2),
    "server_cpu_ms_per_post": round(server / N * 1000, 2),
    "wall_ms_per_post": round(wall / N * 1000, 2), "rss_mib_before_after": [rss_before, rss()],
    "lazy_libraries_loaded": sorted(LAZY & set(sys.modules)),
}))
if backend == "postgres":
    from django.db import connection

    connection.close()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB])  # noqa: S603,S607
