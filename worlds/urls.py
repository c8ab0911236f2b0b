from django.urls import include, path

from accounts.views import profile
from worlds import views
from worlds.live import views as live_views

urlpatterns = [
    path("", views.home, name="home"),
    path("create/", views.world_create, name="world-create"),
    path("explore/", views.explore, name="explore"),
    path("oembed", views.oembed, name="oembed"),
    path("w/<str:slug>/", views.world_detail, name="world-detail"),
    path("w/<str:slug>/remix/", views.world_remix, name="world-remix"),
    path("w/<str:slug>/publish/", views.world_publish, name="world-publish"),
    path("w/<str:slug>/delete/", views.world_delete, name="world-delete"),
    path("w/<str:slug>/lineage/", views.world_lineage_page, name="world-lineage"),
    path("w/<str:slug>/like/", views.world_like, name="world-like"),
    path("s/<str:slug>/", views.snapshot_link, name="snapshot-link"),
    path("w/<str:slug>/play/", live_views.session_create, name="session-create"),
    path("play/<uuid:session_id>/", live_views.play, name="play"),
    path("watch/<uuid:session_id>/", live_views.watch, name="watch"),
    path("embed/w/<str:slug>/", live_views.embed_world, name="embed-world"),
    path("embed/w/<str:slug>/start/", live_views.embed_start, name="embed-start"),
    path("embed/play/<uuid:session_id>/", live_views.embed_play, name="embed-play"),
    path("embed/watch/<uuid:session_id>/", live_views.embed_watch, name="embed-watch"),
    path("u/<str:username>/", profile, name="profile"),
    path("", include("worlds.clips.urls")),
]
