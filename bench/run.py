"""`make bench`: the key pages of a program-sized data set, served as in production and driven by wrk.

For each scale: a throw-away database filled by `flask bench-data` and every key page requested
in-process (SQL statements per request, HTML bytes, gzipped bytes; on PostgreSQL also how many of
its statements the server planned on every run instead of once). Then every server of the run is
started and kept up together: per scale the app (gunicorn, 2 workers, 127.0.0.1) and two yardsticks
over its database (bench/reference.py, bench/reference_signed_in.py), and a bare Flask app
(bench/ceiling.py). wrk drives each at 16 connections for a few seconds, signed in as the role that
opens the page, in rounds: the bare app, then each page at one scale and at once at the other, then
the yardsticks. Each share (of the bare app, of the signed-in yardstick, large over small) is taken
within a round, between figures measured moments apart, and the median of the rounds reported: the
machine's noise, which on a shared machine moves req/s by a quarter from one minute to the next,
mostly cancels out. Prints a table, writes bench/results.json.

SQLite in a temporary folder; PostgreSQL when DATABASE_URL names one whose database name ends in
`_bench` (a schema per scale, bench_small and bench_large, dropped and made again). Only 127.0.0.1
is ever sent a request.

    python bench/run.py [--scales small,large] [--seconds 3] [--rounds 3] [--smoke]
"""
from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import itertools
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
CONNECTIONS = 16
SECRET = "bench-only-secret-not-for-production"
TARGETS = {"ratio": 0.15, "p99_ms": 40, "queries": 6, "large_small": 0.8}


class BenchFailed(RuntimeError):
    pass


# ---- the database ------------------------------------------------------------------------------

def database_url(folder: Path, scale: str) -> str:
    """Where this scale's data goes: a file in the run's folder, or on PostgreSQL a schema of its
    own in the `_bench` database (both scales are served at once), emptied first."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql")):
        return f"sqlite:///{folder}/bench-{scale}.sqlite"
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name.endswith("_bench"):
        raise BenchFailed(f"DATABASE_URL names the database {name!r}; the benchmark empties the database it "
                          "uses, so it runs only on one whose name ends in _bench (e.g. groups_app_bench).")
    from sqlalchemy import create_engine, text

    schema = f"bench_{scale}"
    engine = create_engine(url.replace("postgres://", "postgresql+psycopg://", 1)
                           .replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"))
    engine.dispose()
    # every connection of the app, the migrations and the yardsticks to this scale finds its tables there
    options = urllib.parse.quote(f"-csearch_path={schema}")
    return f"{url}{'&' if '?' in url else '?'}options={options}"


def environment(url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GROUPS_APP_ENV", "FLASK_DEBUG")}
    env.update(DATABASE_URL=url, INSTANCE_PATH=str(instance), SECRET_KEY=SECRET, MAIL_SERVER="",
               OUTBOX_DIR=str(instance / "outbox"), PYTHONDONTWRITEBYTECODE="1")
    return env


def build(url: str, instance: Path, scale: str) -> float:
    env = environment(url, instance)
    flask = [str(BIN / "flask"), "--app", "groups_app"]
    started = time.perf_counter()
    for command in (["db", "upgrade"], ["bench-data", "--scale", scale]):
        done = subprocess.run([*flask, *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise BenchFailed(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    print(done.stdout.strip())
    return time.perf_counter() - started


# ---- in-process: statements and bytes per page -------------------------------------------------------

@dataclass
class InProcess:
    """One scale's app in this process with each role signed in: a page asked one request at a time."""
    engine: object
    clients: dict  # by role
    pages: dict  # by name: this scale's own paths

    def wall_ms(self, name: str) -> float:
        page = self.pages[name]
        started = time.perf_counter()
        self.clients[page.who].get(page.path).get_data()
        return (time.perf_counter() - started) * 1000


