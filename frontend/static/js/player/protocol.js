// The live protocol, client side (mirrors worlds/live/protocol.py; the wire format is fixed).

export const VIDEO = 1;
export const AUDIO = 2;
export const VIDEO_HEADER_BYTES = 10; // <BIIB: kind, tick, last input seq applied, scale
export const AUDIO_HEADER_BYTES = 10; // <BIIB: kind, tick, sample rate, channels
export const MAX_COMMAND_CHARS = 500;
export const MAX_LABEL_CHARS = 120;

// Close codes after which reconnecting cannot help.
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;
export const CLOSE_SESSION_ENDED = 4410;
export const FINAL_CLOSE_CODES = new Set([CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_SESSION_ENDED]);

export const CLOSE_REASONS = {
  [CLOSE_FORBIDDEN]: "You can't join this session.",
  [CLOSE_NOT_FOUND]: "This session doesn't exist.",
  [CLOSE_SESSION_ENDED]: "This session has ended.",
};

/** Parse one binary server message. Returns null for anything unrecognised. */
export function parseBinary(buffer) {
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < 1) return null;
  const view = new DataView(buffer);
  const kind = view.getUint8(0);
  if (kind === VIDEO && buffer.byteLength > VIDEO_HEADER_BYTES) {
    return {
      kind,
      tick: view.getUint32(1, true),
      seq: view.getUint32(5, true),
      scale: Math.max(1, view.getUint8(9)),
      jpeg: new Uint8Array(buffer).subarray(VIDEO_HEADER_BYTES),
    };
  }
  if (kind === AUDIO && buffer.byteLength >= AUDIO_HEADER_BYTES) {
    const sampleRate = view.getUint32(5, true);
    const channels = view.getUint8(9) || 1;
    const byteLength = buffer.byteLength - AUDIO_HEADER_BYTES;
    const count = Math.floor(byteLength / 2);
    let pcm;
    if (AUDIO_HEADER_BYTES % 2 === 0 && littleEndian()) {
      pcm = new Int16Array(buffer, AUDIO_HEADER_BYTES, count);
    } else {
      pcm = new Int16Array(count);
      for (let i = 0; i < count; i++) pcm[i] = view.getInt16(AUDIO_HEADER_BYTES + i * 2, true);
    }
    return { kind, tick: view.getUint32(1, true), sampleRate, channels, pcm };
  }
  return null;
}

let isLE = null;
function littleEndian() {
  if (isLE === null) isLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return isLE;
}

/** ws:// or wss:// URL from the path the page config gives. */
export function absoluteWsUrl(path, loc = window.location) {
  if (/^wss?:\/\//.test(path)) return path;
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${loc.host}${path.startsWith("/") ? "" : "/"}${path}`;
}
