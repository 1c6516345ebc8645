"""Users, login sessions, CSRF and the scope every query is limited to."""
