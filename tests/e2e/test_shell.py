"""The app shell in Chromium: log in, lose the server, cold-start offline; update on the user's word."""

from tests.e2e.conftest import login, wait_for_offline_ready, wait_until


def test_worker_cold_starts_the_app_with_the_server_unreachable(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    page.get_by_text("你好，网格员01-1（演示）").wait_for()
    wait_for_offline_ready(page)

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
    wait_for_offline_ready(page)

    # Deploy: a byte-different service worker, as every build with changed files produces.
    sw = server.dist / "sw.js"
    sw.write_text(sw.read_text() + "\n// deployed again\n")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.get_by_text("有新版本").first.wait_for(timeout=20000)

    # "Later": nothing reloads under the worker's hands.
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="稍后").click()
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__notReloaded === true")

    # The 我的 page keeps offering the update; taking it reloads into the new version.
    page.goto(server.url + "/me")
    page.get_by_text("有新版本，点击更新").click()
    page.get_by_role("button", name="立即更新").click(timeout=5000)
    wait_until(page, "() => window.__notReloaded === undefined")
    page.get_by_text("worker", exact=True).first.wait_for()
