"""Campaigns: supervisors create, launch and follow them; the desk's board, drill-down and export,
and the duty chief's roll-call board. Workers get their targets by sync pull."""

from __future__ import annotations

from http import HTTPStatus

from flask_login import current_user
from flask_smorest import Blueprint

from server import worktime as calendar
from server import xlsx
from server.audit import service as audit
from server.audit.service import export_detail
from server.auth.routes import roles_required
from server.auth.scope import Scope
from server.campaigns import export, festivals, jobs, service
from server.campaigns.models import Campaign, CampaignTarget
from server.campaigns.schemas import (
    BoardQuerySchema,
    BoardSchema,
    CampaignCreateSchema,
    CampaignEditSchema,
    CampaignListSchema,
    CampaignSchema,
    CancelledSchema,
    CancelTargetsSchema,
    PreviewCountSchema,
    PreviewSchema,
    ProposalListSchema,
    ProposalSchema,
    RollCallSchema,
    TargetListSchema,
    TargetQuerySchema,
)
from server.extensions import db
from server.push.service import send_all
from server.timeutil import iso, local_date

bp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns", description="Campaigns and roll-calls")

PAGE = 500


@bp.route("", methods=["POST"])
@roles_required("supervisor")
@bp.arguments(CampaignCreateSchema)
@bp.alt_response(201, schema=CampaignSchema, success=True)
def new(body):
    """Create a draft campaign in the caller's area (a community's or the street's)."""
    campaign = service.create_campaign(body, current_user)
    db.session.commit()
    return service.campaign_data(campaign), 201


@bp.route("", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=CampaignListSchema, success=True)
def all_campaigns():
    """The campaigns of the caller's street, newest first."""
    rows = db.session.scalars(service.visible_campaigns(current_user).order_by(Campaign.id.desc()).limit(200))
    return {"campaigns": [service.campaign_data(c) for c in rows]}


@bp.route("/preview", methods=["POST"])
@roles_required("supervisor")
@bp.arguments(PreviewSchema)
@bp.alt_response(200, schema=PreviewCountSchema, success=True)
def preview(body):
    """How many households or residents a rule matches now in the caller's area (before launch)."""
    return {"count": service.preview_count(body.get("rule"), current_user)}


@bp.route("/proposals", methods=["GET"])
@roles_required("supervisor")
@bp.alt_response(200, schema=ProposalListSchema, success=True)
def proposals():
    """The street's next 优抚 festival proposals (春节, 八一), with how many each would reach."""
    return {"proposals": festivals.proposals(current_user)}


@bp.route("/proposals/<string:key>/confirm", methods=["POST"])
@roles_required("supervisor")
@bp.alt_response(201, schema=ProposalSchema, success=True)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def confirm_proposal(key):
    """Confirm a festival proposal: its campaign is created as a draft, ready to launch; once."""
    proposal, campaign = festivals.decide(current_user, key, "confirmed")
    audit.record("campaign_proposal.confirm", current_user, "campaign", campaign.id, {"proposal": key})
    db.session.commit()
    return festivals.proposal_data(proposal, campaign), 201


@bp.route("/proposals/<string:key>/dismiss", methods=["POST"])
@roles_required("supervisor")
@bp.alt_response(200, schema=ProposalSchema, success=True)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def dismiss_proposal(key):
    """Dismiss a festival proposal (no campaign this time); once."""
    proposal, _ = festivals.decide(current_user, key, "dismissed")
    audit.record("campaign_proposal.dismiss", current_user, "campaign_proposal", key)
    db.session.commit()
    return festivals.proposal_data(proposal, None)


@bp.route("/<int:campaign_id>", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=CampaignSchema, success=True)
def get(campaign_id):
    """One campaign, with its launch's progress."""
    return service.campaign_data(service.campaign_or_404(current_user, campaign_id))


