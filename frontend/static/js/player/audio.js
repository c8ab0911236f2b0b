// Audio: int16 interleaved PCM chunks, scheduled by tick through a small jitter buffer.

const JITTER_S = 0.1; // how far ahead of "now" the first chunk is placed
const MAX_DRIFT_S = 0.25; // re-anchor when the schedule is this far off

export class AudioPlayer {
  constructor() {
    this.ctx = null;
    this.gain = null;
    this.enabled = false; // false until the person asks for sound (browsers need a gesture)
    this.anchor = null; // {tick, time, chunkS}
    this.chunksPlayed = 0;
    this.chunksLate = 0;
    this.resyncs = 0;
    this.lastTick = null;
  }

  /** Call from a click/keypress handler. Returns whether sound is now on. */
  async toggle() {
    if (this.enabled) {
      this.enabled = false;
      if (this.gain) this.gain.gain.setTargetAtTime(0, this.ctx.currentTime, 0.02);
      this.anchor = null;
      return false;
    }
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) throw new Error("This browser can't play audio.");
      this.ctx = new Ctx({ latencyHint: "interactive" });
      this.gain = this.ctx.createGain();
      this.gain.connect(this.ctx.destination);
    }
    if (this.ctx.state !== "running") await this.ctx.resume();
    this.gain.gain.cancelScheduledValues(this.ctx.currentTime);
    this.gain.gain.setValueAtTime(1, this.ctx.currentTime);
    this.anchor = null;
    this.enabled = true;
    return true;
  }

  /** A new connection may restart the tick clock. */
  reset() {
    this.anchor = null;
    this.lastTick = null;
  }

  push({ tick, sampleRate, channels, pcm }) {
    if (!this.enabled || !this.ctx || this.ctx.state !== "running") return;
    const frames = Math.floor(pcm.length / channels);
    if (frames <= 0 || sampleRate < 3000 || sampleRate > 384000) return;
    const buffer = this.ctx.createBuffer(channels, frames, sampleRate);
    for (let c = 0; c < channels; c++) {
      const out = buffer.getChannelData(c);
      for (let i = 0, j = c; i < frames; i++, j += channels) out[i] = pcm[j] / 32768;
    }
    const now = this.ctx.currentTime;
    const chunkS = frames / sampleRate;
    if (this.lastTick !== null && tick <= this.lastTick) this.anchor = null; // tick clock restarted
    this.lastTick = tick;
    if (!this.anchor) this._resync(tick, now, chunkS);
    let when = this.anchor.time + (tick - this.anchor.tick) * this.anchor.chunkS;
    const lead = when - now;
    // Re-anchor when the schedule has drifted more than 250 ms from the target, or when the
    // buffer ran dry (this chunk's whole slot is already past): both only add latency or gaps.
    if (lead < -Math.min(MAX_DRIFT_S, chunkS) || lead > JITTER_S + MAX_DRIFT_S) {
      this._resync(tick, now, chunkS);
      when = this.anchor.time;
    }
    const source = this.ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(this.gain);
    if (when < now) {
      // Slightly late: play the rest of the chunk so later ones stay on the tick grid.
      this.chunksLate += 1;
      const offset = now - when;
      if (offset >= chunkS) return;
      source.start(now, offset);
    } else {
      source.start(when);
    }
    this.chunksPlayed += 1;
  }

  _resync(tick, now, chunkS) {
    if (this.anchor) this.resyncs += 1;
    this.anchor = { tick, time: now + JITTER_S, chunkS };
  }

  /** Scheduled audio ahead of the playhead, in ms (for the stats overlay). */
  bufferedMs() {
    if (!this.enabled || !this.anchor || this.lastTick === null) return 0;
    const end = this.anchor.time + (this.lastTick + 1 - this.anchor.tick) * this.anchor.chunkS;
    return Math.max(0, Math.round((end - this.ctx.currentTime) * 1000));
  }
}
