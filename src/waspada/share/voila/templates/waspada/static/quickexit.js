// @ts-check
/*
 * Quick exit for every page of the book and of the Voila apps: one click on the button (or
 * Escape pressed twice) replaces this page with a neutral one, so that the back button does
 * not return to it. For learners who may be watched. The page carries the button as a link
 * (class wsp-quick-exit-page, href = the neutral page), which still works without JavaScript.
 * The scenario player sees the attribute set below and leaves the exit to this script.
 */
(function () {
  "use strict";
  document.documentElement.setAttribute("data-wsp-quick-exit", "");

  /** @param {string} url */
  function leave(url) {
    try {
      (window.top || window).location.replace(url);
    } catch (error) {
      window.location.replace(url); // inside a frame of another origin (an LMS)
    }
  }

  function target() {
    var link = /** @type {HTMLAnchorElement | null} */ (document.querySelector("a.wsp-quick-exit-page"));
    return (link && link.getAttribute("href")) || "about:blank";
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a.wsp-quick-exit-page") : null;
    if (!link) return;
    event.preventDefault();
    leave(target());
  });

  var last = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - last < 1500) leave(target());
    last = now;
  });
})();
