"""The launch job: a big campaign's targets are written off the request path, a chunk per commit,
so the desk watches the progress (launch.done of launch.total) and a crash resumes where it was.
Runs on the RQ queue when REDIS_URL is set, in this process's threads otherwise (server.push.queue)."""

from __future__ import annotations

import logging

from server.campaigns import service
from server.campaigns.models import Campaign
from server.extensions import db
from server.push.queue import job, push_queue
from server.push.service import send_all

log = logging.getLogger(__name__)


def enqueue_launch(campaign_id: int) -> None:
    """After the commit that marked the campaign `launching`."""
    push_queue().enqueue(run_launch, campaign_id)


@job
def run_launch(campaign_id: int) -> None:
    try:
        while not service.launch_step(campaign_id):
            db.session.commit()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("campaign %s launch failed; it stays `launching` and can be resumed", campaign_id)
        raise
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is not None and campaign.status == "active":
        send_all(service.launch_pushes(campaign))
