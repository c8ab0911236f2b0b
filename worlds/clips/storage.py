"""Storing a render's files: uploads under content-addressed names with retries, and
deleting files no clip row points at any more."""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from worlds.clips.models import Clip

log = logging.getLogger(__name__)


class StorageUnavailable(Exception):
    """Uploading the rendered files failed after every retry."""


def delete_unreferenced(names: list[str]) -> None:
    """Delete files no clip row points at (content-addressed names can be shared by two
    renders of the same script)."""
    from django.db.models import Q

    names = [n for n in names if n]
    if not names:
        return
    used = Clip.objects.filter(
        Q(file__in=names) | Q(thumbnail__in=names) | Q(preview__in=names)
    ).values_list("file", "thumbnail", "preview")
    referenced = {name for row in used for name in row}
    _delete_files([n for n in names if n not in referenced])


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # best effort: an orphan costs space, never correctness
            log.warning("Could not delete %s", name, exc_info=True)


def _transient_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError

        errors += [BotoCoreError, ClientError]
    except ImportError:
        pass
    return tuple(errors)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _store_one(path: Path, name: str) -> str:
    """Upload under `name` (content-addressed). A complete object of the same name and
    size is the same content, so a second delivery uploads nothing."""
    size = path.stat().st_size
    if default_storage.exists(name):
        if default_storage.size(name) == size:
            return name
        default_storage.delete(name)  # a torn local write; S3 objects are never partial
    with open(path, "rb") as file:
        saved = default_storage.save(name, File(file, name=Path(name).name))
    return saved


def clip_store_files(
    *, clip: Clip, files: dict[str, Path], on_attempt: Any = None
) -> dict[str, str]:
    """Upload each file ({"file": path, "thumbnail": ..., "preview": ...}) under a
    content-addressed name, retrying transient storage errors with exponential backoff.
    On final failure, deletes what this call uploaded and raises StorageUnavailable."""
    retries = int(getattr(settings, "CLIP_UPLOAD_RETRIES", 3))
    backoff = float(getattr(settings, "CLIP_UPLOAD_BACKOFF_SECONDS", 1.0))
    transient = _transient_errors()
    names = {}
    for field, path in files.items():
        digest = _sha256(path)[:20]
        suffix = {"file": ".mp4", "thumbnail": ".jpg", "preview": "-preview.mp4"}[field]
        names[field] = f"clips/{clip.slug}/{digest}{suffix}"
    stored: dict[str, str] = {}
    try:
        _upload_all(files, names, stored, retries, backoff, transient, on_attempt)
    except StorageUnavailable:
        raise
    except BaseException:
        delete_unreferenced(list(stored.values()))
        raise
    return stored


def _upload_all(
    files: dict[str, Path],
    names: dict[str, str],
    stored: dict[str, str],
    retries: int,
    backoff: float,
    transient: tuple[type[BaseException], ...],
    on_attempt: Any,
) -> None:
    for field, path in files.items():
        for attempt in range(retries + 1):
            try:
                if on_attempt is not None:
                    on_attempt(field, attempt)
                stored[field] = _store_one(path, names[field])
                break
            except transient as error:
                if attempt == retries:
                    delete_unreferenced(list(stored.values()))
                    raise StorageUnavailable(
                        f"Storage is unavailable: the rendered clip could not be uploaded "
                        f"after {retries + 1} tries ({type(error).__name__}: {error})."
                    ) from error
                delay = backoff * (2**attempt)
                log.warning("Upload of %s failed (%s); retrying in %.1f s", field, error, delay)
                time.sleep(delay)
