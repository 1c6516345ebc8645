"""The app shell in Chromium: log in, lose the server, cold-start offline; update on the user's word;
desk screens cached only for desk users; language and logout on 我的."""

import re

from tests.e2e.conftest import DEMO_PASSWORD, login, wait_for_offline_ready, wait_until

# Cached URLs of desk-only screens (vite.config.ts leaves them out of the precache).
DESK_CACHED = """() => caches.keys().then(names => Promise.all(names.map(name =>
    caches.open(name).then(cache => cache.keys()).then(requests => requests
        .map(r => new URL(r.url).pathname)
        .filter(p => /^\\/assets\\/(SupervisorHome|HandlerHome|AdminHome|ReviewQueuePage|CaseBoardPage|TaskNewPage|DashboardPage|charts)-/.test(p))
        .map(p => name + ' ' + p))))).then(lists => lists.flat())"""

# Ask the controlling service worker which deployment it runs: only the redeployed sw.js answers.
WHICH_WORKER = """() => new Promise(resolve => {
    const controller = navigator.serviceWorker.controller;
    if (!controller) return resolve(null);
    const channel = new MessageChannel();
    channel.port1.onmessage = event => resolve({ url: controller.scriptURL, version: event.data });
    controller.postMessage({ type: 'GW_TEST_WHICH_VERSION' }, [channel.port2]);
    setTimeout(() => resolve({ url: controller.scriptURL, version: null }), 1000);
})"""
ANSWERS_VERSION = (
    "\n;self.addEventListener('message', (event) => {"
    " if (event.data && event.data.type === 'GW_TEST_WHICH_VERSION')"
    " event.ports[0].postMessage('deployed-again') });\n"
)

# A tab's accessible name starts with its icon's glyph: match the label at the end ("Me", not "Home").
TAB_HOME = re.compile(r"(^|\W)Home$")
TAB_ME = re.compile(r"(^|\W)Me$")


def test_worker_cold_starts_the_app_with_the_server_unreachable(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    wait_for_offline_ready(page)
    # A worker's phone holds no supervisor, handler or admin code.
    assert page.evaluate(DESK_CACHED) == []

    # The basement: the server is gone and the app is closed completely.
    server.stop()
    phone.close()

    context = phone.open()
    page = context.new_page()
    page.goto(server.url + "/")
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    page.get_by_text("离线模式：记录会保存在手机上，联网后自动同步").wait_for()
    page.get_by_text("蓼洲街社区第1网格").first.wait_for()

    # A reload and a deep link both come from the service worker's cached shell.
    page.reload()
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    page.goto(server.url + "/me")
    page.get_by_text("worker", exact=True).first.wait_for()

    # Back in the street: the banner goes once the server answers again.
    server.start()
    page.goto(server.url + "/")
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    page.get_by_text("离线模式：记录会保存在手机上，联网后自动同步").wait_for(state="hidden", timeout=20000)


def test_new_version_is_announced_and_loads_only_on_the_users_word(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    wait_for_offline_ready(page)
    # Set after the last full page load: only a reload clears it.
    page.evaluate("window.__notReloaded = true")
    before = page.evaluate(WHICH_WORKER)
    assert before["url"] == server.url + "/sw.js" and before["version"] is None

    # Deploy: a byte-different service worker that, unlike the old one, tells its version.
    sw = server.dist / "sw.js"
    sw.write_text(sw.read_text() + ANSWERS_VERSION)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.get_by_text("有新版本").first.wait_for(timeout=20000)

    # Unanswered, the prompt changes nothing: same page, old worker still in control.
    page.wait_for_timeout(3000)
    page.get_by_role("button", name="立即更新").wait_for()
    assert page.evaluate("window.__notReloaded === true")
    assert page.evaluate(WHICH_WORKER)["version"] is None

    # "Later", then moving around the app: nothing reloads under the worker's hands.
    page.get_by_role("button", name="稍后").click()
    page.get_by_role("button", name="稍后").wait_for(state="hidden")
    page.get_by_role("tab", name="我的").or_(page.get_by_role("link", name="我的")).first.click()
    page.wait_for_url("**/me")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__notReloaded === true")
    assert page.evaluate(WHICH_WORKER)["version"] is None

    # 我的 keeps offering the update; taking it reloads into the new worker.
    page.get_by_text("有新版本，点击更新").click()
    page.get_by_role("button", name="立即更新").click(timeout=5000)
    wait_until(page, "() => window.__notReloaded === undefined")
    page.get_by_text("worker", exact=True).first.wait_for()
    after = wait_until(page, f"() => ({WHICH_WORKER})().then(w => w && w.version === 'deployed-again' && w)")
    assert after["url"] == server.url + "/sw.js"
    assert page.get_by_text("有新版本，点击更新").count() == 0


def test_admin_switches_to_english_and_logs_out(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "admin")
    page.get_by_text("你好，系统管理员（演示）").wait_for()
    page.get_by_text("系统概况", exact=True).wait_for()
    page.get_by_test_id("admin-overview").wait_for()
    wait_for_offline_ready(page)

    page.get_by_role("tab", name="我的").or_(page.get_by_role("link", name="我的")).first.click()
    page.wait_for_url("**/me")
    logout = page.get_by_test_id("logout")
    assert logout.inner_text().strip() == "退出登录"
    page.get_by_test_id("language").get_by_text("English").click()
    page.get_by_text("Language", exact=True).wait_for()
    assert logout.inner_text().strip() == "Log out"

    # The choice outlives a reload, which now runs under the service worker.
    page.reload()
    page.get_by_test_id("logout").get_by_text("Log out").wait_for()
    page.get_by_role("tab", name=TAB_HOME).first.click()
    page.get_by_text("Hello, 系统管理员（演示）").wait_for()
    page.get_by_text("Overview", exact=True).wait_for()
    # The admin's screen came through the runtime cache; the precache never held it.
    cached = wait_until(page, DESK_CACHED)
    assert all(entry.startswith("gridwalk-desk-assets /assets/AdminHome-") for entry in cached), cached

    page.get_by_role("tab", name=TAB_ME).first.click()
    page.get_by_test_id("logout").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Log out now?").wait_for()
    dialog.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/login")
    page.get_by_placeholder("Username").wait_for()

    # The session is gone: the home sends back to the login screen until the admin logs in again.
    page.goto(server.url + "/")
    page.wait_for_url("**/login")
    page.get_by_placeholder("Username").fill("admin")
    page.get_by_placeholder("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(server.url + "/", timeout=60000)
    page.get_by_text("Hello, 系统管理员（演示）").wait_for()
