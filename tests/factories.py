"""Factory functions for test data; each flushes, the test decides when to commit."""

from __future__ import annotations

from server.auth import service as auth_service
from server.auth.models import User
from server.extensions import db
from server.org.models import Community, Department, Grid, Street

PASSWORD = "correct-horse-9"


def make_org(communities: int = 2, grids_per_community: int = 2) -> dict:
    """A street with communities and grids, plus two departments; returns them by name."""
    street = Street(name="测试街道", code="360103-099")
    db.session.add(street)
    db.session.flush()
    made: dict = {"street": street, "communities": [], "grids": []}
    for c in range(1, communities + 1):
        community = Community(street_id=street.id, name=f"测试社区{c}", code=f"360103-099-{c:03d}")
        db.session.add(community)
        db.session.flush()
        made["communities"].append(community)
        for g in range(1, grids_per_community + 1):
            grid = Grid(
                community_id=community.id, code=f"{community.code}-{g:03d}", name=f"测试社区{c}第{g}网格"
            )
            db.session.add(grid)
            made["grids"].append(grid)
    made["departments"] = [
        Department(street_id=street.id, name="城管执法中队", kind="city_management"),
        Department(street_id=street.id, name="物业服务中心", kind="property"),
    ]
    db.session.add_all(made["departments"])
    db.session.flush()
    return made


def make_user(role: str = "worker", username: str | None = None, **assignment) -> User:
    """A user with the shared test password."""
    username = username or f"{role}{User.query.count() + 1}"
    user = auth_service.create_user(
        username=username, display_name=f"测试{role}", password=PASSWORD, role=role, **assignment
    )
    return user


def org_with_users() -> dict:
    """The usual cast: a worker per grid of community 1, supervisors, a handler and an admin."""
    org = make_org()
    c1, c2 = org["communities"]
    grids_c1 = [g for g in org["grids"] if g.community_id == c1.id]
    grids_c2 = [g for g in org["grids"] if g.community_id == c2.id]
    org["worker"] = make_user("worker", "worker1", grid_ids=[grids_c1[0].id])
    org["worker_other"] = make_user("worker", "worker2", grid_ids=[grids_c2[0].id])
    org["supervisor"] = make_user("supervisor", "super1", community_id=c1.id)
    org["street_supervisor"] = make_user("supervisor", "street1", street_wide=True)
    org["handler"] = make_user("handler", "handler1", department_id=org["departments"][0].id)
    org["admin"] = make_user("admin", "admin1")
    db.session.commit()
    return org


def install_forms() -> None:
    """The built-in form templates (入户走访 v1), as `flask forms install-builtins` adds them."""
    from server.forms.service import install_builtins

    install_builtins()
    db.session.commit()


def visit_answers(**overrides) -> dict:
    """Valid answers to 入户走访 v1: someone at home, a need and a hazard noted (10 answers)."""
    answers = {
        "visit_date": "2026-11-27",
        "anyone_home": True,
        "people_met": 2,
        "housing": "owner_occupied",
        "special_groups": ["living_alone", "aged_80"],
        "needs": ["medical"],
        "needs_detail": "需要上门测血压",
        "hazards_seen": ["ebike"],
        "hazard_note": "楼道内给电动车充电",
        "notes": "老人精神状态良好",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not ...}


def visit_item(grid_id: int, item_id: str | None = None, **overrides) -> dict:
    """One outbox item for a household visit, shaped as the PWA pushes it."""
    import uuid

    item = {
        "id": item_id or str(uuid.uuid4()),
        "kind": "household_visit",
        "template": {"key": "household_visit", "version": 1},
        "created_at": "2026-11-27T09:30:00.000+08:00",
        "payload": {"grid_id": grid_id, "household_id": None, "answers": visit_answers()},
        "photos": [],
        "location": {"lat": 28.6829, "lng": 115.8582, "accuracy": 12.5},
    }
    item.update(overrides)
    return item


def jpeg_bytes(width: int = 64, height: int = 48, color: tuple = (200, 120, 40)) -> bytes:
    """A small real JPEG, different per color."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG", quality=80)
    return out.getvalue()
