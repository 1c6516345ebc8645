"""The real server for tests that need one: gunicorn serving server.wsgi:app (as `make run` does)
on a free loopback port. The browser tests and the schemathesis run both start it from here."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(
    port: int,
    env: dict[str, str],
    log: Path,
    *options: str,
    workers: int = 1,
    threads: int = 4,
    wait: float = 30,
) -> subprocess.Popen:
    """Start gunicorn in its own process group and return once /api/v1/health answers 200."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [*command, *options, "server.wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen | None, timeout: float = 15, quick: bool = False) -> None:
    """Stop gunicorn and every worker it forked (SIGKILL if they outlive the timeout).

    Gracefully (SIGTERM) by default: requests in hand are answered first. quick (SIGQUIT): at
    once, as a phone losing its signal sees it; a graceful stop also waits out the browser's
    idle keep-alive connections, about 2 s each time here.
    """
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGQUIT if quick else signal.SIGTERM)
    # Until the whole group is gone, not only the master: after a quick stop a worker can hold
    # the listening socket a moment longer, and the port must refuse connections on return.
    deadline = time.monotonic() + timeout
    while process.poll() is None or _group_alive(process.pid):
        if time.monotonic() > deadline + 5:
            return  # SIGKILLed 5 s ago and still listed: nothing more to do
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.02)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
