"""Demo data for 南浦街道: the real community names from the work report, the rest marked 示例.

Everything here is demo data; the printed logins share one demo password.
"""

from __future__ import annotations

from sqlalchemy import func, select

from server.auth import service as auth_service
from server.auth.models import User
from server.extensions import db
from server.org.models import Community, Department, Grid, Street

DEMO_PASSWORD = "demo-gridwalk"
STREET_NAME = "南浦街道"
STREET_CODE = "360103-001"  # 西湖区 360103, street 001
REAL_COMMUNITIES = ["蓼洲街社区", "应天寺社区", "孺子路社区", "六眼井社区"]
DEPARTMENTS = [
    ("城管执法中队", "city_management"),
    ("社区居委会", "community"),
    ("物业服务中心", "property"),
    ("消防救援站", "fire"),
    ("市场监管所", "market"),
]


def community_names() -> list[str]:
    """18 communities: the four the report names, then 示例社区05 … 示例社区18."""
    return REAL_COMMUNITIES + [f"示例社区{n:02d}" for n in range(5, 19)]


def is_empty() -> bool:
    """True when no street exists yet (make run seeds only then)."""
    return not db.session.scalar(select(func.count()).select_from(Street))


def seed_org() -> Street:
    """The street, 18 communities with 3–5 grids each, and the handling departments."""
    street = Street(name=STREET_NAME, code=STREET_CODE)
    db.session.add(street)
    for index, name in enumerate(community_names(), start=1):
        community = Community(street=street, name=name, code=f"{STREET_CODE}-{index:03d}")
        for g in range(1, 3 + index % 3 + 1):
            community.grids.append(Grid(code=f"{community.code}-{g:03d}", name=f"{name}第{g}网格"))
        db.session.add(community)
    db.session.flush()
    for name, kind in DEPARTMENTS:
        db.session.add(Department(street_id=street.id, name=name, kind=kind))
    db.session.flush()
    return street


def seed_users() -> list[tuple[str, str, str]]:
    """One demo user per role plus a worker for every grid; returns (username, role, what)."""
    communities = db.session.scalars(select(Community).order_by(Community.code)).all()
    first = communities[0]
    city_team = db.session.scalar(select(Department).where(Department.kind == "city_management"))
    logins: list[tuple[str, str, str]] = []

    def add(username: str, display: str, role: str, what: str, **assignment) -> None:
        auth_service.create_user(
            username=username, display_name=display, password=DEMO_PASSWORD, role=role, **assignment
        )
        logins.append((username, role, what))

    add("admin", "系统管理员（演示）", "admin", "全部")
    add("street", "街道值班长（演示）", "supervisor", f"{STREET_NAME}全街道", street_wide=True)
    add("supervisor", "社区受理员（演示）", "supervisor", first.name, community_id=first.id)
    add("handler", "城管队员（演示）", "handler", city_team.name, department_id=city_team.id)
    for c_index, community in enumerate(communities, start=1):
        for g_index, grid in enumerate(community.grids, start=1):
            username = "worker" if (c_index, g_index) == (1, 1) else f"w{c_index:02d}{g_index:02d}"
            add(
                username,
                f"网格员{c_index:02d}-{g_index}（演示）",
                "worker",
                grid.name,
                grid_ids=[grid.id],
            )
    return logins


def existing_logins() -> list[tuple[str, str, str]]:
    """The demo logins already in the database (for `make run` on a seeded database)."""
    users = db.session.scalars(
        select(User).where(User.display_name.like("%（演示）"), User.active.is_(True)).order_by(User.id)
    ).all()
    return [(u.username, u.role, _assignment(u)) for u in users]


def _assignment(user: User) -> str:
    if user.grids:
        return user.grids[0].name
    if user.community:
        return user.community.name
    if user.department:
        return user.department.name
    return "全街道" if user.role == "supervisor" else "全部"


def seed_forms() -> None:
    """The built-in form templates (入户走访, ...); the same ones `flask forms install-builtins` adds."""
    from server.forms.service import install_builtins

    install_builtins()
