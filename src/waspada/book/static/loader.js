// @ts-check
/*
 * Mounts the Waspada scenario front end on a static book page.
 *
 * This classic script is written into the built book after a line that sets
 * window.WSP_SCENARIO_SOURCE to the text of scenario.js (the same file Jupyter and Voila
 * load). Pages opened from disk (file://) may not import modules from files, but they may
 * import a Blob URL made from that text, so the book works from a USB stick as well as from a
 * web server. Progress is kept in localStorage under keys namespaced by course, version and
 * scenario, since every file:// page shares one storage origin.
 */
(function () {
  "use strict";
  var PREFS_KEY = "waspada:prefs";

  /** @param {string} key @returns {any} */
  function read(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null; // storage blocked or damaged: play without saving
    }
  }

  /** @param {string} key @param {any} value */
  function write(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* storage full or blocked: the page still plays */
    }
  }

  /**
   * The subset of the anywidget model that scenario.js uses, kept in the browser.
   * @param {any} payload
   * @param {string} mode
   * @param {(payload: any, route: string[]) => {path: number[]}} follow  the front end's own
   */
  function LocalModel(payload, mode, follow) {
    this.follow = follow;
    var course = payload.course || {};
    this.key = ["waspada", course.id || "course", course.version || "0", payload.id].join(":");
    var saved = read(this.key);
    var prefs = read(PREFS_KEY) || {};
    /** @type {Record<string, any>} */
    this.data = {
      payload: payload,
      state: saved && saved.digest === payload.digest ? saved : { digest: payload.digest, route: [] },
      mode: mode,
      large_text: Boolean(prefs.large_text),
      can_clear: true,
    };
    /** @type {Record<string, Array<() => void>>} */
    this.handlers = {};
    /** @type {string[]} */
    this.changed = [];
  }
  LocalModel.prototype.get = function (/** @type {string} */ name) {
    return this.data[name];
  };
  LocalModel.prototype.set = function (/** @type {string} */ name, /** @type {any} */ value) {
    this.data[name] = value;
    this.changed.push(name);
  };
  LocalModel.prototype.on = function (/** @type {string} */ event, /** @type {() => void} */ fn) {
    (this.handlers[event] = this.handlers[event] || []).push(fn);
  };
  LocalModel.prototype.off = function (/** @type {string} */ event, /** @type {() => void} */ fn) {
    this.handlers[event] = (this.handlers[event] || []).filter(function (h) { return h !== fn; });
  };
  LocalModel.prototype.save_changes = function () {
    var self = this;
    var changed = this.changed;
    this.changed = [];
    if (changed.indexOf("clear") >= 0) {
      write(this.key, null);
      this.data.state = { digest: this.data.payload.digest, route: [] };
      changed.push("state");
    } else if (changed.indexOf("state") >= 0) {
      write(this.key, this.data.state);
    }
    if (changed.indexOf("large_text") >= 0) {
      var prefs = read(PREFS_KEY) || {};
      prefs.large_text = this.data.large_text;
      write(PREFS_KEY, prefs);
    }
    changed.forEach(function (name) {
      (self.handlers["change:" + name] || []).slice().forEach(function (fn) { fn(); });
    });
    if (changed.indexOf("state") >= 0) this.announce();
  };

  /**
   * Tell the page (a learning platform's adapter, see lms.js) where this scenario now stands:
   * its storage key, the saved state and, for a knowledge check at its end, the result.
   */
  LocalModel.prototype.announce = function () {
    var payload = this.data.payload;
    var state = this.data.state || {};
    var path = this.follow(payload, state.route || []).path;
    var index = path[path.length - 1];
    document.dispatchEvent(new CustomEvent("wsp-progress", {
      detail: {
        key: this.key,
        kind: payload.kind || "story",
        state: (state.route || []).length ? state : null,
        result: payload.states[index].result || null,
      },
    }));
  };

  function mountAll() {
    var mounts = document.querySelectorAll(".wsp-scenario");
    if (!mounts.length) return;
    var source = /** @type {any} */ (window).WSP_SCENARIO_SOURCE;
    var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    import(url).then(function (module) {
      Array.prototype.forEach.call(mounts, function (/** @type {HTMLElement} */ el) {
        if (el.dataset.wspReady === "1") return;
        var data = el.querySelector("script.wsp-payload");
        if (!data) return;
        var payload = JSON.parse(data.textContent || "{}");
        // The page already says, once, that its translation is a draft.
        if (document.querySelector(".wsp-draft-notice") && payload.ui) delete payload.ui.draft_notice;
        var model = new LocalModel(payload, el.dataset.wspMode || "learner", module.follow);
        var fallback = el.querySelector(".wsp-fallback");
        if (fallback) fallback.remove();
        el.dataset.wspReady = "1";
        module.default.render({ model: model, el: el });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
