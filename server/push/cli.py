"""flask push-keys (the VAPID public key) and flask push-worker (delivers queued pushes from Redis)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("push-keys")
@click.option(
    "--new",
    "new",
    is_flag=True,
    help="Print a new key pair as environment lines (for VAPID_PRIVATE_KEY on every host); store nothing.",
)
@with_appcontext
def push_keys(new: bool) -> None:
    """Print the VAPID public key, generating the key pair into instance/ the first time."""
    from py_vapid import Vapid

    from config import ConfigError
    from server.push.vapid import public_key_of, raw_private_key, vapid_keys

    if new:
        signer = Vapid()
        signer.generate_keys()
        click.echo(f"VAPID_PRIVATE_KEY={raw_private_key(signer)}")
        click.echo(f"VAPID_PUBLIC_KEY={public_key_of(signer.private_key)}")
        return
    try:
        keys = vapid_keys()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(keys.public_key)
    click.echo(f"(private key: {keys.source})", err=True)


@click.command("push-worker")
@click.option("--burst", is_flag=True, help="Deliver what is queued, then exit.")
@with_appcontext
def push_worker(burst: bool) -> None:
    """Deliver queued Web Push jobs from REDIS_URL's queue (PUSH_QUEUE_NAME); one per process.

    Jobs run in this process, each in its own app context, so the app is built once and not
    once per job (plain `rq worker` forks per job). Run several for more throughput.
    """
    from rq import SimpleWorker

    from server.push.queue import RedisQueue, push_queue

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is unset: without Redis, pushes are sent by threads inside the app itself."
        )
    queue = push_queue()
    assert isinstance(queue, RedisQueue)
    worker = SimpleWorker([queue.queue], connection=queue.connection)
    worker.work(burst=burst, logging_level="INFO")
