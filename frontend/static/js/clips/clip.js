// The clip page: live render progress (polls a small JSON endpoint), copy buttons,
// "remix at this moment" taking the paused video's time, and the timeline strip.
import { drawStrip } from "./strip.js";

const root = document.querySelector("[data-clip]");

function formatEta(seconds) {
  if (seconds == null) return "";
  if (seconds < 90) return `About ${Math.max(1, Math.round(seconds))} s left`;
  return `About ${Math.round(seconds / 60)} min left`;
}

async function poll() {
  const url = root.dataset.statusUrl;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (response.ok) {
      const status = await response.json();
      if (status.status !== root.dataset.status && (status.status === "ready" || status.status === "failed")) {
        window.location.reload();
        return;
      }
      const set = (sel, text) => { const n = root.querySelector(sel); if (n) n.textContent = text; };
      set("[data-clip-progress]", Math.round(status.progress));
      set("[data-clip-state]", status.status === "rendering" ? "Rendering" : "Waiting to render");
      const starting = status.status === "rendering" && status.eta_s == null;
      set("[data-clip-eta]", starting ? "Starting the renderer…" : formatEta(status.eta_s));
      const bar = root.querySelector("[data-clip-bar]");
      if (bar) bar.style.width = `${status.progress}%`;
    }
  } catch { /* offline for a moment: try again */ }
  setTimeout(poll, 1000);
}

if (root && (root.dataset.status === "queued" || root.dataset.status === "rendering")) poll();

document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const source = document.querySelector(button.dataset.copy);
    source.select();
    try { await navigator.clipboard.writeText(source.value); } catch { document.execCommand("copy"); }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  });
});

const video = document.querySelector("[data-clip-video]");
const moment = document.querySelector("[data-remix-t]");
if (video && moment) {
  const sync = () => { moment.value = video.currentTime.toFixed(1); };
  video.addEventListener("pause", sync);
  video.addEventListener("seeked", sync);
}

// Clicking an event, or anywhere on the strip, seeks the video there; a playhead follows.
const stripRoot = document.querySelector("[data-clip-strip]");
const scriptData = document.getElementById("clip-script");
if (stripRoot && scriptData) {
  const script = JSON.parse(scriptData.textContent);
  script.events = script.events || [];
  const seek = video ? (t) => { video.currentTime = Math.max(0, t); } : null;
  const strip = drawStrip(stripRoot, script, {
    onPick: seek && ((_, event) => seek(event.t)),
    onSeek: seek,
  });
  if (video) {
    const follow = () => {
      strip.setTime(video.currentTime);
      if (!video.paused && !video.ended) requestAnimationFrame(follow);
    };
    ["play", "seeked", "loadedmetadata"].forEach((name) => video.addEventListener(name, follow));
    strip.setTime(0);
  }
}
