"""WebSocket routes. Live play lands here with the play consumer."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
