// @ts-check
/*
 * Give the page's kernel back when the page is closed or left.
 *
 * Voila 0.5 asks its server to shut the kernel down on "beforeunload", but without an XSRF
 * token, so the server refuses (voila-dashboards/voila#1458) and every closed tab keeps a kernel
 * (about 120 MB) until idle culling. This sends the same request as a beacon, which the browser
 * delivers even while the page goes away, with a token in both the form and the "_xsrf" cookie
 * (Tornado's double-submit check: another site can neither read nor set this site's cookie).
 * Nothing leaves this server.
 */
(function () {
  "use strict";
  var sent = false;

  function release() {
    if (sent) return;
    var data = document.getElementById("jupyter-config-data");
    if (!data) return;
    var config = JSON.parse(data.textContent || "{}");
    if (!config.kernelId) return;
    sent = true;
    var match = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
    var token = match ? decodeURIComponent(match[1]) : "";
    if (!token) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      token = Array.prototype.map.call(bytes, function (/** @type {number} */ b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
      // A random, short-lived token for this one request; it names nobody and expires at once.
      document.cookie = "_xsrf=" + token + "; path=/; max-age=30; SameSite=Strict";
    }
    var form = new FormData();
    form.append("_xsrf", token);
    navigator.sendBeacon(
      (config.baseUrl || "/") + "voila/api/shutdown/" + encodeURIComponent(config.kernelId),
      form
    );
  }

  window.addEventListener("pagehide", function (event) {
    if (!event.persisted) release(); // a page kept in the back-forward cache keeps its kernel
  });
})();