def inspect_pages(url: str, instance: Path) -> tuple[list, dict, InProcess]:
    """Each key page once, in-process, as its role: status, SQL statements, bytes, gzipped bytes.
    The app is returned with its clients signed in, for `time_in_process` once every scale is built."""
    os.environ["INSTANCE_PATH"] = str(instance)
    from sqlalchemy import event

    from groups_app import create_app
    from groups_app.bench import BENCH_PASSWORD, email, key_pages
    from groups_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": SECRET, "OUTBOX_DIR": str(instance / "outbox")})
    with app.app_context():
        pages = key_pages()
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement):
            statements.append(statement)

    clients, facts = {}, {}
    for page in pages:
        client = clients.get(page.who)
        if client is None:
            client = clients[page.who] = app.test_client()
            if page.who:
                answer = client.post("/login", data={"identifier": email(page.who), "password": BENCH_PASSWORD})
                if answer.status_code != 302:
                    raise BenchFailed(f"{page.who} could not sign in in-process ({answer.status_code})")
        client.get(page.path).get_data()  # one-off work; read, or a streamed answer (the CSV) runs nothing
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            answer = client.get(page.path)
            body = answer.get_data()  # a streamed answer runs its statements as it is read
        finally:
            event.remove(engine, "before_cursor_execute", count)
        facts[page.name] = {"status": answer.status_code, "queries": len(statements), "bytes": len(body),
                            "gzip_bytes": len(gzip.compress(body, 5)), "statements": list(statements)}
        if engine.dialect.name == "postgresql":
            facts[page.name]["replanned"] = replanned(engine, client, page.path)
    return pages, facts, InProcess(engine, clients, {page.name: page for page in pages})


def time_in_process(pages: list, apps: dict[str, InProcess], facts: dict, times: int = 7) -> None:
    """Each page's wall time for one request at a time in this process, the median of `times`, taken
    at every scale in turn (every other turn the other scale first), so that small and large are
    timed moments apart and a machine busier for a minute moves both: their ratio is the "1 request"
    large/small beside the served one."""
    for page in pages:
        timings: dict[str, list[float]] = {scale: [] for scale in apps}
        for turn in range(times):
            for scale in (list(apps) if turn % 2 == 0 else list(apps)[::-1]):
                timings[scale].append(apps[scale].wall_ms(page.name))
        for scale, taken in timings.items():
            facts[scale][page.name]["inprocess_ms"] = statistics.median(taken)
    for app in apps.values():
        app.engine.dispose()


def _plans(engine) -> dict[str, tuple[int, int]]:
    """Each statement prepared on the pool's last returned connection (the one the test client's
    requests use: the pool is LIFO), with its generic and custom plans so far."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements").all()
        connection.commit()  # a ROLLBACK would make psycopg forget what it prepared
    return {statement: (generic, custom) for statement, generic, custom in rows}


def replanned(engine, client, path: str, runs: int = 15) -> int:
    """PostgreSQL: how many of a page's statements it planned on every run. psycopg prepares a
    statement at its fifth run on a connection; PostgreSQL plans the next five for their values, then
    keeps one generic plan unless it costs more than those did. After `runs` more requests of `path`,
    a statement this page ran whose plans are all custom, more than five of them, was planned each time."""
    before = _plans(engine)
    for _ in range(runs):
        client.get(path).get_data()
    return sum(1 for statement, (generic, custom) in _plans(engine).items()
               if generic == 0 and custom > 5 and before.get(statement) != (generic, custom)
               and "pg_prepared_statements" not in statement)


# ---- served: gunicorn and wrk --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(target: str, env: dict, log: Path):
    port = free_port()
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "--timeout", "60", target]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if process.poll() is not None:
                raise BenchFailed(f"gunicorn stopped at start; see {log}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise BenchFailed("gunicorn did not start in 20 s")
        time.sleep(0.5)  # both workers up
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in(base: str, who: str) -> str:
    """Sign in over HTTP as a person would (the form, its CSRF token); the Cookie header to send."""
    from groups_app.bench import BENCH_PASSWORD, email

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"identifier": email(who), "password": BENCH_PASSWORD, "csrf_token": token.group(1) if token else ""}
    opener.open(f"{base}/login", urllib.parse.urlencode(data).encode(), timeout=30).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookies:
        raise BenchFailed(f"{who} could not sign in over HTTP")
    return cookies


def fetch_status(url: str, cookie: str | None, timeout: float = 60) -> int:
    """The status of one GET; 0 when no answer came in time."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return 0


