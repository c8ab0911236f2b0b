// Record a clip and "Remix from here": two toolbar buttons and the server's replies.

export function attachRecorder(player) {
  const record = document.getElementById("record-button");
  const remix = document.getElementById("remix-button");
  let recording = false;
  let startedAt = 0;
  let timer = null;
  let pending = null; // the "Making your clip…" toast, until the server answers

  const signedIn = () => {
    if (player.config.can_save !== false) return true;
    player.toasts.show("Sign up or log in to record clips and remix.", { kind: "info" });
    return false;
  };

  const setRecording = (on) => {
    recording = on;
    if (!record) return;
    record.classList.toggle("recording", on);
    record.setAttribute("aria-pressed", on ? "true" : "false");
    clearInterval(timer);
    if (on) {
      startedAt = performance.now();
      const tick = () => {
        const seconds = Math.floor((performance.now() - startedAt) / 1000);
        record.textContent = `■ Stop ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      };
      tick();
      timer = setInterval(tick, 500);
    } else {
      record.textContent = "● Record";
    }
  };

  record?.addEventListener("click", () => {
    player.input.unlock();
    if (!signedIn() || !player.connection.open) return;
    player.connection.send({ type: "record", action: recording ? "stop" : "start" });
    if (recording) {
      record.disabled = true;
      pending = player.toasts.show("Making your clip…", { kind: "info", timeout: 4000 });
    }
  });

  remix?.addEventListener("click", () => {
    player.input.unlock();
    if (!signedIn() || !player.connection.open) return;
    remix.disabled = true;
    player.connection.send({ type: "remix" });
    player.toasts.show("Remixing this moment into a world of your own…", { kind: "info", timeout: 4000 });
  });

  return (message) => {
    if (message.type === "record") {
      if (message.status === "recording") {
        setRecording(true);
        player.toasts.show("Recording. Press Stop when you're done (3 minutes at most).", { kind: "info", timeout: 3000 });
      } else {
        setRecording(false);
        pending?.remove();
        if (record) record.disabled = false;
        if (message.status === "saved") {
          player.toasts.show(`Your ${Math.round(message.seconds)} s clip is rendering.`,
            { kind: "ok", title: "Clip saved", timeout: 15000, link: { href: message.clip_url, text: "Open the clip →" } });
          player.lastClipUrl = message.clip_url;
        } else {
          player.toasts.show(message.message || "The clip could not be made.", { kind: "error", title: "Not recorded" });
        }
      }
      return true;
    }
    if (message.type === "remix") {
      window.location.assign(message.world_url);
      return true;
    }
    return false;
  };
}
