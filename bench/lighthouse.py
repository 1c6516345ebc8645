"""Lighthouse (mobile preset) on the login screen and a worker's logged-in home: scores and CLS.

Run: .venv/bin/python bench/lighthouse.py [--households 40]

A benchmark, not a test (issue 16): it builds nothing, so run `make build` first. It serves the
built PWA with gunicorn on a throwaway SQLite database with the demo data, logs the demo worker
in through the login screen in a Chromium profile, and runs lighthouse@12.2.3 (the release that runs on Node 20) through npx with the
system Chromium, once per page (the home in that profile, its storage kept).
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


def logged_in_profile(base: str, profile: Path) -> Path:
    """A Chromium profile in which the demo worker has logged in through the login screen.

    The PWA keeps who is logged in on the phone (a cookie alone opens the login screen), so
    Lighthouse runs in this profile with its storage reset turned off, as a worker's phone would be.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROME_FLAGS.split()[1:],
            headless=True,
            locale="zh-CN",
        )
        page = context.new_page()
        page.goto(base + "/login")
        page.get_by_placeholder("用户名").fill("worker")
        page.get_by_placeholder("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(base + "/", timeout=60000)
        page.locator("[data-testid=due-resident]").first.wait_for(timeout=30000)
        context.close()
    return profile


def audit(url: str, out: Path, profile: Path | None) -> dict:
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
        f"--chrome-flags={CHROME_FLAGS}" + (f" --user-data-dir={profile}" if profile else ""),
    ]
    if profile:
        command.append("--disable-storage-reset")
    subprocess.run(command, cwd=ROOT / "pwa", env=dict(os.environ, CHROME_PATH=CHROMIUM), check=True)
    report = json.loads(out.read_text())
    scores = {name: round(100 * (c["score"] or 0)) for name, c in report["categories"].items()}
    audits = report["audits"]
    # What moved, when CLS counts anything: the elements Lighthouse blames, largest first.
    shifts = [
        f"{item.get('node', {}).get('selector', '?')} ({item.get('score', 0):.3f})"
        for item in (audits.get("layout-shifts", {}).get("details") or {}).get("items", [])[:4]
    ]
    return {
        "shifts": shifts,
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
            profile = logged_in_profile(base, workdir / "profile")
            pages = (("login", f"{base}/login", None), ("home (worker)", f"{base}/", profile))
            for name, url, profile_dir in pages:
                result = audit(url, workdir / f"{uuid.uuid4().hex}.json", profile_dir)
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
                if result["shifts"]:
                    print("  shifted: " + "; ".join(result["shifts"]))
        finally:
            gunicorn.stop(process)
    print(f"\n{missed} goal(s) missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
