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
