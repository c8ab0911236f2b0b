"""WebSocket routes."""

from django.urls import path

from worlds.live.consumers import PlayConsumer

websocket_urlpatterns = [
    path("ws/play/<uuid:session_id>/", PlayConsumer.as_asgi()),
]
