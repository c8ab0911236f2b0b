// Controls: keyboard, pointer-lock mouse look, gamepad and touch (touch.js), sent as `input` messages.

import { isTyping } from "./ui.js";

const KEY_CODES = {
  KeyW: "w", KeyA: "a", KeyS: "s", KeyD: "d",
  ArrowUp: "arrowup", ArrowDown: "arrowdown", ArrowLeft: "arrowleft", ArrowRight: "arrowright",
  Space: "space", ShiftLeft: "shift", ShiftRight: "shift",
};
const MOUSE_DEG_PER_PX = 0.12;
const STICK_DEG_PER_S = 150;
const DEADZONE = 0.15;
const HELD_EVERY_MS = 50; // at least this often while anything is held, or when new frames need acking
const LOOK_EVERY_MS = 16; // mouse look is batched to about 60 messages a second
const IDLE_EVERY_MS = 250; // an idle heartbeat that carries the ack for flow control
const LATENCY_SAMPLES = 40;

function dead(v) {
  return Math.abs(v) < DEADZONE ? 0 : (v - Math.sign(v) * DEADZONE) / (1 - DEADZONE);
}

export class InputController {
  /**
   * send(message) -> bool; getAck() -> newest tick drawn (or null).
   */
  constructor({ canvas, send, getAck, onLockChange }) {
    this.canvas = canvas;
    this.send = send;
    this.getAck = getAck;
    this.onLockChange = onLockChange;
    this.enabled = false; // keys and mouse are captured (Wander mode, playing)
    this.streaming = false; // inputs (at least the idle heartbeat with the ack) are sent
    this.seq = 0;
    this.keys = new Set(); // from the keyboard
    this.padKeys = new Set(); // from the gamepad buttons
    this.touchKeys = new Set(); // from the on-screen Jump and Run buttons
    this.touchAxes = [0, 0]; // from the on-screen thumb stick
    this.look = [0, 0];
    this.lookPending = false;
    this.dragging = false;
    this.axes = [0, 0];
    this.lastSentAt = 0;
    this.lastAckSent = null;
    this.lastMessage = null;
    this.sentAt = new Map(); // seq -> performance.now() when sent
    this.latencies = [];
    this.inputLatencyMs = null;
    this.gamepadName = null;
    this.lastPadPoll = performance.now();
    this._bind();
    this.timer = setInterval(() => this._tick(), LOOK_EVERY_MS);
  }

  get locked() {
    return document.pointerLockElement === this.canvas;
  }

  setEnabled(on) {
    this.enabled = on;
    if (!on) {
      this.releaseAll();
      this.unlock();
    }
  }

  /** Whether to send inputs at all; while streaming, an idle heartbeat carries the ack. */
  setStreaming(on) {
    this.streaming = on;
  }

  releaseAll() {
    const had = this.holding;
    this.keys.clear();
    this.padKeys.clear();
    this.touchKeys.clear();
    this.axes = [0, 0];
    this.touchAxes = [0, 0];
    if (had) this.flush();
  }

  /** The on-screen stick: [x right, y forward], each in [-1, 1]. */
  setTouchAxes(axes) {
    if (!this.enabled) return;
    if (axes[0] === this.touchAxes[0] && axes[1] === this.touchAxes[1]) return;
    this.touchAxes = [...axes];
    this.flush();
  }

  /** An on-screen button held (true) or let go (false): "space" jumps, "shift" runs. */
  setTouchKey(name, down) {
    if (!this.enabled && down) return;
    if (down === this.touchKeys.has(name)) return;
    if (down) this.touchKeys.add(name);
    else this.touchKeys.delete(name);
    this.flush();
  }

  /** Turn by a touch drag, in degrees (positive y looks up). */
  addLook(dx, dy) {
    if (!this.enabled) return;
    this.look[0] += dx;
    this.look[1] += dy;
    this.lookPending = true;
  }

  lock() {
    if (!this.enabled || this.locked || !this.canvas.requestPointerLock) return;
    try {
      const result = this.canvas.requestPointerLock();
      if (result && result.catch) result.catch(() => {});
    } catch {
      // Pointer lock is optional (e.g. inside some iframes); keys still work.
    }
  }

  unlock() {
    if (this.locked) document.exitPointerLock();
  }