def settle(base: str, limit: float = 180) -> None:
    """Wait until the workers are idle again: a slow page leaves requests queued after wrk stops,
    and the next page must not be measured behind them."""
    until = time.monotonic() + limit
    while time.monotonic() < until:
        started = time.monotonic()
        if fetch_status(base + "/favicon.ico", None, timeout=limit) == 200 and time.monotonic() - started < 0.5:
            return


def drive(url: str, seconds: float, cookie: str | None = None, warm: bool = True) -> dict:
    """wrk at 16 connections for `seconds`, gzip accepted as a phone's browser would, after a
    second of warming up (each worker compiles its templates on first use)."""
    if warm:
        first = drive_once(url, 1, cookie)
        if first["not_2xx"] or first["errors"]:
            return first
    return drive_once(url, seconds, cookie)


def drive_once(url: str, seconds: float, cookie: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(HERE / "report.lua"),
               "-H", "Accept-Encoding: gzip", "-H", "Accept-Language: he"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        raise BenchFailed(f"wrk said: {done.stdout}{done.stderr}")
    raw = json.loads(line)
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6), "p50_ms": raw["p50_us"] / 1000,
            "p99_ms": raw["p99_us"] / 1000, "requests": raw["requests"], "not_2xx": raw["not_2xx"],
            "statuses": raw["statuses"].strip(), "errors": raw["connect_errors"] + raw["read_errors"] +
            raw["write_errors"], "timeouts": raw["timeouts"]}


# ---- what wrk drives, in rounds ----------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One address wrk drives: a key page at a scale, the bare app, or a yardstick at a scale."""
    kind: str  # "page", "bare", "reference" or "signed_in_reference"
    name: str  # the page's name, or the kind again
    scale: str | None
    url: str
    cookie: str | None = None
    settle: str | None = None  # the app's base address: wait for its workers to be idle first


def start_servers(stack: ExitStack, scales: list[str], folder: Path) -> tuple[list, dict, dict, list[Target]]:
    """Every scale built and inspected, and every server of the run started at once and kept up to
    the end: the bare app, and per scale the app and the two yardsticks over its database. Each is
    idle (sync workers waiting in accept) while another is driven, so that a page is measured at
    both scales moments apart, and the yardsticks in the same round."""
    env = dict(os.environ, PYTHONPATH=str(HERE))
    bare = stack.enter_context(served("ceiling:app", env, folder / "gunicorn-ceiling.log"))
    if fetch_status(bare + "/", None) != 200:
        raise BenchFailed(f"the bare app did not answer; see {folder / 'gunicorn-ceiling.log'}")
    pages, facts, meta, by_scale, in_process = [], {}, {"build_seconds": {}}, {}, {}
    for scale in scales:
        instance = folder / scale
        instance.mkdir(parents=True, exist_ok=True)
        url = database_url(folder, scale)
        meta["build_seconds"][scale] = round(build(url, instance, scale), 1)
        pages, facts[scale], in_process[scale] = inspect_pages(url, instance)
        base = stack.enter_context(served("groups_app:create_app()", environment(url, instance),
                                          folder / f"gunicorn-{scale}.log"))
        cookies = {who: sign_in(base, who) for who in {p.who for p in pages if p.who}}
        reference = stack.enter_context(served("reference:app", dict(env, DATABASE_URL=url),
                                               folder / f"gunicorn-reference-{scale}.log"))
        signed_in = stack.enter_context(served("reference_signed_in:app", dict(env, DATABASE_URL=url, SECRET_KEY=SECRET),
                                               folder / f"gunicorn-signed-in-reference-{scale}.log"))
        by_scale[scale] = (base, cookies, reference, signed_in, signed_in_cookie(signed_in))
    time_in_process(pages, in_process, facts)
    targets = [Target("bare", "bare", None, bare + "/")]
    for page in pages:
        for scale in scales:
            base, cookies = by_scale[scale][:2]
            targets.append(Target("page", page.name, scale, base + page.path, cookies.get(page.who), base))
    for scale in scales:
        _, _, reference, signed_in, cookie = by_scale[scale]
        targets.append(Target("reference", "reference", scale, reference + "/"))
        targets.append(Target("signed_in_reference", "signed_in_reference", scale, signed_in + "/groups/", cookie))
    return pages, facts, meta, targets


