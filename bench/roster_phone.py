"""Benchmark the register on the phone: store a worker's full snapshot in IndexedDB, search the roster.

Run: .venv/bin/python bench/roster_phone.py [--households 500] [--repeats 5] [--cpu-throttle 1 --cpu-throttle 4]

Seeds a throwaway SQLite database with one grid of fictional households (server.demo, the same
generator as `flask seed-demo --households N`; 500 households ≈ 1,300 residents), serves it
with gunicorn and the built PWA, and drives the system Chromium with Playwright:

1. the app itself: a worker logs in through the login screen; time until the home's 今日到期
   list stands on the pulled snapshot (pull + IndexedDB + overlay), then roster searches by
   name typed into 住户 (the page's own timing of the index lookup, data-ms);
2. the same code apart (pwa/bench/roster.ts, built by pwa/vite.bench.config.ts): pull the
   snapshot, store every page through OutboxStore.applyChanges into an empty database
   (repeated), read it back and build the index, then search 25 names spread over the grid.

--cpu-throttle N slows Chromium's CPU N× through DevTools (4 ≈ a low-end Android phone).
Goals (issue 4): store ≤ 1 s, search ≤ 50 ms. Never runs `playwright install`: /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PWA = ROOT / "pwa"
DIST = PWA / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WORKER = "worker"
PASSWORD = "demo-gridwalk"  # server.demo.DEMO_PASSWORD: the bench database is demo data
GOAL_STORE_MS = 1000
GOAL_SEARCH_MS = 50


def build(out: Path) -> Path:
    """The app (when pwa/dist is missing) and the bench page; returns a served copy with bench/ in it."""
    if not (DIST / "index.html").exists():
        subprocess.run(["npm", "run", "build"], cwd=PWA, check=True)
    served = out / "dist"
    shutil.copytree(DIST, served)
    env = dict(os.environ, BENCH_OUT=str(served / "bench"))
    subprocess.run(
        ["npx", "vite", "build", "--config", "vite.bench.config.ts", "--logLevel", "warn"],
        cwd=PWA,
        env=env,
        check=True,
    )
    return served


def seed(env: dict[str, str], households: int) -> dict[str, int]:
    """Migrate, load the demo organisation and users, and one grid's register (the worker's)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from server import create_app, demo
        from server.auth.models import User
        from server.extensions import db
        from server.register.models import Household, Resident

        app = create_app()
        with app.app_context():
            upgrade()
            demo.seed_org()
            demo.seed_users()
            demo.seed_forms()
            worker = db.session.scalar(select(User).where(User.username == WORKER))
            grid = worker.grids[0]
            demo.seed_households(households, grids=[grid])
            db.session.commit()
            counts = {
                "grid_id": grid.id,
                "households": db.session.scalar(select(func.count()).select_from(Household)),
                "residents": db.session.scalar(select(func.count()).select_from(Resident)),
            }
            db.engine.dispose()
        return counts
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "server:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"the server did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def poll(page, expression: str, timeout: float = 60.0, arg=None):
    """Evaluate until truthy (through DevTools: the app's CSP forbids compiling code in the page)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for: {expression}")
        time.sleep(0.02)


def throttle(context, page, rate: float) -> None:
    if rate > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def in_the_app(browser, base: str, rate: float, names: list[str]) -> dict:
    """The real app: login → 今日到期 from the stored snapshot; roster searches typed into 住户."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        throttle(context, page, rate)
        page.goto(base + "/login")
        page.get_by_placeholder("用户名").fill(WORKER)
        page.get_by_placeholder("密码").fill(PASSWORD)
        started = time.perf_counter()
        page.get_by_role("button", name="登录").click()
        poll(page, "() => document.querySelector('[data-testid=due-today][data-ready=true]') !== null", 120)
        first_screen = (time.perf_counter() - started) * 1000
        page.get_by_test_id("tab-roster").click()
        page.get_by_test_id("roster-search").wait_for()
        box = page.get_by_test_id("roster-search").locator("input")
        in_page, typed = [], []
        for name in names:
            box.fill("")
            t0 = time.perf_counter()
            box.fill(name)
            ms = poll(
                page,
                """(q) => {
                    const line = document.querySelector('[data-testid=roster-results]');
                    const input = document.querySelector('[data-testid=roster-search] input');
                    return line && input && input.value === q && line.dataset.ms !== '' ? line.dataset.ms : null;
                }""",
                10,
                name,
            )
            typed.append((time.perf_counter() - t0) * 1000)
            in_page.append(float(ms))
        return {"first_screen_ms": first_screen, "search_ms": in_page, "typed_ms": typed}
    finally:
        context.close()


