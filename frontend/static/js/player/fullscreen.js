// Full screen for the picture alone: a button over it and the F key. The button stays
// hidden where the browser (or an iframe without allowfullscreen) does not allow it.

import { isTyping } from "./ui.js";

export function attachFullscreen(player) {
  const button = document.getElementById("fullscreen-button");
  const stage = player.dom.stage;
  if (!button || !document.fullscreenEnabled || !stage.requestFullscreen) return;

  const toggle = async () => {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await stage.requestFullscreen({ navigationUI: "hide" });
    } catch (err) {
      player.toasts.show(String(err.message || err), { kind: "error", title: "No full screen" });
    }
  };

  button.hidden = false;
  button.addEventListener("click", () => {
    toggle();
    player._refocus();
  });
  document.addEventListener("fullscreenchange", () => {
    const on = document.fullscreenElement === stage;
    player.root.classList.toggle("is-fullscreen", on);
    button.setAttribute("aria-pressed", String(on));
    button.title = on ? "Leave full screen (F or Esc)" : "Full screen (F)";
  });
  window.addEventListener("keydown", (event) => {
    if (event.key !== "f" && event.key !== "F") return;
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    toggle();
  });
}