def signed_in_cookie(base: str) -> str:
    """The textbook app's session cookie for the mother (bench/reference_signed_in.py signs in by address)."""
    from groups_app.bench import email

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/sign-in/{email('mother')}", timeout=30).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def round_order(targets: list[Target], number: int) -> list[Target]:
    """Round `number`'s order: the bare app first, then each page at its scales back to back, then
    the yardsticks; every other round takes each page's scales in the reverse order, so that a
    machine growing busier or quieter during the run does not favour one scale."""
    bare = [t for t in targets if t.kind == "bare"]
    groups: dict[tuple, list[Target]] = {}
    for target in targets:
        if target.kind != "bare":
            groups.setdefault((target.kind, target.name), []).append(target)
    ordered = [group if number % 2 == 0 else group[::-1] for group in groups.values()]
    return bare + [t for group in ordered for t in group]


def measure(targets: list[Target], rounds: int, seconds: float, warm: bool) -> dict[tuple, list[dict]]:
    """wrk over every target, `rounds` times (warming each up in the first round only), and the bare
    app once more at the end: each target's results by round, under (kind, name, scale)."""
    measured: dict[tuple, list[dict]] = {}
    bare = next(t for t in targets if t.kind == "bare")
    for number in range(rounds):
        print(f"round {number + 1} of {rounds}", flush=True)
        for target in round_order(targets, number):
            if target.settle:
                settle(target.settle)
            status = fetch_status(target.url, target.cookie)
            result = drive(target.url, seconds, target.cookie, warm and number == 0) if status == 200 else {}
            result["warm_status"] = status
            measured.setdefault((target.kind, target.name, target.scale), []).append(result)
            print(f"  {target.scale or '':5} {target.name:24} {result.get('rps', 0):8.1f} req/s  p99 "
                  f"{result.get('p99_ms', 0):7.1f} ms  status {status}", flush=True)
    last = drive(bare.url, seconds, warm=False)
    measured[("bare", "bare", None)].append({**last, "warm_status": 200})
    print(f"  {'':5} {'bare':24} {last['rps']:8.1f} req/s  (after the last round)", flush=True)
    return measured


# ---- the report ------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    wrk = [line.split(" Copyright")[0] for line in subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[:1]]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "system": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "wrk": " ".join(wrk)}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _ratios(runs: list[dict], against: list[float]) -> list[float]:
    """Round by round, a target's req/s over another figure of the same round."""
    return [run.get("rps", 0) / other for run, other in zip(runs, against, strict=False) if other]


