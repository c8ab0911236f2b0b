// Tidepool browser player: stream a live world, wander it and direct it.

import { attachFullscreen } from "./fullscreen.js";
import { attachRecorder } from "./record.js";
import { AudioPlayer } from "./audio.js";
import { Connection } from "./connection.js";
import { InputController } from "./input.js";
import { TouchControls } from "./touch.js";
import { AUDIO, MAX_COMMAND_CHARS, MAX_LABEL_CHARS, VIDEO, absoluteWsUrl } from "./protocol.js";
import { CommandLog, Toasts, copyText, isTyping } from "./ui.js";
import { FrameRenderer } from "./video.js";

const STATES = ["loading", "playing", "queued", "reconnecting", "closed"];
const COARSE_POINTER = window.matchMedia("(pointer: coarse)");
const SHORT_TOUCH_SCREEN = window.matchMedia("(pointer: coarse) and (orientation: landscape) and (max-height: 540px)");
const COMMAND_TIMEOUT_MS = 15000;

function readConfig() {
  const node = document.getElementById("player-config");
  if (!node) throw new Error("The page has no player configuration.");
  return JSON.parse(node.textContent);
}

function ms(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value)} ms`;
}

class Player {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.role = config.role === "spectator" ? "spectator" : "player";
    this.spectator = this.role === "spectator";
    this.state = "loading";
    this.mode = this.spectator ? "watch" : "wander";
    this.session = null;
    this.queuePosition = null;
    this.commandCount = 0;
    this.commandTimers = new Map();
    this.lastError = null;
    this.closeInfo = null;
    this.loadingSince = performance.now();
    this.snapshots = [];

    const $ = (id) => document.getElementById(id);
    this.dom = {
      canvas: $("player-canvas"), stage: $("stage"), toasts: $("toasts"), log: $("command-log"),
      form: $("command-form"), input: $("command-input"), fps: $("stat-fps"), ping: $("stat-ping"),
      inputLatency: $("stat-input"), sound: $("sound-button"), share: $("share-button"),
      snapshot: $("snapshot-button"), dialog: $("snapshot-dialog"), dialogForm: $("snapshot-form"),
      label: $("snapshot-label"), cancel: $("snapshot-cancel"), spectate: $("spectate-link"),
      copySpectate: $("copy-spectate"), retry: $("retry-button"), loadingDetail: $("loading-detail"),
      queueTitle: $("queue-title"), queueDetail: $("queue-detail"), reconnectDetail: $("reconnect-detail"),
      closedTitle: $("closed-title"), closedDetail: $("closed-detail"),
    };

    this.toasts = new Toasts(this.dom.toasts);
    this.log = new CommandLog(this.dom.log, { onSuggestion: (text) => this.sendCommand(text) });
    this.audio = new AudioPlayer();
    this.renderer = new FrameRenderer(this.dom.canvas, { onDrawn: (frame, now) => this._onDrawn(frame, now) });
    this.connection = new Connection(absoluteWsUrl(config.ws_url), {
      onOpen: () => this._onOpen(),
      onBinary: (msg) => this._onBinary(msg),
      onJson: (msg) => this._onJson(msg),
      onPong: () => this._renderStats(),
      onReconnecting: (info) => this._onReconnecting(info),
      onClosed: (info) => this._onClosed(info),
    });
    this.input = this.spectator ? null : new InputController({
      canvas: this.dom.canvas,
      send: (message) => this.connection.send(message),
      getAck: () => this.renderer.lastTick,
      onLockChange: (locked) => this.root.classList.toggle("is-locked", locked),
    });
    if (this.input && navigator.maxTouchPoints > 0) {
      // A phone shows the touch controls at once; a laptop with a touch screen on its first touch.
      const showTouch = () => this.root.classList.add("has-touch");
      this.touch = new TouchControls({ stage: this.dom.stage, input: this.input, onFirstTouch: showTouch });
      if (COARSE_POINTER.matches) showTouch();
    }
    this._labelSound(false);

    this._bindUi();
    this._setState("loading");
    this.connection.start();
    this.statsTimer = setInterval(() => this._renderStats(), 500);
    this.loadingTimer = setInterval(() => this._renderLoading(), 1000);
    window.addEventListener("pagehide", () => this.connection.close());
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) window.location.reload(); // back/forward cache: the socket is gone
    });
  }

  // ---- state -------------------------------------------------------------

  _setState(state) {
    if (!STATES.includes(state)) return;
    if (state !== "playing" && this.state === "playing") this.loadingSince = performance.now();
    this.state = state;
    this.root.dataset.state = state;
    this._syncInput();
  }

  _syncInput() {
    if (!this.input) return;
    const live = this.state === "playing" && !this.readOnly;
    this.input.setStreaming(live);
    this.input.setEnabled(live && this.mode === "wander" && !this.dom.dialog.open);
    if (this.touch && !this.input.enabled) this.touch.releaseAll();
  }

  /** The server treats this page as a spectator (e.g. the session is played in another tab). */
  _becomeReadOnly() {
    if (this.readOnly || this.spectator) return;
    this.readOnly = true;
    this.root.dataset.readonly = "true";
    if (this.dom.input) {
      this.dom.input.disabled = true;
      this.dom.input.placeholder = "Only the player can direct this world";
    }
    if (this.dom.snapshot) this.dom.snapshot.disabled = true;
    this._syncInput();
    this.toasts.show("This session is being played somewhere else, so this page only watches.",
      { kind: "info", title: "Watching", timeout: 8000 });
  }

  _setMode(mode, { focus = true } = {}) {
    if (this.spectator) return;
    this.mode = mode;
    this.root.dataset.mode = mode;
    for (const button of this.root.querySelectorAll(".mode-button")) {
      button.setAttribute("aria-selected", String(button.dataset.mode === mode));
    }
    this._syncInput();
    if (mode === "direct") {
      this.input.unlock();
      if (focus) this.dom.input.focus();
    } else if (focus) {
      if (document.activeElement === this.dom.input) this.dom.input.blur();
      this.dom.canvas.focus({ preventScroll: true });
    }
  }

  // ---- connection events -------------------------------------------------

  _onOpen() {
    this.renderer.reset();
    this.audio.reset();
    if (this.state !== "reconnecting") this._setState("loading");
    this.dom.loadingDetail.textContent = "Connected. Waiting for the first frame.";
  }

  _onReconnecting({ attempt, delayMs, reason }) {
    if (this.state === "closed") return;
    this._setState("reconnecting");
    this.reconnectAt = performance.now() + delayMs;
    this.reconnectReason = reason;
    this.reconnectAttempt = attempt;
    this._renderLoading();
  }

  _onClosed({ code, reason, given }) {
    this.closeReasonGiven = Boolean(given);
    this.closeInfo = { code, reason };
    this.dom.closedTitle.textContent = code === 4410 ? "This session has ended"
      : code === 4404 ? "Session not found" : "You can't join this session";
    // Some servers (daphne) drop the close reason: fall back to an error sent just before closing.
    const recent = this.lastError && performance.now() - this.lastErrorAt < 5000 ? this.lastError : null;
    const recentText = recent && (recent.message || recent.detail || recent.reason);
    const text = this.closeReasonGiven ? reason : recentText || reason;
    this.closeInfo.reason = text;
    this.dom.closedDetail.textContent = text;
    if (this.input) this.input.unlock();
    if (this.dom.input) this.dom.input.disabled = true;
    if (this.dom.snapshot) this.dom.snapshot.disabled = true;
    this._setState("closed");
    this._failPendingCommands("The session closed before this command ran.");
  }

  _onBinary(msg) {
    if (msg.kind === VIDEO) this.renderer.push(msg);
    else if (msg.kind === AUDIO) this.audio.push(msg);
  }

  _onDrawn(frame, now) {
    if (this.state !== "playing" && this.state !== "closed") {
      if (!this.hasPlayed && SHORT_TOUCH_SCREEN.matches) {
        // A phone on its side: bring the whole picture into view, the page's header above it.
        this.dom.stage.scrollIntoView({ block: "center", behavior: "instant" });
      }
      this.hasPlayed = true;
      this._setState("playing");
      if (this.mode === "wander" && !this.spectator && document.activeElement !== this.dom.input) {
        this.dom.canvas.focus({ preventScroll: true });
      }
    }
    if (this.input) {
      this.input.frameShown(frame.seq, now);
      this.input.syncSeq(frame.seq);
    }
  }

  _onJson(msg) {
    switch (msg.type) {
      case "session":
        if (msg.status === "resuming" && this.session) {
          this.toasts.show("The world engine changed. Picking up where you left off…", { kind: "info", timeout: 4000 });
        }
        this.session = { ...(this.session || {}), ...msg };
        if (this.state === "loading") {
          const detail = { starting: "Loading the world engine…", running: "The world is running. First frame on its way…",
            resuming: "Picking up where you left off…" }[msg.status];
          if (detail) this.dom.loadingDetail.textContent = detail;
        }
        if (msg.role === "spectator" || msg.role === "player") this.root.dataset.serverRole = msg.role;
        if (msg.role === "spectator" && this.role === "player") this._becomeReadOnly();
        if (Number.isFinite(msg.position) && msg.position > 0) this._onQueue(msg);
        break;
      case "queue":
        this._onQueue(msg);
        break;
      case "command.result":
        this._onCommandResult(msg);
        break;
      case "snapshot.saved":
        this._onSnapshotSaved(msg);
        break;
      case "error":
        this._onError(msg);
        break;
      default:
        this.onExtraMessage?.(msg);
        break;
    }
  }

  _onQueue(msg) {
    const position = Number(msg.position ?? msg.ahead ?? msg.place);
    this.queuePosition = Number.isFinite(position) ? position : null;
    if (this.queuePosition && this.queuePosition > 0) {
      if (this.state !== "playing") this._setState("queued");
      this.dom.queueTitle.textContent = this.queuePosition === 1 ? "You're next in line" : `You're #${this.queuePosition} in line`;
      const eta = Number(msg.eta_s ?? msg.eta ?? msg.wait_s);
      this.dom.queueDetail.textContent = Number.isFinite(eta) && eta > 0
        ? `About ${eta < 90 ? `${Math.round(eta)} s` : `${Math.round(eta / 60)} min`} to go. Keep this tab open.`
        : "All world engines are busy. You'll start as soon as one frees up.";
    } else if (this.state === "queued") {
      this._setState("loading");
      this.dom.loadingDetail.textContent = "It's your turn. Starting…";
    }
  }

  _onCommandResult(msg) {
    const id = msg.id === undefined || msg.id === null ? "" : String(msg.id);
    clearTimeout(this.commandTimers.get(id));
    this.commandTimers.delete(id);
    const result = msg.result && typeof msg.result === "object" ? { ...msg.result, ...msg } : msg;
    if (result.result && typeof result.result === "object") delete result.result;
    this.log.resolve(id, result);
  }

  _onSnapshotSaved(msg) {
    const snap = msg.snapshot && typeof msg.snapshot === "object" ? { ...msg.snapshot, ...msg } : msg;
    this.snapshots.push(snap);
    this.savingToast?.remove();
    const label = snap.label ? `“${snap.label}”` : "Snapshot";
    const tick = Number.isFinite(snap.tick) ? ` at tick ${snap.tick}` : "";
    this.log.note(`${label} saved${tick}`, "It's on the world page, ready to play or remix from.", "snapshot");
    this.toasts.show(`${label} saved${tick}.`, { kind: "ok", title: "Snapshot saved" });
    if (this.dom.snapshot) this.dom.snapshot.disabled = false;
  }

  _onError(msg) {
    const now = performance.now();
    const text = msg.message || msg.detail || msg.reason || "Something went wrong.";
    const repeat = this.lastError && this.lastError.code === msg.code && now - this.lastErrorAt < 4000;
    this.lastError = msg;
    this.lastErrorAt = now;
    if (msg.code === "read_only") this._becomeReadOnly();
    else if (!repeat) {
      this.toasts.show(text, { kind: "error", title: msg.code ? humanCode(msg.code) : "Error", timeout: 7000 });
    }
    if (msg.id !== undefined && this.commandTimers.has(String(msg.id))) {
      clearTimeout(this.commandTimers.get(String(msg.id)));
      this.commandTimers.delete(String(msg.id));
      this.log.fail(String(msg.id), text);
    }
    if (this.dom.snapshot) this.dom.snapshot.disabled = false;
  }

  // ---- actions -----------------------------------------------------------

  sendCommand(text) {
    text = String(text || "").trim();
    if (!text || this.spectator) return false;
    if (text.length > MAX_COMMAND_CHARS) {
      this.toasts.show(`Commands are limited to ${MAX_COMMAND_CHARS} characters.`, { kind: "error" });
      return false;
    }
    if (!this.connection.open) {
      this.toasts.show("Not connected right now. Your command is still in the box; send it again once the world is back.",
        { kind: "error", title: "Not sent" });
      return false;
    }
    this.commandCount += 1;
    const id = `c${this.commandCount}-${Date.now().toString(36)}`;
    this.connection.send({ type: "command", id, text });
    this.log.add(id, text, "sent");
    this.commandTimers.set(id, setTimeout(() => {
      const entry = this.log.entries.get(id);
      if (entry && entry.status === "sent") this.log.fail(id, "No answer from the world yet. It may still apply.");
      this.commandTimers.delete(id);
    }, COMMAND_TIMEOUT_MS));
    return id;
  }

  _failPendingCommands(message) {
    for (const [id, timer] of this.commandTimers) {
      clearTimeout(timer);
      this.log.fail(id, message);
    }
    this.commandTimers.clear();
  }

  saveSnapshot(label = "") {
    if (this.spectator) return false;
    if (this.config.can_save === false) {
      this.toasts.show("Sign up or log in to save snapshots.", { kind: "info", title: "Save snapshot" });
      return false;
    }
    if (!this.connection.open) {
      this.toasts.show("Not connected right now; try again in a moment.", { kind: "error", title: "Not saved" });
      return false;
    }
    this.connection.send({ type: "snapshot", label: String(label).trim().slice(0, MAX_LABEL_CHARS) });
    if (this.dom.snapshot) {
      this.dom.snapshot.disabled = true;
      setTimeout(() => { this.dom.snapshot.disabled = false; }, 5000);
    }
    this.savingToast = this.toasts.show("Saving a snapshot…", { kind: "info", timeout: 8000 });
    return true;
  }

  async share(url = this.config.share_url) {
    const ok = await copyText(url);
    this.toasts.show(ok ? url : `Copy this link: ${url}`, { kind: ok ? "ok" : "info", title: ok ? "Link copied" : "Share", timeout: 4000 });
    return ok;
  }

  _labelSound(on) {
    const press = COARSE_POINTER.matches ? "tap" : "click";
    this.dom.sound.querySelector(".sound-label").textContent = on ? "Sound on" : `Sound off · ${press} to unmute`;
  }

  async toggleSound() {
    try {
      const on = await this.audio.toggle();
      this.root.dataset.sound = on ? "on" : "off";
      this.dom.sound.setAttribute("aria-pressed", String(on));
      this._labelSound(on);
    } catch (err) {
      this.toasts.show(String(err.message || err), { kind: "error", title: "No sound" });
    }
  }

  // ---- UI wiring ---------------------------------------------------------

  _bindUi() {
    const { canvas, form, input, sound, share, snapshot, dialog, dialogForm, label, cancel, copySpectate, retry } = this.dom;
    sound.addEventListener("click", () => {
      this.toggleSound();
      this._refocus();
    });
    share.addEventListener("click", () => {
      this.share();
      this._refocus();
    });
    copySpectate.addEventListener("click", () => this.share(this.config.spectate_url));
    attachFullscreen(this);
    retry.addEventListener("click", () => this.connection.retryNow());
    if (this.spectator) return;

    canvas.addEventListener("click", () => {
      if (this.mode !== "wander") this._setMode("wander");
      this.input.lock();
    });
    for (const button of this.root.querySelectorAll(".mode-button")) {
      button.addEventListener("click", () => this._setMode(button.dataset.mode));
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (this.sendCommand(input.value)) input.value = "";
    });
    input.addEventListener("focus", () => {
      if (this.mode !== "direct") this._setMode("direct", { focus: false });
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this._setMode("wander");
      }
    });
    window.addEventListener("keydown", (event) => {
      if (event.key !== "Tab" || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
      if (dialog.open) return;
      const target = event.target;
      if (target !== input && target !== canvas && target !== document.body && !this.root.contains(target)) return;
      if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) {
        if (!target.classList.contains("mode-button")) return; // keep Tab for ordinary focus moves
      }
      event.preventDefault();
      this._setMode(this.mode === "direct" ? "wander" : "direct");
    });
    window.addEventListener("keydown", (event) => {
      if ((event.key === "m" || event.key === "M") && !isTyping(event.target) && !event.ctrlKey && !event.metaKey) {
        this.toggleSound();
      }
    });

    snapshot.addEventListener("click", () => {
      this.input.unlock();
      if (this.config.can_save === false) {
        this.saveSnapshot();
        return;
      }
      label.value = "";
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
        this._syncInput();
        label.focus();
      } else {
        const text = window.prompt("Label for this snapshot (optional):", "");
        if (text !== null) this.saveSnapshot(text);
      }
    });
    cancel.addEventListener("click", () => dialog.close("cancel"));
    dialogForm.addEventListener("submit", (event) => {
      event.preventDefault();
      dialog.close("save");
      this.saveSnapshot(label.value);
    });
    dialog.addEventListener("close", () => this._setMode(this.mode));
  }

  /** After a toolbar click in Wander mode, give the keys back to the world (Space must not re-click). */
  _refocus() {
    if (!this.spectator && this.mode === "wander" && !this.dom.dialog.open) {
      this.dom.canvas.focus({ preventScroll: true });
    }
  }

  // ---- overlays ----------------------------------------------------------

  _renderStats() {
    const now = performance.now();
    this.dom.fps.textContent = this.state === "playing" ? String(this.renderer.fps(now)) : "–";
    this.dom.ping.textContent = ms(this.connection.rtt);
    this.dom.inputLatency.textContent = ms(this.input ? this.input.inputLatencyMs : null);
  }

  _renderLoading() {
    const now = performance.now();
    if (this.state === "reconnecting") {
      const left = Math.max(0, Math.ceil((this.reconnectAt - now) / 1000));
      const why = this.reconnectReason ? `${this.reconnectReason}. ` : "The connection dropped. ";
      this.dom.reconnectDetail.textContent = this.connection.open
        ? "Connected again. Waiting for the world…"
        : left > 0 ? `${why}Trying again in ${left} s.` : `${why}Trying again now…`;
    } else if (this.state === "loading") {
      const waited = (now - this.loadingSince) / 1000;
      if (waited > 20) this.dom.loadingDetail.textContent = "This is taking longer than usual. Hang on, or reload the page.";
      else if (waited > 8 && this.connection.open) this.dom.loadingDetail.textContent = "Warming up the world engine…";
    }
  }

  // ---- for tests and debugging --------------------------------------------

  expose() {
    const player = this;
    window.tidepoolPlayer = {
      get framesDrawn() { return player.renderer.framesDrawn; },
      get framesReceived() { return player.renderer.framesReceived; },
      get framesDropped() { return player.renderer.framesDropped; },
      get lastTick() { return player.renderer.lastTick; },
      get lastSeqAcked() { return player.renderer.lastSeq; },
      get lastSeqSent() { return player.input ? player.input.seq : 0; },
      get lastInputSent() { return player.input ? player.input.lastMessage : null; },
      get state() { return player.state; },
      get mode() { return player.mode; },
      get role() { return player.role; },
      get fps() { return player.renderer.fps(); },
      get pingMs() { return player.connection.rtt; },
      get inputLatencyMs() { return player.input ? player.input.inputLatencyMs : null; },
      get queuePosition() { return player.queuePosition; },
      get session() { return player.session; },
      get lastError() { return player.lastError; },
      get closeInfo() { return player.closeInfo; },
      get connects() { return player.connection.connects; },
      get reconnectAttempt() { return player.connection.attempt; },
      get audio() {
        const a = player.audio;
        return { enabled: a.enabled, played: a.chunksPlayed, late: a.chunksLate, resyncs: a.resyncs, bufferedMs: a.bufferedMs() };
      },
      get commands() {
        return [...player.log.entries.values()].map((e) => ({ id: e.id, text: e.text, status: e.status, result: e.result }));
      },
      get snapshots() { return [...player.snapshots]; },
      signature: () => player.renderer.signature(),
      sendCommand: (text) => player.sendCommand(text),
      saveSnapshot: (label) => player.saveSnapshot(label),
      setMode: (mode) => player._setMode(mode),
      config: player.config,
    };
  }
}

function humanCode(code) {
  const text = String(code).replace(/[_.-]+/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function boot() {
  const root = document.getElementById("player");
  if (!root) return;
  let config;
  try {
    config = readConfig();
  } catch (err) {
    root.dataset.state = "closed";
    const detail = document.getElementById("closed-detail");
    if (detail) detail.textContent = String(err.message || err);
    return;
  }
  const player = new Player(root, config);
  player.onExtraMessage = attachRecorder(player);
  player.expose();
}

boot();
