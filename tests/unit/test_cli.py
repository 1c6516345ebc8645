"""flask seed-demo and create-user."""

import re

from sqlalchemy import func, select

from server.auth.models import User
from server.extensions import db
from server.org.models import Community, Department, Grid, Street


def test_seed_demo_builds_nanpu_and_prints_logins(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    street = db.session.scalars(select(Street)).one()
    assert (street.name, street.code) == ("南浦街道", "360103-001")  # 西湖区 360103, street 001
    communities = street.communities
    names = [c.name for c in communities]
    assert len(names) == 18
    assert names[:4] == ["蓼洲街社区", "应天寺社区", "孺子路社区", "六眼井社区"]
    assert all(n.startswith("示例社区") for n in names[4:])
    # Codes nest: 360103-001 (street) -CCC (community) -GGG (grid), numbered from 001.
    assert [c.code for c in communities] == [f"360103-001-{n:03d}" for n in range(1, 19)]
    assert db.session.scalar(select(func.count()).select_from(Community)) == 18
    for community in communities:
        codes = sorted(
            g.code for g in db.session.scalars(select(Grid).where(Grid.community_id == community.id))
        )
        assert 3 <= len(codes) <= 5, community.name
        assert codes == [f"{community.code}-{g:03d}" for g in range(1, len(codes) + 1)]
        assert all(re.fullmatch(r"360103-001-\d{3}-\d{3}", code) for code in codes)
    departments = db.session.scalars(select(Department)).all()
    assert {d.name for d in departments} == {
        "城管执法中队",
        "社区居委会",
        "物业服务中心",
        "消防救援站",
        "市场监管所",
    }
    assert {d.street_id for d in departments} == {street.id}
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"worker", "supervisor", "handler", "admin"}
    workers = db.session.scalar(select(func.count()).where(User.role == "worker"))
    assert workers == db.session.scalar(select(func.count()).select_from(Grid))
    for login in ("admin", "supervisor", "handler", "worker", "demo-gridwalk"):
        assert login in result.output
    # Every demo account takes the one published password (hashed once for all of them).
    for username in ("worker", "w0102", "street", "admin"):
        client = app.test_client()
        answer = client.post("/api/v1/auth/login", json={"username": username, "password": "demo-gridwalk"})
        assert answer.status_code == 200, (username, answer.get_json())


def test_seed_demo_if_empty_leaves_existing_data_alone(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=["seed-demo"])
    assert refused.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(Community)) == 18


def test_seed_demo_refuses_production(app_settings, monkeypatch, make_app, tmp_path):
    from config import ProductionConfig

    # The class read its settings at import, before this test set SECRET_KEY: the key still
    # comes from the environment, and no local key file is written (here, a temporary folder).
    monkeypatch.setattr(ProductionConfig, "INSTANCE_PATH", tmp_path)
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", app_settings["SQLALCHEMY_DATABASE_URI"])
    prod = make_app("production")
    assert prod.config["SECRET_KEY"] == "p" * 40 and not (tmp_path / "secret_key").exists()
    result = prod.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "production" in result.output
    with prod.app_context():
        assert db.session.scalar(select(func.count()).select_from(Community)) == 0


def test_create_user_command(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(
        args=["create-user", "--username", "zhao.li", "--display-name", "赵丽", "--role", "admin"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "zhao.li")).role == "admin"
    bad = runner.invoke(
        args=["create-user", "--username", "w", "--display-name", "x", "--role", "worker"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert bad.exit_code != 0