def summary(runs: list[dict]) -> dict:
    """A target's rounds as one result: the median req/s, p50 and p99 of the rounds, every answer
    that was not 2xx, every socket error and timeout of any round, and each round's req/s."""
    timed = [run for run in runs if "rps" in run]
    bad = [run["warm_status"] for run in runs if run.get("warm_status", 200) != 200]
    return {"rps": _median([r["rps"] for r in timed]), "p50_ms": _median([r["p50_ms"] for r in timed]),
            "p99_ms": _median([r["p99_ms"] for r in timed]), "requests": sum(r["requests"] for r in timed),
            "not_2xx": sum(r["not_2xx"] for r in timed), "errors": sum(r["errors"] for r in timed),
            "timeouts": sum(r["timeouts"] for r in timed),
            "statuses": " ".join(sorted({r["statuses"] for r in timed if r["statuses"]})),
            "warm_status": bad[0] if bad else 200, "rounds_rps": [round(r["rps"], 1) for r in timed]}


def report(pages, facts: dict, measured: dict[tuple, list[dict]], meta: dict) -> dict:
    """The results of every round made into one figure per page and scale. A share is taken in each
    round against the figures measured beside it (the bare app at the round's start and end, the
    signed-in yardstick of the same scale and round, the same page at the other scale a moment
    before or after), and the median of the rounds' shares is reported."""
    bare_runs = measured[("bare", "bare", None)]
    bare_by_round = [(a["rps"] + b["rps"]) / 2 for a, b in itertools.pairwise(bare_runs)]
    rows = []
    for page in pages:
        row = {"page": page.name, "role": page.who or "signed out", "path": page.path, "scales": {}}
        for scale in facts:
            runs = measured.get(("page", page.name, scale))
            if runs is None:
                continue
            r = {k: v for k, v in facts[scale][page.name].items() if k != "statements"} | summary(runs)
            r = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items()}
            r["ratio_to_bare"] = round(_median(_ratios(runs, bare_by_round)), 3)
            yardstick = measured.get(("signed_in_reference", "signed_in_reference", scale))
            if page.who and yardstick:  # a signed-in page against the textbook signed-in list page
                r["ratio_to_signed_in_reference"] = round(_median(_ratios(runs, [y.get("rps", 0) for y in yardstick])), 2)
            row["scales"][scale] = r
        small, large = measured.get(("page", page.name, "small")), measured.get(("page", page.name, "large"))
        if small and large:
            each = _ratios(large, [s.get("rps", 0) for s in small])
            row["large_small"] = round(_median(each), 2)
            row["large_small_range"] = [round(min(each), 2), round(max(each), 2)] if each else []
            # the same ratio from one request at a time in-process (time small / time large)
            row["large_small_1req"] = round(row["scales"]["small"]["inprocess_ms"] / row["scales"]["large"]["inprocess_ms"], 2)
        rows.append(row)
    for kind, name in (("reference", "reference_list_page"), ("signed_in_reference", "signed_in_reference")):
        for scale in facts:
            runs = measured.get((kind, kind, scale), [])
            summed = summary(runs)
            meta.setdefault(name, {})[scale] = {k: round(summed[k], 2) for k in ("rps", "p50_ms", "p99_ms")} | {
                "ratio_to_bare": round(_median(_ratios(runs, bare_by_round)), 3), "rounds_rps": summed["rounds_rps"]}

    def bare(run: dict) -> dict:
        return {k: round(run[k], 2) for k in ("rps", "p50_ms", "p99_ms")}

    return {"connections": CONNECTIONS, "rounds": len(bare_by_round),
            "bare_flask": {"before": bare(bare_runs[0]), "after": bare(bare_runs[-1]),
                           "rounds_rps": [round(run["rps"], 1) for run in bare_runs]},
            "targets": TARGETS, **meta, "pages": rows}


