"""Lighthouse (mobile preset) on the login screen and a worker's logged-in home: scores and CLS.

Run: .venv/bin/python bench/lighthouse.py [--households 40]

A benchmark, not a test (issue 16): it builds nothing, so run `make build` first. It serves the
built PWA with gunicorn on a throwaway SQLite database with the demo data, logs the demo worker
in over HTTP, and runs lighthouse@12.2.3 (the release that runs on Node 20) through npx with the
system Chromium, once per page, handing it the session cookie for the logged-in home.
Goals: performance ≥ 90 on both pages, accessibility ≥ 98, CLS ≤ 0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import gunicorn  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"
DEMO_PASSWORD = "demo-gridwalk"
GOALS = {"performance": 90, "accessibility": 98}
CLS_GOAL = 0.1


def serve(workdir: Path, households: int) -> tuple[subprocess.Popen, str, dict]:
    """gunicorn on a fresh SQLite database, migrated and seeded with the demo data."""
    env = dict(
        os.environ,
        GRIDWALK_CONFIG="default",
        GRIDWALK_INSTANCE=str(workdir / "instance"),
        DATABASE_URL=f"sqlite:///{workdir / 'lighthouse.db'}",
        SECRET_KEY=uuid.uuid4().hex * 2,
        PYTHONUNBUFFERED="1",
    )
    env.pop("REDIS_URL", None)
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "server"]
    for command in (
        ["db", "upgrade"],
        ["forms", "install-builtins"],
        ["seed-demo", "--households", str(households)],
    ):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = gunicorn.free_port()
    process = gunicorn.start(port, env, workdir / "server.log", workers=2, wait=60)
    return process, f"http://127.0.0.1:{port}", env


def session_cookie(base: str) -> str:
    """Log the demo worker in as the PWA does; the Cookie header for Lighthouse."""
    http = requests.Session()
    answer = http.post(f"{base}/api/v1/auth/login", json={"username": "worker", "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def audit(url: str, out: Path, cookie: str | None) -> dict:
    command = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--form-factor=mobile",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, cwd=ROOT / "pwa", env=dict(os.environ, CHROME_PATH=CHROMIUM), check=True)
    report = json.loads(out.read_text())
    scores = {name: round(100 * (c["score"] or 0)) for name, c in report["categories"].items()}
    audits = report["audits"]
    return {
        "scores": scores,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=40)
    args = parser.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").exists():
        parser.error("no built PWA: run `make build` first")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    missed = 0
    with tempfile.TemporaryDirectory(prefix="gridwalk-lighthouse-") as tmp:
        workdir = Path(tmp)
        process, base, _ = serve(workdir, args.households)
        try:
            pages = (("login", f"{base}/login", None), ("home (worker)", f"{base}/", session_cookie(base)))
            for name, url, cookie in pages:
                result = audit(url, workdir / f"{uuid.uuid4().hex}.json", cookie)
                s = result["scores"]
                verdicts = [
                    f"{cat} {s.get(cat, 0)} (goal ≥ {goal}) {'ok' if s.get(cat, 0) >= goal else 'MISSED'}"
                    for cat, goal in GOALS.items()
                ]
                cls_ok = result["cls"] <= CLS_GOAL
                missed += sum(s.get(cat, 0) < goal for cat, goal in GOALS.items()) + (not cls_ok)
                print(f"\n{name}: {url} → {result['final_url']}")
                print("  " + "; ".join(verdicts))
                print(
                    f"  best-practices {s.get('best-practices', 0)}; CLS {result['cls']:.3f} "
                    f"(goal ≤ {CLS_GOAL}) {'ok' if cls_ok else 'MISSED'}; "
                    f"TBT {result['tbt_ms']:.0f} ms; LCP {result['lcp_ms']:.0f} ms"
                )
        finally:
            gunicorn.stop(process)
    print(f"\n{missed} goal(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
