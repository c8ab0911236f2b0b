"""The worker's tick: behind schedule it simulates without drawing, and stays exact."""

from __future__ import annotations

import time

import pytest

from worlds.engine import world_model
from worlds.live import input_log
from worlds.live.protocol import AUDIO_HEADER, VIDEO_HEADER, unpack_video
from worlds.live.worker import CONTROLLER_TIMEOUT_SECONDS, InferenceWorker, LiveSession


@pytest.fixture
def worker() -> InferenceWorker:
    worker = InferenceWorker(resolution="64x36", layer=object())
    worker.model = world_model("64x36", purpose="worker-test")
    return worker


def live_session(worker: InferenceWorker, name: str) -> LiveSession:
    from inference.spec import WorldSpec

    state = worker.model.create(WorldSpec(prompt="a quiet beach at sunset", seed=5))
    session = LiveSession(
        id=name, controller="c", state=state, recorder=input_log.InputRecorder(), log_from_tick=0
    )
    session.keys = ("w",)
    return session


def test_catching_up_simulates_every_tick_but_draws_only_the_last(worker):
    behind = live_session(worker, "behind")
    on_time = live_session(worker, "on-time")

    [caught_up] = worker._tick([behind], catch_up=3)
    for _ in range(4):
        [last] = worker._tick([on_time])

    assert caught_up.tick == last.tick == 4
    assert len(caught_up.audio) == 4  # every simulated tick is heard
    assert [AUDIO_HEADER.unpack_from(chunk)[1] for chunk in caught_up.audio] == [1, 2, 3, 4]
    assert worker.model.snapshot(behind.state) == worker.model.snapshot(on_time.state)
    assert worker.encode(caught_up) == worker.encode(last)


def test_the_input_log_covers_every_simulated_tick(worker):
    session = live_session(worker, "logged")
    worker._tick([session], catch_up=2)
    session.keys = ("s",)
    worker._tick([session])
    entries = session.recorder.entries
    applied = list(input_log.inputs_by_tick(entries, 0, 4))
    assert [round(i.move_y) for i in applied] == [1, 1, 1, -1]


def draw_at_half_size(worker: InferenceWorker) -> None:
    """A 160x90 model that draws 80x45 images for the player to show twice as large."""
    from inference.interpreter import shared_interpreter
    from inference.model import WorldModel

    worker.model = WorldModel("cpu", (160, 90), interpreter=shared_interpreter(), render_scale=0.5)


def test_it_streams_the_internal_image_with_its_scale(worker):
    import simplejpeg

    draw_at_half_size(worker)
    [out] = worker._tick([live_session(worker, "scaled")])
    height, width, _, _ = simplejpeg.decode_jpeg_header(worker.encode(out))
    assert (out.scale, width, height) == (2, 80, 45)


def run(coroutine):
    """Run a worker coroutine to the end on a loop of its own (a browser test may have left
    one running on this thread)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def quiet_worker(worker, monkeypatch) -> InferenceWorker:
    """A worker whose database calls only record what they were asked, and that neither
    autosaves nor sends."""
    marks: list[str] = []

    async def db(function, /, **kwargs):
        marks.append(kwargs.get("status", ""))

    async def autosave(session):
        pass

    async def send(channel, message):
        pass

    monkeypatch.setattr(worker, "_db", db)
    monkeypatch.setattr(worker, "_send", send)
    monkeypatch.setattr(worker, "_autosave", autosave)
    worker.marks = marks
    return worker


def test_it_detaches_a_session_whose_player_went_quiet(quiet_worker):
    session = live_session(quiet_worker, "quiet")
    quiet_worker.sessions[session.id] = session
    run(quiet_worker._housekeep(session.heard_at + CONTROLLER_TIMEOUT_SECONDS + 1))
    assert not session.attached
    assert quiet_worker.marks == ["paused"]


def silent_session(worker: InferenceWorker, name: str) -> LiveSession:
    """A running session whose player has not been heard from for too long."""
    session = live_session(worker, name)
    worker.sessions[session.id] = session
    session.heard_at -= CONTROLLER_TIMEOUT_SECONDS + 5
    return session


def test_a_keepalive_keeps_a_player_without_input_attached(quiet_worker):
    session = silent_session(quiet_worker, "idle")
    run(quiet_worker.handle({"type": "worker.keepalive", "session": "idle", "controller": "c"}))
    run(quiet_worker._housekeep(time.monotonic()))
    assert session.attached


def test_a_stale_connection_does_not_keep_a_session_alive(quiet_worker):
    session = silent_session(quiet_worker, "moved")
    run(quiet_worker.handle({"type": "worker.keepalive", "session": "moved", "controller": "old"}))
    run(quiet_worker._housekeep(time.monotonic()))
    assert not session.attached


def test_starting_and_attaching_are_handled_without_an_error(quiet_worker, caplog):
    spec = {"prompt": "a quiet beach at sunset", "seed": 5}
    run(
        quiet_worker.handle(
            {"type": "worker.start", "session": "new", "controller": "c", "spec": spec}
        )
    )
    session = quiet_worker.sessions["new"]
    session.heard_at -= CONTROLLER_TIMEOUT_SECONDS + 5
    run(quiet_worker.handle({"type": "worker.attach", "session": "new", "controller": "d"}))
    assert session.controller == "d" and session.attached
    assert time.monotonic() - session.heard_at < CONTROLLER_TIMEOUT_SECONDS
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


class RecordingLayer:
    """A channel layer that notes each group message as it starts to go out."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.messages: list[dict] = []

    async def group_send(self, group: str, message: dict) -> None:
        import asyncio

        self.sent.append((group, message["type"]))
        self.messages.append(message)
        await asyncio.sleep(0.01)  # a round trip to Redis


