// The WebSocket: connect, parse, ping every 2 s, reconnect with exponential backoff.

import { FINAL_CLOSE_CODES, CLOSE_REASONS, parseBinary } from "./protocol.js";

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
const PING_EVERY_MS = 2000;

export class Connection {
  /**
   * handlers: onOpen(), onBinary(msg), onJson(msg), onPong(rttMs),
   *           onReconnecting({attempt, delayMs, code, reason}), onClosed({code, reason})
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.closedForGood = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.rtt = null;
    this.retryAt = 0;
    this.bytesIn = 0;
    this.connects = 0;
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  start() {
    if (this.closedForGood) return;
    clearTimeout(this.retryTimer);
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this._scheduleRetry(0, String(err));
      return;
    }
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let heardBack = false;
    ws.onopen = () => {
      this.connects += 1;
      this._startPings();
      this.handlers.onOpen?.();
    };
    ws.onmessage = (event) => {
      if (!heardBack) {
        heardBack = true;
        this.attempt = 0; // the server talks to us: the next drop starts the backoff again
      }
      if (typeof event.data === "string") {
        this.bytesIn += event.data.length;
        let msg;
        try {
          msg = JSON.parse(event.data);
        } catch {
          return;
        }
        if (!msg || typeof msg !== "object") return;
        if (msg.type === "pong") {
          const t = Number(msg.t);
          if (Number.isFinite(t)) {
            this.rtt = Math.max(0, performance.now() - t);
            this.handlers.onPong?.(this.rtt);
          }
          return;
        }
        this.handlers.onJson?.(msg);
      } else {
        this.bytesIn += event.data.byteLength;
        const msg = parseBinary(event.data);
        if (msg) this.handlers.onBinary?.(msg);
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this._stopPings();
      if (this.closedForGood) return;
      if (FINAL_CLOSE_CODES.has(event.code)) {
        this.closedForGood = true;
        this.handlers.onClosed?.({
          code: event.code,
          reason: event.reason || CLOSE_REASONS[event.code] || "The session is closed.",
          given: Boolean(event.reason),
        });
        return;
      }
      this._scheduleRetry(event.code, event.reason);
    };
    ws.onerror = () => {
      // A close event always follows; it carries the details.
    };
  }

  _scheduleRetry(code, reason) {
    const delayMs = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.retryAt = performance.now() + delayMs;
    this.handlers.onReconnecting?.({ attempt: this.attempt, delayMs, code, reason: reason || "" });
    this.retryTimer = setTimeout(() => this.start(), delayMs);
  }

  /** Reconnect now instead of waiting out the backoff. */
  retryNow() {
    if (this.closedForGood || this.open) return;
    clearTimeout(this.retryTimer);
    this.start();
  }

  send(message) {
    if (!this.open) return false;
    try {
      this.ws.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  ping() {
    this.send({ type: "ping", t: Math.round(performance.now() * 1000) / 1000 });
  }

  _startPings() {
    this._stopPings();
    this.ping();
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  _stopPings() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  /** Close on purpose (page leaving): no reconnects. */
  close() {
    this.closedForGood = true;
    clearTimeout(this.retryTimer);
    this._stopPings();
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
  }
}
