"""Users and their public profiles."""
