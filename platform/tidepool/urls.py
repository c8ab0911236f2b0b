from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tidepool.api import api
from tidepool.views import healthz

urlpatterns = [
    path("", include("worlds.urls")),
    path("accounts/", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

if settings.DEBUG or not settings.S3_BUCKET:
    from tidepool.media import serve_media

    urlpatterns += [path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT})]
