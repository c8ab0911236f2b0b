"""Services for live sessions: starting, placing on workers, autosaving, logging."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from worlds.counters import viewer_key, world_count_play
from worlds.live import input_log
from worlds.models import Command, InferenceWorker, PlaySession, Snapshot, SnapshotKind, World
from worlds.selectors import snapshot_list_visible, world_can_view

# Long enough that a busy machine's late heartbeat is not taken for a dead worker.
HEARTBEAT_STALE = timedelta(seconds=5)
RESUME_WINDOW = timedelta(minutes=2)

Player = AbstractBaseUser | AnonymousUser


def anonymous_key_for(django_session: Any) -> str:
    """A stable key for an anonymous player, kept in their Django session."""
    key = django_session.get("anonymous_player_key")
    if not key:
        key = secrets.token_urlsafe(24)
        django_session["anonymous_player_key"] = key
    return key


@transaction.atomic
def session_start(
    *,
    world: World,
    player: Player,
    anonymous_key: str = "",
    snapshot: Snapshot | None = None,
    resume: bool = False,
    ip: str | None = None,
) -> PlaySession:
    """A new play session of `world`, from `snapshot`, the player's latest autosave
    (resume), or the snapshot viewers get."""
    if not world_can_view(world=world, viewer=player):
        raise Http404("No world found at this link.")
    user = player if player.is_authenticated else None
    start = snapshot
    if start is None and resume:
        start = world_latest_autosave(world=world, user=user, anonymous_key=anonymous_key)
    if start is None:
        visible = snapshot_list_visible(world=world, viewer=player)
        is_owner = user is not None and world.owner_id == user.pk
        published = world.published_snapshot
        start = published if (published and not is_owner) else visible.first()
    world_count_play(world=world, viewer=viewer_key(user=user, anonymous_key=anonymous_key))
    return PlaySession.objects.create(
        world=world,
        start_snapshot=start,
        last_snapshot=start,
        player=user,
        anonymous_key="" if user else anonymous_key,
        ip=ip,
    )


def world_latest_autosave(
    *, world: World, user: AbstractBaseUser | None, anonymous_key: str
) -> Snapshot | None:
    owner = Q(session__player=user) if user else Q(session__anonymous_key=anonymous_key)
    if not user and not anonymous_key:
        return None
    return (
        Snapshot.objects.filter(world=world, is_autosave=True)
        .filter(owner)
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class Connection:
    session: PlaySession
    role: str  # "player" or "spectator"


PLAYER_TOKEN_SALT = "tidepool.play"
PLAYER_TOKEN_MAX_AGE = 24 * 60 * 60


def player_token(*, session_id: str) -> str:
    """A signed pass to steer this session, for pages whose cookies the browser may not
    send over the WebSocket (an embed in another site's iframe)."""
    return signing.dumps(str(session_id), salt=PLAYER_TOKEN_SALT, compress=True)


def player_token_valid(token: str, session_id: str) -> bool:
    if not token:
        return False
    try:
        value = signing.loads(token, salt=PLAYER_TOKEN_SALT, max_age=PLAYER_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == str(session_id)


def session_connect(
    *, session_id: str, user: Player, anonymous_key: str, watch: bool, token: str = ""
) -> Connection:
    """Who is connecting to a session, and as what. Raises Http404 when they may not."""
    session = (
        PlaySession.objects.select_related("world", "world__owner", "player")
        .filter(pk=session_id)
        .first()
    )
    if session is None or session.world.is_deleted:
        raise Http404("This session does not exist.")
    if not world_can_view(world=session.world, viewer=user):
        raise SessionPrivate("This world is private: only its creator can play or watch it.")
    is_player = player_token_valid(token, session.pk) or (
        session.player_id == user.pk
        if session.player_id is not None
        else bool(anonymous_key) and session.anonymous_key == anonymous_key
    )
    if is_player and not watch:
        if session.status == PlaySession.Status.ENDED or (
            session.status == PlaySession.Status.PAUSED
            and session.last_seen_at < timezone.now() - RESUME_WINDOW
        ):
            raise SessionEnded("This session has ended. Start a new one from the world page.")
        return Connection(session=session, role="player")
    return Connection(session=session, role="spectator")


class SessionEnded(Exception):
    """The session can no longer be resumed."""


class SessionPrivate(Exception):
    """The session's world is private to someone else."""


def session_start_state(*, session: PlaySession) -> dict[str, Any] | None:
    snapshot = session.last_snapshot or session.start_snapshot
    return snapshot.state if snapshot else None


def session_mark(*, session_id: str, status: str, worker: str | None = None) -> None:
    changes: dict[str, Any] = {"status": status, "last_seen_at": timezone.now()}
    if worker is not None:
        changes["worker"] = worker
    if status == PlaySession.Status.ENDED:
        changes["ended_at"] = timezone.now()
    PlaySession.objects.filter(pk=session_id).update(**changes)


# Workers ---------------------------------------------------------------------------


def worker_register(*, name: str, channel: str, device: str, capacity: int) -> None:
    InferenceWorker.objects.update_or_create(
        name=name,
        defaults={
            "channel": channel,
            "device": device,
            "capacity": capacity,
            "heartbeat_at": timezone.now(),
        },
    )


def worker_heartbeat(*, name: str) -> None:
    InferenceWorker.objects.filter(name=name).update(heartbeat_at=timezone.now())


def worker_unregister(*, name: str) -> None:
    InferenceWorker.objects.filter(name=name).delete()


def worker_is_alive(*, name: str) -> bool:
    return InferenceWorker.objects.filter(
        name=name, heartbeat_at__gte=timezone.now() - HEARTBEAT_STALE
    ).exists()


@transaction.atomic
def session_place(*, session_id: str, exclude: str = "") -> InferenceWorker | None:
    """Put the session on the least-loaded live worker with room, or return None."""
    running = (
        PlaySession.objects.filter(worker=OuterRef("name"), status=PlaySession.Status.RUNNING)
        .values("worker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    workers = (
        InferenceWorker.objects.filter(heartbeat_at__gte=timezone.now() - HEARTBEAT_STALE)
        .exclude(name=exclude)
        .annotate(load=Coalesce(Subquery(running), Value(0)))
        .filter(load__lt=F("capacity"))
        .order_by("load", "name")
    )
    worker = workers.first()
    if worker is None:
        PlaySession.objects.filter(pk=session_id).update(
            status=PlaySession.Status.QUEUED, worker=""
        )
        return None
    # Lock the chosen worker row so concurrent placements see each other's sessions.
    InferenceWorker.objects.select_for_update().filter(pk=worker.pk).first()
    PlaySession.objects.filter(pk=session_id).update(
        status=PlaySession.Status.RUNNING, worker=worker.name, last_seen_at=timezone.now()
    )
    return worker


def queue_position(*, session_id: str) -> int:
    session = PlaySession.objects.filter(pk=session_id).only("started_at").first()
    if session is None:
        return 0
    return (
        PlaySession.objects.filter(
            status=PlaySession.Status.QUEUED, started_at__lte=session.started_at
        ).count()
        or 1
    )


# Persistence -----------------------------------------------------------------------


@transaction.atomic
def session_autosave(
    *, session_id: str, state: dict[str, Any], entries: list[list[float]], from_tick: int
) -> Snapshot | None:
    """Replace the session's autosave and extend its input log."""
    session = PlaySession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        return None
    previous = session.last_snapshot if session.last_snapshot_id else None
    tick = int(state.get("tick", 0))
    if previous is not None and previous.is_autosave and previous.tick > tick:
        return None  # a newer autosave is already in; never go back
    snapshot = Snapshot.objects.create(
        world_id=session.world_id,
        parent=session.start_snapshot,
        state=state,
        tick=tick,
        label="Autosave",
        author_id=session.player_id,
        is_autosave=True,
        session=session,
    )
    log = input_log.merge(input_log.decode(session.input_log), entries, from_tick=from_tick)
    session.input_log = input_log.encode(log)
    session.last_snapshot = snapshot
    session.last_seen_at = timezone.now()
    session.save(update_fields=["input_log", "last_snapshot", "last_seen_at"])
    if previous is not None and previous.is_autosave and previous.session_id == session.pk:
        previous.delete()
    return snapshot


def session_log_command(
    *, session_id: str, tick: int, text: str, verdict: dict[str, Any], result: dict[str, Any]
) -> Command:
    return Command.objects.create(
        session_id=session_id, tick=tick, text=text[:500], verdict=verdict, result=result
    )


def session_save_snapshot(
    *,
    session_id: str,
    state: dict[str, Any],
    label: str,
    jpeg: bytes | None,
    kind: str = SnapshotKind.SAVED,
) -> Snapshot | None:
    """A snapshot from the player ("Save snapshot", or the moment of a Record or Remix),
    with the current frame."""
    session = PlaySession.objects.select_related("world").filter(pk=session_id).first()
    if session is None or session.player_id is None:
        return None  # anonymous players can save nothing
    snapshot = Snapshot.objects.create(
        world=session.world,
        parent=session.start_snapshot,
        state=state,
        tick=int(state.get("tick", 0)),
        label=label or f"Saved at {timezone.now():%H:%M}",
        kind=kind,
        author_id=session.player_id,
    )
    if jpeg:
        snapshot.thumbnail.save(f"{snapshot.slug}.jpg", ContentFile(jpeg), save=True)
    return snapshot
