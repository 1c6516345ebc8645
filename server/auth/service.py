"""Password hashing, login checks and CSRF tokens. The caller owns the transaction."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from server.auth.models import User
from server.errors import ApiError, validation_failed
from server.extensions import db
from server.i18n import msg
from server.org.models import Community, Department, District, Grid, Street
from server.timeutil import utcnow

_dummy_hash: dict[str, str] = {}


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt in production, cheap in tests)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(username: str) -> User | None:
    """Look a user up by username, ignoring case and surrounding spaces."""
    name = (username or "").strip().lower()
    if not name:
        return None
    return db.session.scalar(select(User).where(func.lower(User.username) == name))


def authenticate(username: str, password: str) -> User | None:
    """Return the active user whose password matches, else None.

    An unknown user costs a hash check too, so timing does not tell which names exist.
    """
    user = find_user(username)
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _dummy_hash:
            _dummy_hash[method] = generate_password_hash(secrets.token_hex(8), method=method)
        check_password_hash(_dummy_hash[method], password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def csrf_token(user: User) -> str:
    """The user's CSRF token: derived, not stored, so a remember-me restore keeps it valid.

    It changes when the user's session nonce rotates (deactivation, password change).
    """
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"csrf:{user.get_id()}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(user: User, sent: str | None) -> bool:
    """Compare the header's token with the user's in constant time."""
    return bool(sent) and hmac.compare_digest(sent, csrf_token(user))


def _check_assignment(
    role: str, community_id, department_id, grid_ids, street_wide, street_id=None, district_id=None
) -> dict:
    """Validate that a role's assignment exists and fits the role; returns field errors."""
    errors: dict[str, list[str]] = {}
    if street_id is not None and db.session.get(Street, street_id) is None:
        errors["street_id"] = [msg("街道不存在", "No such street")]
    if district_id is not None and db.session.get(District, district_id) is None:
        errors["district_id"] = [msg("区不存在", "No such district")]
    if street_id is not None and district_id is not None:
        errors["district_id"] = [msg("街道和区只能选一个", "Choose a street or a district, not both")]
    if role == "supervisor" and street_wide and street_id is None:
        errors.setdefault(
            "street_id", [msg("全街道督导需要选择街道", "A street-wide supervisor needs a street")]
        )
    if community_id is not None and db.session.get(Community, community_id) is None:
        errors["community_id"] = [msg("社区不存在", "No such community")]
    if department_id is not None and db.session.get(Department, department_id) is None:
        errors["department_id"] = [msg("部门不存在", "No such department")]
    if grid_ids:
        found = set(db.session.scalars(select(Grid.id).where(Grid.id.in_(grid_ids))))
        if found != set(grid_ids):
            errors["grid_ids"] = [msg("网格不存在", "No such grid")]
    if role == "worker" and not grid_ids:
        errors.setdefault("grid_ids", [msg("网格员至少负责一个网格", "A worker needs at least one grid")])
    if role == "supervisor" and community_id is None and not street_wide:
        errors.setdefault(
            "community_id", [msg("请选择社区，或设为全街道", "Choose a community or the whole street")]
        )
    if role == "handler" and department_id is None:
        errors.setdefault("department_id", [msg("处置人员需要所属部门", "A handler needs a department")])
    return errors


def only_street_id() -> int | None:
    """The street of a one-street install (a street-wide supervisor there needs to name none)."""
    ids = db.session.scalars(select(Street.id).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def create_user(
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    phone: str | None = None,
    community_id: int | None = None,
    street_wide: bool = False,
    department_id: int | None = None,
    grid_ids: list[int] | None = None,
    street_id: int | None = None,
    district_id: int | None = None,
    must_change_password: bool = False,
    password_hash: str | None = None,
) -> User:
    """Add a user account (validated); the caller commits.

    must_change_password: someone else chose the password (an admin, `flask create-user`), so
    the user picks their own before anything else. password_hash: hash_password(password) made
    once by a caller that gives many accounts one password (the demo's: one scrypt, not one each).
    """

    grid_ids = grid_ids or []
    if role == "supervisor" and street_wide and street_id is None:
        street_id = only_street_id()
    errors = _check_assignment(
        role, community_id, department_id, grid_ids, street_wide, street_id, district_id
    )
    if find_user(username) is not None:
        errors["username"] = [msg("用户名已被使用", "Username already taken")]
    if errors:
        raise validation_failed(errors)
    user = User(
        username=username.strip(),
        display_name=display_name,
        phone=phone,
        role=role,
        community_id=community_id,
        street_wide=street_wide,
        street_id=street_id,
        district_id=district_id,
        department_id=department_id,
        password_hash=password_hash or hash_password(password),
        must_change_password=must_change_password,
        grids=list(db.session.scalars(select(Grid).where(Grid.id.in_(grid_ids)))),
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, **changes) -> User:
    """Apply an admin's edits; deactivation and password changes end the user's sessions, and a
    password the admin set must be changed by the user at the next login."""

    merged = {
        "role": changes.get("role", user.role),
        "community_id": changes.get("community_id", user.community_id),
        "department_id": changes.get("department_id", user.department_id),
        "grid_ids": changes.get("grid_ids", [g.id for g in user.grids]),
        "street_wide": changes.get("street_wide", user.street_wide),
        "street_id": changes.get("street_id", user.street_id),
        "district_id": changes.get("district_id", user.district_id),
    }
    if merged["role"] == "supervisor" and merged["street_wide"] and merged["street_id"] is None:
        merged["street_id"] = changes["street_id"] = only_street_id()
    errors = _check_assignment(**merged)
    if errors:
        raise validation_failed(errors)
    fields = (
        "display_name",
        "phone",
        "role",
        "community_id",
        "street_wide",
        "department_id",
        "street_id",
        "district_id",
    )
    for name in fields:
        if name in changes:
            setattr(user, name, changes[name])
    if "grid_ids" in changes:
        user.grids = list(db.session.scalars(select(Grid).where(Grid.id.in_(changes["grid_ids"]))))
    if "password" in changes:
        user.password_hash = hash_password(changes["password"])
        user.must_change_password = True
        user.end_sessions()
    if changes.get("active") is False and user.active:
        user.end_sessions()
    if "active" in changes:
        user.active = changes["active"]
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user replaces their own password (already checked against the policy); this ends
    every other session of theirs and clears must_change_password. The caller commits."""
    if not check_password_hash(user.password_hash, current_password):
        raise ApiError(
            422,
            "wrong_password",
            msg("当前密码不正确", "The current password is wrong"),
            {"current_password": [msg("当前密码不正确", "The current password is wrong")]},
        )
    if check_password_hash(user.password_hash, new_password):
        raise validation_failed(
            {
                "new_password": [
                    msg("新密码不能与当前密码相同", "Choose a password different from the current one")
                ]
            }
        )
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.end_sessions()
