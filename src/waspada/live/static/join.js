/* Waspada live session: the phone join page, and helpers control.js shares. Plain ES5 for
 * old Android browsers (no module, fetch, Promise or arrow function; XMLHttpRequest only).
 * The API's text goes into the page through textContent only, never as HTML. Same origin, no
 * cookie; kept on the phone: a random device token (localStorage "waspada:live-device"). */
(function () {
  "use strict";
  var doc = document;
  var API = "/live/api/rooms/";
  var DEVICE_KEY = "waspada:live-device";
  var PREFS_KEY = "waspada:prefs";
  var TOKEN = /^[A-Za-z0-9_-]{16,64}$/;
  var WAIT = 20; // seconds a long poll may wait on the server
  var SAFE_LINK = /^(tel:|sms:|mailto:|https?:\/\/)/i;

  // -- shared helpers (window.WaspadaLive: control.js uses them too) ----------------------

  /** An element with a class and text (always as text, never as HTML). */
  function h(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /** Text runs [["", "a"], ["em", "b"], ["strong", "c"], ["br", ""]] (or a plain string). */
  function appendRuns(parent, runs) {
    if (runs === null || runs === undefined) return parent;
    if (typeof runs === "string") {
      parent.appendChild(doc.createTextNode(runs));
      return parent;
    }
    for (var i = 0; i < runs.length; i++) {
      var run = runs[i];
      if (typeof run === "string") parent.appendChild(doc.createTextNode(run));
      else if (!run || run.length < 2) continue;
      else if (run[0] === "br") parent.appendChild(doc.createElement("br"));
      else if (run[0] === "em" || run[0] === "strong") parent.appendChild(h(run[0], "", run[1]));
      else parent.appendChild(doc.createTextNode(String(run[1])));
    }
    return parent;
  }

  /** "Room {code}" with {name} filled in. */
  function format(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return values && values[name] !== undefined ? String(values[name]) : whole;
    });
  }

  /**
   * One request to the room's API; done(status, data) once (status 0: no answer). Returns an
   * object whose cancel() drops the request without calling done.
   */
  function request(method, url, body, headers, timeoutMs, done) {
    var xhr = new XMLHttpRequest();
    var over = false;
    var timer = null;
    function finish(status) {
      if (over) return;
      over = true;
      if (timer) clearTimeout(timer);
      var data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch (error) {
        data = null;
      }
      done(status, data);
    }
    xhr.open(method, url, true);
    for (var name in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, name)) xhr.setRequestHeader(name, headers[name]);
    }
    if (body !== null) xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onreadystatechange = function () {
      if (xhr.readyState === 4) finish(xhr.status);
    };
    timer = setTimeout(function () {
      finish(0);
      try { xhr.abort(); } catch (error) { /* already over */ }
    }, timeoutMs);
    xhr.send(body === null ? null : JSON.stringify(body));
    return {
      cancel: function () {
        if (over) return;
        over = true;
        if (timer) clearTimeout(timer);
        try { xhr.abort(); } catch (error) { /* already over */ }
      }
    };
  }

  function storageGet(store, key) {
    try { return window[store].getItem(key); } catch (error) { return null; }
  }

  function storageSet(store, key, value) {
    try {
      if (value === null) window[store].removeItem(key);
      else window[store].setItem(key, value);
    } catch (error) { /* storage blocked or full: this visit still works */ }
  }

  /** The help entries of an ending, as scenario.js shows them (names, numbers as tel: links). */
  function renderHelp(services, ui) {
    var aside = h("aside", "wl-help");
    aside.setAttribute("aria-label", ui.get_help);
    aside.appendChild(h("h3", "wl-label", ui.get_help));
    var list = h("ul", "wl-services");
    for (var i = 0; i < services.length; i++) {
      var service = services[i] || {};
      var item = h("li", "wl-service");
      item.appendChild(h("p", "wl-service-name", service.name));
      if (service.description) item.appendChild(h("p", "wl-service-description", service.description));
      if (service.serves) item.appendChild(h("p", "wl-service-serves", service.serves));
      var contacts = service.contacts || [];
      for (var j = 0; j < contacts.length; j++) {
        var contact = contacts[j] || {};
        var line = h("p", "wl-contact");
        line.appendChild(h("span", "wl-contact-label", (contact.label || "") + ": "));
        if (contact.href && SAFE_LINK.test(String(contact.href))) {
          var link = h("a", "wl-contact-value", contact.value);
          link.setAttribute("href", String(contact.href));
          line.appendChild(link);
        } else {
          line.appendChild(h("span", "wl-contact-value", contact.value));
        }
        item.appendChild(line);
      }
      if (service.checked) {
        var checked = h("p", "wl-checked");
        checked.appendChild(h("span", "", (ui.last_checked) + ": "));
        var time = h("time", "", service.checked);
        time.setAttribute("datetime", String(service.checked));
        checked.appendChild(time);
        item.appendChild(checked);
      }
      list.appendChild(item);
    }
    aside.appendChild(list);
    return aside;
  }

  /** An ending: its kind, title, key messages and help. */
  function renderEnding(ending, ui) {
    var box = h("section", "wl-ending");
    if (ending.kindLabel) box.appendChild(h("p", "wl-ending-kind", ending.kindLabel));
    var title = h("h2", "wl-heading", ending.title || "");
    title.setAttribute("tabindex", "-1");
    box.appendChild(title);
    var messages = ending.messages || [];
    if (messages.length) {
      box.appendChild(h("h3", "wl-label", ui.key_messages));
      var list = h("ul", "wl-messages");
      for (var i = 0; i < messages.length; i++) list.appendChild(appendRuns(h("li"), messages[i]));
      box.appendChild(list);
    }
    if (ending.help && ending.help.length) box.appendChild(renderHelp(ending.help, ui));
    return box;
  }

  /** Bars with numbers: the totals of each choice (for checks, the right answers marked). */
  function renderTotals(choices, totals, options) {
    var list = h("ul", "wl-totals");
    var sum = 0;
    var i;
    for (i = 0; i < choices.length; i++) sum += Number(totals[choices[i].id] || 0);
    for (i = 0; i < choices.length; i++) {
      var choice = choices[i];
      var count = Number(totals[choice.id] || 0);
      var item = h("li", "wl-total");
      item.setAttribute("data-choice", choice.id);
      var label = h("p", "wl-total-label");
      appendRuns(label, choice.label);
      var marks = [];
      if (options.correct && options.correct.indexOf(choice.id) >= 0) {
        item.className += " wl-correct";
        marks.push(options.ui.live_right_answer);
      }
      if (options.mine === choice.id) {
        item.className += " wl-mine";
        marks.push(options.ui.live_your_vote);
      }
      if (marks.length) label.appendChild(h("strong", "wl-mark", " (" + marks.join(", ") + ")"));
      item.appendChild(label);
      var row = h("div", "wl-bar-row");
      var track = h("div", "wl-track");
      track.setAttribute("aria-hidden", "true");
      var bar = h("div", "wl-bar");
      bar.style.width = (sum ? Math.round((100 * count) / sum) : 0) + "%";
      track.appendChild(bar);
      row.appendChild(track);
      var number = h("span", "wl-count", count);
      number.setAttribute("title", format(options.ui.live_share, { count: count, total: sum }));
      row.appendChild(number);
      item.appendChild(row);
      list.appendChild(item);
    }
    return list;
  }

  function readUi() {
    var node = doc.getElementById("wl-ui");
    try {
      return (node && JSON.parse(node.textContent || "{}")) || {};
    } catch (error) {
      return {};
    }
  }

  /** Large text as in the scenario player (localStorage "waspada:prefs"), with its toggle. */
  function largeText(ui) {
    var prefs = {};
    try { prefs = JSON.parse(storageGet("localStorage", PREFS_KEY) || "{}") || {}; } catch (error) { prefs = {}; }
    var head = doc.querySelector(".wl-head");
    function apply() {
      var on = Boolean(prefs.large_text);
      doc.body.className = doc.body.className.replace(/\s*wl-large/g, "") + (on ? " wl-large" : "");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    var button = h("button", "wl-large-toggle", ui.large_text);
    button.setAttribute("type", "button");
    button.onclick = function () {
      prefs.large_text = !prefs.large_text;
      storageSet("localStorage", PREFS_KEY, JSON.stringify(prefs));
      apply();
    };
    if (head) head.appendChild(button);
    apply();
  }

  window.WaspadaLive = {
    h: h,
    clear: clear,
    appendRuns: appendRuns,
    format: format,
    request: request,
    storageGet: storageGet,
    storageSet: storageSet,
    renderEnding: renderEnding,
    renderTotals: renderTotals,
    readUi: readUi,
    largeText: largeText,
    API: API,
    WAIT: WAIT
  };

  // -- Quick exit: the button or Escape twice replaces this page (not kept in history) -------

  var exitLink = doc.querySelector("a.wsp-quick-exit-page");
  if (exitLink) {
    doc.documentElement.setAttribute("data-wsp-quick-exit", "");
    var leave = function () {
      var url = exitLink.getAttribute("href") || "about:blank";
      try {
        (window.top || window).location.replace(url);
      } catch (error) {
        window.location.replace(url);
      }
    };
    exitLink.addEventListener("click", function (event) {
      event.preventDefault();
      leave();
    });
    var lastEscape = 0;
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" && event.key !== "Esc" && event.keyCode !== 27) return;
      var now = new Date().getTime();
      if (now - lastEscape < 1500) leave();
      lastEscape = now;
    });
  }

  // -- the box for the room code ----------------------------------------------------------

  var form = doc.getElementById("wl-code-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var input = doc.getElementById("wl-code");
      var digits = String(input.value || "").replace(/\D/g, "");
      var langInput = form.querySelector("input[name=lang]");
      if (!digits) return;
      event.preventDefault();
      var query = langInput ? "?lang=" + encodeURIComponent(langInput.value) : "";
      window.location.href = "/j/" + digits + query;
    });
  }

  var main = doc.getElementById("wl-room");
  if (!main) {
    if (!doc.getElementById("wl-control")) largeText(readUi());
    return;
  }

  // -- the phone in a room ----------------------------------------------------------------

  var ui = readUi();
  var room = main.getAttribute("data-room");
  var lang = main.getAttribute("data-lang") || "en";
  var status = doc.getElementById("wl-status");
  var viewBox = doc.getElementById("wl-view");
  var base = API + encodeURIComponent(room);
  largeText(ui);

  function newToken() {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    var bytes = [];
    var crypto = window.crypto || window.msCrypto;
    var i;
    try {
      var array = new Uint8Array(32);
      crypto.getRandomValues(array);
      for (i = 0; i < array.length; i++) bytes.push(array[i]);
    } catch (error) {
      for (i = 0; i < 32; i++) bytes.push(Math.floor(Math.random() * 256));
    }
    var token = "";
    for (i = 0; i < bytes.length; i++) token += alphabet.charAt(bytes[i] & 63);
    return token;
  }

  var device = storageGet("localStorage", DEVICE_KEY);
  if (!device || !TOKEN.test(device)) {
    device = newToken();
    storageSet("localStorage", DEVICE_KEY, device);
  }
  var headers = { "X-Waspada-Device": device };

  var view = null; // the last view shown
  var shapeKey = ""; // what the view was drawn for (stage, step, phase, language)
  var polling = null;
  var retryTimer = null;
  var failures = 0;
  var gone = false;
  var voting = false;

  /** The live region: announcements for screen readers (quiet: shown elsewhere already). */
  function say(text, quiet) {
    status.className = "wl-status" + (quiet ? " wl-quiet" : "");
    if (status.textContent !== text) status.textContent = text;
  }

  function backoff() {
    return Math.min(15000, 1000 * Math.pow(2, Math.min(failures, 4))) + Math.floor(Math.random() * 500);
  }

  function join() {
    request("POST", base + "/join", {}, headers, 15000, function (code) {
      if (code === 404) stop();
      else if (code !== 200 && code !== 400) setTimeout(join, backoff());
    });
  }

  function stop() {
    gone = true;
    if (polling) polling.cancel();
    clearTimeout(retryTimer);
    if (view && (view.phase === "closed" || view.phase === "ended")) {
      say(ui.live_closed, true);
      return;
    }
    clear(viewBox);
    var text = format(ui.live_unknown_room, { code: room });
    viewBox.appendChild(h("p", "wl-problem", text));
    say(text);
  }

  function poll() {
    if (gone) return;
    clearTimeout(retryTimer);
    if (polling) polling.cancel();
    var url = base + "?lang=" + encodeURIComponent(lang);
    if (view) url += "&since=" + view.stage + "&wait=" + WAIT;
    var started = new Date().getTime();
    var before = view ? view.stage : -1;
    polling = request("GET", url, null, headers, (WAIT + 15) * 1000, function (code, data) {
      polling = null;
      if (code === 200 && data && !data.error) {
        if (failures) say(announce(data), true); // connected again
        failures = 0;
        show(data);
        if (data.phase === "closed") return; // nothing more will happen in this room
        var quick = new Date().getTime() - started < 500 && data.stage === before;
        retryTimer = setTimeout(poll, quick ? 2000 : 0);
        return;
      }
      if (code === 404) {
        stop();
        return;
      }
      failures += 1;
      say(ui.live_reconnecting);
      retryTimer = setTimeout(poll, code === 429 ? 5000 + backoff() : backoff());
    });
  }

  function announce(data) {
    if (data.phase === "voting") return (data.label ? data.label + ". " : "") + (ui.live_vote_now || "");
    if (data.phase === "revealed") return ui.live_result || "";
    if (data.phase === "ended") return (data.ending && data.ending.title) || ui.live_ended || "";
    return ui.live_closed || "";
  }

  function show(data) {
    if (view && data.stage < view.stage) return; // an older answer that arrived late
    if (data.ui) ui = data.ui;
    var key = [data.stage, data.step, data.phase, data.lang].join(":");
    var focused = doc.activeElement && viewBox.contains(doc.activeElement);
    if (key !== shapeKey) {
      shapeKey = key;
      view = data;
      render(data);
      say(announce(data), true);
      if (focused) {
        var heading = viewBox.querySelector(".wl-heading");
        if (heading) heading.focus();
      }
    } else {
      if (!voting) markVote(data.myVote);
      view = data;
    }
  }

  function render(data) {
    clear(viewBox);
    if (data.scenario && data.scenario.title) viewBox.appendChild(h("p", "wl-scenario", data.scenario.title));
    if (data.phase === "voting" || data.phase === "revealed") {
      var heading = h("h2", "wl-heading", data.label || data.scenario.title || "");
      heading.setAttribute("tabindex", "-1");
      viewBox.appendChild(heading);
    }
    if (data.phase === "voting") {
      viewBox.appendChild(h("p", "wl-hint", ui.live_vote_now));
      var list = h("ul", "wl-choices");
      var choices = data.choices || [];
      for (var i = 0; i < choices.length; i++) {
        var item = h("li");
        var button = h("button", "wl-choice");
        button.setAttribute("type", "button");
        button.setAttribute("data-choice", choices[i].id);
        button.setAttribute("aria-pressed", "false");
        appendRuns(button, choices[i].label);
        button.onclick = onVote;
        item.appendChild(button);
        list.appendChild(item);
      }
      viewBox.appendChild(list);
      var counted = h("p", "wl-counted");
      counted.id = "wl-counted";
      counted.setAttribute("aria-live", "polite");
      viewBox.appendChild(counted);
      markVote(data.myVote);
    } else if (data.phase === "revealed") {
      viewBox.appendChild(h("h3", "wl-label", ui.live_result));
      viewBox.appendChild(renderTotals(data.choices || [], data.totals || {}, {
        correct: data.correct,
        mine: data.myVote,
        ui: ui
      }));
      viewBox.appendChild(h("p", "wl-hint", ui.live_wait));
    } else {
      if (data.ending) viewBox.appendChild(renderEnding(data.ending, ui));
      else if (data.phase === "ended") viewBox.appendChild(h("p", "wl-hint", ui.live_ended));
      if (data.phase === "closed") {
        var over = h("p", "wl-over", ui.live_closed);
        if (!data.ending) over.className += " wl-heading";
        viewBox.insertBefore(over, viewBox.firstChild);
      }
    }
  }

  function markVote(choice) {
    var buttons = viewBox.querySelectorAll(".wl-choice");
    for (var i = 0; i < buttons.length; i++) {
      var mine = buttons[i].getAttribute("data-choice") === choice;
      buttons[i].setAttribute("aria-pressed", mine ? "true" : "false");
    }
    var counted = doc.getElementById("wl-counted");
    if (counted) {
      var text = choice ? ui.live_vote_counted || "" : "";
      if (counted.textContent !== text) counted.textContent = text;
    }
    if (view) view.myVote = choice || null;
  }

  function onVote() {
    var choice = this.getAttribute("data-choice");
    if (!view || view.phase !== "voting" || voting) return;
    var previous = view.myVote;
    var step = view.step;
    voting = true;
    this.setAttribute("aria-busy", "true");
    var button = this;
    request("POST", base + "/vote", { step: step, choice: choice }, headers, 15000, function (code, data) {
      voting = false;
      button.removeAttribute("aria-busy");
      var counted = doc.getElementById("wl-counted");
      if (code === 200 && data && data.myVote) {
        markVote(data.myVote);
        return;
      }
      markVote(previous);
      var text = code === 409 ? ui.live_vote_closed : ui.live_vote_failed;
      if (counted) counted.textContent = text || "";
      if (code === 409) poll();
    });
  }

  function wake() {
    if (gone) return;
    if (doc.hidden === true || doc.visibilityState === "hidden") return;
    failures = 0;
    poll(); // a phone that slept: its long poll may be dead; ask again now
  }

  doc.addEventListener("visibilitychange", wake);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) wake();
  });
  window.addEventListener("online", wake);
  join();
  poll();
})();
