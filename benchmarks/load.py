"""A hundred people at once: the production-like stack on loopback under simulated headteachers, governors, board
members and coordinators, at 25 and at 100 people.

    DATABASE_URL=postgres://.../yours python benchmarks/load.py [--people 25 100] [--seconds 60] [--slug county]

Builds the county partnership (600 schools, five cycles, as benchmarks/dashboard.py does) unless it exists, adds
the people to simulate (a headteacher and a governor of schools whose review is shared with governors, board
members, coordinators; their reports rendered beforehand, as they would be by the time governors read them), then
starts the stack as docker-compose runs it: gunicorn with 3 sync workers and DEBUG off, behind which the requests
come as if through the proxy (each person with an address of their own), a Celery worker for each queue, the real
PostgreSQL and Redis.

For each number of people, Locust (benchmarks/people_under_load.py) signs everyone in over the first seconds and
then runs their journeys for `--seconds`, each person pausing 1-5 s between pages. Printed per page and overall:
p50, p95 and p99 in ms, requests per second and errors, and the CPU the server used (gunicorn, the workers and
PostgreSQL, from /proc) per request. Sign-in is reported apart from the steady state, which is every page asked
for after the last person signed in. Pages asked for while people were still signing in wait behind the password
checks (a quarter of a second of a core each) and are reported on a line of their own. The last line:

    load: 100 people p95 N ms, 25 people p95 M ms, E errors
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

# Importing the dashboard benchmark sets Django up as it does (DEBUG off) and gives the county's builder.
from benchmarks.dashboard import ensure_county  # noqa: E402
from partnership.accounts.models import User  # noqa: E402
from partnership.tenancy.models import Membership, Partnership  # noqa: E402
from partnership.tenancy.scoping import partnership_scope  # noqa: E402
from reviews.models import Review, ReviewStatus  # noqa: E402
from reviews.models.reports import RenderStatus, ReportRender  # noqa: E402
from reviews.services.reports import report_request  # noqa: E402
from schools.models import School  # noqa: E402
from tests.servers import free_port, status_of_get  # noqa: E402

PASSWORD = "load-test-2026"  # noqa: S105 (the simulated people of a throwaway benchmark database)
PEOPLE = {"headteacher": 40, "governor": 30, "board_member": 15, "coordinator": 15}
SIGN_IN = ("sign in", "sign in: form")


def ensure_people(partnership: Partnership) -> dict[str, list[dict]]:
    """The people Locust signs in as, made once: each headteacher and governor at a school of their own."""
    password = make_password(PASSWORD)
    slug = partnership.slug
    with partnership_scope(partnership):
        shared = list(
            Review.objects.filter(status=ReviewStatus.SHARED)
            .order_by("-cycle__academic_year_start", "pk")
            .values_list("pk", "school_id")[: max(PEOPLE["headteacher"], PEOPLE["governor"])]
        )
        if len(shared) < max(PEOPLE["headteacher"], PEOPLE["governor"]):
            sys.exit(f"'{slug}' has only {len(shared)} reviews shared with governors: build it with more cycles.")
        urns = list(School.objects.order_by("urn").values_list("urn", flat=True)[:200])
        people: dict[str, list[dict]] = {role: [] for role in PEOPLE}
        for role, count in PEOPLE.items():
            for number in range(count):
                email = f"load-{role.replace('_', '-')}-{number}@{slug}.example"
                user = User.objects.filter(email=email).first() or User.objects.create(
                    email=email, password=password, first_name=role.replace("_", " ").title(), last_name=str(number)
                )
                review, school = shared[number] if role in ("headteacher", "governor") else (None, None)
                if not Membership.objects.filter(user=user, role=role, ended_on__isnull=True).exists():
                    Membership.objects.create(
                        partnership=partnership, user=user, role=role, school_id=school, started_on=timezone.localdate()
                    )
                people[role].append({"email": email, "review": review, "schools": urns})
    return people


def render_reports(partnership: Partnership, people: dict[str, list[dict]]) -> None:
    """The governors' reports, rendered by the worker before the clock starts."""
    with partnership_scope(partnership):
        governor = User.objects.get(email=people["governor"][0]["email"])
        renders = [
            report_request(review=Review.objects.get(pk=p["review"]), requested_by=governor) for p in people["governor"]
        ]
        deadline = time.monotonic() + 600
        ids = [render.pk for render in renders if render is not None]
        while ReportRender.objects.filter(pk__in=ids).exclude(status=RenderStatus.READY).exists():
            if time.monotonic() > deadline:
                sys.exit("The worker did not render the governors' reports within 10 minutes.")
            time.sleep(1)
    print(f"{len(ids)} governors' reports ready")


