"""Where push work runs: an RQ queue when REDIS_URL is set, daemon threads in this process otherwise.

Both take `enqueue(func, *args, ttl=...)` of a function decorated with `job`, which runs it in
an app context of its own (its own database session, like a request). RQ jobs are picked up by
`flask push-worker` (one app per process, jobs in-process); a plain `rq worker push` works too
but builds an app per job.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from queue import SimpleQueue
from typing import Any

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from werkzeug.utils import import_string

log = logging.getLogger(__name__)

_EXTENSION = "gridwalk.push_queue"
_process_app: Flask | None = None
WSGI_APP = "server.wsgi:app"
_process_app_lock = threading.Lock()
_queue_lock = threading.Lock()


def _app_for_job() -> Flask:
    """The current app, or (under a bare `rq worker`) one app built once for this process."""
    global _process_app
    if has_app_context():
        return current_app._get_current_object()
    with _process_app_lock:
        if _process_app is None:
            # Named like a WSGI server names its app: the push framework never imports the app
            # that wires it (server.wsgi builds one from GRIDWALK_CONFIG, as gunicorn would).
            _process_app = import_string(WSGI_APP)
        return _process_app


def job(func: Callable) -> Callable:
    """Run a queued function in a fresh app context, so each job gets and closes its own session."""

    @functools.wraps(func)
    def run(*args: Any) -> Any:
        with _app_for_job().app_context():
            return func(*args)

    return run


class ThreadQueue:
    """A few daemon threads fed from an in-process queue, started on first use.

    Daemon threads never hold up a shutdown; a push lost that way still reaches the phone by
    pull. flush() waits for everything queued so far, work those jobs queue included.
    """

    # Put on the queue once per thread when the app is gone: the thread ends.
    _STOP = object()

    def __init__(self, app: Flask, threads: int):
        # Weakly: the app holds this queue, and a thread blocked on it must not keep an app alive
        # that nothing else uses (a process that builds many apps, as the tests do, would keep
        # every one of them). When the app goes, its threads are told to end.
        self._app = weakref.ref(app, self._app_gone)
        self.size = max(1, threads)
        self._jobs: SimpleQueue = SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._threads: list[threading.Thread] = []

    def enqueue(self, func: Callable, *args: Any, ttl: int | None = None, timeout: int | None = None) -> None:
        # `timeout` is RQ's limit on a job's run; a thread of this process runs to the end.
        deadline = time.monotonic() + ttl if ttl else None
        with self._idle:
            self._pending += 1
            if not self._threads:
                self._start()
        self._jobs.put((func, args, deadline))

    def enqueue_many(self, calls: Iterable[tuple[Callable, tuple]], ttl: int | None = None) -> int:
        count = 0
        for func, args in calls:
            self.enqueue(func, *args, ttl=ttl)
            count += 1
        return count

    def _start(self) -> None:
        for number in range(self.size):
            thread = threading.Thread(target=self._work, name=f"push-{number + 1}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _app_gone(self, _ref: weakref.ref) -> None:
        for _ in self._threads:
            self._jobs.put(ThreadQueue._STOP)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is ThreadQueue._STOP or not self._run(*job):
                return

    def _run(self, func: Callable, args: tuple, deadline: float | None) -> bool:
        """Run one job; False when the app is gone. (A method of its own, so that no reference to
        the app outlives the job while the thread waits for the next one.)"""
        try:
            app = self._app()
            if app is None:
                return False
            if deadline is None or time.monotonic() < deadline:  # past its TTL: nobody wants it
                with app.app_context():
                    func(*args)
        except Exception:
            log.exception("push job %s failed", getattr(func, "__name__", func))
        finally:
            with self._idle:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()
        return True

    def flush(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)


class RedisQueue:
    """The RQ queue PUSH_QUEUE_NAME on REDIS_URL."""

    # Results are not read by anyone; failures are kept a week for `rq info` and requeueing.
    FAILURE_TTL = 7 * 24 * 3600
    # After a failure, how long pushes skip Redis before trying it again.
    RETRY_AFTER = 30

    def __init__(self, app: Flask):
        import redis
        from rq import Queue

        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        # Bounded: a request that queues a push must not hang on a silent Redis. (The push worker's
        # blocking reads get a longer timeout from RQ itself.)
        self.connection = redis.Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
        )
        self.queue = Queue(app.config["PUSH_QUEUE_NAME"], connection=self.connection)
        # Redis down: pushes go out from this process's threads, as without Redis at all.
        self.fallback = ThreadQueue(app, app.config["PUSH_THREADS"])
        self._down_until = 0.0
        attempts = app.config["PUSH_MAX_ATTEMPTS"]
        worst = (
            attempts * app.config["PUSH_TIMEOUT_SECONDS"]
            + (attempts - 1) * app.config["PUSH_RETRY_MAX_SECONDS"]
        )
        self.job_timeout = int(worst) + 60

    def _options(self, ttl: int | None, timeout: int | None = None) -> dict:
        return {
            "ttl": ttl,
            "result_ttl": 0,
            "failure_ttl": self.FAILURE_TTL,
            "timeout": timeout or self.job_timeout,
        }

    def _redis_up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _went_down(self) -> None:
        # Skip Redis for a while rather than pay the timeout on every push of a busy minute.
        if self._redis_up():
            log.warning("Redis unreachable: pushes go out from this process for %d s", self.RETRY_AFTER)
        self._down_until = time.monotonic() + self.RETRY_AFTER

    def enqueue(self, func: Callable, *args: Any, ttl: int | None = None, timeout: int | None = None) -> None:
        """Queue one job; `timeout` overrides the push-sized run limit (a long export needs more)."""
        if self._redis_up():
            try:
                self.queue.enqueue_call(func, args=args, **self._options(ttl, timeout))
                return
            except RedisError:
                self._went_down()
        self.fallback.enqueue(func, *args, ttl=ttl)

    def enqueue_many(self, calls: Iterable[tuple[Callable, tuple]], ttl: int | None = None) -> int:
        calls = list(calls)
        if self._redis_up():
            try:
                return self._enqueue_many(calls, ttl)
            except RedisError:
                # A pipeline is all or nothing per batch: a batch that failed was not queued,
                # but earlier batches were; resend only from the failed batch on.
                self._went_down()
                calls = calls[self._queued_before_failure :]
        return self.fallback.enqueue_many(calls, ttl=ttl)

    def _enqueue_many(self, calls: list[tuple[Callable, tuple]], ttl: int | None) -> int:
        """Queue many jobs in pipelined batches (a round trip per 500, not per job)."""
        from rq import Queue

        self._queued_before_failure = 0
        count = 0
        batch: list = []
        for func, args in calls:
            batch.append(Queue.prepare_data(func, args=args, **self._options(ttl)))
            if len(batch) == 500:
                count += self._push(batch)
                batch = []
        if batch:
            count += self._push(batch)
        return count

    def _push(self, batch: list) -> int:
        with self.connection.pipeline() as pipe:
            self.queue.enqueue_many(batch, pipeline=pipe)
            pipe.execute()
        self._queued_before_failure += len(batch)
        return len(batch)

    def flush(self, timeout: float) -> bool:
        """Wait until the workers have emptied the queue and finished what they started (and this
        process's threads sent what they took while Redis was down)."""
        from rq.registry import StartedJobRegistry

        deadline = time.monotonic() + timeout
        if not self.fallback.flush(timeout):
            return False
        started = StartedJobRegistry(queue=self.queue)
        try:
            while self.queue.count or started.count:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.05)
        except RedisError:
            return True  # nothing more reaches Redis now; what went to the threads has been sent
        return True


def push_queue(app: Flask | None = None) -> ThreadQueue | RedisQueue:
    """This app's queue, made on first use (after a gunicorn fork, so each process has its own)."""
    app = app or current_app._get_current_object()
    queue = app.extensions.get(_EXTENSION)
    if queue is None:
        with _queue_lock:  # request threads of one process must not make two
            queue = app.extensions.get(_EXTENSION)
            if queue is None:
                if app.config.get("REDIS_URL"):
                    queue = RedisQueue(app)
                else:
                    queue = ThreadQueue(app, app.config["PUSH_THREADS"])
                app.extensions[_EXTENSION] = queue
    return queue
