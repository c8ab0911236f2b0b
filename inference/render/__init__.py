"""The batched torch renderer: heightfield terrain, sky, weather, sprites, style pass."""
