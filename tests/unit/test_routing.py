"""The app's URL rules compile their URL builders only when one is first used (server/routing.py):
a URL built from a rule is still the right one."""

from flask import url_for

from server.routing import LazyBuilderRule


def test_every_rule_is_lazy_and_urls_are_built_right(app):
    rules = list(app.url_map.iter_rules())
    assert rules and all(isinstance(rule, LazyBuilderRule) for rule in rules)
    with app.test_request_context():
        assert url_for("health.health") == "/api/v1/health"
        assert url_for("auth.get_user", user_id=7) == "/api/v1/users/7"
        # Arguments the rule does not name go to the query string (the other compiled builder).
        assert url_for("auth.get_user", user_id=7, page=2) == "/api/v1/users/7?page=2"
        assert url_for("auth.get_user", user_id=8, _external=True) == "http://localhost/api/v1/users/8"