  _bind() {
    window.addEventListener("keydown", (e) => {
      if (!this.enabled || isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const name = KEY_CODES[e.code];
      if (!name) return;
      e.preventDefault();
      if (!this.keys.has(name)) {
        this.keys.add(name);
        this.flush();
      }
    });
    window.addEventListener("keyup", (e) => {
      const name = KEY_CODES[e.code];
      if (!name || !this.keys.has(name)) return;
      // Shift is one name for two keys: keep it while the other Shift is still down.
      if (name === "shift" && (e.shiftKey)) return;
      this.keys.delete(name);
      this.flush();
    });
    window.addEventListener("blur", () => this.releaseAll());
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) this.releaseAll();
    });
    // Without pointer lock (refused, or inside an embed), dragging on the picture also looks.
    this.canvas.addEventListener("mousedown", (e) => {
      if (e.button === 0) this.dragging = true;
    });
    window.addEventListener("mouseup", () => {
      this.dragging = false;
    });
    document.addEventListener("mousemove", (e) => {
      if (!this.enabled || !(this.locked || this.dragging)) return;
      this.look[0] += e.movementX * MOUSE_DEG_PER_PX;
      this.look[1] -= e.movementY * MOUSE_DEG_PER_PX; // positive looks up
      this.lookPending = true;
    });
    document.addEventListener("pointerlockchange", () => this.onLockChange?.(this.locked));
    window.addEventListener("gamepadconnected", (e) => {
      this.gamepadName = e.gamepad.id;
    });
    window.addEventListener("gamepaddisconnected", () => {
      this.gamepadName = null;
      this.padKeys.clear();
      this.axes = [0, 0];
    });
  }

  _pollGamepad(now) {
    const dt = Math.min(0.1, (now - this.lastPadPoll) / 1000);
    this.lastPadPoll = now;
    if (!navigator.getGamepads) return;
    let pad = null;
    for (const candidate of navigator.getGamepads()) {
      if (candidate && candidate.connected) {
        pad = candidate;
        break;
      }
    }
    if (!pad) return;
    this.gamepadName = pad.id;
    const ax = pad.axes;
    const axes = [dead(ax[0] || 0), -dead(ax[1] || 0)]; // x right, y forward
    axes[0] = Math.round(axes[0] * 100) / 100;
    axes[1] = Math.round(axes[1] * 100) / 100;
    const lx = dead(ax[2] || 0);
    const ly = dead(ax[3] || 0);
    if (lx || ly) {
      this.look[0] += lx * STICK_DEG_PER_S * dt;
      this.look[1] -= ly * STICK_DEG_PER_S * dt;
      this.lookPending = true;
    }
    const pressed = (i) => Boolean(pad.buttons[i] && pad.buttons[i].pressed);
    const padKeys = new Set();
    if (pressed(0)) padKeys.add("space"); // A
    if (pressed(10) || pressed(1)) padKeys.add("shift"); // left stick click or B: run
    const changed = axes[0] !== this.axes[0] || axes[1] !== this.axes[1]
      || padKeys.size !== this.padKeys.size || [...padKeys].some((k) => !this.padKeys.has(k));
    this.axes = axes;
    this.padKeys = padKeys;
    if (changed) this.flush();
  }

  get holding() {
    const [x, y] = this.sentAxes;
    return this.keys.size > 0 || this.padKeys.size > 0 || this.touchKeys.size > 0 || x !== 0 || y !== 0;
  }

  /** The gamepad's and the on-screen stick's axes together, each kept in [-1, 1]. */
  get sentAxes() {
    const clamp = (v) => Math.max(-1, Math.min(1, Math.round(v * 100) / 100));
    return [clamp(this.axes[0] + this.touchAxes[0]), clamp(this.axes[1] + this.touchAxes[1])];
  }

  _tick() {
    if (!this.streaming) return;
    const now = performance.now();
    if (this.enabled) this._pollGamepad(now);
    const since = now - this.lastSentAt;
    const ack = this.getAck();
    const ackMoved = ack !== null && ack !== undefined && ack !== this.lastAckSent;
    if ((this.lookPending && since >= LOOK_EVERY_MS) || ((this.holding || ackMoved) && since >= HELD_EVERY_MS)
        || since >= IDLE_EVERY_MS) {
      this.flush();
    }
  }

  /** Send the current state now. */
  flush() {
    if (!this.streaming) return;
    const keys = [...new Set([...this.keys, ...this.padKeys, ...this.touchKeys])];
    const look = [Math.round(this.look[0] * 1000) / 1000, Math.round(this.look[1] * 1000) / 1000];
    const ack = this.getAck();
    const seq = this.seq + 1;
    const message = { type: "input", seq, keys, look, axes: this.sentAxes };
    if (ack !== null && ack !== undefined) message.ack = ack;
    this.lastAckSent = ack;
    if (!this.send(message)) return; // not connected: keep the look delta for later
    this.seq = seq;
    this.lastMessage = message;
    this.look = [0, 0];
    this.lookPending = false;
    const now = performance.now();
    this.lastSentAt = now;
    this.sentAt.set(seq, now);
    if (this.sentAt.size > 400) {
      for (const key of this.sentAt.keys()) {
        this.sentAt.delete(key);
        if (this.sentAt.size <= 200) break;
      }
    }
  }

  /** Keep our sequence numbers above what the server has applied (e.g. after a page reload). */
  syncSeq(appliedSeq) {
    if (Number.isInteger(appliedSeq) && appliedSeq > this.seq) this.seq = appliedSeq;
  }

  /** A frame that includes input `seq` was drawn: measure input-to-frame latency. */
  frameShown(seq, now) {
    let measured = false;
    for (const [s, t] of this.sentAt) {
      if (s > seq) break;
      this.latencies.push(now - t);
      this.sentAt.delete(s);
      measured = true;
    }
    if (!measured) return;
    while (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.inputLatencyMs = sorted[Math.floor(sorted.length / 2)];
  }
}
