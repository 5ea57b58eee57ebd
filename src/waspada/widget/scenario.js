// @ts-check
/**
 * Waspada scenario player: the one browser front end.
 *
 * An anywidget module (`render({model, el})` returning a cleanup function). Jupyter and Voila
 * hand it the widget's model; the static book hands it a small local model with the same
 * get/set/on/off/save_changes methods. Everything it shows comes from a compiled payload in
 * which Python has already translated and formatted every string and expanded the story into a
 * graph of states, so this file only shows text and follows the chosen edge.
 *
 * Text is only ever inserted with textContent: nothing from a scenario or a translation can
 * become live HTML.
 *
 * No imports, no framework, no bundler: the book loads this file from a string through a Blob
 * URL so that it also works from disk (file://), where module imports are blocked.
 */

const PAYLOAD_FORMAT = 1;

/** @typedef {[string, string]} Inline  [style, text]; style "", "em", "strong" or "br" */
/** @typedef {{p?: Inline[], ul?: Inline[][]}} Block */
/**
 * @typedef {{label: Inline[], feedback: Block[] | null, verdict?: string, correct?: boolean}}
 *   ChoiceText  verdict and correct: knowledge checks only
 */
/** @typedef {{kind: string, label: string, value: string, href: string}} Contact */
/**
 * @typedef {{id: string, name: string, description: string, contacts: Contact[], checked: string,
 *   serves?: string}} Service  serves: whom it is for, one translated line ("Serves: men")
 */
/**
 * @typedef {{kind: string, kindLabel: string, title: string, debrief: Block[] | null,
 *   messages: Inline[][], help: Service[]}} Ending
 */
/**
 * @typedef {{text: Block[] | null, notes: Block[] | null, prompt: Block[] | null,
 *   choices: Record<string, ChoiceText>, ending?: Ending}} NodeText
 */
/**
 * @typedef {{score: number, total: number, passed: boolean, label: string, text: string}} Result
 *   a knowledge check's result, on its ending states
 */
/**
 * @typedef {{node: string, values: Record<string, number>, choices: [string, number][],
 *   label: string, progress: number, result?: Result}} State
 */
/**
 * @typedef {{id: string, number: number, column: number, line: number, summary: string,
 *   ending: string, targets: string[]}} MapNode  a node of the scenario map, in the map's order
 */
/**
 * @typedef {{file: string, nodes: MapNode[]}} AuthorData
 *   the author view's data: only in payloads built for `waspada preview`
 */
/**
 * @typedef {{format: number, lang: string, id: string, digest: string, title: string,
 *   summary: string, nodes: Record<string, NodeText>, states: State[],
 *   variables?: Record<string, {min: number, max: number}>,
 *   ui: Record<string, string>, author?: AuthorData}} Payload
 */
/**
 * @typedef {{digest?: string, route?: string[], tallies?: Record<string, number>[]}} PlayState
 *   tallies[i]: the hands a facilitator counted for each choice at decision i
 */
/**
 * @typedef {{available?: boolean, code?: string, secret?: string, api?: string, error?: string,
 *   joinUrl?: string, joinQr?: string[], controlUrl?: string, controlQr?: string[]}} LiveInfo
 *   the widget's `live` traitlet: a projector page's live room (widget/live.py)
 */
/**
 * @typedef {{room: string, version: number, phase: string, step: number, joined?: number,
 *   totals?: Record<string, number>, votes?: Record<string, number>,
 *   hands?: Record<string, number>, correct?: string[], route?: string[],
 *   history?: {step: number, choice: string, totals: Record<string, number>, correct?: string[]}[]
 * }} LiveView  the room as the server shows it to the facilitator (GET /live/api/rooms/<code>)
 */
/**
 * @typedef {{
 *   get(name: string): any,
 *   set(name: string, value: any): void,
 *   save_changes(): void,
 *   on(event: string, callback: () => void): void,
 *   off(event: string, callback: () => void): void,
 *   send?: (content: any) => void,
 * }} Model
 */

/** localStorage key prefix of a projector's room, per scenario (resumed after a reload). */
const LIVE_STORAGE = "waspada:live-room:";
/**
 * localStorage key of every room this browser started (newest last): the session page pairs a
 * before/after check's two rooms from it. Entries: {room, key, scenario, started (ms)}.
 */
const LIVE_ROOMS = "waspada:live-rooms";
/** Rooms remembered at most, and for how long (a room itself expires 3 h after its last step). */
const LIVE_ROOMS_KEPT = 20;
const LIVE_ROOMS_HOURS = 12;
const SVG_NS = "http://www.w3.org/2000/svg";
const MAX_QR = 177; // modules per side of the largest QR code

/**
 * Create an element with a class and optional text (always as text, never as HTML).
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElement}
 */
