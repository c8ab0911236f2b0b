"""Directed clips: scripts of timed commands and inputs rendered to shareable videos."""
