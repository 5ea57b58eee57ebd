// @ts-check
/*
 * Waspada progress dashboard (static book): the knowledge checks of this course's modules,
 * with what this browser has saved for each, and a completion summary to print.
 *
 * It reads the same localStorage entries as the scenario player (keys
 * waspada:<course>:<version>:<check>, holding {digest, route}) and follows the saved route
 * along the edges compiled into the page, so it shows exactly what the player would. It
 * writes nothing: the learner's name typed here is printed, never stored.
 */
(function () {
  "use strict";

  /** @param {string} tag @param {string} [className] @param {string} [text] */
  function h(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** @param {string} key */
  function read(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  /**
   * Where a saved route ends: the state index and its result, if any.
   * @param {any} module @param {any} saved
   */
  function status(module, saved) {
    if (!saved || saved.digest !== module.digest || !Array.isArray(saved.route)) {
      return { started: false, state: 0, result: null };
    }
    var state = 0;
    for (var i = 0; i < saved.route.length; i++) {
      var edge = module.edges[state].filter(function (/** @type {any} */ e) {
        return e[0] === saved.route[i];
      })[0];
      if (!edge) break;
      state = edge[1];
    }
    return {
      started: saved.route.length > 0,
      state: state,
      result: module.results[String(state)] || null,
    };
  }

  /** @param {HTMLElement} box */
  function mount(box) {
    var script = box.querySelector("script.wsp-dashboard-data");
    if (!script) return;
    var data = JSON.parse(script.textContent || "{}");
    var ui = data.ui || {};
    var fallback = box.querySelector(".wsp-fallback");
    if (fallback) fallback.remove();

    var table = h("table", "wsp-dashboard-table");
    var head = h("tr");
    head.append(h("th", "", ui.dashboard_module), h("th", "", ui.dashboard_status));
    table.append(head);
    var passed = 0;
    /** @type {Array<[string, string]>} */
    var summary = [];
    data.modules.forEach(function (/** @type {any} */ module) {
      var key = ["waspada", data.course.id, data.course.version, module.id].join(":");
      var where = status(module, read(key));
      var text;
      var kind;
      if (where.result) {
        text = (where.result.passed ? ui.dashboard_passed : ui.dashboard_review) + " · " + where.result.text;
        kind = where.result.passed ? "passed" : "review";
        if (where.result.passed) passed += 1;
      } else if (where.started) {
        text = module.labels[where.state];
        kind = "started";
      } else {
        text = ui.dashboard_not_started;
        kind = "none";
      }
      summary.push([module.title, text]);
      var row = h("tr", "wsp-dashboard-" + kind);
      row.dataset.wspCheck = module.id;
      var cell = h("td");
      var link = /** @type {HTMLAnchorElement} */ (h("a", "", module.title));
      link.href = module.href;
      cell.append(link);
      row.append(cell, h("td", "wsp-dashboard-status", text));
      table.append(row);
    });
    box.append(table);

    var complete = passed === data.modules.length && passed > 0;
    var note = h("p", "wsp-dashboard-note", complete ? ui.dashboard_complete : ui.dashboard_incomplete);
    note.setAttribute("role", "status");
    box.append(note);

    // The completion summary: shown on screen as a form, printed as a certificate-like page.
    var form = h("div", "wsp-dashboard-form");
    var label = h("label", "wsp-dashboard-name-label", ui.dashboard_name);
    var input = /** @type {HTMLInputElement} */ (h("input", "wsp-dashboard-name"));
    input.type = "text";
    input.autocomplete = "off";
    input.id = "wsp-dashboard-name";
    label.setAttribute("for", input.id);
    var printButton = /** @type {HTMLButtonElement} */ (h("button", "wsp-dashboard-print", ui.dashboard_print));
    printButton.type = "button";
    printButton.disabled = !complete;
    form.append(label, input, printButton);
    box.append(form);

    var sheet = h("section", "wsp-completion");
    sheet.append(h("h2", "", ui.dashboard_summary));
    var who = h("p", "wsp-completion-name");
    var when = h("p", "wsp-completion-date",
      ui.dashboard_date + ": " + new Date().toLocaleDateString(data.lang || undefined));
    var list = h("table", "wsp-completion-table");
    summary.forEach(function (item) {
      var row = h("tr");
      row.append(h("td", "", item[0]), h("td", "", item[1]));
      list.append(row);
    });
    sheet.append(who, when, list);
    printButton.addEventListener("click", function () {
      who.textContent = input.value; // only on the page, only until it is closed
      document.body.append(sheet);
      document.body.classList.add("wsp-print-summary");
      window.print();
    });
    window.addEventListener("afterprint", function () {
      document.body.classList.remove("wsp-print-summary");
      sheet.remove();
    });
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".wsp-dashboard"), mount);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
