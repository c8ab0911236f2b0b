"""Worlds, snapshots, remixes, play sessions, clips, sharing and the gallery."""