def test_sessions_publish_together_each_in_order(quiet_worker):
    quiet_worker.layer = layer = RecordingLayer()
    outputs = []
    for name in ("a", "b"):
        [out] = quiet_worker._tick([live_session(quiet_worker, name)])
        out.events.append({"tick": 1, "text": "make it rain", "verdict": {}, "result": {}})
        outputs.append(out)

    run(quiet_worker._publish(outputs))

    frames, commands = layer.sent[:2], layer.sent[2:]
    assert sorted(frames) == [("play.a", "play.frame"), ("play.b", "play.frame")]
    assert sorted(commands) == [("play.a", "play.command"), ("play.b", "play.command")]
    tick, _seq, jpeg = unpack_video(layer.messages[0]["video"])
    assert tick == 1 and jpeg == quiet_worker.encode(outputs[0])


def test_a_frame_goes_out_with_its_scale(quiet_worker):
    draw_at_half_size(quiet_worker)
    quiet_worker.layer = layer = RecordingLayer()
    run(quiet_worker._publish(quiet_worker._tick([live_session(quiet_worker, "scaled")])))
    assert VIDEO_HEADER.unpack_from(layer.messages[0]["video"])[3] == 2


def wait_for_tick(worker: InferenceWorker, *, due_in: float, lead: float, input_at=None) -> float:
    """How long the tick loop waits for a tick due in `due_in` s, given a new input that
    arrives `input_at` s from now (None: no input; 0: one is already waiting)."""
    import asyncio

    async def scenario() -> float:
        if input_at is not None:
            asyncio.get_running_loop().call_later(input_at, worker._new_input.set)
        start = time.monotonic()
        await worker._until_tick(start + due_in, lead)
        return time.monotonic() - start

    return run(scenario())


def test_without_new_input_a_tick_waits_for_its_time(quiet_worker):
    assert wait_for_tick(quiet_worker, due_in=0.3, lead=0.15) >= 0.29


def test_a_new_input_starts_the_tick_early(quiet_worker):
    assert 0.19 <= wait_for_tick(quiet_worker, due_in=0.4, lead=0.25, input_at=0.2) < 0.33


def test_a_tick_starts_no_earlier_than_its_lead(quiet_worker):
    assert 0.14 <= wait_for_tick(quiet_worker, due_in=0.3, lead=0.15, input_at=0) < 0.25


def test_an_input_marks_the_next_tick_as_wanted(quiet_worker):
    session = live_session(quiet_worker, "keen")
    quiet_worker.sessions[session.id] = session
    run(quiet_worker.handle({"type": "worker.input", "session": "keen", "seq": 1, "keys": ["w"]}))
    assert quiet_worker._new_input.is_set()


def test_a_live_model_leaves_one_core_to_the_event_loop_and_encoders(monkeypatch):
    from worlds.live import worker as worker_module

    monkeypatch.setattr(worker_module.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert worker_module.model_threads() == 3
    monkeypatch.setattr(worker_module.os, "sched_getaffinity", lambda pid: {0})
    assert worker_module.model_threads() == 1
    assert worker_module.model_threads(2) == 2


def test_loading_the_model_sets_its_torch_threads():
    import torch

    worker = InferenceWorker(resolution="64x36", layer=object(), threads=1)
    before = torch.get_num_threads()
    try:
        worker._load_model()
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
