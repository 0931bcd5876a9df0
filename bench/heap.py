"""What one web worker holds: memory after each step of a worker's life, and which modules.

    AULA_VAR_DIR=… .venv/bin/python bench/heap.py [requests]    # settings like manage.py
    .venv/bin/python bench/heap.py --import weasyprint openpyxl   # cost of importing each

Steps, in one process like a gunicorn worker: Django set up; the URLconf imported (every view
module); the warm-up the master does before forking (``aula.core.warmup``); then ``requests``
rounds (default 200) of the public pages through the WSGI handler (event page, registration
form, project page, home) with the fast lane off, so every round renders. After each step: RSS,
USS and PSS (``/proc/self/smaps_rollup``), Python's own allocations (``tracemalloc``) and the
top-level packages in ``sys.modules``. Then the heap's top entries grouped by the package of
the file that allocated them (modules' code and data count where their import ran).

``--import``: each package imported alone after ``django.setup()``, in a fresh process: the
RSS and ``tracemalloc`` it adds, and how many modules it brings.

Bench tooling only (bench/README.md "Memory"); nothing here runs in Aula.
"""

import json
import os
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aula.settings")


def memory() -> dict:
    rollup = Path("/proc/self/smaps_rollup").read_text()
    fields = {}
    for line in rollup.splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss_mib": round(fields["Rss"] / 1024, 1), "uss_mib": round(uss / 1024, 1),
            "pss_mib": round(fields["Pss"] / 1024, 1)}


def package_of(filename: str) -> str:
    if filename.startswith("<"):
        return filename  # <frozen importlib._bootstrap_external> etc.: module code being loaded
    parts = Path(filename).parts
    for marker in ("site-packages", "src"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            if rest and rest[0] == "aula" and len(rest) > 1:
                return "aula." + rest[1].removesuffix(".py")
            return rest[0].removesuffix(".py") if rest else filename
    return "stdlib:" + Path(filename).stem


def by_package(snapshot, top=25) -> list[tuple[str, float, int]]:
    """Allocations grouped by the package of the deepest frame outside importlib's own."""
    sizes: Counter = Counter()
    counts: Counter = Counter()
    for trace in snapshot.traces:
        frames = trace.traceback  # most recent first when more than one frame is kept
        name = package_of(frames[0].filename)
        if name.startswith("<frozen"):
            for frame in frames:
                if not frame.filename.startswith("<"):
                    name = package_of(frame.filename) + " (imports)"
                    break
        sizes[name] += trace.size
        counts[name] += 1
    return [(name, round(size / 2**20, 2), counts[name]) for name, size in sizes.most_common(top)]


def packages_loaded() -> Counter:
    return Counter(name.split(".")[0] for name in list(sys.modules))


def stage(label, report):
    traced, _peak = tracemalloc.get_traced_memory()
    entry = {"step": label, **memory(), "python_mib": round(traced / 2**20, 1),
             "modules": len(sys.modules)}
    report.append(entry)
    print(json.dumps(entry), flush=True)


def profile(rounds: int) -> None:
    tracemalloc.start(4)
    report = []
    stage("interpreter", report)
    import django

    django.setup()
    stage("django.setup()", report)
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    get_resolver()._populate()
    stage("URLconf imported", report)
    from aula.core.warmup import warm_up

    warm_up()
    stage("warm-up (master, before fork)", report)
    before = tracemalloc.take_snapshot()

    from django.conf import settings
    from django.test import Client

    from aula.events.models import Event

    settings.AULA_FASTLANE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["*"]
    event = Event.objects.select_related("project").order_by("pk").first()
    page = f"/en/p/{event.project.slug}/{event.slug}/"
    paths = [page, page + "register/", f"/en/p/{event.project.slug}/", "/en/"]
    client = Client()
    statuses = Counter()
    for _ in range(rounds):
        for path in paths:
            statuses[client.get(path).status_code] += 1
    stage(f"after {rounds} rounds of {len(paths)} pages", report)
    after = tracemalloc.take_snapshot()
    print(json.dumps({"statuses": statuses}))
    print("\nheap after warm-up, by package (MiB, blocks):")
    for row in by_package(before):
        print(f"  {row[0]:<48} {row[1]:>7} {row[2]:>8}")
    print("\ngrowth under load, by package (MiB):")
    growth: Counter = Counter()
    for stat in after.compare_to(before, "filename"):  # fast: grouped by the allocating file
        growth[package_of(stat.traceback[0].filename)] += stat.size_diff
    for name, size in growth.most_common(12):
        print(f"  {name:<48} {size / 2**20:>7.2f}")
    print("\npackages in sys.modules (top 25 by module count):")
    print("  " + ", ".join(f"{n} {c}" for n, c in packages_loaded().most_common(25)))


def import_cost(names: list[str]) -> None:
    code = (
        "import sys, json, tracemalloc; sys.path.insert(0, sys.argv[2]);"
        "import heap, django; django.setup(); tracemalloc.start();"
        "m0 = heap.memory(); n0 = len(sys.modules);"
        "__import__(sys.argv[1]);"
        "m1 = heap.memory();"
        "print(json.dumps({'package': sys.argv[1],"
        " 'rss_mib': round(m1['rss_mib'] - m0['rss_mib'], 1),"
        " 'python_mib': round(tracemalloc.get_traced_memory()[0] / 2**20, 1),"
        " 'modules': len(sys.modules) - n0}))"
    )
    for name in names:
        result = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", code, name, str(ROOT / "bench")],
            capture_output=True, text=True, check=False)
        print(result.stdout.strip() or result.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import"]:
        import_cost(sys.argv[2:])
    else:
        profile(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