def print_table(data: dict) -> None:
    bare = data["bare_flask"]
    rounds = ", ".join(f"{rps:.0f}" for rps in bare["rounds_rps"])
    print(f"\nbare Flask: {rounds} req/s at the start of each of {data['rounds']} rounds and after the last "
          f"({data['database']}, {data['machine']['cpu']}, {data['machine']['cores']} cores)")
    for name in ("reference_list_page", "signed_in_reference"):
        for scale, r in data.get(name, {}).items():
            print(f"{name.replace('_', ' ')} ({scale}): {r.get('rps', 0):.0f} req/s, p99 {r.get('p99_ms', 0):.1f} ms, "
                  f"{r.get('ratio_to_bare', 0):.2f} x bare")
    postgresql = data["database"] == "postgresql"  # and how many statements it planned on every run
    head = (f"{'page':24} {'scale':5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'1 req ms':>8} {'queries':>7} {'KB':>6} "
            f"{'KB gz':>6} {'x bare':>6} {'x ref':>6} {'L/S':>5} {'range':>9}" + (f" {'replan':>6}" if postgresql else ""))
    print(head)
    print("-" * len(head))
    for row in data["pages"]:
        for scale, r in row["scales"].items():
            large = scale == "large" and "large_small" in row
            ls = f"{row['large_small']:.2f}" if large else ""
            spread = "-".join(f"{x:.2f}" for x in row.get("large_small_range", [])) if large else ""
            print(f"{row['page'][:24]:24} {scale:5} {r.get('rps', 0):7.1f} {r.get('p50_ms', 0):7.1f} {r.get('p99_ms', 0):7.1f} "
                  f"{r['inprocess_ms']:8.1f} {r['queries']:7} {r['bytes'] / 1024:6.1f} {r['gzip_bytes'] / 1024:6.1f} "
                  f"{r['ratio_to_bare']:6.2f} {r.get('ratio_to_signed_in_reference', 0):6.2f} {ls:>5} {spread:>9}"
                  + (f" {r.get('replanned', 0):6}" if postgresql else ""))


def failures(data: dict) -> list[str]:
    found = []
    for row in data["pages"]:
        for scale, r in row["scales"].items():
            if r.get("warm_status") != 200 or r.get("status") != 200 or r.get("not_2xx") or r.get("errors") \
                    or r.get("timeouts"):
                found.append(f"{row['page']} ({scale}): status {r.get('warm_status')}/{r.get('status')}, "
                             f"{r.get('not_2xx', 0)} not 2xx {r.get('statuses', '')}, {r.get('errors', 0)} socket errors, "
                             f"{r.get('timeouts', 0)} timeouts")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="small,large", help="comma-separated: small, large")
    parser.add_argument("--seconds", type=float, default=3, help="how long wrk drives each page in each round")
    parser.add_argument("--rounds", type=int, default=3, help="how many times every page is driven")
    parser.add_argument("--smoke", action="store_true", help="small scale, one round of 2 s a page, fail on any answer not 2xx")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("make bench needs wrk, which is not installed. On Debian: apt-get install wrk", file=sys.stderr)
        return 2
    scales = ["small"] if args.smoke else [s for s in args.scales.split(",") if s]
    seconds, rounds = (2, 1) if args.smoke else (args.seconds, max(1, args.rounds))
    warm = not args.smoke  # a smoke run checks answers, not speed
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="groups-bench-"))
    try:
        with ExitStack() as servers:
            pages, facts, meta, targets = start_servers(servers, scales, folder)
            measured = measure(targets, rounds, seconds, warm)
        for (kind, _name, scale), runs in measured.items():
            if kind == "page":
                continue  # a page's answers are checked with its figures (`failures`, after the table)
            summed = summary(runs)
            if summed["warm_status"] != 200 or summed["not_2xx"] or summed["errors"]:
                raise BenchFailed(f"the {kind.replace('_', ' ')} ({scale or 'no database'}) answered {runs}")
        data = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": machine(),
                "database": "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite",
                **report(pages, facts, measured, meta)}
    except BenchFailed as failure:
        print(f"bench failed: {failure} (the logs are in {folder})", file=sys.stderr)
        return 1
    print_table(data)
    if not args.smoke:
        Path(args.out).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        print(f"\nwritten: {args.out}")
    bad = failures(data)
    for line in bad:
        print(f"NOT 2xx: {line}", file=sys.stderr)
    if bad:
        for log in sorted(folder.glob("gunicorn-*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}", file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