def apart(browser, base: str, rate: float, repeats: int) -> dict:
    """The same modules on a page of their own: pull, store (repeated), index, 25 searches × 3."""
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base + "/bench/roster.html")
        poll(page, "() => document.getElementById('state')?.textContent === 'ready'", 30)
        page.evaluate("([u, p]) => window.gridwalkBench.login(u, p)", [WORKER, PASSWORD])
        pulled = page.evaluate("() => window.gridwalkBench.pull(500)")
        throttle(context, page, rate)
        stores = [page.evaluate("() => window.gridwalkBench.store()") for _ in range(repeats)]
        queued = [page.evaluate("() => window.gridwalkBench.storeQueued()") for _ in range(repeats)]
        # The index reads what store() wrote: store once more last.
        page.evaluate("() => window.gridwalkBench.store()")
        built = page.evaluate("() => window.gridwalkBench.index()")
        searches = []
        for _ in range(3):
            for name in built["names"]:
                searches.append(page.evaluate("(q) => window.gridwalkBench.search(q)", name))
        return {"pulled": pulled, "stores": stores, "queued": queued, "built": built, "searches": searches}
    finally:
        context.close()


def report(rate: float, app: dict, alone: dict) -> bool:
    store_ms = [s["ms"] for s in alone["stores"]]
    search_ms = [s["ms"] for s in alone["searches"]]
    app_search = app["search_ms"]
    built = alone["built"]
    pulled = alone["pulled"]
    label = "no CPU throttling" if rate <= 1 else f"CPU throttled {rate:g}×"
    print(
        f"\nChromium, {label}: one grid of {built['households']:,} households / {built['residents']:,} residents"
    )
    print(
        f"  snapshot: {pulled['pages']} pages of 500, {sum(pulled['changes'].values()):,} changes {pulled['changes']}"
    )
    print(f"  pull over HTTP (for reference):          {pulled['ms']:8.0f} ms")
    print(
        f"  store in IndexedDB (applyChanges):       {statistics.median(store_ms):8.0f} ms median, "
        f"{min(store_ms):.0f} best, {max(store_ms):.0f} worst of {len(store_ms)}  (goal ≤ {GOAL_STORE_MS} ms)"
    )
    queued_ms = [s["ms"] for s in alone["queued"]]
    print(
        f"  (same rows, requests queued per page instead of awaited one by one: "
        f"{statistics.median(queued_ms):.0f} ms median; for reference)"
    )
    print(
        f"  read back + overlay + index build:       {built['readMs'] + built['buildMs']:8.0f} ms "
        f"({built['readMs']:.0f} read, {built['buildMs']:.0f} build)"
    )
    print(
        f"  search by name (index):                  {statistics.median(search_ms):8.2f} ms median, "
        f"{max(search_ms):.2f} worst of {len(search_ms)}  (goal ≤ {GOAL_SEARCH_MS} ms)"
    )
    print(
        f"  in the app, 住户 search (page's timing): {statistics.median(app_search):8.2f} ms median, "
        f"{max(app_search):.2f} worst of {len(app_search)}"
    )
    print(
        f"  in the app, typed → results on screen:   {statistics.median(app['typed_ms']):8.0f} ms median "
        f"(includes Playwright's round trips and Vue's render)"
    )
    print(f"  in the app, login → 今日到期 from the snapshot: {app['first_screen_ms']:.0f} ms")
    store_ok = statistics.median(store_ms) <= GOAL_STORE_MS
    search_ok = max(search_ms) <= GOAL_SEARCH_MS and max(app_search) <= GOAL_SEARCH_MS
    print(f"  store: {'ok' if store_ok else 'ABOVE GOAL'}   search: {'ok' if search_ok else 'ABOVE GOAL'}")
    return store_ok and search_ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--cpu-throttle", type=float, action="append", help="Chromium CPU slowdown (repeatable)"
    )
    args = parser.parse_args()
    rates = args.cpu_throttle or [1.0]
    if not Path(CHROMIUM).exists():
        raise SystemExit(
            f"{CHROMIUM} is missing (apt-get install chromium); this bench never downloads a browser"
        )
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gridwalk-roster-bench-") as tmp:
        workdir = Path(tmp)
        served = build(workdir)
        instance = workdir / "instance"
        instance.mkdir()
        env = dict(
            os.environ,
            GRIDWALK_CONFIG="default",
            GRIDWALK_INSTANCE=str(instance),
            PWA_DIST=str(served),
            DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
            PYTHONUNBUFFERED="1",
        )
        env.pop("REDIS_URL", None)
        counts = seed(env, args.households)
        print(f"seeded: {counts['households']:,} households, {counts['residents']:,} residents (demo data)")
        port = free_port()
        server = serve(env, port, workdir / "server.log")
        ok = True
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                try:
                    base = f"http://127.0.0.1:{port}"
                    for rate in rates:
                        alone = apart(browser, base, rate, args.repeats)
                        names = alone["built"]["names"][:8]
                        app = in_the_app(browser, base, rate, names)
                        ok = report(rate, app, alone) and ok
                finally:
                    browser.close()
        finally:
            stop(server)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
