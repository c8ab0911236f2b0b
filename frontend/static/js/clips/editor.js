// The timeline editor: a list of timed events you can add, remove and reorder.
import { drawStrip } from "./strip.js";
import { MAX_DURATION, describeInput, move, newEvent, sortEvents, validate, withKeys } from "./timeline.js";

const config = JSON.parse(document.getElementById("clip-editor-config").textContent);
const form = document.querySelector("[data-editor-form]");
const list = form.querySelector("[data-timeline]");
const stripRoot = form.querySelector("[data-strip]");
const empty = form.querySelector("[data-empty]");
const errorsBox = form.querySelector("[data-errors]");
const jsonBox = form.querySelector("[data-json]");
const field = (name) => form.querySelector(`[data-field="${name}"]`);

let script = structuredClone(config.script);
script.events = script.events || [];
field("title").value = config.title || "";
// A recorded clip lasts a whole number of frames (12.1333… s): show it to the hundredth,
// and keep the exact length unless the field is edited.
const shownDuration = (seconds) => String(Math.round(seconds * 100) / 100);
field("duration").value = shownDuration(script.duration_s);
field("duration").max = MAX_DURATION;
if (config.startSnapshot) field("start").value = config.startSnapshot;

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
}

// Recorded times fall on frames (4.0333… s): shown to the hundredth and kept exact unless
// edited; any value is a valid step, so a frame time is never marked invalid.
function numberInput(value, onChange, { min = 0, label }) {
  const input = el("input", { type: "number", step: "any", min, value: shownDuration(value), className: "clip-num" });
  input.setAttribute("aria-label", label);
  input.addEventListener("change", () => onChange(parseFloat(input.value) || 0));
  return input;
}

function update(index, patch) {
  script.events[index] = { ...script.events[index], ...patch };
  if ("t" in patch) script.events = sortEvents(script.events);
  render();
}

function row(event, index) {
  const li = el("li", { className: `clip-event clip-event-${event.type}` });
  li.append(numberInput(event.t, (t) => update(index, { t }), { label: "Time in seconds" }), el("span", { className: "muted" }, " s "));
  const type = el("span", { className: "badge badge-inline" }, event.type === "input" ? "wander" : event.type);
  li.append(type);
  if (event.type === "input") {
    const recorded = Boolean(event.move);
    const keys = el("input", {
      value: (event.keys || []).join(" "), className: "clip-keys", placeholder: recorded ? "keys instead" : "w shift",
    });
    keys.setAttribute("aria-label", "Keys held (w a s d, arrows, space, shift)");
    keys.addEventListener("change", () => {
      script.events[index] = withKeys(script.events[index], keys.value.split(/[\s,+]+/).filter(Boolean));
      render();
    });
    const look = event.look || [0, 0];
    // A recorded wander holds the exact stick and keys of live play; typing keys replaces it.
    if (recorded) li.append(el("span", { className: "clip-recorded", title: "As recorded in live play" }, describeInput(event)));
    li.append(
      keys,
      el("span", { className: "muted" }, " turn "),
      numberInput(look[0], (dx) => update(index, { look: [dx, look[1]] }), { min: -180, label: "Turn, degrees per frame" }),
      el("span", { className: "muted" }, " for "),
      numberInput(event.duration, (duration) => update(index, { duration }), { min: 0.1, label: "Duration in seconds" }),
      el("span", { className: "muted" }, " s"),
    );
  } else {
    const text = el("input", { value: event.text || "", className: "clip-text", placeholder: "a cute cat runs to the girl", maxLength: 500 });
    text.setAttribute("aria-label", "Command");
    text.addEventListener("change", () => update(index, { text: text.value }));
    li.append(text);
  }
  const tools = el("span", { className: "clip-event-tools" });
  const button = (label, title, fn) => {
    const b = el("button", { type: "button", className: "button button-small", title }, label);
    b.addEventListener("click", fn);
    return b;
  };
  tools.append(
    button("↑", "Move up", () => { script.events = move(script.events, index, -1); render(); }),
    button("↓", "Move down", () => { script.events = move(script.events, index, 1); render(); }),
    button("✕", "Remove", () => { script.events.splice(index, 1); render(); }),
  );
  li.append(tools);
  return li;
}

// Clicking an event on the strip brings its row into view, ready to edit.
function focusRow(index) {
  const li = list.children[index];
  if (!li) return;
  li.scrollIntoView({ block: "center", behavior: "smooth" });
  li.querySelector("input")?.focus({ preventScroll: true });
  li.classList.remove("clip-event-picked");
  void li.offsetWidth; // restart the highlight
  li.classList.add("clip-event-picked");
}

function render() {
  list.replaceChildren(...script.events.map(row));
  drawStrip(stripRoot, script, { onPick: focusRow, onMove: (index, t) => update(index, { t }) });
  empty.hidden = script.events.length > 0;
  jsonBox.textContent = JSON.stringify(script, null, 2);
}

function nextTime() {
  const last = script.events.at(-1);
  const t = last ? last.t + (last.duration || 1) : 0;
  return Math.min(Math.round(t * 10) / 10, Math.max(0, script.duration_s - 0.5));
}

form.querySelectorAll("[data-add]").forEach((b) =>
  b.addEventListener("click", () => { script.events.push(newEvent(b.dataset.add, nextTime())); render(); }));
form.querySelectorAll("[data-preset]").forEach((b) =>
  b.addEventListener("click", () => { script.events.push(newEvent("camera", nextTime(), b.dataset.preset)); render(); }));
field("duration").addEventListener("change", () => { script.duration_s = parseFloat(field("duration").value) || 0; render(); });

function showErrors(messages) {
  errorsBox.hidden = messages.length === 0;
  errorsBox.replaceChildren(...messages.map((m) => el("p", {}, m)));
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (field("duration").value !== shownDuration(script.duration_s)) {
    script.duration_s = parseFloat(field("duration").value) || 0;
  }
  const problems = validate(script);
  showErrors(problems);
  if (problems.length) return;
  const save = form.querySelector("[data-save]");
  save.disabled = true;
  try {
    const response = await fetch(config.saveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
      body: JSON.stringify({ title: field("title").value, script, start_snapshot: field("start").value || null }),
    });
    const data = await response.json();
    if (!response.ok) {
      showErrors(Object.values(data.fields || { error: [data.error] }).flat());
      return;
    }
    window.location.assign(data.url);
  } catch (error) {
    showErrors([`Could not save: ${error.message}. Nothing was lost; try again.`]);
  } finally {
    save.disabled = false;
  }
});

render();