function h(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Append styled runs to a parent.
 * @param {HTMLElement} parent
 * @param {Inline[]} runs
 */
function appendInline(parent, runs) {
  for (const [style, text] of runs) {
    if (style === "br") parent.append(document.createElement("br"));
    else if (style === "em" || style === "strong") parent.append(h(style, "", text));
    else parent.append(document.createTextNode(text));
  }
}

/**
 * Render blocks (paragraphs and lists) into a container.
 * @param {Block[] | null | undefined} blocks
 * @param {string} className
 * @returns {HTMLElement}
 */
function renderBlocks(blocks, className) {
  const box = h("div", className);
  for (const block of blocks || []) {
    if (block.p) {
      const p = h("p");
      appendInline(p, block.p);
      box.append(p);
    } else if (block.ul) {
      const ul = h("ul");
      for (const item of block.ul) {
        const li = h("li");
        appendInline(li, item);
        ul.append(li);
      }
      box.append(ul);
    }
  }
  return box;
}

/**
 * A QR code drawn as SVG from rows of "0"/"1" (made by segno in Python), with the quiet zone
 * around it; nothing else is accepted.
 * @param {unknown} rows @param {string} label @param {string} className
 * @returns {Element}
 */
function qrCode(rows, label, className) {
  const lines = Array.isArray(rows) ? rows.filter((row) => typeof row === "string").slice(0, MAX_QR) : [];
  const size = lines.length + 8;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("class", className);
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const paper = document.createElementNS(SVG_NS, "rect");
  paper.setAttribute("width", String(size));
  paper.setAttribute("height", String(size));
  paper.setAttribute("fill", "#ffffff");
  svg.append(paper);
  let dark = "";
  lines.forEach((row, y) => {
    for (let x = 0; x < Math.min(row.length, MAX_QR); x += 1) {
      if (row[x] === "1") dark += `M${x + 4} ${y + 4}h1v1h-1z`;
    }
  });
  const modules = document.createElementNS(SVG_NS, "path");
  modules.setAttribute("d", dark);
  modules.setAttribute("fill", "#000000");
  svg.append(modules);
  return svg;
}

/**
 * Whether anybody has voted in the room yet (then the control link leaves the projector).
 * @param {LiveView} view
 */
function liveVoted(view) {
  const counted = Object.values(view.votes || {}).some((n) => n > 0);
  return counted || (view.history || []).some((entry) => Object.values(entry.totals || {}).some((n) => n > 0));
}

/**
 * The choice with most votes (the first offered on a tie); "" when nobody has voted.
 * @param {State} state @param {Record<string, number>} totals
 */
function mostVoted(state, totals) {
  let best = "";
  let most = 0;
  for (const [cid] of state.choices) {
    if ((totals[cid] || 0) > most) {
      best = cid;
      most = totals[cid];
    }
  }
  return best;
}

/**
 * How many of the room's answers were right: never who answered what.
 * @param {Record<string, number>} totals @param {string[]} correct
 */
function shareRight(totals, correct) {
  let right = 0;
  let all = 0;
  for (const [cid, count] of Object.entries(totals || {})) {
    all += count;
    if (correct.includes(cid)) right += count;
  }
  return { right, all };
}

/** @param {Record<string, string>} ui @param {number} right @param {number} all */
function shareText(ui, right, all) {
  const percent = all ? Math.round((100 * right) / all) : 0;
  return (ui.live_share_right || "Right: {right} of {total} ({percent}%)")
    .replace("{right}", String(right)).replace("{total}", String(all)).replace("{percent}", String(percent));
}

/**
 * A live knowledge check's ending: the share of right answers for each question.
 * @param {Payload} payload @param {number[]} path @param {LiveView} view @returns {HTMLElement}
 */
function renderShareTable(payload, path, view) {
  const ui = payload.ui || {};
  const box = h("section", "wsp-live-shares");
  const heading = h("p", "wsp-label", ui.live_share_table || "Share of right answers per question");
  heading.id = `wsp-live-shares-${payload.id}`;
  box.setAttribute("aria-labelledby", heading.id);
  box.append(heading);
  const table = h("table", "wsp-tally-table");
  const head = h("tr");
  head.append(h("th", "", ui.live_question || "Question"), h("th", "", ui.live_right || "Right"));
  table.append(head);
  for (const entry of view.history || []) {
    if (!entry.correct || !entry.correct.length || !payload.states[path[entry.step]]) continue;
    const { right, all } = shareRight(entry.totals, entry.correct);
    const row = h("tr");
    row.append(h("td", "", payload.states[path[entry.step]].label), h("td", "wsp-tally-count", shareText(ui, right, all)));
    table.append(row);
  }
  box.append(table);
  return box;
}

/**
 * Follow a route of choice ids from the start; stop at the first step that does not fit.
 * @param {Payload} payload
 * @param {string[]} route
 * @returns {{path: number[], route: string[]}} state indices visited and the valid route
 */
function follow(payload, route) {
  const path = [0];
  const valid = [];
  for (const id of route) {
    const edge = payload.states[path[path.length - 1]].choices.find(([cid]) => cid === id);
    if (!edge) break;
    path.push(edge[1]);
    valid.push(id);
  }
  return { path, route: valid };
}

/**
 * @param {HTMLElement} parent
 * @param {string} label
 * @param {() => void} onClick
 * @param {string} className
 * @returns {HTMLButtonElement}
 */
function toolButton(parent, label, onClick, className) {
  const button = /** @type {HTMLButtonElement} */ (h("button", `wsp-tool ${className}`, label));
  button.type = "button";
  button.addEventListener("click", onClick);
  parent.append(button);
  return button;
}

/**
 * Leave the course at once for a neutral page, replacing this page in the history so that
 * the back button does not return to it. Pages of the book and of Voila carry the same
 * button and Escape-twice shortcut outside the widget (see quickexit.js); the widget's own
 * button is there for Jupyter and for pages without one.
 * @param {string} url
 */
function quickExit(url) {
  try {
    (window.top || window).location.replace(url);
  } catch (error) {
    window.location.replace(url); // a frame of another origin (an LMS): leave the frame
  }
}

/**
 * Render a scenario into `el` and keep it in step with the model.
 * @param {{model: Model, el: HTMLElement}} context
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const root = h("section", "wsp-root");
  el.append(root);
  /** Whether the next render should move focus to the story text (after a user action). */
  let moveFocus = false;

  /** Set while a tally is typed, so that the input keeps its focus (no redraw). */
  let quiet = false;

  /** The author view beside the player (preview builds only), or null. @type {HTMLElement | null} */
  let authorPanel = null;

  // -- The live classroom (projector page, `waspada serve --live`): the room is the truth ----
  /** The room's facilitator view, from the server. @type {LiveView | null} */
  let liveView = null;
  /** The room being followed ("" none), its poll's AbortController, and whether it is over. */
  let liveRoom = "";
  /** @type {AbortController | null} */
  let liveAbort = null;
  let liveOver = false;
  /** A status line: the connection lost, an action refused. */
  let liveNotice = "";
  let liveAsked = false;
  let controlHidden = false;
  let confirmEnd = false;

  /** @returns {LiveInfo} */
  function liveInfo() {
    const live = model.get("live");
    return live && typeof live === "object" ? live : {};
  }

  /** localStorage key of this scenario's room, so that a reloaded page resumes it. */
  function liveKey() {
    const payload = /** @type {Payload} */ (model.get("payload"));
    return `${LIVE_STORAGE}${payload ? payload.id : ""}`;
  }

  /** Ask the kernel for a room: the one this browser had (reload) or a new one. */
  function liveAsk() {
    const live = liveInfo();
    if (!live.available || live.code || live.error || liveAsked) return;
    if (model.get("mode") !== "facilitator" || typeof model.send !== "function") return;
    liveAsked = true;
    /** @type {{code?: unknown, secret?: unknown} | null} */
    let saved = null;
    try {
      saved = JSON.parse(window.localStorage.getItem(liveKey()) || "null");
    } catch (error) {
      saved = null;
    }
    if (saved && typeof saved.code === "string" && typeof saved.secret === "string") {
      model.send({ live: "resume", code: saved.code, secret: saved.secret });
    } else {
      model.send({ live: "start" });
    }
  }

  /** Follow the room the kernel gave (from change:live and at the start). */
  function liveSync() {
    const live = liveInfo();
    if (live.code && live.code !== liveRoom) {
      liveRoom = live.code;
      liveView = null;
      liveOver = false;
      try {
        window.localStorage.setItem(liveKey(), JSON.stringify({ code: live.code, secret: live.secret }));
        rememberRoom(live);
      } catch (error) {
        // Private browsing: a reload then starts a new room.
      }
      livePoll(live);
    }
    liveAsk();
    draw();
  }

  /**
   * Add the room to this browser's list of rooms started (once), dropping old entries.
   * @param {LiveInfo} live
   */
  function rememberRoom(live) {
    const payload = /** @type {Payload} */ (model.get("payload"));
    let rooms = [];
    try {
      rooms = JSON.parse(window.localStorage.getItem(LIVE_ROOMS) || "[]");
    } catch (error) {
      rooms = [];
    }
    const since = Date.now() - LIVE_ROOMS_HOURS * 3600 * 1000;
    rooms = (Array.isArray(rooms) ? rooms : []).filter(
      (entry) => entry && typeof entry.room === "string" && entry.room !== live.code && entry.started > since,
    );
    rooms.push({ room: live.code, key: live.secret, scenario: payload ? payload.id : "", started: Date.now() });
    window.localStorage.setItem(LIVE_ROOMS, JSON.stringify(rooms.slice(-LIVE_ROOMS_KEPT)));
  }

  /** The room is gone (ended elsewhere, expired): stop, and forget it in this browser. */
  function liveForget() {
    liveOver = true;
    if (liveAbort) liveAbort.abort();
    try {
      window.localStorage.removeItem(liveKey());
    } catch (error) {
      // nothing kept
    }
  }

  /**
   * Long-poll the room's facilitator view: each answer comes when the room changes (a vote, a
   * phone joining, the control page) or after 20 s; on a network error, retry with backoff.
   * @param {LiveInfo} live
   */
  async function livePoll(live) {
    let since = 0;
    let pause = 1000;
    while (liveRoom === live.code && !liveOver) {
      const controller = new AbortController();
      liveAbort = controller;
      try {
        const payload = /** @type {Payload} */ (model.get("payload"));
        const query = `?since=${since}&wait=20&lang=${encodeURIComponent(payload.lang)}`;
        const response = await fetch(`${live.api}${query}`, {
          headers: { "X-Waspada-Secret": String(live.secret) },
          credentials: "omit",
          cache: "no-store",
          signal: controller.signal,
        });
        if (liveRoom !== live.code) return;
        if (response.status === 404 || response.status === 403) {
          liveForget();
          liveNotice = (payload.ui || {}).live_expired || "This live room has ended.";
          draw();
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const view = /** @type {LiveView} */ (await response.json());
        since = view.version;
        pause = 1000;
        liveApply(view);
      } catch (error) {
        if (liveRoom !== live.code || liveOver) return;
        const payload = /** @type {Payload} */ (model.get("payload"));
        const notice = (payload.ui || {}).live_reconnecting || "Connection lost. Trying again…";
        if (liveNotice !== notice) {
          liveNotice = notice;
          draw();
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 10000);
      }
    }
  }

  /**
   * Show a view of the room. The widget's state follows the room's route, and the totals the
   * room kept at each step become facilitator mode's tallies (route table and debrief).
   * @param {LiveView} view
   */
  function liveApply(view) {
    if (liveView && view.version < liveView.version) return; // an older answer, overtaken
    const payload = /** @type {Payload} */ (model.get("payload"));
    if (liveNotice === ((payload.ui || {}).live_reconnecting || "Connection lost. Trying again…")) {
      liveNotice = "";
    }
    liveView = view;
    if (view.phase === "closed") liveForget();
    if (liveVoted(view)) controlHidden = true; // the room is watching now
    const route = Array.isArray(view.route) ? view.route.map(String) : [];
    /** @type {Record<string, number>[]} */
    const tallies = route.map(() => ({}));
    for (const entry of view.history || []) {
      if (entry.step >= 0 && entry.step < route.length) tallies[entry.step] = { ...(entry.totals || {}) };
    }
    const saved = current();
    if (JSON.stringify(saved.route) !== JSON.stringify(route)
      || JSON.stringify(saved.tallies) !== JSON.stringify(tallies)) {
      moveFocus = saved.route.length !== route.length;
      model.set("state", { digest: payload.digest, route, tallies });
      model.save_changes(); // redraws through change:state
    } else {
      draw();
    }
  }

  /**
   * One of the facilitator's actions (reveal, follow, back, hands, end), sent with the secret;
   * the answer is the room's new view.
   * @param {Record<string, unknown>} body
   */
  async function liveControl(body) {
    const live = liveInfo();
    const payload = /** @type {Payload} */ (model.get("payload"));
    const ui = payload.ui || {};
    if (!live.code || liveOver) return;
    try {
      const response = await fetch(`${live.api}/control`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Waspada-Secret": String(live.secret) },
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const message = typeof data.message === "string" ? data.message : `HTTP ${response.status}`;
        liveNotice = (ui.live_failed || "That did not work: {message}").replace("{message}", message);
        draw();
        return;
      }
      liveNotice = "";
      liveApply(/** @type {LiveView} */ (data));
    } catch (error) {
      liveNotice = ui.live_reconnecting || "Connection lost. Trying again…";
      draw();
    }
  }

  /** @returns {{route: string[], tallies: Record<string, number>[]}} */
  function current() {
    /** @type {PlayState} */
    const state = model.get("state") || {};
    const payload = /** @type {Payload} */ (model.get("payload"));
    if (!payload || (state.digest && state.digest !== payload.digest)) return { route: [], tallies: [] };
    return {
      route: Array.isArray(state.route) ? state.route : [],
      tallies: Array.isArray(state.tallies) ? state.tallies : [],
    };
  }

  /** @param {string[]} route */
  function commit(route) {
    const payload = /** @type {Payload} */ (model.get("payload"));
    // Counts for decisions still on the route are kept (Back keeps them); Start again clears.
    const tallies = route.length ? current().tallies.slice(0, route.length + 1) : [];
    moveFocus = true;
    model.set("state", { digest: payload.digest, route, tallies });
    model.save_changes();
  }

  /**
   * Store the hands counted for one choice at decision `step`, without redrawing.
   * @param {number} step @param {string} cid @param {string} raw
   */
  function tally(step, cid, raw) {
    const payload = /** @type {Payload} */ (model.get("payload"));
    const { route, tallies } = current();
    const next = tallies.slice();
    while (next.length <= step) next.push({});
    const counts = { ...(next[step] || {}) };
    const value = Number.parseInt(raw, 10);
    if (Number.isFinite(value) && value >= 0) counts[cid] = value;
    else delete counts[cid];
    next[step] = counts;
    quiet = true;
    try {
      model.set("state", { digest: payload.digest, route, tallies: next });
      model.save_changes();
    } finally {
      quiet = false;
    }
  }

  function draw() {
    if (quiet) return;
    const payload = /** @type {Payload} */ (model.get("payload"));
    // A redraw while a live room changes must not take the facilitator's focus or half-typed
    // hands away: note them here, put them back at the end.
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    const keep = active && root.contains(active) && active.dataset.wspFocus ? {
      key: active.dataset.wspFocus,
      value: active instanceof HTMLInputElement ? active.value : null,
    } : null;
    root.replaceChildren();
    if (!payload || payload.format !== PAYLOAD_FORMAT) {
      root.append(h("p", "wsp-error", "This scenario was built by a different version of Waspada; rebuild the course."));
      return;
    }
    const ui = payload.ui || {};
    const mode = model.get("mode") || "learner";
    const large = Boolean(model.get("large_text"));
    root.classList.toggle("wsp-large", large);
    root.classList.toggle("wsp-facilitator", mode === "facilitator");
    // Live: a projector page of `waspada serve --live` (facilitator mode, a room asked for).
    const live = liveInfo();
    // No room could be made (the store refused): plain facilitator mode, saying why.
    const liveFailed = mode === "facilitator" && Boolean(live.available && live.error && !live.code);
    const liveOn = mode === "facilitator" && Boolean(live.available) && !liveFailed;
    const view = liveOn && live.code ? liveView : null;
    const steering = Boolean(view) && !liveOver && view.phase !== "closed";
    root.classList.toggle("wsp-live", liveOn);
    root.setAttribute("aria-label", payload.title);
    root.lang = payload.lang;

    const saved = current();
    const { path, route } = follow(payload, saved.route);
    const tallies = saved.tallies;
    const index = path[path.length - 1];
    const state = payload.states[index];
    const node = payload.nodes[state.node];
    // Where the story stands, for styling and for tests that compare with the Python engine.
    root.dataset.wspNode = state.node;
    root.dataset.wspValues = JSON.stringify(state.values);
    root.dataset.wspEnding = node.ending ? node.ending.kind : "";
    root.dataset.wspRouteLength = String(route.length);

    // Header: title and tools.
    const header = h("div", "wsp-header");
    header.append(h("p", "wsp-title", payload.title));
    const tools = h("div", "wsp-tools");
    tools.setAttribute("role", "toolbar");
    tools.setAttribute("aria-label", ui.tools || "Scenario controls");
    const back = toolButton(tools, ui.back || "Back", () => {
      if (liveOn) liveControl({ action: "back" });
      else commit(route.slice(0, -1));
    }, "wsp-back");
    back.disabled = route.length === 0 || (liveOn && !steering);
    back.dataset.wspFocus = "back";
    if (!liveOn) {
      const restart = toolButton(tools, ui.restart || "Restart", () => commit([]), "wsp-restart");
      restart.disabled = route.length === 0;
    }
    const largeButton = toolButton(tools, ui.large_text || "Large text", () => {
      model.set("large_text", !large);
      model.save_changes();
    }, "wsp-large-toggle");
    largeButton.setAttribute("aria-pressed", String(large));
    if (!liveOn) {
      const facilitatorButton = toolButton(tools, ui.facilitator_view || "Facilitator view", () => {
        model.set("mode", mode === "facilitator" ? "learner" : "facilitator");
        model.save_changes();
      }, "wsp-mode-toggle");
      facilitatorButton.setAttribute("aria-pressed", String(mode === "facilitator"));
    }
    if (model.get("can_clear")) {
      toolButton(tools, ui.clear_progress || "Clear my progress", () => {
        moveFocus = true;
        model.set("clear", Date.now());
        model.save_changes();
      }, "wsp-clear");
    }
    // The page's own Quick exit button (book, Voila) serves the widget too.
    if (!document.documentElement.hasAttribute("data-wsp-quick-exit")) {
      const exitUrl = (payload.course && payload.course.exit) || "about:blank";
      toolButton(tools, ui.quick_exit || "Quick exit", () => quickExit(exitUrl), "wsp-quick-exit");
    }
    header.append(tools);
    root.append(header);
    if (ui.draft_notice) {
      const notice = h("p", "wsp-draft", ui.draft_notice);
      notice.setAttribute("role", "note");
      root.append(notice);
    }
    if (liveOn || liveFailed) root.append(renderLiveRoom(live, view, ui));

    // Progress.
    if (!node.ending) {
      const progress = h("div", "wsp-progress");
      progress.append(h("span", "wsp-step", state.label));
      const bar = /** @type {HTMLProgressElement} */ (h("progress", "wsp-bar"));
      bar.max = 1;
      bar.value = state.progress;
      bar.setAttribute("aria-label", ui.progress || "Progress");
      progress.append(bar);
      root.append(progress);
    }

    // What the group chose last, with its feedback.
    if (route.length) {
      const previous = payload.states[path[path.length - 2]];
      const chosen = payload.nodes[previous.node].choices[route[route.length - 1]];
      const box = h("div", "wsp-feedback");
      const said = h("p", "wsp-chosen");
      said.append(h("span", "wsp-chosen-label", `${ui.you_chose || "You chose"}: `));
      const label = h("span", "wsp-chosen-text");
      appendInline(label, chosen.label);
      said.append(label);
      box.append(said);
      if (chosen.verdict) {
        box.append(h("p", `wsp-verdict wsp-verdict-${chosen.correct ? "correct" : "wrong"}`, chosen.verdict));
      }
      if (chosen.feedback) box.append(renderBlocks(chosen.feedback, "wsp-feedback-text"));
      root.append(box);
    }

    // In facilitator mode the discussion comes first, before the story text and choices.
    const discussion = h("div", "wsp-discussion");
    if (node.prompt) {
      const prompt = h("div", "wsp-prompt");
      prompt.append(h("p", "wsp-label", ui.discuss || "Discuss"));
      prompt.append(renderBlocks(node.prompt, "wsp-prompt-text"));
      discussion.append(prompt);
    }
    if (mode === "facilitator" && node.notes && !liveOn) {
      const notes = h("div", "wsp-notes");
      notes.append(h("p", "wsp-label", ui.notes || "Facilitator notes"));
      notes.append(renderBlocks(node.notes, "wsp-notes-text"));
      discussion.append(notes);
    }

    const story = renderBlocks(node.text, "wsp-text");
    story.tabIndex = -1;
    if (mode === "facilitator" && discussion.childElementCount) root.append(discussion);
    root.append(story);
    if (mode !== "facilitator" && discussion.childElementCount) root.append(discussion);

    if (node.ending) {
      root.append(renderEnding(node.ending, ui, state.result));
      if (route.length) {
        root.append(renderRoute(payload, path, route, tallies,
          liveOn ? (ui.live_votes_hands || "Votes and hands") : ""));
      }
      if (liveOn && payload.kind === "check" && view) root.append(renderShareTable(payload, path, view));
    } else {
      const heading = h("p", "wsp-label wsp-choices-label", ui.choose || "What happens next?");
      heading.id = `wsp-choices-${payload.id}-${index}`;
      root.append(heading);
      const list = h("ol", "wsp-choices");
      list.setAttribute("aria-labelledby", heading.id);
      state.choices.forEach(([cid], position) => {
        const item = h("li");
        const button = /** @type {HTMLButtonElement} */ (h("button", "wsp-choice"));
        button.type = "button";
        button.dataset.wspChoice = cid;
        button.append(h("span", "wsp-key", String(position + 1)));
        const text = h("span", "wsp-choice-text");
        appendInline(text, node.choices[cid].label);
        button.append(text);
        button.dataset.wspFocus = `choice-${cid}`;
        button.addEventListener("click", () => {
          if (steering) liveControl({ action: "follow", choice: cid });
          else if (!liveOn) commit([...route, cid]);
        });
        item.append(button);
        if (view) item.append(renderLiveResult(view, cid, ui));
        if (mode === "facilitator") {
          // The trainer counts raised hands for each choice before clicking the room's choice.
          text.id = `wsp-choice-${payload.id}-${index}-${cid}`;
          const field = h("label", "wsp-tally");
          const caption = h("span", "wsp-tally-label", ui.hands || "Hands");
          caption.id = `${text.id}-hands`;
          const input = /** @type {HTMLInputElement} */ (h("input", "wsp-tally-input"));
          input.type = "number";
          input.min = "0";
          input.max = "999";
          input.inputMode = "numeric";
          input.dataset.wspTally = cid;
          input.setAttribute("aria-labelledby", `${caption.id} ${text.id}`);
          input.dataset.wspFocus = `hands-${cid}`;
          if (liveOn) {
            // Hands counted on paper go to the room, which adds them to the phones' votes.
            const counted = view ? (view.hands || {})[cid] : undefined;
            if (counted !== undefined) input.value = String(counted);
            input.disabled = !steering || view.phase === "ended";
            input.addEventListener("change", () => {
              const count = Number.parseInt(input.value || "0", 10);
              if (!view || !Number.isFinite(count) || count < 0 || count > 999) return;
              liveControl({ action: "hands", step: view.step, choice: cid, count });
            });
          } else {
            const counted = (tallies[route.length] || {})[cid];
            if (counted !== undefined) input.value = String(counted);
            input.addEventListener("input", () => tally(route.length, cid, input.value));
          }
          field.append(caption, input);
          item.append(field);
        }
        list.append(item);
      });
      root.append(list);
      if (view && steering) root.append(renderLiveControls(view, state, node, ui));
    }

    // Preview builds only: the map, the variables and the source line, beside the player.
    if (payload.author) {
      if (!authorPanel) {
        authorPanel = h("aside", "wsp-author");
        el.classList.add("wsp-authoring");
        el.append(authorPanel);
      }
      renderAuthor(authorPanel, payload, path, large, commit);
    } else if (authorPanel) {
      authorPanel.remove();
      authorPanel = null;
      el.classList.remove("wsp-authoring");
    }

    // Tell screen readers where the story is now, then put focus on the new text.
    const announce = h("p", "wsp-sr");
    announce.setAttribute("aria-live", "polite");
    root.append(announce);
    if (moveFocus) {
      moveFocus = false;
      announce.textContent = node.ending ? node.ending.title : state.label;
      story.focus({ preventScroll: false });
    } else if (keep) {
      const again = /** @type {HTMLElement | null} */ (
        root.querySelector(`[data-wsp-focus="${CSS.escape(keep.key)}"]`));
      if (again) {
        if (keep.value !== null && again instanceof HTMLInputElement) again.value = keep.value;
        again.focus({ preventScroll: true });
      }
    }
  }

  /**
   * The room panel of a live projector: how to join (QR code, address, room code, phones
   * joined), the private control link at the start, and the room's status line.
   * @param {LiveInfo} live @param {LiveView | null} view @param {Record<string, string>} ui
   * @returns {HTMLElement}
   */
  function renderLiveRoom(live, view, ui) {
    const box = h("div", "wsp-live-room");
    const closed = liveOver || (view && view.phase === "closed");
    if (live.code && !closed) {
      const join = h("section", "wsp-live-join");
      join.setAttribute("aria-label", ui.live_title || "Live session");
      join.append(qrCode(live.joinQr, ui.live_join_qr || "QR code to join", "wsp-live-qr"));
      const text = h("div", "wsp-live-join-text");
      text.append(h("p", "wsp-live-join-label", ui.live_join_at || "Phones join at"));
      const address = h("p", "wsp-live-address", String(live.joinUrl || "").replace(/^https?:\/\//, ""));
      address.dataset.wspUrl = String(live.joinUrl || "");
      text.append(address);
      const code = h("p", "wsp-live-code-line");
      code.append(h("span", "wsp-live-join-label", `${ui.live_code_label || "Room code"} `));
      code.append(h("span", "wsp-live-code", live.code));
      text.append(code);
      const joined = view ? view.joined || 0 : 0;
      text.append(h("p", "wsp-live-joined",
        (ui.live_joined || "Phones joined: {count}").replace("{count}", String(joined))));
      join.append(text);
      box.append(join);
      if (!controlHidden && live.controlUrl) box.append(renderControlLink(live, ui));
    }
    /** @type {string[]} */
    const lines = [];
    if (!live.code && live.error) {
      lines.push((ui.live_start_failed || "The live room could not be started: {message}")
        .replace("{message}", live.error));
    } else if (!live.code) {
      lines.push(ui.live_starting || "Starting the live room…");
    } else if (closed && !liveNotice) {
      lines.push(ui.live_closed || "The session is over.");
    }
    if (liveNotice) lines.push(liveNotice);
    const status = h("p", "wsp-live-status", lines.join(" "));
    status.setAttribute("role", "status");
    box.append(status);
    return box;
  }

  /**
   * The control page's link and QR code (with the room's secret), shown at the start only.
   * @param {LiveInfo} live @param {Record<string, string>} ui @returns {HTMLElement}
   */
  function renderControlLink(live, ui) {
    const box = h("aside", "wsp-live-control-link");
    box.setAttribute("aria-label", ui.live_control_link || "Your private control page");
    box.append(qrCode(live.controlQr, ui.live_control_qr || "QR code of the control page", "wsp-live-qr-small"));
    const text = h("div");
    const link = /** @type {HTMLAnchorElement} */ (
      h("a", "wsp-live-control-url", ui.live_control_link || "Your private control page"));
    link.href = String(live.controlUrl);
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const title = h("p", "wsp-live-control-title");
    title.append(link);
    text.append(title);
    text.append(h("p", "wsp-live-warning", ui.live_control_warning
      || "Open it on your own phone now, then hide it: do not project it once the room is watching."));
    const hide = toolButton(text, ui.live_hide || "Hide", () => {
      controlHidden = true;
      draw();
    }, "wsp-live-hide");
    hide.dataset.wspFocus = "hide";
    box.append(text);
    return box;
  }

  /**
   * Votes for one choice: a bar and the number (phones' votes plus hands typed), and after the
   * reveal of a knowledge check's question, whether it is the right answer.
   * @param {LiveView} view @param {string} cid @param {Record<string, string>} ui
   * @returns {HTMLElement}
   */
  function renderLiveResult(view, cid, ui) {
    const totals = view.totals || {};
    const count = totals[cid] || 0;
    const most = Math.max(1, ...Object.values(totals));
    const box = h("div", "wsp-live-result");
    box.dataset.wspLiveChoice = cid;
    const bar = h("span", "wsp-live-bar");
    bar.setAttribute("aria-hidden", "true");
    const fill = h("span", "wsp-live-fill");
    fill.style.width = `${Math.round((100 * count) / most)}%`;
    bar.append(fill);
    box.append(bar);
    const number = h("span", "wsp-live-count", String(count));
    number.setAttribute("aria-label", `${ui.live_votes || "Votes"}: ${count}`);
    box.append(number);
    if (view.phase === "revealed" && (view.correct || []).includes(cid)) {
      box.classList.add("wsp-live-correct");
      box.append(h("span", "wsp-live-right", `✓ ${ui.live_right_answer || "Right answer"}`));
    }
    return box;
  }

  /**
   * The facilitator's buttons at a decision: reveal (or reopen), follow the most voted choice,
   * end the session; and the status of the vote (and the share right after a question).
   * @param {LiveView} view @param {State} state @param {NodeText} node
   * @param {Record<string, string>} ui @returns {HTMLElement}
   */
  function renderLiveControls(view, state, node, ui) {
    const box = h("div", "wsp-live-controls");
    const totals = view.totals || {};
    const total = Object.values(totals).reduce((sum, n) => sum + n, 0);
    const phase = view.phase === "revealed"
      ? ui.live_phase_revealed || "The result is shown."
      : ui.live_phase_voting || "Voting is open.";
    box.append(h("p", "wsp-live-phase", `${phase} ${ui.live_total || "Total"}: ${total}`));
    if (view.phase === "revealed" && view.correct && view.correct.length) {
      const { right, all } = shareRight(totals, view.correct);
      box.append(h("p", "wsp-live-share", shareText(ui, right, all)));
    }
    const bar = h("div", "wsp-live-buttons");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", ui.live_title || "Live session");
    if (view.phase === "voting") {
      toolButton(bar, ui.live_reveal || "Show the result", () => liveControl({ action: "reveal" }),
        "wsp-live-reveal").dataset.wspFocus = "reveal";
    } else {
      toolButton(bar, ui.live_reopen || "Reopen the vote", () => liveControl({ action: "reopen" }),
        "wsp-live-reopen").dataset.wspFocus = "reopen";
    }
    const most = mostVoted(state, totals);
    if (most) {
      const follow = toolButton(bar, `${ui.live_follow_most || "Follow the choice with most votes"}: `,
        () => liveControl({ action: "follow", choice: most }), "wsp-live-follow");
      follow.dataset.wspFocus = "follow";
      follow.dataset.wspChoice = most;
      const label = h("span", "wsp-live-follow-choice");
      appendInline(label, node.choices[most].label);
      follow.append(label);
    }
    if (!confirmEnd) {
      toolButton(bar, ui.live_end || "End the session", () => {
        confirmEnd = true;
        draw();
      }, "wsp-live-end").dataset.wspFocus = "end";
      box.append(bar);
    } else {
      box.append(bar);
      const ask = h("div", "wsp-live-confirm");
      ask.setAttribute("role", "alertdialog");
      const question = h("p", "", ui.live_end_confirm || "End the session for everyone?");
      question.id = `wsp-live-confirm-${view.room}`;
      ask.setAttribute("aria-labelledby", question.id);
      ask.append(question);
      const yes = toolButton(ask, ui.live_end_yes || "Yes, end the session", () => {
        confirmEnd = false;
        liveControl({ action: "end" });
      }, "wsp-live-end-yes");
      yes.dataset.wspFocus = "end-yes";
      toolButton(ask, ui.live_cancel || "Cancel", () => {
        confirmEnd = false;
        draw();
      }, "wsp-live-cancel").dataset.wspFocus = "end";
      box.append(ask);
    }
    return box;
  }

  /** Number keys choose, as on the buttons. @param {KeyboardEvent} event */
  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = /** @type {HTMLElement} */ (event.target);
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (!/^[1-9]$/.test(event.key)) return;
    const buttons = root.querySelectorAll(".wsp-choice");
    const button = /** @type {HTMLButtonElement | undefined} */ (buttons[Number(event.key) - 1]);
    if (button) {
      event.preventDefault();
      button.click();
    }
  }

  root.addEventListener("keydown", onKey);
  // Escape twice leaves, as on the pages; only installed where no page-level handler is.
  let lastEscape = 0;
  /** @param {KeyboardEvent} event */
  function onEscape(event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < 1500) {
      const payload = /** @type {Payload} */ (model.get("payload"));
      quickExit((payload && payload.course && payload.course.exit) || "about:blank");
    }
    lastEscape = now;
  }
  const pageHasExit = document.documentElement.hasAttribute("data-wsp-quick-exit");
  if (!pageHasExit) document.addEventListener("keydown", onEscape);

  root.addEventListener("keydown", onKey);
  const events = ["change:payload", "change:state", "change:mode", "change:large_text"];
  for (const name of events) model.on(name, draw);
  model.on("change:live", liveSync);
  liveSync(); // draws
  return () => {
    for (const name of events) model.off(name, draw);
    model.off("change:live", liveSync);
    liveRoom = "";
    if (liveAbort) liveAbort.abort();
    root.removeEventListener("keydown", onKey);
    if (!pageHasExit) document.removeEventListener("keydown", onEscape);
    root.remove();
    if (authorPanel) authorPanel.remove();
    el.classList.remove("wsp-authoring");
  };
}

/**
 * The route a group took, decision by decision, with the hands counted at each (the debrief).
 * @param {Payload} payload
 * @param {number[]} path
 * @param {string[]} route
 * @param {Record<string, number>[]} tallies
 * @param {string} [countLabel]  the counts' heading ("Votes and hands" in a live room)
 * @returns {HTMLElement}
 */
function renderRoute(payload, path, route, tallies, countLabel) {
  const ui = payload.ui || {};
  const box = h("section", "wsp-route");
  const heading = h("p", "wsp-label", ui.route || "Your route");
  heading.id = `wsp-route-${payload.id}`;
  box.setAttribute("aria-labelledby", heading.id);
  box.append(heading);
  const steps = h("ol", "wsp-route-steps");
  route.forEach((cid, step) => {
    const state = payload.states[path[step]];
    const node = payload.nodes[state.node];
    const item = h("li", "wsp-route-step");
    const line = h("p");
    line.append(h("span", "wsp-route-label", `${state.label}: `));
    const chosen = h("span", "wsp-route-choice");
    appendInline(chosen, node.choices[cid].label);
    line.append(chosen);
    if (node.choices[cid].verdict) line.append(h("span", "wsp-route-verdict", ` ${node.choices[cid].verdict}`));
    item.append(line);
    const counts = tallies[step] || {};
    if (Object.keys(counts).length) {
      const table = h("table", "wsp-tally-table");
      const head = h("tr");
      head.append(h("th", "", ui.choice || "Choice"), h("th", "", countLabel || ui.hands || "Hands"));
      table.append(head);
      for (const [offered] of state.choices) {
        const row = h("tr");
        if (offered === cid) row.className = "wsp-tally-chosen";
        const label = h("td");
        appendInline(label, node.choices[offered].label);
        const none = countLabel ? "0" : "–"; // a live room counted every choice
        row.append(label, h("td", "wsp-tally-count", counts[offered] === undefined ? none : String(counts[offered])));
        table.append(row);
      }
      item.append(table);
    }
    steps.append(item);
  });
  box.append(steps);
  return box;
}

/**
 * @param {Ending} ending
 * @param {Record<string, string>} ui
 * @param {Result} [result]  a knowledge check's score
 * @returns {HTMLElement}
 */
function renderEnding(ending, ui, result) {
  const box = h("div", `wsp-ending wsp-ending-${ending.kind}`);
  if (result) {
    box.classList.add(result.passed ? "wsp-passed" : "wsp-review");
    box.append(h("p", "wsp-ending-kind", result.label));
    box.append(h("p", "wsp-ending-title", ending.title));
    box.append(h("p", "wsp-score", result.text));
  } else {
    box.append(h("p", "wsp-ending-kind", ending.kindLabel));
    box.append(h("p", "wsp-ending-title", ending.title));
  }
  box.append(renderBlocks(ending.debrief, "wsp-debrief"));
  if (ending.messages.length) {
    box.append(h("p", "wsp-label", ui.key_messages || "Key messages"));
    const list = h("ul", "wsp-messages");
    for (const message of ending.messages) {
      const item = h("li");
      appendInline(item, message);
      list.append(item);
    }
    box.append(list);
  }
  if (ending.help.length) {
    const help = h("aside", "wsp-help");
    help.setAttribute("aria-label", ui.get_help || "Where to get help");
    help.append(h("p", "wsp-label", ui.get_help || "Where to get help"));
    const list = h("ul", "wsp-services");
    for (const service of ending.help) {
      const item = h("li", "wsp-service");
      item.append(h("p", "wsp-service-name", service.name));
      item.append(h("p", "wsp-service-description", service.description));
      if (service.serves) item.append(h("p", "wsp-service-serves", service.serves));
      for (const contact of service.contacts) {
        const line = h("p", "wsp-contact");
        line.append(h("span", "wsp-contact-label", `${contact.label}: `));
        if (contact.href) {
          const link = /** @type {HTMLAnchorElement} */ (h("a", "wsp-contact-value", contact.value));
          link.href = contact.href;
          line.append(link);
        } else {
          line.append(h("span", "wsp-contact-value", contact.value));
        }
        item.append(line);
      }
      const checked = h("p", "wsp-checked");
      checked.append(h("span", "", `${ui.last_checked || "Source checked"}: `));
      const time = h("time", "", service.checked);
      time.setAttribute("datetime", service.checked);
      checked.append(time);
      item.append(checked);
      list.append(item);
    }
    help.append(list);
    box.append(help);
  }
  return box;
}

const AUTHOR_LABEL = "Author view — preview only";
const MAX_SITUATIONS = 24; // buttons for other values at the current node, at most

/** @type {WeakMap<Payload, {parent: ([number, string] | null)[], depth: number[]}>} */
const shortestRoutes = new WeakMap();

/**
 * For every state, the state before it and the choice made there on a shortest route from the
 * start (breadth first over the payload's edges): the author view jumps along these routes.
 * @param {Payload} payload
 */
function routeTree(payload) {
  let tree = shortestRoutes.get(payload);
  if (tree) return tree;
  /** @type {([number, string] | null)[]} */
  const parent = payload.states.map(() => null);
  const depth = payload.states.map(() => -1);
  depth[0] = 0;
  const queue = [0];
  for (let head = 0; head < queue.length; head += 1) {
    const here = queue[head];
    for (const [cid, target] of payload.states[here].choices) {
      if (depth[target] !== -1) continue;
      depth[target] = depth[here] + 1;
      parent[target] = [here, cid];
      queue.push(target);
    }
  }
  tree = { parent, depth };
  shortestRoutes.set(payload, tree);
  return tree;
}

/**
 * The choice ids of a shortest route from the start to state `index`.
 * @param {Payload} payload @param {number} index @returns {string[]}
 */
function routeTo(payload, index) {
  const { parent } = routeTree(payload);
  const route = [];
  for (let step = parent[index]; step; step = parent[step[0]]) route.unshift(step[1]);
  return route;
}

/**
 * The state to show for node `nid`: the one whose variables are closest to `values` (the same
 * values when a route brings them there), then the one fewest choices from the start; -1 when
 * no route reaches the node.
 * @param {Payload} payload @param {string} nid @param {Record<string, number>} values
 */
function stateFor(payload, nid, values) {
  const { depth } = routeTree(payload);
  let best = -1;
  let bestKey = [Infinity, Infinity];
  payload.states.forEach((state, index) => {
    if (state.node !== nid || depth[index] < 0) return;
    let distance = 0;
    for (const [name, value] of Object.entries(state.values)) {
      distance += Math.abs(value - (values[name] ?? value));
    }
    const key = [distance, depth[index]];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = index;
      bestKey = key;
    }
  });
  return best;
}

