"""Flask-Login wiring: load users by id and session nonce; JSON 401 instead of a redirect."""

from flask import Flask

from server.errors import ApiError
from server.extensions import db, login_manager
from server.i18n import msg


def init_login(app: Flask) -> None:
    """Install the user loader and the unauthorized answer."""
    from server.auth.models import User

    # Phones change IP between cells and Wi-Fi; "strong" protection would log workers out.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, nonce = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_nonce != nonce:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        raise ApiError(401, "unauthorized", msg("登录已过期，请重新登录", "Please log in again"))
