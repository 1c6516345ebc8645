"""Welfare visits to vulnerable residents: the schedule, the flags and the monthly visit rate."""
