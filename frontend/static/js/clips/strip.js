// A clip's timeline as a picture: one lane each for director commands, camera moves and
// wandering, over a ruler. Each event sits at its time; a wander spans its duration.
// Shared by the clip page (click to seek, a playhead follows the video) and the editor.
import { describeInput } from "./timeline.js";

const LANES = [["command", "Director"], ["camera", "Camera"], ["input", "Wander"]];
const TICK_STEPS = [0.5, 1, 2, 5, 10, 15, 30, 60];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

export function formatTime(seconds) {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function describeEvent(event) {
  if (event.type === "input") {
    return `${formatTime(event.t)}: ${describeInput(event)} for ${formatTime(event.duration || 0)}`;
  }
  return `${formatTime(event.t)}: ${event.text}`;
}

// Dragging an event along its lane gives it a new time, to the tenth of a second; a press
// that does not move is a pick.
function dragToRetime(mark, track, event, total, at, moved, picked) {
  mark.classList.add("clip-mark-draggable");
  mark.addEventListener("pointerdown", (down) => {
    if (down.button !== 0) return;
    down.preventDefault();
    mark.setPointerCapture(down.pointerId);
    const box = track.getBoundingClientRect();
    const grab = down.clientX - (box.left + (event.t / total) * box.width);
    let t = event.t;
    let dragging = false;
    const move = (e) => {
      dragging ||= Math.abs(e.clientX - down.clientX) > 3;
      if (!dragging) return;
      const x = (e.clientX - grab - box.left) / box.width;
      t = Math.round(Math.min(Math.max(x * total, 0), total - 0.1) * 10) / 10;
      mark.style.left = at(t);
      mark.title = formatTime(t);
    };
    const up = () => {
      mark.removeEventListener("pointermove", move);
      mark.removeEventListener("pointerup", up);
      mark.removeEventListener("pointercancel", up);
      if (dragging) moved(t);
      else picked();
    };
    mark.addEventListener("pointermove", move);
    mark.addEventListener("pointerup", up);
    mark.addEventListener("pointercancel", up);
  });
}

/**
 * Draw `script` into `root`. `onPick(index, event)` runs when an event is clicked,
 * `onSeek(t)` when the track is clicked elsewhere, and `onMove(index, t)` when an event is
 * dragged to a new time (events are draggable only with it). The returned `setTime(t)`
 * moves the playhead (null hides it).
 */
export function drawStrip(root, script, { onPick, onSeek, onMove } = {}) {
  const total = Math.max(script.duration_s || 0, 0.1);
  const at = (t) => `${Math.min(100, Math.max(0, (t / total) * 100))}%`;
  const names = el("div", "clip-strip-names");
  const tracks = el("div", "clip-strip-tracks");
  for (const [type, name] of LANES) {
    names.append(el("span", "", name));
    const track = el("div", `clip-track clip-track-${type}`);
    track.dataset.lane = type;
    script.events.forEach((event, index) => {
      if (event.type !== type) return;
      const mark = el("button", `clip-mark clip-mark-${type}`);
      mark.type = "button";
      mark.title = describeEvent(event);
      mark.setAttribute("aria-label", mark.title);
      mark.dataset.index = index;
      mark.style.left = at(event.t);
      if (type === "input") mark.style.width = at(Math.min(event.duration || 0, total - event.t));
      mark.addEventListener("click", (e) => {
        e.stopPropagation();
        if (onMove && e.detail > 0) return; // a pointer's click was handled on release
        onPick?.(index, event);
      });
      if (onMove) dragToRetime(mark, track, event, total, at, (t) => onMove(index, t), () => onPick?.(index, event));
      track.append(mark);
    });
    tracks.append(track);
  }

  const ruler = el("div", "clip-ruler");
  // A label needs about 3.5rem: fewer ticks on a narrow screen.
  const most = Math.max(2, Math.min(8, Math.floor((root.clientWidth || 640) / 70)));
  const step = TICK_STEPS.find((s) => total / s <= most) || 60;
  for (let t = 0; t <= total + 1e-6; t += step) {
    const tick = el("span", t > total * 0.95 ? "clip-tick clip-tick-end" : "clip-tick", formatTime(t));
    tick.style.left = at(t);
    ruler.append(tick);
  }
  names.append(el("span"));
  tracks.append(ruler);

  const playhead = el("div", "clip-playhead");
  playhead.hidden = true;
  tracks.append(playhead);
  if (onSeek) {
    tracks.classList.add("clip-strip-seekable");
    tracks.addEventListener("click", (e) => {
      const box = tracks.getBoundingClientRect();
      onSeek(((e.clientX - box.left) / box.width) * total);
    });
  }

  root.classList.add("clip-strip");
  root.replaceChildren(names, tracks);
  return {
    setTime(t) {
      playhead.hidden = t == null;
      if (t != null) playhead.style.left = at(t);
    },
  };
}
