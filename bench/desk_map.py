"""Benchmark the desk's 一张图: the first draw of N clustered case markers in Chromium with a
throttled CPU (issue 15: 5,000 markers, 4× throttle, first draw ≤ 1 s).

Run: .venv/bin/python bench/desk_map.py [--points 5000] [--cpu-throttle 4] [--repeats 5]

Builds pwa/bench/desk-map.html (pwa/vite.bench.config.ts: the app's own src/map/cluster.ts and
Leaflet, nothing stubbed), serves it from a throwaway folder, and loads it in the system
Chromium (/usr/bin/chromium, never `playwright install`) with Emulation.setCPUThrottlingRate.
The page times from the points in hand to the second animation frame after drawing: the
supercluster index, Leaflet's map and canvas, and the clusters and single markers of the first
view, on a 1280×720 desk screen. Prints the median and each run.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PWA = ROOT / "pwa"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
GOAL_MS = 1000.0


def build(out: Path) -> Path:
    """The bench pages into out/bench (served under /bench/, as the config's base says)."""
    env = dict(os.environ, BENCH_OUT=str(out / "bench"))
    subprocess.run(
        ["npx", "vite", "build", "--config", "vite.bench.config.ts", "--logLevel", "warn"],
        cwd=PWA,
        env=env,
        check=True,
    )
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def measure(base: str, points: int, rate: float, repeats: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        try:
            for n in range(repeats + 1):  # the first run warms the disk cache and is left out
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                if rate > 1:
                    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
                page.goto(f"{base}/bench/desk-map.html?points={points}&seed={n + 1}")
                page.wait_for_function("() => window.deskMapBench", timeout=60_000)
                result = page.evaluate("() => window.deskMapBench")
                page.close()
                if n:
                    runs.append(result)
        finally:
            browser.close()
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--cpu-throttle", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gridwalk-bench-") as tmp:
        served = build(Path(tmp))
        handler = functools.partial(QuietHandler, directory=str(served))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            runs = measure(
                f"http://127.0.0.1:{server.server_port}", args.points, args.cpu_throttle, args.repeats
            )
        finally:
            server.shutdown()
            server.server_close()
    median = statistics.median(r["ms"] for r in runs)
    index = statistics.median(r["indexMs"] for r in runs)
    print(
        f"desk map first draw: {args.points:,} case markers clustered, CPU {args.cpu_throttle:g}× throttled, "
        f"{len(runs)} runs"
    )
    print(
        f"  median {median:.0f} ms (supercluster index {index:.0f} ms), {runs[0]['drawn']} clusters and markers drawn"
    )
    print(f"  goal ≤ {GOAL_MS:.0f} ms: {'ok' if median <= GOAL_MS else 'OVER GOAL'}")
    print("  runs: " + ", ".join(f"{r['ms']:.0f}" for r in runs) + " ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
