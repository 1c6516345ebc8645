"""Offline sync: devices, the batch push, the change feed (pull) and backup import."""
