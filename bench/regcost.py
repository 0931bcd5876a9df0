"""What one registration costs the web process, measured without load (bench/README.md,
2026-12-06): ``services.register`` called as the registration view calls it, N times in one
process against a scratch database, on the production settings. Reports the CPU time and the
wall time per registration and the SQL statements of one. On a machine shared with other work
the CPU time per registration is the steadier figure.

    .venv/bin/python bench/regcost.py [sqlite|postgres] [N]

PostgreSQL: the scratch database ``aula_bench_regcost`` (dropped and re-created).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 400
DB = "aula_bench_regcost"

os.environ["AULA_VAR_DIR"] = tempfile.mkdtemp(prefix="aula-regcost-")
os.environ["AULA_SECRET_KEY"] = "regcost-secret-key-not-for-production-" + "x" * 20
os.environ["DJANGO_SETTINGS_MODULE"] = "aula.settings"
os.environ.pop("AULA_REDIS_URL", None)
if backend == "postgres":
    conn = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *conn, "--if-exists", "--force", DB], check=True)  # noqa: S603,S607
    subprocess.run(["createdb", *conn, DB], check=True)  # noqa: S603,S607
    os.environ["AULA_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aula.registrations import queries, services  # noqa: E402
from tests.factories import make_event  # noqa: E402


def person(n):
    return {
        "email": f"person{n}@example.org", "first_name": "Ana", "family_name": f"Popescu{n}",
        "organisation": "Municipality of Timișoara", "organisation_type": "LocalPublicAuthority",
        "country": "RO", "language": "en", "privacy_accepted": True,
    }


call_command("migrate", verbosity=0)
event = make_event(options={"double_opt_in": False}, capacity=N + 100)
setup = queries.registration_setup(event)


def one(n):
    outcome = services.register(event, person(n), setup=setup, taken=queries.places_taken(event))
    assert outcome.result == services.Result.CONFIRMED, outcome


for n in range(20):  # warm-up: templates, catalogues, counters
    one(n)
with CaptureQueriesContext(connection) as captured:
    one(10_000)
profile = None
if os.environ.get("REGCOST_PROFILE"):  # cProfile of the timed loop, top 25 by own time
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
cpu, wall = time.process_time(), time.perf_counter()
for n in range(100, 100 + N):
    one(n)
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
if profile is not None:
    import pstats

    profile.disable()
    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
print(json.dumps({
    "backend": backend, "n": N,
    "cpu_ms_per_registration": round(cpu / N * 1000, 2),
    "wall_ms_per_registration": round(wall / N * 1000, 2),
    "statements": len(captured.captured_queries),
}))
if backend == "postgres":
    connection.close()
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DB])  # noqa: S603,S607
