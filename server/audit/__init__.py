"""The audit log: who saw or changed what, append-only."""
