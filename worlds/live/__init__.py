"""Live play: the inference worker's tick loop, placement, the WebSocket consumer, and
the session log that makes exact replay and failover possible."""