@bp.route("/<int:campaign_id>", methods=["PATCH"])
@roles_required("supervisor")
@bp.arguments(CampaignEditSchema)
@bp.alt_response(200, schema=CampaignSchema, success=True)
def patch(body, campaign_id):
    """Edit a draft; after launch move the end, quota or close-out, or widen the rule (adds only)."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    added = service.edit_campaign(campaign, body, current_user)
    db.session.commit()
    if added:
        send_all(service.launch_pushes(campaign))
    return service.campaign_data(campaign) | {"added": added}


@bp.route("/<int:campaign_id>/launch", methods=["POST"])
@roles_required("supervisor")
@bp.alt_response(200, schema=CampaignSchema, success=True)
@bp.alt_response(202, schema=CampaignSchema, success=True, description="A job writes the targets")
def launch(campaign_id):
    """Write a target per match for its grid's worker; again: only new matches. Big ones run as a job."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    how = service.launch(campaign, current_user)
    db.session.commit()
    if how == "job":
        jobs.enqueue_launch(campaign.id)
        return service.campaign_data(campaign), 202
    send_all(service.launch_pushes(campaign))
    return service.campaign_data(campaign)


@bp.route("/<int:campaign_id>/end", methods=["POST"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=CampaignSchema, success=True)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def end(campaign_id):
    """End a running campaign now: it leaves the workers' phones, its board stays; audited."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    planned = service.end_campaign(campaign, current_user)
    audit.record("campaign.end", current_user, "campaign", campaign.id, {"planned_end": iso(planned)})
    db.session.commit()
    return service.campaign_data(campaign)


@bp.route("/<int:campaign_id>/cancel-targets", methods=["POST"])
@roles_required("supervisor")
@bp.arguments(CancelTargetsSchema)
@bp.alt_response(200, schema=CancelledSchema, success=True)
def cancel_targets(body, campaign_id):
    """Take targets off a launched campaign, with a reason (the only way a target leaves)."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    count = service.cancel_targets(campaign, body, current_user)
    db.session.commit()
    return {"cancelled": count}


@bp.route("/<int:campaign_id>/board", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(BoardQuerySchema, location="query")
@bp.alt_response(200, schema=BoardSchema, success=True)
def board(args, campaign_id):
    """Per community, grid or worker: targets, done, attempted, overdue, today and 日结."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    rows = service.board(campaign, current_user, args["group"])
    return {"campaign": service.campaign_data(campaign), "group": args["group"], "rows": rows}


@bp.route("/<int:campaign_id>/targets", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.arguments(TargetQuerySchema, location="query")
@bp.alt_response(200, schema=TargetListSchema, success=True)
def targets(args, campaign_id):
    """Drill-down: the targets, in care-tier and building order, 500 a page (offset)."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    stmt = service.targets_query(campaign, current_user, args)
    total = db.session.scalar(stmt.with_only_columns(db.func.count(CampaignTarget.id)).order_by(None))
    page = list(db.session.scalars(stmt.offset(args["offset"]).limit(PAGE)))
    return {"targets": service.describe(page), "total": total}


@bp.route("/<int:campaign_id>/roll-call", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.alt_response(200, schema=RollCallSchema, success=True)
def roll_call(campaign_id):
    """The duty chief's board: 未叫应 per community and grid, the not reached in care-tier order."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    return service.roll_call_board(campaign, current_user)


@bp.route("/<int:campaign_id>/export.xlsx", methods=["GET"])
@roles_required("supervisor", "admin")
@bp.doc(responses={"200": {"description": "The workbook, as an attachment", "content": {xlsx.MIMETYPE: {}}}})
def export_xlsx(campaign_id):
    """The campaign's targets in the caller's scope as an Excel workbook; audited."""
    campaign = service.campaign_or_404(current_user, campaign_id)
    stmt = service.targets_query(campaign, current_user, {})
    sheet = export.build_targets_xlsx(stmt)
    with sheet.dropped_on_error():
        detail = export_detail(
            "campaign_targets", Scope.of(current_user), sheet.rows, {"campaign_id": campaign.id}
        )
        audit.record("export", current_user, "campaign", campaign.id, detail)
        db.session.commit()
    return xlsx.response(sheet, *export.filenames(campaign, local_date(calendar.now())))
