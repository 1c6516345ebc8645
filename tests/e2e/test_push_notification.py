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
import uuid

import pytest
import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from server.push.service import build_message
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    REGISTER_HOUSEHOLDS,
    first_household_id,
    login,
    open_outbox,
    query,
    wait_for_offline_ready,
    wait_until,
)

NOTIFICATIONS = """() => navigator.serviceWorker.ready
    .then((registration) => registration.getNotifications())
    .then((shown) => shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data })))"""


@pytest.fixture
def seed_households() -> int:
    """A household per grid, for the task a push announces (the run's one register size)."""
    return REGISTER_HOUSEHOLDS


def assign_household_visit(server) -> tuple[str, str, requests.Session]:
    """The supervisor assigns `worker` a visit to a household of their grid: (task id, household id,
    the supervisor's session)."""
    household_id = first_household_id(server)
    worker_id = query(server, "SELECT id FROM \"user\" WHERE username = 'worker'")
    desk = requests.Session()
    login = desk.post(
        server.url + "/api/v1/auth/login", json={"username": "supervisor", "password": DEMO_PASSWORD}
    )
    created = desk.post(
        server.url + "/api/v1/tasks",
        json={
            "kind": "visit_household",
            "household_id": household_id,
            "assignee_id": worker_id,
            "due_at": "2099-01-01T17:00:00+08:00",
            "note": "上门核实",
        },
        headers={"X-CSRF-Token": login.json()["csrf_token"]},
    )
    assert created.status_code == 201, created.text
    desk.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return created.json()["id"], household_id, desk


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


def deliver_push(page, cdp, origin: str, registration: str, payload: str, shown: str):
    """Deliver a push as the push service would, and wait until `shown` (a page expression) holds.

    DevTools now and then drops a delivery to a worker it is just waking (CI saw it once on a
    loaded machine). A push service retries an undelivered message, so this does too; the
    notifications share a tag, so a second delivery replaces the first rather than adding one.
    """
    for attempt in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": registration, "data": payload},
        )
        try:
            return wait_until(page, shown, timeout=10)
        except AssertionError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_a_push_shows_the_notification_and_a_tap_opens_its_page(server, phone):
    context = phone.open()
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    login(page, server.url, "worker")
    wait_for_offline_ready(page)

    # A supervisor gives the worker a household visit; the push is the one the server builds for it.
    task_id, household_id, desk = assign_household_visit(server)
    message = build_message(
        kind="task_assigned",
        title="新任务：关爱巡访 王秀英",
        url=f"/tasks/{task_id}",
        tag=f"task-{task_id}",
        data={"task_id": task_id},
    )
    cdp, registration = worker_registration(context, page, server.url + "/")
    [shown] = deliver_push(page, cdp, server.url, registration, message["payload"], NOTIFICATIONS)
    assert shown["title"] == "新任务：关爱巡访 王秀英"
    assert shown["body"] == "你有一项新任务，点击查看"
    assert shown["tag"] == f"task-{task_id}"
    assert shown["icon"] == server.url + "/icons/icon-192.png"
    assert shown["data"] == {
        "task_id": task_id,
        "kind": "task_assigned",
        "url": f"{server.url}/tasks/{task_id}",
    }

    # A second push for the same task replaces the notification instead of stacking another.
    again = json.loads(message["payload"]) | {"title": "新任务：关爱巡访 王秀英（已改期）"}
    replaced = deliver_push(
        page,
        cdp,
        server.url,
        registration,
        json.dumps(again, ensure_ascii=False),
        NOTIFICATIONS
        + ".then((shown) => shown.length === 1 && shown[0].title.endsWith('（已改期）') && shown)",
    )
    assert replaced[0]["tag"] == f"task-{task_id}"

    # The tap: the app's notificationclick handler takes the open window to the task's page.
    assert page.url == server.url + "/"
    [worker] = context.service_workers
    worker.evaluate(
        """async (tag) => {
            const [notification] = await self.registration.getNotifications({ tag })
            self.dispatchEvent(new NotificationEvent('notificationclick', { notification }))
        }""",
        f"task-{task_id}",
    )
    # /tasks/<id> finds the task and opens its work: the visit form for that household.
    page.wait_for_url(f"**/visit/new?*task={task_id}*", timeout=20000)
    assert f"household={household_id}" in page.url
    page.get_by_role("button", name="保存").wait_for()
    # The form says which task brought the worker here: the instruction, the deadline, the next step.
    banner = page.get_by_test_id("task-banner")
    banner.wait_for()
    assert page.get_by_test_id("task-banner-note").inner_text() == "上门核实"
    assert "2099-01-01 17:00" in page.get_by_test_id("task-banner-due").inner_text()
    assert "保存" in page.get_by_test_id("task-banner-next").inner_text()
    assert wait_until(
        page,
        "() => navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((n) => n.length === 0)",
    )

    # Cancelled after the push went out: once the phone has synced, the tap says so instead.
    cancelled = desk.patch(f"{server.url}/api/v1/tasks/{task_id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.text
    deadline = time.monotonic() + 60
    while True:
        open_outbox(page)
        page.get_by_role("button", name="立即同步").click()
        page.goto(f"{server.url}/tasks/{task_id}")
        try:
            page.get_by_test_id("task-finished").wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            assert time.monotonic() < deadline, "the phone never learnt the task was cancelled"
    page.get_by_text("已完成或已取消").wait_for()

    # A "returned" push leads to /submissions/<id>: 我的上报, on its 被退回 list.
    page.goto(f"{server.url}/submissions/{uuid.uuid4()}")
    page.wait_for_url("**/mine?*tab=returned*")
    assert page.get_by_role("tab", name="被退回").get_attribute("aria-selected") == "true"


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
    # its subscribe() never answers, and the app gives up after 15 s: the page's clock is moved
    # on past them rather than waited out.
    page.clock.install()
    section.get_by_role("button", name="开启消息通知").click()
    gave_up = section.get_by_text("此设备不支持消息推送，任务仍会在同步时送达")
    # The 15 s start when subscribe() is called, after the permission, the server's key and the
    # service worker: until the message shows, move the clock on by more than that.
    for attempt in range(40):
        page.clock.fast_forward(16_000)
        try:
            gave_up.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            assert attempt < 39, "the app never gave up waiting for a push subscription"
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
