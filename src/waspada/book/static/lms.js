// @ts-check
/*
 * SCORM 1.2 adapter, added to the pages of a course exported with `waspada export scorm`.
 *
 * It looks for the learning platform's API object (window.API) in this window's parents, then
 * in the opener's, as the SCORM 1.2 run-time specifies. Without one it does nothing, and the
 * course works as everywhere else. With one it:
 *   - puts the progress the platform kept (cmi.suspend_data) back into this browser's storage
 *     before the scenario players start, so a learner resumes where they stopped on any device;
 *   - on every step, saves the progress of this page's scenarios in cmi.suspend_data, and for a
 *     knowledge check sets cmi.core.lesson_status (incomplete, passed, failed) and
 *     cmi.core.score.raw (0-100), then commits;
 *   - finishes the session when the page is left.
 * It must be loaded before the players (it is a plain script in the head).
 */
(function () {
  "use strict";
  var MAX_SUSPEND = 4096; // SCORM 1.2's limit for cmi.suspend_data

  /** @param {any} win @returns {any} */
  function search(win) {
    for (var hops = 0; win && hops < 8; hops++) {
      try {
        if (win.API) return win.API;
      } catch (error) {
        return null; // a window of another origin: the search stops here
      }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  var api = search(window) || (window.opener ? search(window.opener) : null);
  if (!api || String(api.LMSInitialize("")) !== "true") return;

  /** @type {Record<string, any>} progress of this page's scenarios, by storage key */
  var kept = {};
  try {
    kept = JSON.parse(api.LMSGetValue("cmi.suspend_data") || "{}") || {};
  } catch (error) {
    kept = {};
  }
  Object.keys(kept).forEach(function (key) {
    if (key.indexOf("waspada:") !== 0) return;
    try {
      window.localStorage.setItem(key, JSON.stringify(kept[key]));
    } catch (error) {
      /* storage blocked: the players start from the beginning */
    }
  });
  var status = String(api.LMSGetValue("cmi.core.lesson_status") || "");
  if (status === "" || status === "not attempted") {
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  }

  document.addEventListener("wsp-progress", function (event) {
    var detail = /** @type {CustomEvent} */ (event).detail;
    if (detail.state) kept[detail.key] = detail.state;
    else delete kept[detail.key];
    var text = JSON.stringify(kept);
    if (text.length <= MAX_SUSPEND) api.LMSSetValue("cmi.suspend_data", text);
    if (detail.kind === "check") {
      if (detail.result) {
        var raw = Math.round((100 * detail.result.score) / detail.result.total);
        api.LMSSetValue("cmi.core.score.min", "0");
        api.LMSSetValue("cmi.core.score.max", "100");
        api.LMSSetValue("cmi.core.score.raw", String(raw));
        api.LMSSetValue("cmi.core.lesson_status", detail.result.passed ? "passed" : "failed");
      } else {
        api.LMSSetValue("cmi.core.lesson_status", "incomplete");
      }
    }
    api.LMSCommit("");
  });

  var finished = false;
  function finish() {
    if (finished) return;
    finished = true;
    api.LMSFinish("");
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
