// The clip script model: pure functions, shared by the editor (and testable alone).
export const MAX_DURATION = 180;
export const EVENT_TYPES = ["command", "camera", "input"];

export function newEvent(type, t = 0, text = "") {
  if (type === "input") return { t, type, keys: ["w"], look: [0, 0], duration: 2 };
  return { t, type, text };
}

export function sortEvents(events) {
  // Stable: events at the same time keep their order.
  return events.map((e, i) => [e, i]).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([e]) => e);
}

export function move(events, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= events.length) return events;
  const out = events.slice();
  [out[index], out[to]] = [out[to], out[index]];
  // Keep times in order: the moved event takes the time of its new neighbour.
  if (delta < 0 && out[to].t > out[index].t) out[to] = { ...out[to], t: out[index].t };
  if (delta > 0 && out[to].t < out[index].t) out[to] = { ...out[to], t: out[index].t };
  return out;
}

export function validate(script) {
  const errors = [];
  if (!(script.duration_s > 0)) errors.push("Give the clip a duration.");
  if (script.duration_s > MAX_DURATION) errors.push(`A clip is at most ${MAX_DURATION} s (3 minutes).`);
  let last = -Infinity;
  script.events.forEach((e, i) => {
    if (!EVENT_TYPES.includes(e.type)) errors.push(`Event ${i + 1} has an unknown type.`);
    if (!(e.t >= 0)) errors.push(`Event ${i + 1} needs a time of 0 s or more.`);
    if (e.t < last) errors.push(`Event ${i + 1} is out of order.`);
    if (e.t >= script.duration_s) errors.push(`Event ${i + 1} starts after the clip ends.`);
    if (e.type !== "input" && !(e.text || "").trim()) errors.push(`Event ${i + 1} needs text.`);
    last = e.t;
  });
  return errors;
}

const KEYS_X = { a: -1, arrowleft: -1, left: -1, d: 1, arrowright: 1, right: 1 };
const KEYS_Y = { w: 1, arrowup: 1, up: 1, s: -1, arrowdown: -1, down: -1 };

/** What an input event does, in words ("run forward and left, turn right"), as the clip page says it. */
export function describeInput(event) {
  let x, y, jump, run;
  if (event.move) {
    [x, y] = event.move;
    jump = Boolean(event.jump);
    run = Boolean(event.run);
  } else {
    const keys = (event.keys || []).map((k) => k.trim().toLowerCase());
    x = Math.max(-1, Math.min(1, keys.reduce((sum, k) => sum + (KEYS_X[k] || 0), 0)));
    y = Math.max(-1, Math.min(1, keys.reduce((sum, k) => sum + (KEYS_Y[k] || 0), 0)));
    jump = keys.includes("space");
    run = keys.includes("shift");
  }
  const [lookX, lookY] = event.look || [0, 0];
  const ways = [[y, "forward"], [-y, "back"], [-x, "left"], [x, "right"]].filter(([v]) => v > 0.25).map(([, w]) => w);
  const parts = ways.length ? [`${run ? "run" : "walk"} ${ways.join(" and ")}`] : [];
  if (jump) parts.push("jump");
  if (Math.abs(lookX) >= 0.05) parts.push(lookX > 0 ? "turn right" : "turn left");
  if (Math.abs(lookY) >= 0.05) parts.push(lookY > 0 ? "look up" : "look down");
  return parts.join(", ") || "stand still";
}

/** An input event driven by `keys`; a recorded event's exact movement gives way to them. */
export function withKeys(event, keys) {
  const { move: _move, jump: _jump, run: _run, ...rest } = event;
  return { ...rest, keys };
}
