"""CPU per request of each key page, in-process, one request at a time: where a worker's time goes.

Builds the small scale once into a temporary SQLite file (or reuses --db), signs each role in with
the test client as bench/run.py does, then for every key page (groups_app.bench.key_pages), and for
two pages that show the FIXED cost every request pays (a signed-out page and a trivial signed-in
one), and the textbook signed-in list page of bench/reference_signed_in.py over the same data (the
"yardstick" row: what a signed-in page of this stack costs before it does anything of ours), times N requests and prints the median CPU milliseconds per request (process time, so other
work on the machine counts less than in wall time), and the Python function calls per request
(deterministic: compare those when the machine is busy). `--profile NAME` runs cProfile over N requests
of the page of that name and prints the top 30 functions by cumulative and by own time.

    python bench/profile_pages.py [-n 200] [--db /tmp/profile-small.sqlite] [--only NAME,...] [--profile NAME]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-only-secret-not-for-production"
# The fixed cost: what a page that does almost nothing of its own costs, signed out and signed in.
FIXED = [("fixed: signed out (login form)", None, "/login"),
         ("fixed: signed in (change password)", "mother", "/account/password")]


def make_app(url: str, instance: Path):
    os.environ["INSTANCE_PATH"] = str(instance)
    for name in ("GROUPS_APP_ENV", "FLASK_DEBUG"):
        os.environ.pop(name, None)
    from groups_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SECRET_KEY": SECRET,
                       "OUTBOX_DIR": str(instance / "outbox"), "MAIL_SERVER": ""})


def build_once(db_file: Path, instance: Path) -> None:
    """The small scale into db_file, migrated and filled, unless it is there already."""
    if db_file.exists():
        return
    from flask_migrate import upgrade

    from groups_app.bench import SCALES, build

    app = make_app(f"sqlite:///{db_file}", instance)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(SCALES["small"])
        print(f"small scale built in {time.perf_counter() - started:.1f} s into {db_file}", file=sys.stderr)


def signed_in_clients(app, roles):
    from groups_app.bench import BENCH_PASSWORD, email

    clients = {}
    for who in roles:
        client = clients[who] = app.test_client()
        if who:
            answer = client.post("/login", data={"identifier": email(who), "password": BENCH_PASSWORD})
            if answer.status_code != 302:
                raise SystemExit(f"{who} could not sign in ({answer.status_code})")
    return clients


def cpu_ms(client, path: str, n: int) -> tuple[float, float, int]:
    """Median CPU ms and median wall ms of one request, over n requests; and the status."""
    status = client.get(path).status_code  # templates compiled, caches warm
    client.get(path).get_data()
    cpu, wall = [], []
    for _ in range(n):
        c, w = time.process_time(), time.perf_counter()
        client.get(path).get_data()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(cpu), statistics.median(wall), status


def print_shares(stats: pstats.Stats) -> None:
    """Own time by where the code lives: the ORM, Jinja, Babel, Werkzeug, our code, our templates."""
    shares: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        if ".html" in filename:
            where = "templates (compiled Jinja)"
        elif "site-packages/" in filename:
            where = filename.split("site-packages/")[1].split("/")[0].split(".")[0]
        elif "/groups_app/" in filename:
            where = "groups_app " + filename.split("/groups_app/")[1].split("/")[0]
        elif filename.startswith("~") or filename.startswith("<"):
            where = "builtins"
        else:
            where = "stdlib " + Path(filename).stem
        shares[where] = shares.get(where, 0) + tottime
    total = sum(shares.values())
    print("own time by package:")
    for where, seconds in sorted(shares.items(), key=lambda item: -item[1])[:25]:
        print(f"  {where:40} {seconds / total:6.1%}")


def calls_per_request(client, path: str, n: int = 10) -> int:
    """Python function calls per request (cProfile's count): unlike time, the same on a busy machine,
    so a change's effect shows even when other work on the two cores blurs the milliseconds."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path).get_data()
    profiler.disable()
    return round(pstats.Stats(profiler).total_calls / n)


def yardstick(db_file: Path) -> None:
    """The textbook signed-in list page (bench/reference_signed_in.py) over the same file, as the
    mother: what any signed-in page of this stack costs here, timed in the same run as ours."""
    from groups_app.bench import email

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_file}"
    import reference_signed_in

    client = reference_signed_in.create_app().test_client()
    client.get(f"/sign-in/{email('mother')}")
    cpu, wall, status = cpu_ms(client, "/groups/", 200)
    calls = calls_per_request(client, "/groups/")
    print(f"{'yardstick: textbook signed-in list':38} {'mother':12} {status:6} {calls:7} {cpu:7.2f} {wall:8.2f}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="requests per page")
    parser.add_argument("--db", help="a SQLite file to build the small scale into once and reuse")
    parser.add_argument("--only", default="", help="comma-separated page names (substrings) to time")
    parser.add_argument("--profile", metavar="NAME", help="cProfile N requests of the page whose name contains NAME")
    parser.add_argument("--callers", metavar="FUNCTION", help="with --profile: who calls functions matching this")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="groups-profile-"))
    db_file = Path(args.db) if args.db else folder / "small.sqlite"
    instance = folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    build_once(db_file, instance)
    app = make_app(f"sqlite:///{db_file}", instance)
    from groups_app.bench import key_pages

    with app.app_context():
        pages = [(p.name, p.who, p.path) for p in key_pages()]
    pages = FIXED + pages
    if args.profile:
        args.only = args.only or args.profile
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        pages = [p for p in pages if any(w in p[0] for w in wanted)]
    clients = signed_in_clients(app, {who for _name, who, _path in pages})
    if args.profile:
        name, who, path = next((p for p in pages if args.profile == p[0]), None) or \
            next(p for p in pages if args.profile in p[0])
        client = clients[who]
        client.get(path).get_data()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            client.get(path).get_data()
        profiler.disable()
        print(f"{name} ({who or 'signed out'}) {path}: {args.n} requests")
        stats = pstats.Stats(profiler)
        for order in ("cumulative", "tottime"):
            stats.sort_stats(order).print_stats(30)
        if args.callers:
            stats.print_callers(args.callers)
        print_shares(stats)
        return 0
    print(f"{'page':38} {'role':12} {'status':>6} {'calls':>7} {'CPU ms':>7} {'wall ms':>8}")
    if not args.only or "yardstick" in args.only:
        yardstick(db_file)
    for name, who, path in pages:
        cpu, wall, status = cpu_ms(clients[who], path, args.n)
        calls = calls_per_request(clients[who], path)
        print(f"{name[:38]:38} {(who or 'signed out'):12} {status:6} {calls:7} {cpu:7.2f} {wall:8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
