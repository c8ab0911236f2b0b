from django.urls import path

from worlds.clips import views

urlpatterns = [
    path("w/<str:slug>/clips/", views.clip_list, name="clip-list"),
    path("w/<str:slug>/clips/new/", views.clip_new, name="clip-new"),
    path("c/<str:slug>/", views.clip_detail, name="clip-detail"),
    path("c/<str:slug>/edit/", views.clip_edit, name="clip-edit"),
    path("c/<str:slug>/embed/", views.clip_embed, name="clip-embed"),
    path("c/<str:slug>/status.json", views.clip_status, name="clip-status"),
    path("c/<str:slug>/download/", views.clip_download, name="clip-download"),
    path("c/<str:slug>/retry/", views.clip_retry, name="clip-retry"),
    path("c/<str:slug>/remix/", views.clip_remix, name="clip-remix"),
    path("c/<str:slug>/delete/", views.clip_delete, name="clip-delete"),
]
