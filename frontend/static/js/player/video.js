// Video: decode the newest JPEG, draw it, drop what decoding can't keep up with.

export class FrameRenderer {
  constructor(canvas, { onDrawn } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d", { alpha: false });
    this.onDrawn = onDrawn;
    this.pending = null; // newest frame waiting for the decoder; older ones are replaced
    this.decoding = false;
    this.framesDrawn = 0;
    this.framesReceived = 0;
    this.framesDropped = 0;
    this.decodeErrors = 0;
    this.lastTick = null;
    this.lastSeq = null;
    this.drawTimes = [];
    this.width = 0;
    this.height = 0;
  }

  push(frame) {
    this.framesReceived += 1;
    if (this.pending) this.framesDropped += 1;
    this.pending = frame;
    if (!this.decoding) this._decodeNext();
  }

  /** Forget tick order (a new connection may restart the clock). */
  reset() {
    this.lastTick = null;
  }

  async _decodeNext() {
    while (this.pending) {
      const frame = this.pending;
      this.pending = null;
      this.decoding = true;
      let bitmap = null;
      try {
        bitmap = await createImageBitmap(new Blob([frame.jpeg], { type: "image/jpeg" }));
      } catch {
        this.decodeErrors += 1;
      }
      this.decoding = false;
      if (!bitmap) continue;
      this._draw(bitmap, frame);
    }
  }

  _draw(bitmap, frame) {
    // A frame sent at a fraction of the display size is enlarged by pixel repetition,
    // exactly as the world model enlarges its own frames.
    const scale = frame.scale || 1;
    const width = bitmap.width * scale;
    const height = bitmap.height * scale;
    if (width !== this.width || height !== this.height) {
      this.width = this.canvas.width = width;
      this.height = this.canvas.height = height;
    }
    this.ctx.imageSmoothingEnabled = false; // resizing the canvas resets it
    this.ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    this.framesDrawn += 1;
    this.lastTick = frame.tick;
    this.lastSeq = frame.seq;
    const now = performance.now();
    this.drawTimes.push(now);
    this.onDrawn?.(frame, now);
  }

  /** Frames drawn per second, over the last two seconds (one decimal below 10 fps). */
  fps(now = performance.now()) {
    while (this.drawTimes.length && this.drawTimes[0] < now - 2000) this.drawTimes.shift();
    const fps = this.drawTimes.length / 2;
    return fps >= 10 ? Math.round(fps) : Math.round(fps * 10) / 10;
  }

  /** A small fingerprint of the current picture (tests and debugging). */
  signature() {
    if (!this.width) return "";
    const data = this.ctx.getImageData(0, 0, this.width, this.height).data;
    let hash = 2166136261;
    for (let i = 0; i < data.length; i += 97) hash = Math.imul(hash ^ data[i], 16777619);
    return (hash >>> 0).toString(16);
  }
}