def stack_environment(port: int) -> dict[str, str]:
    db = connection.settings_dict
    owner = db.get("OWNER") or {}
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-benchmark-only-" + "x" * 60),
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "*",
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"postgres://{owner.get('USER', db['USER'])}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }


def start_stack(environment: dict[str, str], logs: Path) -> list[subprocess.Popen]:
    python = sys.executable
    commands = {
        "web": [python, "-m", "gunicorn", "partnership.wsgi", "-c", "gunicorn.conf.py"],
        "worker": [python, "-m", "celery", "-A", "partnership", "worker", "-Q", "default", "--concurrency", "1",
                   "-n", "load-default@%h", "-l", "warning"],
        "worker-pdf": [python, "-m", "celery", "-A", "partnership", "worker", "-Q", "pdf", "--concurrency", "1",
                       "--prefetch-multiplier", "1", "-n", "load-pdf@%h", "-l", "warning"],
    }  # fmt: skip
    processes = []
    for name, command in commands.items():
        output = (logs / f"{name}.log").open("w")
        processes.append(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT))
    return processes


def wait_for_web(port: int, processes: list[subprocess.Popen], logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if processes[0].poll() is not None:
            sys.exit((logs / "web.log").read_text()[-3000:])
        try:
            if status_of_get(port, timeout=5) == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer: {(logs / 'web.log').read_text()[-3000:]}")


def server_cpu_ticks(roots: list[int]) -> dict[int, int]:
    """CPU time in clock ticks of the given processes and all their children, and of the PostgreSQL backends
    serving this database. A root counts its reaped children too (cutime, cstime), so a gunicorn worker recycled
    after max_requests is not lost; so does the postmaster for backends that ended (of any database: run on a quiet
    machine). Keys are pids; the postmaster's reaped children are under its own pid."""
    database = f" {connection.settings_dict['NAME']} "
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    own: dict[int, int] = {}
    reaped: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        names[pid] = name
        own[pid] = int(fields[11]) + int(fields[12])
        reaped[pid] = int(fields[13]) + int(fields[14])
    counted: dict[int, int] = {pid: reaped.get(pid, 0) for pid in roots}
    stack = list(roots)
    while stack:
        pid = stack.pop()
        counted[pid] = counted.get(pid, 0) + own.get(pid, 0)
        stack.extend(child for child in children.get(pid, []) if child not in counted)
    parent_of = {child: parent for parent, kids in children.items() for child in kids}
    for pid, name in names.items():
        if name != "postgres":
            continue
        try:
            title = (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if database in title:
            counted[pid] = own[pid]
        elif names.get(parent_of.get(pid)) != "postgres":
            counted[pid] = reaped[pid]  # the postmaster: backends that ended during the run
    return counted


def cpu_seconds_between(before: dict[int, int], after: dict[int, int]) -> float:
    """What the processes alive at the end used since the start (a process started meanwhile, all of its time)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(people_count: int, seconds: int, port: int, host: str, people_file: Path, processes, logs: Path) -> dict:
    record = logs / f"record-{people_count}.jsonl"
    ramp = max(5, people_count // 10)  # everyone signs in within `ramp` seconds: 100 people in 10 s
    environment = {
        **os.environ,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_HOST": host,
        "LOAD_PEOPLE": str(people_file),
        "LOAD_RECORD": str(record),
    }
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "people_under_load.py"), "--headless",
               "-u", str(people_count), "-r", str(people_count / ramp), "-t", f"{seconds + ramp + 20}s",
               "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING"]  # fmt: skip
    cpu_before = server_cpu_ticks([p.pid for p in processes])
    started = time.time()
    subprocess.run(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    finished = time.time()
    cpu_after = server_cpu_ticks([p.pid for p in processes])
    rows = [json.loads(line) for line in record.read_text().splitlines()]
    sign_ins = [row for row in rows if row[1] in SIGN_IN]
    everyone_in = max((row[0] for row in sign_ins), default=started)
    # A row is (finished at, page, milliseconds, failed): a page belongs to the steady state when it was asked for
    # after everyone had signed in; one asked for before waited in the queue behind the sign-ins.
    pages = [row for row in rows if row[1] not in SIGN_IN]
    steady = [row for row in pages if row[0] - row[2] / 1000 > everyone_in]
    during_sign_in = [row for row in pages if row[0] - row[2] / 1000 <= everyone_in]
    steady_seconds = max(1.0, finished - everyone_in)
    if not steady:
        sys.exit("Nobody got past signing in: " + (logs / f"locust-{people_count}.log").read_text()[-3000:])
    by_page: dict[str, list] = {}
    for row in steady:
        by_page.setdefault(row[1], []).append(row)

    def line(label: str, rows_of: list, duration: float) -> str:
        times = [row[2] for row in rows_of]
        errors = sum(1 for row in rows_of if row[3])
        return (
            f"  {label:<18} {len(times):>6} {percentile(times, 0.5):>7.0f} {percentile(times, 0.95):>7.0f} "
            f"{percentile(times, 0.99):>7.0f} {len(times) / duration:>7.1f} {errors:>6}"
        )

    print(f"\n{people_count} people: sign-in over {everyone_in - started:.0f} s, steady state {steady_seconds:.0f} s")
    print(f"  {'page':<18} {'reqs':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} {'errors':>6}")
    for name in sorted(by_page):
        print(line(name, by_page[name], steady_seconds))
    print(line("steady (all)", steady, steady_seconds))
    print(line("sign in", [row for row in sign_ins if row[1] == "sign in"], max(1.0, everyone_in - started)))
    if during_sign_in:
        print(line("pages in sign-in", during_sign_in, max(1.0, everyone_in - started)))
    cpu, elapsed, cores = cpu_seconds_between(cpu_before, cpu_after), finished - started, os.cpu_count()
    print(
        f"  server CPU: {cpu:.0f} s over {elapsed:.0f} s ({100 * cpu / elapsed / cores:.0f}% of {cores} cores), "
        f"{1000 * cpu / max(1, len(rows)):.0f} ms per request (sign-in included)"
    )
    return {
        "p95": percentile([row[2] for row in steady], 0.95),
        "errors": sum(1 for row in rows if row[3]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, nargs="+", default=[25, 100])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--slug", default="county")
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()

    partnership = ensure_county(args.slug, args.schools, args.cycles)
    with connection.as_owner(), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    people = ensure_people(partnership)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                   env={**os.environ, "DEBUG": "0", "SECRET_KEY": "load-benchmark-only-" + "x" * 60})  # fmt: skip
    host = f"{partnership.slug}.{settings.PORTAL_DOMAIN}"
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        logs = Path(folder)
        people_file = logs / "people.json"
        people_file.write_text(json.dumps(people))
        port = free_port()
        processes = start_stack(stack_environment(port), logs)
        try:
            wait_for_web(port, processes, logs)
            render_reports(partnership, people)
            results = {
                count: run(count, args.seconds, port, host, people_file, processes, logs) for count in args.people
            }
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)
    errors = sum(result["errors"] for result in results.values())
    figures = ", ".join(f"{count} people p95 {results[count]['p95']:.0f} ms" for count in sorted(results, reverse=True))
    print(f"load: {figures}, {errors} errors")


if __name__ == "__main__":
    main()
