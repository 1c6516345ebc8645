"""Login, logout and who-am-I; admin management of user accounts."""

from __future__ import annotations

from functools import wraps
from http import HTTPStatus

from flask import after_this_request, current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from flask_smorest import Blueprint
from sqlalchemy import select

from server.audit import service as audit
from server.auth import devices, service
from server.auth.models import User
from server.auth.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    SessionSchema,
    UserCreateSchema,
    UserListSchema,
    UserSchema,
    UserUpdateSchema,
)
from server.auth.scope import Scope
from server.errors import ApiError, is_api_path, not_found, validation_failed
from server.extensions import db, limiter
from server.i18n import msg
from server.org.models import Department
from server.security import csrf_exempt

bp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Login and user accounts")

# What answers while a user must change their password: the phone can still learn why (me), log in
# again or out, and change it; the public operations (health, the push key) and the spec answer
# as they do to anyone.
OPEN_WHILE_PASSWORD_CHANGE = frozenset(
    {
        "auth.login",
        "auth.logout",
        "auth.me",
        "auth.change_password",
        "health.health",
        "push.key",
        "api-docs.openapi_json",
    }
)


@bp.before_app_request
def require_password_change() -> None:
    """403 password_change_required for everything else until the user picks their own password."""
    if not is_api_path(request.path) or request.endpoint in OPEN_WHILE_PASSWORD_CHANGE:
        return
    if request.endpoint is None or not current_user.is_authenticated:
        return  # routing answers 404/405, and the view its 401
    if current_user.must_change_password:
        raise ApiError(
            403,
            "password_change_required",
            msg("请先修改密码", "Change your password first"),
        )


def roles_required(*roles: str):
    """Limit a view to some roles; others get 404 so the endpoint's data does not leak."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                raise not_found()
            return view(*args, **kwargs)

        # x-roles tells integrators who may call; the OpenAPI's 404 for other roles follows from it.
        return Blueprint.doc(**{"x-roles": list(roles)})(wrapped)

    return decorator


def _peeked_username() -> str:
    """The limiter needs the name before the view parses the body, so this peeks at it (never
    trusted: only used to pick a counter)."""
    body = request.get_json(silent=True)
    return str(body.get("username", "") if isinstance(body, dict) else "")[:64].strip().lower()


def _login_key() -> str:
    """Failed logins per client address and username; a phone that logged in as that user before
    counts in its own bucket (server.auth.devices), so others' guesses cannot lock it out."""
    name = _peeked_username()
    device = devices.known_device(name)
    if device is not None:
        return f"device|{device}|{name}"
    return f"{get_remote_address()}|{name}"


def _address_key() -> str:
    """Failed logins per client address, whatever the usernames (password spraying)."""
    device = devices.known_device(_peeked_username())
    return f"device|{device}" if device is not None else get_remote_address()


def _failed(response) -> bool:
    return response.status_code == 401


@bp.route("/auth/login", methods=["POST"])
@csrf_exempt
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_login_key, deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_IP_RATE_LIMIT"], key_func=_address_key, deduct_when=_failed)
@bp.arguments(LoginSchema)
@bp.response(200, SessionSchema)
@bp.alt_response(401, response=HTTPStatus.UNAUTHORIZED.name)
@bp.alt_response(429, response=HTTPStatus.TOO_MANY_REQUESTS.name)
@bp.doc(security=[])
def login(body):
    """Log in with username and password; answers the user and the CSRF token."""
    user = service.authenticate(body["username"], body["password"])
    audit.record_login(body["username"], user)
    if user is None:
        # One message for unknown users, wrong passwords and inactive accounts alike.
        raise ApiError(401, "invalid_credentials", msg("用户名或密码错误", "Wrong username or password"))
    session.permanent = bool(body["remember"])
    login_user(user, remember=body["remember"])
    after_this_request(lambda response: devices.remember_device(response, user.username, body["remember"]))
    db.session.commit()
    return {"user": user, "csrf_token": service.csrf_token(user)}


@bp.route("/auth/logout", methods=["POST"])
@login_required
@bp.response(204)
def logout():
    """End the session on the server: this user's session and remember-me cookies stop working on
    every device (a copied cookie included), not only in this browser."""
    user = current_user._get_current_object()
    user.end_sessions()
    audit.record("auth.logout", user, "user", user.id)
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember cookie


@bp.route("/auth/me", methods=["GET"])
@login_required
@bp.response(200, SessionSchema)
def me():
    """The logged-in user and a CSRF token for unsafe requests."""
    return {"user": current_user, "csrf_token": service.csrf_token(current_user)}


def _wrong_current_password(response) -> bool:
    return (
        response.status_code == 422
        and (response.get_json(silent=True) or {}).get("error", {}).get("code") == "wrong_password"
    )


