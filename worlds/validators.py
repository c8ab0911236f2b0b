"""Validation shared by forms, the API and the services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from inference.vocabulary import STYLES

MAX_PROMPT_LENGTH = 2000
MAX_CHARACTER_LENGTH = 500
MAX_SEED = 2**31 - 1
STYLE_CHOICES = ("auto", *STYLES)
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def validate_style(value: str) -> None:
    if value not in STYLE_CHOICES:
        raise ValidationError(
            f"Unknown style “{value}”. Choose one of: {', '.join(STYLE_CHOICES)}.", code="style"
        )


def validate_seed(value: object) -> int:
    if isinstance(value, bool):
        raise ValidationError("The seed must be a whole number.", code="seed")
    try:
        seed = int(str(value).strip())
    except (TypeError, ValueError) as error:
        raise ValidationError("The seed must be a whole number.", code="seed") from error
    if not 0 <= seed <= MAX_SEED:
        raise ValidationError(f"The seed must be between 0 and {MAX_SEED}.", code="seed")
    return seed


def validate_image_upload(upload: UploadedFile) -> None:
    if upload.size is not None and upload.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        megabytes = settings.MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(f"The image is larger than {megabytes} MB.", code="image_size")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "That file is not an image Tidepool can read (PNG, JPEG, WebP or GIF).",
            code="image_type",
        ) from error
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError("Upload a PNG, JPEG, WebP or GIF image.", code="image_type")
