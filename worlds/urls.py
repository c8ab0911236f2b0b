from django.urls import path

from accounts.views import profile
from worlds import views

urlpatterns = [
    path("", views.home, name="home"),
    path("create/", views.world_create, name="world-create"),
    path("w/<str:slug>/", views.world_detail, name="world-detail"),
    path("w/<str:slug>/remix/", views.world_remix, name="world-remix"),
    path("w/<str:slug>/publish/", views.world_publish, name="world-publish"),
    path("w/<str:slug>/delete/", views.world_delete, name="world-delete"),
    path("u/<str:username>/", profile, name="profile"),
]
