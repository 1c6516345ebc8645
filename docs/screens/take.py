"""Screenshots of home, the welfare visit form, the hazard form and the review queue at 360×740 (issue 16).

Run from a checkout with a built PWA: .venv/bin/python docs/screens/take.py --root . --label after
(`--root` may be another checkout, e.g. a git worktree of an older commit, for the "before" set;
`--only hazard-form home` takes just those.)
Each run serves that checkout with gunicorn on a fresh SQLite database with the demo data and
writes docs/screens/<label>-<screen>.png here, in this checkout.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PASSWORD = "demo-gridwalk"
PHONE = {"width": 360, "height": 740}
SCREENS = ("home", "welfare-form", "hazard-form", "review-queue")
# The phone's GPS fix for the hazard form (the demo grid's street).
GPS = {"latitude": 28.6772, "longitude": 115.8921, "accuracy": 12}


def serve(root: Path, workdir: Path) -> tuple[subprocess.Popen, str]:
    env = dict(
        os.environ,
        GRIDWALK_CONFIG="default",
        GRIDWALK_INSTANCE=str(workdir / "instance"),
        DATABASE_URL=f"sqlite:///{workdir / 'screens.db'}",
        SECRET_KEY=uuid.uuid4().hex * 2,
    )
    env.pop("REDIS_URL", None)
    flask = [str(root / ".venv" / "bin" / "flask"), "--app", "server"]
    for command in (["db", "upgrade"], ["forms", "install-builtins"], ["seed-demo", "--households", "40"]):
        subprocess.run(flask + command, cwd=root, env=env, check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = root / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "server.wsgi:app"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/health", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def login(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_placeholder("用户名").fill(username)
    page.get_by_placeholder("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/", timeout=60000)


def quiet(page) -> None:
    """No toast over the screen (已可离线使用 comes once, when the service worker takes over)."""
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)")
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.van-toast')].some(t => t.getClientRects().length)"
    )


def take(root: Path, label: str, screens: tuple[str, ...] = SCREENS) -> list[Path]:
    shots = []
    with tempfile.TemporaryDirectory(prefix="gridwalk-screens-") as tmp, sync_playwright() as pw:
        process, base = serve(root, Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context(
                locale="zh-CN",
                viewport=PHONE,
                device_scale_factor=2,
                geolocation=GPS,
                permissions=["geolocation"],
            ).new_page()
            login(page, base, "worker")
            page.locator("[data-testid=due-resident]").first.wait_for(timeout=30000)
            page.wait_for_timeout(800)
            if "home" in screens:
                quiet(page)
                shots.append(HERE / f"{label}-home.png")
                page.screenshot(path=shots[-1])
            if "hazard-form" in screens:
                page.get_by_role("button", name="上报隐患").first.click()
                page.get_by_role("radiogroup", name="隐患类别").wait_for()
                page.get_by_text("精度约").or_(page.get_by_text("已定位")).first.wait_for(timeout=30000)
                page.wait_for_timeout(300)
                quiet(page)
                shots.append(HERE / f"{label}-hazard-form.png")
                page.screenshot(path=shots[-1], full_page=True)
                page.goto(base + "/")
                page.locator("[data-testid=due-resident]").first.wait_for(timeout=30000)
            if "welfare-form" not in screens and "review-queue" not in screens:
                return shots
            page.locator("[data-testid=due-resident]").first.click()
            group = page.get_by_role("radiogroup", name="巡访方式")
            group.get_by_role("radio", name="上门探访").click()
            if page.get_by_test_id("all-fine").count():
                page.get_by_test_id("all-fine").click()
            else:  # before the one-tap button: the five areas one by one, as workers did
                for area in ("身体健康", "经济状况", "家庭赡养/照料责任落实", "住房及水电气安全", "服务需求"):
                    page.get_by_role("radiogroup", name=area).get_by_role("radio", name="正常").click()
            page.wait_for_timeout(300)
            if "welfare-form" in screens:
                shots.append(HERE / f"{label}-welfare-form.png")
                page.screenshot(path=shots[-1], full_page=True)
            for question in ("是否有重大变化", "是否需要转介"):
                no = page.get_by_role("radiogroup", name=question).get_by_role("radio", name="否")
                if no.get_attribute("aria-checked") != "true":
                    no.click()
            page.get_by_role("button", name="保存").click()
            page.get_by_text("已保存").first.wait_for()
            page.goto(base + "/outbox")  # online: it syncs, and the review queue has a visit to show
            page.get_by_test_id("outbox-empty").wait_for(timeout=60000)

            if "review-queue" in screens:
                desk = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2).new_page()
                login(desk, base, "supervisor")
                desk.goto(base + "/review")
                desk.locator("[data-testid=review-row]").first.wait_for(timeout=30000)
                desk.wait_for_timeout(800)
                shots.append(HERE / f"{label}-review-queue.png")
                desk.screenshot(path=shots[-1])
        finally:
            browser.close()
            process.terminate()
            process.wait(10)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE.parent.parent)
    parser.add_argument("--label", required=True, help="before or after")
    parser.add_argument("--only", nargs="+", choices=SCREENS, default=SCREENS, help="these screens only")
    args = parser.parse_args()
    for shot in take(args.root.resolve(), args.label, tuple(args.only)):
        print(shot.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    main()
