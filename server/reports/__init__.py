"""KPIs of the case loop, computed from the CaseEvent log."""
