"""What the OpenAPI says beyond each route's own schemas: the error envelope, the error statuses
every operation can answer, the session and CSRF security schemes, and the query base schema.

The error statuses follow the request guards (server/security.py) and the role check
(server/auth/routes.py roles_required), so each operation lists what it can really answer.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from marshmallow import EXCLUDE, Schema, fields, pre_load

UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
SESSION = "session"
CSRF = "csrf"


class ErrorDetailSchema(Schema):
    """The body of every error under /api (server/errors.py envelope)."""

    class Meta:
        # Some errors carry more keys (a 409's `allowed`, `server`): the envelope stays open.
        unknown = EXCLUDE

    code = fields.String(
        required=True, metadata={"description": "Stable, machine-readable: validation_failed"}
    )
    message = fields.String(
        required=True, metadata={"description": "For people: zh-CN unless Accept-Language prefers English"}
    )
    allowed = fields.List(
        fields.String(), metadata={"description": "illegal_transition: the actions the caller may take now"}
    )
    state = fields.String(metadata={"description": "illegal_transition: the case's state"})
    review_status = fields.String(metadata={"description": "already_reviewed: the submission's status"})
    reason = fields.String(metadata={"description": "conflict: different_content | stale_base_version"})
    server = fields.Dict(metadata={"description": "conflict: the record as the server holds it"})
    # Last: the name shadows the marshmallow module in this class body.
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "validation_failed: the messages per field name (lists, or nested per item)"
        },
    )


class ErrorSchema(Schema):
    """{"error": {"code", "message", "fields"?, ...}}: the one shape of every 4xx and 5xx under /api."""

    class Meta:
        unknown = EXCLUDE

    error = fields.Nested(ErrorDetailSchema, required=True)


class QuerySchema(Schema):
    """A query string's filters, where an empty value (?grid_id=) means the filter is not set."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _empty_is_absent(self, data: Any, **_kwargs: Any) -> Any:
        # Forms and links send empty filters; refusing `?month=` would refuse a valid-looking request.
        if not hasattr(data, "keys"):
            return data
        return {key: data[key] for key in data if data[key] != ""}


class OpenSchema(Schema):
    """A response shape documented but not dumped: the route returns its service's dict as is.

    unknown=EXCLUDE leaves `additionalProperties` out of the spec: a key added to the answer
    later is not a breach of it.
    """

    class Meta:
        unknown = EXCLUDE


class ErrorStatuses(BasePlugin):
    """Add to each operation the error statuses the guards and the role check can answer."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            public = operation.get("security") == []
            # security.py refuses a NUL anywhere in any query string with a 422 naming it; a
            # request line longer than gunicorn takes is a 414 (server/wsgi.py: JSON too).
            statuses: set[int] = {414, 422}
            if not public:
                # 401 not logged in; 403 password_change_required while an admin-set password
                # waits to be changed (server/auth/routes.py require_password_change).
                statuses |= {401, 403}
            if method in UNSAFE_METHODS:
                # security.py: a JSON body is parsed for every unsafe request (malformed or too
                # deep: 400), a non-JSON one is 415, an oversize one 413, no CSRF token 403.
                statuses |= {400, 413, 415}
                if not public:
                    operation["security"] = [{SESSION: [], CSRF: []}]
            if "{" in (path or "") or operation.get("x-roles"):
                # Missing, outside the caller's scope, or a role that may never: all answer 404.
                statuses.add(404)
            responses = operation.setdefault("responses", {})
            present = {str(code) for code in responses}
            for status in sorted(statuses):
                if str(status) not in present:
                    responses[str(status)] = HTTPStatus(status).name


class DocumentedApi(Api):
    """flask-smorest's Api, documenting our error envelope, statuses and security schemes."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self) -> None:
        self._pending: list[tuple[Any, str, Any]] = []
        self._documenting = threading.RLock()
        self._here = threading.local()
        super().__init__(spec_kwargs={"extra_plugins": [ErrorStatuses()], "security": [{SESSION: []}]})

    # Documenting the views is most of what building an app costs, and each test builds one; the
    # spec is read only by /openapi.json and the tools that dump it. So blueprints are documented
    # on the first read, in registration order, while other readers wait for the whole spec.
    def register_blueprint(self, blp, *, parameters=None, **options) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending.append((blp, name, parameters))

    @property
    def spec(self):
        if self._pending and not getattr(self._here, "documenting", False):
            with self._documenting:
                self._here.documenting = True  # the views' own reads of api.spec get the spec as is
                try:
                    while self._pending:
                        blp, name, parameters = self._pending[0]
                        blp.register_views_in_doc(
                            self, self._app, self._spec, name=name, parameters=parameters
                        )
                        self._spec.tag({"name": name, "description": blp.description})
                        self._pending.pop(0)  # last: a concurrent reader never sees a half-made spec
                finally:
                    self._here.documenting = False
        return self._spec

    def schema_component(self, name: str, schema) -> None:
        """Name a schema in the spec's components without documenting the views yet (reading
        `spec` would document every blueprint registered so far, on every app built)."""
        self._spec.components.schema(name, schema=schema)

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value  # init_app makes a new spec for each app: its views are documented anew
        self._pending = []

    def init_app(self, app, *, spec_kwargs: dict | None = None) -> None:
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            SESSION,
            {
                "type": "apiKey",
                "in": "cookie",
                "name": "session",
                "description": "The session cookie POST /auth/login sets (remember-me: 30 days)",
            },
        )
        self.spec.components.security_scheme(
            CSRF,
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-CSRF-Token",
                "description": "csrf_token from /auth/login or /auth/me; every unsafe method needs it",
            },
        )
