"""The JSON API. The OpenAPI schema is served at /api/schema, docs at /api/docs."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from moderation.rate_limits import RateLimited
from worlds.api import router as worlds_router
from worlds.clips.api import router as clips_router

api = NinjaAPI(
    title="Tidepool API",
    version="1",
    description="Worlds, snapshots and remixes.",
    openapi_url="/schema",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/worlds", worlds_router)
api.add_router("/clips", clips_router)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    message = "; ".join(
        f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
        for field, msgs in errors.items()
    )
    return api.create_response(request, {"error": message, "fields": errors}, status=400)


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(request, {"error": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "form")
        ]
        message = error.get("msg", "Invalid value.")
        fields.setdefault(".".join(loc) or "__all__", []).append(message)
    message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in fields.items())
    return api.create_response(request, {"error": message, "fields": fields}, status=400)