/** @param {Record<string, number>} values */
function valuesText(values) {
  return Object.entries(values).map(([name, value]) => `${name} = ${value}`).join(", ");
}

/**
 * The author view (preview builds only, never in a published book): where the story stands
 * (node id, source file:line), the variables as they change, the situations a route can reach
 * at this node, and the scenario map, whose every node is a button that jumps the player there.
 * A jump follows a shortest route to that node, keeping the variables when some route gets
 * there with them, so Back and the feedback behave as after real play. Its labels are English:
 * it serves the course's authors, not its learners.
 * @param {HTMLElement} panel
 * @param {Payload} payload
 * @param {number[]} path  state indices from the start to the current state
 * @param {boolean} large  large-text mode
 * @param {(route: string[]) => void} jump
 */
function renderAuthor(panel, payload, path, large, jump) {
  const author = /** @type {AuthorData} */ (payload.author);
  const index = path[path.length - 1];
  const state = payload.states[index];
  const before = path.length > 1 ? payload.states[path[path.length - 2]] : null;
  const byId = new Map(author.nodes.map((node) => [node.id, node]));
  const here = byId.get(state.node);

  panel.replaceChildren();
  panel.lang = "en";
  panel.classList.toggle("wsp-large", large);
  panel.setAttribute("aria-label", AUTHOR_LABEL);
  panel.append(h("p", "wsp-author-badge", AUTHOR_LABEL));

  const where = h("dl", "wsp-author-where");
  where.append(h("dt", "", "Node"), h("dd", "wsp-author-node-id", state.node));
  const source = here && here.line ? `${author.file}:${here.line}` : author.file;
  where.append(h("dt", "", "Source"), h("dd", "wsp-author-source", source));
  panel.append(where);

  const names = Object.keys(state.values);
  if (names.length) {
    panel.append(h("p", "wsp-label", "Variables"));
    const list = h("ul", "wsp-author-variables");
    for (const name of names) {
      const item = h("li");
      item.dataset.wspVariable = name;
      item.append(h("code", "", name), document.createTextNode(" = "));
      item.append(h("strong", "wsp-author-value", String(state.values[name])));
      const range = (payload.variables || {})[name];
      if (range) item.append(h("span", "wsp-author-range", ` (${range.min}..${range.max})`));
      if (before && before.values[name] !== state.values[name]) {
        item.classList.add("wsp-author-changed");
        item.append(h("span", "wsp-author-was", ` was ${before.values[name]}`));
      }
      list.append(item);
    }
    panel.append(list);
    // Other values at this node: only those some route produces (the player can show no other).
    /** @type {number[]} */
    const hereStates = [];
    payload.states.forEach((s, i) => { if (s.node === state.node) hereStates.push(i); });
    if (hereStates.length > MAX_SITUATIONS) {
      // Many variables: the nearest values first, and no more buttons than a person can scan.
      const gap = (/** @type {number} */ i) => Object.entries(payload.states[i].values)
        .reduce((sum, [name, value]) => sum + Math.abs(value - state.values[name]), 0);
      hereStates.sort((x, y) => gap(x) - gap(y) || x - y);
      hereStates.length = MAX_SITUATIONS;
      hereStates.sort((x, y) => x - y);
    }
    if (hereStates.length > 1) {
      const label = h("p", "wsp-author-hint", "Values a route can bring to this node:");
      label.id = `wsp-author-values-${payload.id}`;
      const group = h("div", "wsp-author-situations");
      group.setAttribute("role", "group");
      group.setAttribute("aria-labelledby", label.id);
      for (const other of hereStates) {
        const button = /** @type {HTMLButtonElement} */ (
          h("button", "wsp-author-situation", valuesText(payload.states[other].values)));
        button.type = "button";
        button.setAttribute("aria-pressed", String(other === index));
        button.addEventListener("click", () => jump(routeTo(payload, other)));
        group.append(button);
      }
      panel.append(label, group);
    }
  }

  panel.append(h("p", "wsp-label", "Scenario map"));
  panel.append(h("p", "wsp-author-hint", "Choose a node to jump there."));
  const columns = h("ol", "wsp-author-map");
  /** @type {Map<number, HTMLElement>} */
  const lists = new Map();
  for (const node of author.nodes) {
    let list = lists.get(node.column);
    if (!list) {
      const column = h("li", "wsp-author-column");
      column.append(h("p", "wsp-author-step", `Step ${node.column + 1}`));
      list = h("ul");
      column.append(list);
      columns.append(column);
      lists.set(node.column, list);
    }
    const item = h("li");
    const button = /** @type {HTMLButtonElement} */ (h("button", "wsp-author-node"));
    button.type = "button";
    button.dataset.wspNode = node.id;
    if (node.ending) button.classList.add(`wsp-author-ending-${node.ending}`);
    const title = h("span", "wsp-author-name");
    title.append(h("span", "wsp-author-number", String(node.number)), h("code", "", node.id));
    button.append(title);
    if (node.summary) button.append(h("span", "wsp-author-summary", node.summary));
    const leads = node.targets
      .map((target) => { const t = byId.get(target); return t ? `${t.number} ${t.id}` : target; })
      .join(", ");
    button.append(h("span", "wsp-author-leads",
      node.ending ? `Ending: ${node.ending}` : `Leads to ${leads}`));
    if (node.id === state.node) button.setAttribute("aria-current", "step");
    // Validation refuses a node no route shows, so every node has a state to jump to.
    button.addEventListener("click", () => {
      const target = stateFor(payload, node.id, state.values);
      if (target >= 0) jump(routeTo(payload, target));
    });
    item.append(button);
    list.append(item);
  }
  panel.append(columns);
}

export default { render };
// Shared with the book's loader, which reports where a scenario stands (see loader.js).
export { follow };
