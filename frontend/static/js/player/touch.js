// Touch controls for phones and tablets: a thumb stick on the left of the picture walks,
// dragging anywhere else looks, and two buttons jump and run. They feed the same input
// messages as the keyboard and gamepad (stick -> axes, drag -> look, buttons -> keys).

const STICK_RADIUS_PX = 56; // how far the thumb travels for full speed
const STICK_ZONE = 0.45; // a touch that starts in this left share of the picture walks
const TOUCH_DEG_PER_PX = 0.25; // looking by touch turns faster than the mouse: the picture is small

function clampToCircle(dx, dy, radius) {
  const length = Math.hypot(dx, dy);
  return length <= radius ? [dx, dy] : [(dx / length) * radius, (dy / length) * radius];
}

export class TouchControls {
  /** stage: the element over the picture; input: the InputController to feed. */
  constructor({ stage, input, onFirstTouch = () => {} }) {
    this.stage = stage;
    this.input = input;
    this.onFirstTouch = onFirstTouch;
    this.stickPointer = null; // pointerId of the thumb on the stick
    this.stickOrigin = [0, 0];
    this.lookPointers = new Map(); // pointerId -> last [x, y]
    this._build();
    this._bind();
  }

  _build() {
    const stick = document.createElement("div");
    stick.className = "touch-stick";
    stick.setAttribute("aria-hidden", "true");
    stick.innerHTML = '<span class="touch-stick-knob"></span>';
    const buttons = document.createElement("div");
    buttons.className = "hud touch-buttons";
    buttons.innerHTML =
      '<button type="button" class="touch-button" data-key="shift" aria-label="Run (hold)">Run</button>' +
      '<button type="button" class="touch-button" data-key="space" aria-label="Jump">Jump</button>';
    const hint = document.createElement("p");
    hint.className = "touch-hint";
    hint.textContent = "Left thumb walks · drag to look";
    this.stage.append(stick, buttons, hint);
    this.stick = stick;
    this.knob = stick.firstElementChild;
    this.hint = hint;
    this.buttons = buttons;
  }

  _bind() {
    const surface = this.stage.querySelector("canvas");
    surface.style.touchAction = "none"; // a drag on the picture walks or looks; it never scrolls the page
    surface.addEventListener("pointerdown", (e) => this._down(e));
    // Move/up are watched on the window so a thumb that slides off the picture still ends cleanly.
    window.addEventListener("pointermove", (e) => this._move(e));
    window.addEventListener("pointerup", (e) => this._up(e));
    window.addEventListener("pointercancel", (e) => this._up(e));
    for (const button of this.buttons.querySelectorAll(".touch-button")) {
      const key = button.dataset.key;
      const press = (e) => {
        e.preventDefault();
        button.classList.add("is-pressed");
        this.input.setTouchKey(key, true);
      };
      const release = () => {
        button.classList.remove("is-pressed");
        this.input.setTouchKey(key, false);
      };
      button.addEventListener("pointerdown", press);
      button.addEventListener("pointerup", release);
      button.addEventListener("pointercancel", release);
      button.addEventListener("pointerleave", release);
      button.addEventListener("contextmenu", (e) => e.preventDefault());
    }
  }

  _down(e) {
    if (e.pointerType !== "touch") return;
    this.onFirstTouch();
    if (!this.input.enabled) return;
    e.preventDefault(); // no emulated mouse events: the drag must not also look through the mouse path
    const box = this.stage.getBoundingClientRect();
    const inStickZone = e.clientX - box.left < box.width * STICK_ZONE;
    if (inStickZone && this.stickPointer === null) {
      this.stickPointer = e.pointerId;
      this.stickOrigin = [e.clientX, e.clientY];
      this.stick.style.left = `${e.clientX - box.left}px`;
      this.stick.style.top = `${e.clientY - box.top}px`;
      this.stick.classList.add("is-active");
      this._placeKnob(0, 0);
    } else {
      this.lookPointers.set(e.pointerId, [e.clientX, e.clientY]);
    }
    this.hint.classList.add("is-done"); // the first touch has shown how it works
  }

  _move(e) {
    if (e.pointerType !== "touch") return;
    if (!this.input.enabled) {
      // Direct mode, a dialog or a dropped connection took the controls mid-touch.
      if (this.stickPointer !== null || this.lookPointers.size) this.releaseAll();
      return;
    }
    if (e.pointerId === this.stickPointer) {
      const [dx, dy] = clampToCircle(e.clientX - this.stickOrigin[0], e.clientY - this.stickOrigin[1], STICK_RADIUS_PX);
      this._placeKnob(dx, dy);
      // Screen y grows downwards; pushing the thumb up walks forward.
      const round = (v) => Math.round(v * 100) / 100;
      this.input.setTouchAxes([round(dx / STICK_RADIUS_PX), round(-dy / STICK_RADIUS_PX)]);
      return;
    }
    const last = this.lookPointers.get(e.pointerId);
    if (!last) return;
    this.lookPointers.set(e.pointerId, [e.clientX, e.clientY]);
    this.input.addLook((e.clientX - last[0]) * TOUCH_DEG_PER_PX, -(e.clientY - last[1]) * TOUCH_DEG_PER_PX);
  }

  _up(e) {
    if (e.pointerId === this.stickPointer) {
      this.stickPointer = null;
      this.stick.classList.remove("is-active");
      this.input.setTouchAxes([0, 0]);
    }
    this.lookPointers.delete(e.pointerId);
  }

  /** Let go of everything when the controls are taken away (Direct mode, a dialog, a lost connection). */
  releaseAll() {
    this.stickPointer = null;
    this.lookPointers.clear();
    this.stick.classList.remove("is-active");
    for (const button of this.buttons.querySelectorAll(".is-pressed")) button.classList.remove("is-pressed");
  }

  _placeKnob(dx, dy) {
    this.knob.style.transform = `translate(${dx}px, ${dy}px)`;
  }
}
