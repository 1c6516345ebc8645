"""Tasks a supervisor assigns to a grid worker (visit, welfare visit, re-inspect, check a case)."""
