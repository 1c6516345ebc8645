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
