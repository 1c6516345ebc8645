"""Web Push in Chromium: a push shows the notification, a tap opens its page; 我的 without a push service.

The push comes in through the DevTools protocol (ServiceWorker.deliverPushMessage), as a push
service would deliver it, with the payload the server builds. Headless Chromium has no way to
click a real notification, so the tap is a notificationclick event dispatched inside the
service worker: the app's own handler runs, minus the user activation (so focus() is refused
and the handler goes on to navigate). The handler's branches are unit-tested in Vitest
(pwa/tests/push.test.ts).
"""

from __future__ import annotations

import json
import time

from server.push.service import build_message
from tests.e2e.conftest import login, wait_for_offline_ready, wait_until

NOTIFICATIONS = """() => navigator.serviceWorker.ready
    .then((registration) => registration.getNotifications())
    .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data })))"""


def worker_registration(context, page, scope: str):
    """A DevTools session and the worker's registration id (listen first, then enable)."""
    cdp = context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for registration in registrations:
            if registration["scopeURL"] == scope and not registration.get("isDeleted"):
                return cdp, registration["registrationId"]
        page.wait_for_timeout(100)  # lets Playwright deliver the DevTools events
    raise AssertionError(f"no service worker registration for {scope}: {registrations}")


def test_a_push_shows_the_notification_and_a_tap_opens_its_page(server, phone):
    context = phone.open()
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    # What server/push sends for a task (the task screens come later: /outbox stands in).
    message = build_message(
        kind="task_assigned",
        title="新任务：关爱巡访 王秀英",
        url="/outbox",
        tag="task-e2e-1",
        data={"task_id": "e2e-1"},
    )
    cdp, registration = worker_registration(context, page, server.url + "/")
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": message["payload"]},
    )

    [shown] = wait_until(page, NOTIFICATIONS)
    assert shown["title"] == "新任务：关爱巡访 王秀英"
    assert shown["body"] == "你有一项新任务，点击查看"
    assert shown["tag"] == "task-e2e-1"
    assert shown["icon"] == server.url + "/icons/icon-192.png"
    assert shown["data"] == {"task_id": "e2e-1", "kind": "task_assigned", "url": server.url + "/outbox"}

    # A second push for the same task replaces the notification instead of stacking another.
    again = json.loads(message["payload"]) | {"title": "新任务：关爱巡访 王秀英（已改期）"}
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": registration, "data": json.dumps(again, ensure_ascii=False)},
    )
    replaced = wait_until(
        page,
        NOTIFICATIONS
        + ".then((shown) => shown.length === 1 && shown[0].title.endsWith('（已改期）') && shown)",
    )
    assert replaced[0]["tag"] == "task-e2e-1"

    # The tap: the app's notificationclick handler takes the open window to the task's page.
    assert page.url == server.url + "/"
    [worker] = context.service_workers
    worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications({ tag: 'task-e2e-1' })
            self.dispatchEvent(new NotificationEvent('notificationclick', { notification }))
        }"""
    )
    page.wait_for_url(server.url + "/outbox", timeout=20000)
    page.get_by_text("待同步").first.wait_for()
    assert wait_until(
        page,
        "() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => n.length === 0)",
    )


def test_turning_on_push_without_a_push_service_says_tasks_still_arrive_by_sync(server, phone):
    context = phone.open()
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    page.goto(server.url + "/me")
    section = page.get_by_test_id("push")
    section.get_by_text("消息通知").wait_for()
    section.get_by_text("未开启").wait_for()
    # Chromium here has no push service (no Google services), like most phones in mainland China:
    # its subscribe() never answers, and the app gives up after 15 s.
    section.get_by_role("button", name="开启消息通知").click()
    section.get_by_text("此设备不支持消息推送，任务仍会在同步时送达").wait_for(timeout=40000)
    assert section.get_by_role("button", name="开启消息通知").count() == 0
    assert not page.evaluate(
        "() => navigator.serviceWorker.ready.then((r) => r.pushManager.getSubscription()).then((s) => !!s)"
    )


def test_permission_is_asked_only_on_the_tap(server, phone):
    context = phone.open()
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    page.goto(server.url + "/me")
    page.get_by_test_id("push").get_by_role("button", name="开启消息通知").wait_for()
    # Opening 我的 asked nothing: the permission is still the browser's default.
    assert page.evaluate("() => Notification.permission") == "default"
