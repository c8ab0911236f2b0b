"""Checks on everything users type or upload, flags, reports and the moderator queue."""
