// @ts-check
/*
 * Waspada session page (issue 17), the one front end of the book's page and of Voila's
 * (widgets/session.ipynb): the trainer records one session as counts (the before/after check
 * by show of hands, the room, the satisfaction vote, referrals), prints a one-page report and
 * downloads the session record (waspada-session/1) as CSV or JSON.
 *
 * Storage: this browser's localStorage only, under waspada:session:<id> (one session each) and
 * waspada:session:current (which one is open). Nothing is sent anywhere, except in Voila under
 * `waspada serve --live` (data.live): there "Fill in from the phones" asks the same server to
 * pair two live runs of the check (POST /live/api/pairs with the rooms' keys, which the
 * projector page of this browser keeps in waspada:live-rooms) and gets counts only back. Every text is put in
 * the page as text (textContent), never as markup. No framework, no inline script: the book's
 * page carries its data as <script type="application/json" class="wsp-session-data">; in
 * Voila the same drawing code gets it from the widget's model (WaspadaSession.render, an
 * anywidget render function: widget/session_widget.py makes the module from this file).
 */
var WaspadaSession = (function () {
  "use strict";

  var PREFIX = "waspada:session:";
  var CURRENT = PREFIX + "current";
  var MAX_COUNT = 100000; // far above any room; keeps a typo from becoming a huge figure
  // The live rooms this browser's projector pages started: [{room, key, scenario, started}],
  // newest last (written by scenario.js in live mode, same origin as this page in Voila).
  var LIVE_ROOMS = "waspada:live-rooms";
  var PLACE_MAX = 80;
  var SEX = ["women", "men", "other_or_unsaid"];
  var SEX_UI = ["session_women", "session_men", "session_other"];
  var AGE = ["age_under_18", "age_18_25", "age_26_45", "age_over_45"];
  var AGE_UI = ["session_age_under_18", "session_age_18_25", "session_age_26_45", "session_age_over_45"];
  var VOTE = ["satisfied", "neutral", "unsatisfied"];
  // The mouths of the three faces (SVG paths): smiling, straight, sad. Drawn, not emoji, so
  // that a laptop without an emoji font shows them too.
  var MOUTHS = ["M7 14 Q12 19 17 14", "M7 15 L17 15", "M7 17 Q12 12 17 17"];
  var counter = 0;

  /** @param {string} tag @param {string} [className] @param {string} [text] */
  function h(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {string} prefix */
  function uid(prefix) {
    counter += 1;
    return "wsp-session-" + prefix + "-" + counter;
  }

  /** @param {string} template @param {Record<string, string|number>} values */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /** A count as typed: a whole number from 0 to MAX_COUNT; anything else is 0. @param {any} value */
  function count(value) {
    var n = typeof value === "number" ? value : parseInt(String(value || ""), 10);
    if (!isFinite(n) || n < 0) return 0;
    return Math.min(Math.floor(n), MAX_COUNT);
  }

  /**
   * A typed place name as the record keeps it: no control characters, no leading character
   * a spreadsheet would run as a formula, at most 80 characters.
   * @param {string} value
   */
  function placeText(value) {
    return String(value || "")
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")
      .replace(/^[\s=+\-@]+/, "")
      .slice(0, PLACE_MAX);
  }

  function newId() {
    var bytes = new Uint8Array(8);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (/** @type {number} */ b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function today() {
    var d = new Date();
    return [d.getFullYear(), ("0" + (d.getMonth() + 1)).slice(-2), ("0" + d.getDate()).slice(-2)].join("-");
  }

  /** @param {any} data */
  function blankSession(data) {
    return {
      id: newId(),
      course_version: data.course.version,
      date: today(),
      district: "",
      place: "",
      language: data.lang,
      kit: data.kit,
      scenarios: /** @type {string[]} */ ([]),
      check: /** @type {Record<string, any>} */ ({}),
      counts: /** @type {Record<string, number>} */ ({}),
      referred: /** @type {Record<string, number>} */ ({}),
    };
  }

  // -- storage ----------------------------------------------------------------------------------

  var store = {
    /** @param {string} id */
    key: function (id) { return PREFIX + id; },
    /** @returns {any[]} */
    all: function () {
      var out = [];
      try {
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i) || "";
          if (key.indexOf(PREFIX) !== 0 || key === CURRENT) continue;
          var session = JSON.parse(window.localStorage.getItem(key) || "null");
          if (session && typeof session === "object" && key === PREFIX + session.id) out.push(session);
        }
      } catch (error) { /* storage off or damaged: an empty list */ }
      out.sort(function (a, b) { return (b.date || "").localeCompare(a.date || "") || (a.id < b.id ? -1 : 1); });
      return out;
    },
    /** @param {any} session */
    save: function (session) {
      try {
        window.localStorage.setItem(PREFIX + session.id, JSON.stringify(session));
        window.localStorage.setItem(CURRENT, session.id);
        return true;
      } catch (error) { return false; }
    },
    /** @param {string} id */
    remove: function (id) {
      try {
        window.localStorage.removeItem(PREFIX + id);
        if (window.localStorage.getItem(CURRENT) === id) window.localStorage.removeItem(CURRENT);
      } catch (error) { /* nothing to remove */ }
    },
    current: function () {
      try { return window.localStorage.getItem(CURRENT); } catch (error) { return null; }
    },
  };

  // -- the check's live runs (Voila under waspada serve --live) ---------------------------------

  /**
   * The live runs of the check ``checkId`` that this browser started, oldest first, one per
   * room; anything malformed in storage is left out.
   * @param {string} checkId
   * @returns {{room: string, key: string, started: number}[]}
   */
  function liveRuns(checkId) {
    var list;
    try {
      list = JSON.parse(window.localStorage.getItem(LIVE_ROOMS) || "[]");
    } catch (error) { return []; }
    if (!Array.isArray(list)) return [];
    /** @type {Record<string, {room: string, key: string, started: number}>} */
    var byRoom = {};
    list.slice(-200).forEach(function (/** @type {any} */ run) {
      if (!run || typeof run !== "object" || run.scenario !== checkId) return;
      if (typeof run.room !== "string" || !/^[0-9]{1,12}$/.test(run.room)) return;
      if (typeof run.key !== "string" || !run.key || run.key.length > 200) return;
      if (typeof run.started !== "number" || !isFinite(run.started)) return;
      byRoom[run.room] = { room: run.room, key: run.key, started: run.started };
    });
    return Object.keys(byRoom).map(function (room) { return byRoom[room]; }).sort(function (a, b) {
      return a.started - b.started;
    });
  }

  /** When a run started, as this computer's local date and time. @param {number} ms */
  function stamp(ms) {
    var d = new Date(ms);
    /** @param {number} n */
    function two(n) { return ("0" + n).slice(-2); }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes());
  }

  /** The live server's address for pairs: Voila's own server, under its base URL. */
  function pairsUrl() {
    var path = window.location.pathname;
    var at = path.indexOf("/voila/");
    return (at >= 0 ? path.slice(0, at) : "") + "/live/api/pairs";
  }

  // -- the record (waspada-session/1) -----------------------------------------------------------

  /** The session as one flat record, with exactly data.columns as keys. @param {any} data @param {any} s */
  function record(data, s) {
    /** @type {Record<string, string|number>} */
    var values = {
      schema: data.schema,
      session: s.id,
      course_version: s.course_version || data.course.version,
      language: s.language,
      kit: s.kit,
      date: s.date,
      district: placeText(s.district),
      place: placeText(s.place),
      // Ids only (a session recorded on another kit's page keeps its own scenarios).
      scenarios: s.scenarios.filter(function (/** @type {string} */ sid) {
        return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(sid);
      }).join(" "),
      asked_for_help: count(s.counts.asked_for_help),
    };
    SEX.concat(AGE, VOTE).forEach(function (key) { values[key] = count(s.counts[key]); });
    data.services.forEach(function (/** @type {string} */ sid) {
      values["referred_" + sid] = count(s.referred[sid]);
    });
    data.items.forEach(function (/** @type {any} */ item) {
      ["before", "after"].forEach(function (phase) {
        var r = tally(data, s, item, phase);
        values["q_" + item.id + "_" + phase + "_right"] = r.right;
        values["q_" + item.id + "_" + phase + "_total"] = r.total;
      });
    });
    /** @type {Record<string, string|number>} */
    var out = {};
    data.columns.forEach(function (/** @type {string} */ column) { out[column] = values[column]; });
    return out;
  }

  /** Right answers and answers given for one item and phase. @param {any} data @param {any} s @param {any} item @param {string} phase */
  function tally(data, s, item, phase) {
    var hands = ((s.check[item.id] || {})[phase]) || {};
    var right = 0;
    var total = 0;
    Object.keys(hands).forEach(function (option) {
      var n = count(hands[option]);
      total += n;
      if (item.correct.indexOf(option) >= 0) right += n;
    });
    return { right: right, total: total };
  }

  /** @param {string|number} value */
  function csvField(value) {
    var text = String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** @param {Record<string, string|number>} rec */
  function toCsv(rec) {
    var keys = Object.keys(rec);
    return "\uFEFF" + keys.map(csvField).join(",") + "\r\n" +
      keys.map(function (k) { return csvField(rec[k]); }).join(",") + "\r\n";
  }

  /** @param {string} name @param {string} text @param {string} type */
  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = /** @type {HTMLAnchorElement} */ (h("a"));
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // -- the page ---------------------------------------------------------------------------------

  /**
   * Draw the session page in ``box``; its data is ``given`` (Voila's widget model) or else the
   * JSON of the box's script element (the book). Returns what undoes the window listeners.
   * @param {HTMLElement} box @param {any} [given]
   */
  function mount(box, given) {
    var script = box.querySelector("script.wsp-session-data");
    if (!given && !script) return function () {};
    var data = given || JSON.parse((script && script.textContent) || "{}");
    var fallback = box.querySelector(".wsp-fallback");
    if (fallback) fallback.remove();
    var pageUi = data.text[data.lang].ui;

    var sessions = store.all();
    var currentId = store.current();
    /** @type {any} */
    var session = sessions.filter(function (s) { return s.id === currentId; })[0] || sessions[0] || blankSession(data);
    var saved = sessions.indexOf(session) >= 0;

    var form = h("div", "wsp-session-form");
    var sheet = h("section", "wsp-session-sheet");
    sheet.setAttribute("aria-label", pageUi.session_report);
    var status = h("p", "wsp-session-status");
    status.setAttribute("role", "status");
    box.append(form, status, sheet);

    function persist() {
      store.save(session);
      saved = true;
      refreshChooser();
      drawReport();
    }

    // -- choosing, creating and deleting sessions
    var bar = h("div", "wsp-session-bar");
    var chooserId = uid("choose");
    var chooserLabel = h("label", "", pageUi.session_saved_sessions);
    chooserLabel.setAttribute("for", chooserId);
    var chooser = /** @type {HTMLSelectElement} */ (h("select", "wsp-session-choose"));
    chooser.id = chooserId;
    var newButton = h("button", "wsp-session-new", pageUi.session_new);
    newButton.setAttribute("type", "button");
    var deleteButton = h("button", "wsp-session-delete", pageUi.session_delete);
    deleteButton.setAttribute("type", "button");
    bar.append(chooserLabel, chooser, newButton, deleteButton);
    form.append(bar, h("p", "wsp-session-privacy", pageUi.session_privacy));

    function refreshChooser() {
      chooser.replaceChildren();
      var list = store.all();
      if (!saved) list.unshift(session);
      list.forEach(function (s) {
        var text = s === session && !saved
          ? pageUi.session_unsaved
          : [s.date, placeText(s.place), placeText(s.district)].filter(Boolean).join(" · ");
        var option = /** @type {HTMLOptionElement} */ (h("option", "", text));
        option.value = s.id;
        option.selected = s.id === session.id;
        chooser.append(option);
      });
    }

    chooser.addEventListener("change", function () {
      var chosen = store.all().filter(function (s) { return s.id === chooser.value; })[0];
      if (!chosen) return;
      session = chosen;
      saved = true;
      store.save(session);
      drawForm();
    });
    newButton.addEventListener("click", function () {
      session = blankSession(data);
      saved = false;
      drawForm();
      /** @type {HTMLElement|null} */ (form.querySelector(".wsp-session-date"))?.focus();
    });
    deleteButton.addEventListener("click", function () {
      if (!window.confirm(pageUi.session_delete_confirm)) return;
      store.remove(session.id);
      var rest = store.all();
      session = rest[0] || blankSession(data);
      saved = rest.length > 0;
      if (saved) store.save(session);
      drawForm();
      status.textContent = pageUi.session_deleted;
      chooser.focus();
    });

    // -- the form, drawn again when another session is chosen
    var fields = h("div", "wsp-session-fields");
    form.append(fields);

    /**
     * A labelled count box; ``get`` and ``set`` read and write the session.
     * @param {string} labelText @param {() => any} get @param {(n: number) => void} set @param {string} [className]
     */
    function countInput(labelText, get, set, className) {
      var input = /** @type {HTMLInputElement} */ (h("input", "wsp-session-count" + (className ? " " + className : "")));
      input.type = "number";
      input.min = "0";
      input.max = String(MAX_COUNT);
      input.step = "1";
      input.inputMode = "numeric";
      input.id = uid("count");
      var value = get();
      input.value = value === undefined || value === "" ? "" : String(count(value));
      input.addEventListener("input", function () {
        set(count(input.value));
        persist();
      });
      input.addEventListener("change", function () {
        if (input.value !== "") input.value = String(count(input.value)); // what is kept
      });
      var label = h("label", "", labelText);
      label.setAttribute("for", input.id);
      var row = h("div", "wsp-session-field");
      row.append(label, input);
      return row;
    }

    /** @param {string} legend @param {string} [className] */
    function group(legend, className) {
      var set = h("fieldset", "wsp-session-group" + (className ? " " + className : ""));
      set.append(h("legend", "", legend));
      return set;
    }

    function drawForm() {
      fields.replaceChildren();
      status.textContent = "";
      var ui = pageUi;

      // The session: date, place, language, kit, scenarios.
      var about = group(ui.session_details);
      /**
       * @param {string} labelText @param {HTMLInputElement|HTMLSelectElement} input @param {string} [hint]
       */
      function labelled(labelText, input, hint) {
        input.id = uid("field");
        var label = h("label", "", labelText);
        label.setAttribute("for", input.id);
        var row = h("div", "wsp-session-field");
        row.append(label, input);
        if (hint) {
          var note = h("p", "wsp-session-hint", hint);
          note.id = uid("hint");
          input.setAttribute("aria-describedby", note.id);
          row.append(note);
        }
        return row;
      }
      var date = /** @type {HTMLInputElement} */ (h("input", "wsp-session-date"));
      date.type = "date";
      date.value = session.date || "";
      date.addEventListener("change", function () { session.date = date.value; persist(); });
      about.append(labelled(ui.session_date, date));
      ["district", "place"].forEach(function (key) {
        var input = /** @type {HTMLInputElement} */ (h("input", "wsp-session-" + key));
        input.type = "text";
        input.maxLength = PLACE_MAX;
        input.autocomplete = "off";
        input.value = session[key] || "";
        input.addEventListener("input", function () { session[key] = placeText(input.value); persist(); });
        about.append(labelled(ui["session_" + key], input, ui.session_place_hint));
      });
      var language = /** @type {HTMLSelectElement} */ (h("select", "wsp-session-language"));
      Object.keys(data.languages).forEach(function (code) {
        var option = /** @type {HTMLOptionElement} */ (h("option", "", data.languages[code]));
        option.value = code;
        option.lang = code;
        option.selected = code === session.language;
        language.append(option);
      });
      language.addEventListener("change", function () { session.language = language.value; persist(); });
      about.append(labelled(ui.session_language, language));
      var kit = /** @type {HTMLSelectElement} */ (h("select", "wsp-session-kit"));
      data.kits.forEach(function (/** @type {string} */ name) {
        var option = /** @type {HTMLOptionElement} */ (h("option", "", ui["session_kit_" + name]));
        option.value = name;
        option.selected = name === session.kit;
        kit.append(option);
      });
      kit.addEventListener("change", function () { session.kit = kit.value; persist(); });
      about.append(labelled(ui.session_kit, kit));
      var played = group(ui.session_scenarios, "wsp-session-scenarios");
      data.scenarios.forEach(function (/** @type {string} */ sid) {
        var box = /** @type {HTMLInputElement} */ (h("input"));
        box.type = "checkbox";
        box.id = uid("scenario");
        box.value = sid;
        box.checked = session.scenarios.indexOf(sid) >= 0;
        box.addEventListener("change", function () {
          var others = session.scenarios.filter(function (/** @type {string} */ id) {
            return id !== sid && data.scenarios.indexOf(id) < 0;
          });
          session.scenarios = data.scenarios.filter(function (/** @type {string} */ id) {
            return id === sid ? box.checked : session.scenarios.indexOf(id) >= 0;
          }).concat(others);
          persist();
        });
        var label = h("label", "", data.text[data.lang].scenarios[sid]);
        label.setAttribute("for", box.id);
        var row = h("div", "wsp-session-check-row");
        row.append(box, label);
        played.append(row);
      });
      about.append(played);
      fields.append(about);

      // The before/after check: one table per item, hands per option, before and after.
      var check = group(ui.session_check, "wsp-session-check");
      check.append(h("p", "wsp-session-hint", ui.session_check_how));
      if (data.live) check.append(phonesBox());
      data.text[data.lang].items.forEach(function (/** @type {any} */ item, position) {
        var correct = data.items[position].correct;
        var set = h("fieldset", "wsp-session-item");
        set.dataset.wspItem = item.id;
        set.append(h("legend", "", (position + 1) + ". " + item.text));
        var table = h("table", "wsp-session-hands");
        var head = h("tr");
        var ids = { answer: uid("col"), before: uid("col"), after: uid("col") };
        [["answer", ui.session_answer], ["before", ui.session_before], ["after", ui.session_after]].forEach(function (pair) {
          var th = h("th", "", pair[1]);
          th.id = ids[/** @type {"answer"|"before"|"after"} */ (pair[0])];
          th.setAttribute("scope", "col");
          head.append(th);
        });
        table.append(head);
        item.options.forEach(function (/** @type {any} */ option) {
          var row = h("tr");
          var cell = h("th", "", option.label);
          cell.setAttribute("scope", "row");
          cell.id = uid("option");
          if (correct.indexOf(option.id) >= 0) {
            row.className = "wsp-session-right";
            cell.append(" ", h("span", "wsp-session-right-mark", "(" + ui.session_right_answer + ")"));
          }
          row.append(cell);
          ["before", "after"].forEach(function (phase) {
            var input = /** @type {HTMLInputElement} */ (h("input", "wsp-session-count wsp-session-hand"));
            input.type = "number";
            input.min = "0";
            input.max = String(MAX_COUNT);
            input.step = "1";
            input.inputMode = "numeric";
            input.dataset.wspPhase = phase;
            input.dataset.wspOption = option.id;
            input.setAttribute("aria-labelledby", ids[/** @type {"before"|"after"} */ (phase)] + " " + cell.id);
            var stored = ((session.check[item.id] || {})[phase] || {})[option.id];
            input.value = stored === undefined ? "" : String(count(stored));
            input.addEventListener("input", function () {
              var entry = session.check[item.id] = session.check[item.id] || {};
              var hands = entry[phase] = entry[phase] || {};
              if (input.value === "") delete hands[option.id];
              else hands[option.id] = count(input.value);
              persist();
            });
            input.addEventListener("change", function () {
              if (input.value !== "") input.value = String(count(input.value));
            });
            var td = h("td");
            td.append(input);
            row.append(td);
          });
          table.append(row);
        });
        set.append(scroller(table, item.text, false));
        check.append(set);
      });
      fields.append(check);

      // The room, the vote, help.
      /** @param {string} key */
      function getCount(key) { return function () { return session.counts[key]; }; }
      /** @param {string} key */
      function setCount(key) { return function (/** @type {number} */ n) { session.counts[key] = n; }; }
      var room = group(ui.session_room, "wsp-session-room");
      var sex = group(ui.session_by_sex);
      SEX.forEach(function (key, i) { sex.append(countInput(ui[SEX_UI[i]], getCount(key), setCount(key))); });
      var age = group(ui.session_by_age);
      AGE.forEach(function (key, i) { age.append(countInput(ui[AGE_UI[i]], getCount(key), setCount(key))); });
      room.append(sex, age);
      fields.append(room);
      var vote = group(ui.session_vote, "wsp-session-vote");
      VOTE.forEach(function (key, i) {
        var row = countInput(ui["session_" + key], getCount(key), setCount(key));
        row.prepend(face(MOUTHS[i]));
        vote.append(row);
      });
      fields.append(vote);
      var help = group(ui.session_help, "wsp-session-help");
      help.append(countInput(ui.session_asked_for_help, getCount("asked_for_help"), setCount("asked_for_help")));
      data.services.forEach(function (/** @type {string} */ sid) {
        help.append(countInput(
          fill(ui.session_referred, { service: data.text[data.lang].services[sid] }),
          function () { return session.referred[sid]; },
          function (n) { session.referred[sid] = n; },
          "wsp-session-referred"
        ));
      });
      fields.append(help);

      refreshChooser();
      drawReport();
    }

    // -- the check filled in from the phones (Voila under waspada serve --live)
    /** @type {HTMLElement|null} */
    var phones = null;

    /** The "Fill in from the phones" box: the check's live runs, before and after. */
    function phonesBox() {
      var ui = pageUi;
      var box = h("div", "wsp-session-phones");
      phones = box;
      box.append(h("h3", "wsp-session-phones-title", ui.session_phones));
      box.append(h("p", "wsp-session-hint", ui.session_phones_how));
      // The projector's page for a live run of the check (Voila's player, next to this page).
      var opener = /** @type {HTMLAnchorElement} */ (h("a", "wsp-session-phones-open", ui.session_phones_open));
      var query = new URLSearchParams({ scenario: data.check, lang: data.lang, mode: "facilitator", live: "1" });
      if (data.kit !== "full") query.set("profile", data.kit);
      opener.href = "player.ipynb?" + query.toString();
      opener.target = "_blank";
      opener.rel = "noopener";
      var line = h("p");
      line.append(opener);
      box.append(line);
      var said = h("p", "wsp-session-phones-status");
      said.setAttribute("role", "status");
      var runs = liveRuns(data.check);
      if (runs.length < 2) {
        said.textContent = runs.length ? ui.session_phones_one : ui.session_phones_none;
        box.append(said);
        return box;
      }
      /** @param {string} labelText @param {number} chosen */
      function chooser(labelText, chosen) {
        var select = /** @type {HTMLSelectElement} */ (h("select", "wsp-session-phones-run"));
        select.id = uid("run");
        runs.forEach(function (run, i) {
          var option = /** @type {HTMLOptionElement} */ (h("option", "",
            fill(ui.session_phones_run, { time: stamp(run.started), room: run.room })));
          option.value = run.room;
          option.selected = i === chosen;
          select.append(option);
        });
        var label = h("label", "", labelText);
        label.setAttribute("for", select.id);
        var row = h("div", "wsp-session-field");
        row.append(label, select);
        box.append(row);
        return select;
      }
      var before = chooser(ui.session_phones_before, runs.length - 2);
      var after = chooser(ui.session_phones_after, runs.length - 1);
      var buttons = h("div", "wsp-session-bar");
      var swap = h("button", "wsp-session-phones-swap", ui.session_phones_swap);
      var go = /** @type {HTMLButtonElement} */ (h("button", "wsp-session-phones-fill", ui.session_phones_fill));
      swap.setAttribute("type", "button");
      go.setAttribute("type", "button");
      buttons.append(go, swap);
      box.append(buttons, said);
      swap.addEventListener("click", function () {
        var was = before.value;
        before.value = after.value;
        after.value = was;
      });
      /** @param {string} text @param {boolean} [problem] */
      function say(text, problem) {
        said.textContent = text;
        said.classList.toggle("wsp-session-problem", !!problem);
      }
      go.addEventListener("click", function () {
        /** @param {string} room */
        function run(room) { return runs.filter(function (r) { return r.room === room; })[0]; }
        var first = run(before.value);
        var last = run(after.value);
        if (!first || !last || first === last) { say(ui.session_phones_same, true); return; }
        go.disabled = true;
        say(ui.session_phones_working);
        window.fetch(pairsUrl(), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({
            before: { room: first.room, key: first.key },
            after: { room: last.room, key: last.key },
          }),
          credentials: "same-origin",
          cache: "no-store",
        }).then(function (response) {
          return response.json().catch(function () { return null; }).then(function (body) {
            return { status: response.status, body: body };
          });
        }).then(function (answer) {
          go.disabled = false;
          var body = answer.body || {};
          var problem = {
            no_room: ui.session_phones_expired,
            not_facilitator: ui.session_phones_wrong_key,
            not_a_pair: ui.session_phones_not_pair,
          }[/** @type {string} */ (body.error)];
          if (answer.status !== 200) { say(problem || ui.session_phones_failed, true); return; }
          if (body.scenario !== data.check) { say(ui.session_phones_not_pair, true); return; }
          var result = fillFromPhones(body);
          say(result === null ? "" : result);
        }, function () {
          go.disabled = false;
          say(ui.session_phones_failed, true);
        });
      });
      return box;
    }

    /**
     * Put the paired counts per option in the check (before and after) of the items the phones
     * answered, after a confirm if hands were typed there. Returns the line to show, or null
     * when the trainer kept what was typed.
     * @param {any} answer
     * @returns {string|null}
     */
    function fillFromPhones(answer) {
      var ui = pageUi;
      var items = answer.items && typeof answer.items === "object" ? answer.items : {};
      var paired = count(answer.paired);
      var texts = data.text[data.lang].items;
      var answered = data.items.filter(function (/** @type {any} */ item) {
        var got = items[item.id];
        return got && typeof got === "object" && count(got.before_total) > 0;
      });
      if (!paired || !answered.length) return ui.session_phones_nobody;
      var typed = answered.some(function (/** @type {any} */ item) {
        var entry = session.check[item.id] || {};
        return ["before", "after"].some(function (phase) {
          return Object.keys(entry[phase] || {}).length > 0;
        });
      });
      if (typed && !window.confirm(ui.session_phones_replace)) return null;
      answered.forEach(function (/** @type {any} */ item) {
        var text = texts.filter(function (/** @type {any} */ t) { return t.id === item.id; })[0];
        if (!text) return;
        /** @type {Record<string, Record<string, number>>} */
        var entry = { before: {}, after: {} };
        ["before", "after"].forEach(function (phase) {
          var got = items[item.id][phase] && typeof items[item.id][phase] === "object" ? items[item.id][phase] : {};
          text.options.forEach(function (/** @type {any} */ option) {
            entry[phase][option.id] = count(got[option.id]);
          });
        });
        session.check[item.id] = entry;
      });
      // The boxes show what is now kept (no redraw: the keyboard stays where it was).
      Array.prototype.forEach.call(fields.querySelectorAll(".wsp-session-item"), function (/** @type {HTMLElement} */ set) {
        var entry = session.check[set.dataset.wspItem || ""] || {};
        Array.prototype.forEach.call(set.querySelectorAll("input.wsp-session-hand"), function (/** @type {HTMLInputElement} */ input) {
          var stored = (entry[input.dataset.wspPhase || ""] || {})[input.dataset.wspOption || ""];
          input.value = stored === undefined ? "" : String(count(stored));
        });
      });
      persist();
      return fill(ui.session_phones_filled, { count: paired });
    }

    /** Another tab (the projector) started or resumed a room: list the runs again. @param {StorageEvent} event */
    function onStorage(event) {
      if (!phones || !phones.isConnected || (event.key !== LIVE_ROOMS && event.key !== null)) return;
      var old = phones;
      old.replaceWith(phonesBox());
    }

    // -- actions: print, CSV, JSON
    var actions = h("div", "wsp-session-actions");
    var printButton = h("button", "wsp-session-print", pageUi.session_print);
    var csvButton = h("button", "wsp-session-csv", pageUi.session_csv);
    var jsonButton = h("button", "wsp-session-json", pageUi.session_json);
    [printButton, csvButton, jsonButton].forEach(function (b) { b.setAttribute("type", "button"); });
    actions.append(printButton, csvButton, jsonButton);
    box.insertBefore(actions, status);

    function ready() {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(session.date || "")) {
        status.textContent = pageUi.session_need_date;
        return false;
      }
      return true;
    }
    /** @param {string} ext */
    function fileName(ext) { return "waspada-session-" + session.date + "-" + session.id + "." + ext; }
    csvButton.addEventListener("click", function () {
      if (ready()) download(fileName("csv"), toCsv(record(data, session)), "text/csv;charset=utf-8");
    });
    jsonButton.addEventListener("click", function () {
      if (ready()) download(fileName("json"), JSON.stringify(record(data, session), null, 2) + "\n", "application/json");
    });

    // Printing shows the report alone: a copy at the end of the body, the rest hidden.
    /** @type {HTMLElement|null} */
    var printed = null;
    function beforePrint() {
      if (printed) return;
      drawReport();
      printed = /** @type {HTMLElement} */ (sheet.cloneNode(true));
      printed.className = "wsp-session-sheet wsp-session-printed";
      document.body.append(printed);
      document.body.classList.add("wsp-session-print");
    }
    function afterPrint() {
      document.body.classList.remove("wsp-session-print");
      if (printed) printed.remove();
      printed = null;
    }
    printButton.addEventListener("click", function () {
      beforePrint();
      window.print();
    });
    window.addEventListener("beforeprint", beforePrint);
    window.addEventListener("afterprint", afterPrint);
    if (data.live) window.addEventListener("storage", onStorage);

    // -- the report, in the session's language
    function drawReport() {
      var lang = data.text[session.language] ? session.language : data.lang;
      var text = data.text[lang];
      var ui = text.ui;
      var rec = record(data, session);
      sheet.replaceChildren();
      sheet.lang = lang;
      sheet.append(h("h2", "", ui.session_report));
      var where = [rec.date, rec.place, rec.district].filter(Boolean).join(" · ");
      sheet.append(h("p", "wsp-session-where", where));
      var facts = h("dl", "wsp-session-facts");
      /** @param {string} term @param {string} value */
      function fact(term, value) { facts.append(h("dt", "", term), h("dd", "", value)); }
      fact(ui.session_kit, ui["session_kit_" + rec.kit] || String(rec.kit));
      fact(ui.session_language, data.languages[rec.language] || String(rec.language));
      var played = String(rec.scenarios).split(" ").filter(Boolean).map(function (sid) {
        return text.scenarios[sid] || sid;
      });
      fact(ui.session_scenarios, played.length ? played.join("; ") : ui.session_none);
      sheet.append(facts);

      sheet.append(h("h3", "", ui.session_check));
      var table = h("table", "wsp-session-results");
      var head = h("tr");
      [ui.session_question, ui.session_right_before, ui.session_right_after, ui.session_change].forEach(function (t) {
        var th = h("th", "", t);
        th.setAttribute("scope", "col");
        head.append(th);
      });
      table.append(head);
      text.items.forEach(function (/** @type {any} */ item, position) {
        var row = h("tr");
        row.dataset.wspItem = item.id;
        var before = share(rec, item.id, "before", ui);
        var after = share(rec, item.id, "after", ui);
        var change = "–";
        if (before.percent !== null && after.percent !== null) {
          var d = after.percent - before.percent;
          change = fill(ui.session_points, { change: (d > 0 ? "+" : "") + d });
        }
        var th = h("th", "", (position + 1) + ". " + item.text);
        th.setAttribute("scope", "row");
        row.append(th, h("td", "", before.text), h("td", "", after.text), h("td", "wsp-session-change", change));
        table.append(row);
      });
      sheet.append(scroller(table, ui.session_check, true));

      sheet.append(h("h3", "", ui.session_room));
      var people = SEX.reduce(function (sum, key) { return sum + Number(rec[key]); }, 0);
      sheet.append(h("p", "wsp-session-people", fill(ui.session_participants, { count: people })));
      var roomList = h("p", "wsp-session-line");
      roomList.textContent = SEX.map(function (key, i) { return ui[SEX_UI[i]] + ": " + rec[key]; }).join(" · ");
      var ageList = h("p", "wsp-session-line");
      ageList.textContent = AGE.map(function (key, i) { return ui[AGE_UI[i]] + ": " + rec[key]; }).join(" · ");
      sheet.append(roomList, ageList);

      sheet.append(h("h3", "", ui.session_vote));
      var votes = VOTE.reduce(function (sum, key) { return sum + Number(rec[key]); }, 0);
      var voteLine = h("p", "wsp-session-line");
      voteLine.textContent = VOTE.map(function (key) {
        var n = Number(rec[key]);
        var pct = votes ? " (" + Math.round((100 * n) / votes) + "%)" : "";
        return ui["session_" + key] + ": " + n + pct;
      }).join(" · ");
      sheet.append(voteLine);

      sheet.append(h("h3", "", ui.session_help));
      sheet.append(h("p", "wsp-session-line", ui.session_asked_for_help + ": " + rec.asked_for_help));
      var referrals = data.services.filter(function (/** @type {string} */ sid) {
        return Number(rec["referred_" + sid]) > 0;
      }).map(function (/** @type {string} */ sid) {
        return fill(ui.session_referred, { service: text.services[sid] }) + ": " + rec["referred_" + sid];
      });
      if (referrals.length) {
        var list = h("ul", "wsp-session-referrals");
        referrals.forEach(function (line) { list.append(h("li", "", line)); });
        sheet.append(list);
      }
      sheet.append(h("p", "wsp-session-version",
        fill(ui.session_version, { version: String(rec.course_version) }) + " · " + rec.session));
    }

    drawForm();
    return function () {
      window.removeEventListener("beforeprint", beforePrint);
      window.removeEventListener("afterprint", afterPrint);
      window.removeEventListener("storage", onStorage);
      afterPrint();
    };
  }

  /**
   * A table in a box that scrolls sideways when large text makes it wider than the page; the
   * box takes keyboard focus when nothing inside it can (so the keyboard can scroll it too).
   * @param {HTMLElement} table @param {string} label @param {boolean} focusable
   */
  function scroller(table, label, focusable) {
    var box = h("div", "wsp-session-scroll");
    if (focusable) {
      box.tabIndex = 0;
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", label);
    }
    box.append(table);
    return box;
  }

  /** A face for the vote, decorative (the label says what it means). @param {string} mouth */
  function face(mouth) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "wsp-session-face");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    /** @param {string} tag @param {Record<string, string>} attrs */
    function part(tag, attrs) {
      var node = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
      svg.append(node);
    }
    part("circle", { cx: "12", cy: "12", r: "10.5" });
    part("circle", { cx: "8.5", cy: "9.5", r: "1.3", class: "wsp-session-eye" });
    part("circle", { cx: "15.5", cy: "9.5", r: "1.3", class: "wsp-session-eye" });
    part("path", { d: mouth });
    return svg;
  }

  /** @param {Record<string, string|number>} rec @param {string} id @param {string} phase @param {any} ui */
  function share(rec, id, phase, ui) {
    var right = Number(rec["q_" + id + "_" + phase + "_right"]);
    var total = Number(rec["q_" + id + "_" + phase + "_total"]);
    if (!total) return { text: "–", percent: null };
    var percent = Math.round((100 * right) / total);
    return { text: fill(ui.session_share, { right: right, total: total }) + " (" + percent + "%)", percent: percent };
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".wsp-session"), function (/** @type {HTMLElement} */ box) {
      mount(box);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();

  /**
   * The anywidget render function (Voila): the data is the model's ``data``, which never
   * changes; what the trainer types stays in this browser's localStorage, never in the kernel.
   * @param {{model: {get: (name: string) => any}, el: HTMLElement}} view
   */
  function render(view) {
    view.el.classList.add("wsp-session");
    return mount(view.el, view.model.get("data"));
  }

  return { mount: mount, render: render };
})();
