from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("audit/", views.audit_log, name="audit"),
    path("case/<str:kind>/<int:case_id>/", views.case, name="case"),
    path("session/<uuid:session_id>/frame/<int:tick>.jpg", views.replay_frame, name="replay-frame"),
    path("report/<str:kind>/<str:object_id>/", views.report, name="report"),
    path("notifications/", views.notifications, name="notifications"),
    path("appeal/<int:entry_id>/", views.appeal, name="appeal"),
]