def _user_key() -> str:
    """Wrong current passwords per user, wherever they log in from (the limiter may ask before
    login_required has refused an anonymous caller: those count per address)."""
    if current_user.is_authenticated:
        return f"password|user|{current_user.id}"
    return f"password|{get_remote_address()}"


@bp.route("/auth/password", methods=["POST"])
@login_required
# Someone holding an unlocked phone may not guess the current password at leisure.
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_user_key, deduct_when=_wrong_current_password
)
@bp.arguments(PasswordChangeSchema)
@bp.response(200, SessionSchema)
@bp.alt_response(429, response=HTTPStatus.TOO_MANY_REQUESTS.name)
def change_password(body):
    """Change your own password (at least 10 characters, not a common one). Ends your sessions on
    other devices; this one goes on, with the new CSRF token in the answer."""
    user = current_user._get_current_object()
    forced = user.must_change_password
    service.change_password(user, body["current_password"], body["new_password"])
    audit.record("auth.password_changed", user, "user", user.id, {"forced": forced})
    db.session.commit()
    # The session id holds the rotated nonce: log this device in again under the new one.
    remember = (
        session.permanent
        or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    )
    login_user(user, remember=remember)
    return {"user": user, "csrf_token": service.csrf_token(user)}


@bp.route("/users", methods=["GET"])
@roles_required("admin", "supervisor")
@bp.response(200, UserListSchema)
def all_users():
    """List user accounts in the caller's scope (phones masked)."""
    stmt = select(User).where(Scope.of(current_user).user_clause()).order_by(User.username)
    return {"users": db.session.scalars(stmt).all()}


@bp.route("/users", methods=["POST"])
@roles_required("admin")
@bp.arguments(UserCreateSchema)
@bp.response(201, UserSchema)
def new_user(body):
    """Create a user account within the admin's street or district; the user must change the
    password at the first login."""
    _check_reach(Scope.of(current_user), body, None)
    user = service.create_user(**body, must_change_password=True)
    db.session.commit()
    return user


@bp.route("/users/<int:user_id>", methods=["GET"])
@roles_required("admin")
@bp.response(200, UserSchema)
def get_user(user_id: int):
    """One user account."""
    return _user_or_404(user_id)


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@roles_required("admin")
@bp.arguments(UserUpdateSchema)
@bp.response(200, UserSchema)
@bp.alt_response(409, response=HTTPStatus.CONFLICT.name)
def update_user(body, user_id: int):
    """Edit, deactivate or reassign a user account. A new password ends the user's sessions, and
    they must change it at the next login."""
    user = _user_or_404(user_id)
    _check_reach(Scope.of(current_user), body, user)
    if user.id == current_user.id and body.get("active") is False:
        raise ApiError(
            409, "cannot_deactivate_self", msg("不能停用自己的账号", "You cannot deactivate yourself")
        )
    service.update_user(user, **body)
    if "password" in body:
        audit.record("auth.password_reset", current_user, "user", user.id)
    db.session.commit()
    return user


def _user_or_404(user_id: int) -> User:
    """The account if it lies in the admin's scope; another street's or district's is a 404."""
    user = db.session.scalar(select(User).where(User.id == user_id, Scope.of(current_user).user_clause()))
    if user is None:
        raise not_found()
    return user


def _check_reach(scope: Scope, body: dict, user: User | None) -> None:
    """An admin assigns only what lies in their own street or district (422 naming the field)."""
    if scope.everything:
        return
    outside = [msg("不在您管辖的范围内", "Outside your area")]
    errors: dict[str, list[str]] = {}
    if any(not scope.allows_grid(grid_id) for grid_id in body.get("grid_ids") or []):
        errors["grid_ids"] = outside
    if body.get("community_id") is not None and not scope.allows_community(body["community_id"]):
        errors["community_id"] = outside
    if body.get("street_id") is not None and not scope.allows_street(body["street_id"]):
        errors["street_id"] = outside
    if body.get("district_id") is not None and body["district_id"] != (
        scope.level_id if scope.level == "district" else None
    ):
        errors["district_id"] = outside
    if body.get("department_id") is not None:
        department = db.session.get(Department, body["department_id"])
        if department is not None and not scope.allows_street(department.street_id):
            errors["department_id"] = outside
    role = body.get("role", user.role if user else None)
    street_id = body.get("street_id", user.street_id if user else None)
    district_id = body.get("district_id", user.district_id if user else None)
    if role == "admin" and street_id is None and district_id is None:
        # An admin with neither sees the whole database: only such an admin may make one.
        errors.setdefault("street_id", [msg("请选择街道或区", "Choose a street or a district")])
    if errors:
        raise validation_failed(errors)


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@roles_required("admin")
@bp.response(204)
def end_user_sessions(user_id: int):
    """End every session of this user on every device (a lost or stolen phone); they log in again."""
    user = _user_or_404(user_id)
    user.end_sessions()
    audit.record("auth.sessions_ended", current_user, "user", user.id)
    db.session.commit()
