// Small DOM helpers: toasts, the command log, copying links.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export class Toasts {
  constructor(root) {
    this.root = root;
  }

  /** link: {href, text}, shown after the message, opening in a new tab so play goes on. */
  show(message, { kind = "info", timeout = 5000, title = "", link = null } = {}) {
    const toast = el("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
      title ? el("strong", { text: title }) : null,
      el("span", { text: message },
        link ? " " : null,
        link ? el("a", { href: link.href, target: "_blank", rel: "noopener", text: link.text }) : null),
      el("button", { class: "toast-close", type: "button", "aria-label": "Dismiss", text: "×",
        onclick: () => toast.remove() }));
    this.root.append(toast);
    while (this.root.children.length > 4) this.root.firstElementChild.remove();
    if (timeout) setTimeout(() => toast.remove(), timeout);
    return toast;
  }
}

const STATUS = {
  pending: { icon: "…", label: "Sending" },
  sent: { icon: "…", label: "Working on it" },
  applied: { icon: "✓", label: "Applied" },
  not_understood: { icon: "?", label: "Not understood" },
  rejected: { icon: "✕", label: "Couldn't do that" },
  blocked: { icon: "⊘", label: "Blocked" },
  failed: { icon: "!", label: "Not sent" },
  snapshot: { icon: "◆", label: "Snapshot saved" },
};

/** The blocked categories, worst first: the server sends {category: score}. */
function categoryText(result) {
  const raw = result.category ?? result.categories ?? result.verdict?.categories ?? result.moderation?.categories;
  let list = [];
  if (Array.isArray(raw)) list = raw;
  else if (raw && typeof raw === "object") list = Object.keys(raw).sort((a, b) => raw[b] - raw[a]);
  else if (raw) list = [raw];
  return list.map((c) => String(c).replace(/[_-]+/g, " ")).join(", ");
}

export class CommandLog {
  constructor(root, { onSuggestion } = {}) {
    this.root = root;
    this.onSuggestion = onSuggestion;
    this.entries = new Map(); // command id -> {node, text, status}
  }

  _append(node) {
    this.root.querySelector(".log-empty")?.remove();
    this.root.append(node);
    while (this.root.children.length > 100) this.root.firstElementChild.remove();
    this.root.scrollTop = this.root.scrollHeight;
  }

  add(id, text, status = "sent") {
    const node = el("li", { class: "cmd", "data-id": id });
    const entry = { id, text, status, node, result: null };
    this.entries.set(id, entry);
    this._render(entry);
    this._append(node);
    return entry;
  }

  /** A command the server told us about (e.g. replayed to spectators). */
  resolve(id, result) {
    let entry = this.entries.get(id);
    if (!entry) entry = this.add(id || `x${this.entries.size}`, result.text || "", "sent");
    entry.status = STATUS[result.status] ? result.status : "rejected";
    entry.result = result;
    this._render(entry);
    this.root.scrollTop = this.root.scrollHeight;
    return entry;
  }

  fail(id, message) {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.status = "failed";
    entry.result = { message };
    this._render(entry);
  }

  note(text, detail = "", status = "snapshot") {
    const id = `note${Date.now()}${Math.random()}`;
    const entry = this.add(id, text, status);
    entry.result = { message: detail };
    this._render(entry);
    return entry;
  }

  _render(entry) {
    const { node, status, result } = entry;
    const info = STATUS[status] || STATUS.rejected;
    node.className = `cmd cmd-${status}`;
    node.dataset.status = status;
    const category = status === "blocked" && result ? categoryText(result) : "";
    const badge = el("span", { class: "cmd-status" },
      el("span", { class: "cmd-icon", "aria-hidden": "true", text: info.icon }),
      el("span", { class: "cmd-label", text: category ? `${info.label} · ${category}` : info.label }));
    const parts = [el("div", { class: "cmd-head" }, el("span", { class: "cmd-text", text: entry.text }), badge)];
    const message = result && (result.message || result.reason || result.detail);
    if (message) parts.push(el("p", { class: "cmd-message", text: message }));
    if (result && Array.isArray(result.changes) && result.changes.length && status === "applied") {
      parts.push(el("ul", { class: "cmd-changes" }, result.changes.slice(0, 6).map((c) => el("li", { text: String(c) }))));
    }
    if (result && Array.isArray(result.suggestions) && result.suggestions.length) {
      parts.push(el("div", { class: "cmd-suggestions" },
        el("span", { class: "muted", text: "Try: " }),
        result.suggestions.slice(0, 4).map((s) => el("button", {
          type: "button", class: "suggestion", text: String(s),
          onclick: () => this.onSuggestion?.(String(s)),
        }))));
    }
    node.replaceChildren(...parts);
  }
}

/** Whether keys pressed here are text being typed (and not controls). */
export function isTyping(target) {
  const tag = target?.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || Boolean(target?.isContentEditable);
}

export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = el("textarea", { style: "position:fixed;opacity:0;top:0;left:0" });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
