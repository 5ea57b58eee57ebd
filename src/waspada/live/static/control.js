/*
 * Waspada live session: the facilitator's private control page (after join.js, whose helpers
 * it uses through window.WaspadaLive).
 *
 * The room's secret comes in the URL fragment (#key=...), which browsers never send to a
 * server. It is read once, removed from the address bar (history.replaceState) and kept in
 * sessionStorage ("waspada:live-key:<code>") so that a reload still works; every request
 * sends it as the X-Waspada-Secret header. Plain ES5, XMLHttpRequest only, text put into the
 * page with textContent only.
 */
(function () {
  "use strict";
  var L = window.WaspadaLive;
  var doc = document;
  var main = doc.getElementById("wl-control");
  if (!L || !main) return;
  var h = L.h;
  var ui = L.readUi();
  var room = main.getAttribute("data-room");
  var lang = main.getAttribute("data-lang") || "en";
  var status = doc.getElementById("wl-status");
  var viewBox = doc.getElementById("wl-view");
  var base = L.API + encodeURIComponent(room);
  var storeKey = "waspada:live-key:" + room;
  L.largeText(ui);

  function readKey() {
    var match = /(?:^#|&)key=([^&]*)/.exec(window.location.hash || "");
    var key = null;
    if (match) {
      try { key = decodeURIComponent(match[1]); } catch (error) { key = null; }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
      if (key) L.storageSet("sessionStorage", storeKey, key);
    }
    return key || L.storageGet("sessionStorage", storeKey);
  }

  var key = readKey();
  var headers = { "X-Waspada-Secret": key || "" };
  var view = null;
  var shapeKey = "";
  var polling = null;
  var retryTimer = null;
  var failures = 0;
  var stopped = false;
  var followTouched = false;

  function say(text, quiet) {
    status.className = "wl-status" + (quiet ? " wl-quiet" : "");
    if (status.textContent !== text) status.textContent = text || "";
  }

  function refused() {
    stopped = true;
    if (polling) polling.cancel();
    clearTimeout(retryTimer);
    L.storageSet("sessionStorage", storeKey, null);
    L.clear(viewBox);
    var text = L.format(ui.live_wrong_key, { code: room });
    var problem = h("p", "wl-problem", text);
    problem.setAttribute("role", "alert");
    viewBox.appendChild(problem);
    say("");
  }

  function poll() {
    if (stopped) return;
    clearTimeout(retryTimer);
    if (polling) polling.cancel();
    var url = base + "?lang=" + encodeURIComponent(lang);
    if (view) url += "&since=" + view.version + "&wait=" + L.WAIT;
    var started = new Date().getTime();
    var before = view ? view.version : -1;
    polling = L.request("GET", url, null, headers, (L.WAIT + 15) * 1000, function (code, data) {
      polling = null;
      if (code === 200 && data && !data.error) {
        if (data.joined === undefined) {
          refused(); // the room answered as to a phone: the key does not fit
          return;
        }
        if (failures) say(phaseText(data), true); // connected again
        failures = 0;
        show(data);
        if (data.phase === "closed") return;
        var quick = new Date().getTime() - started < 300 && data.version === before;
        retryTimer = setTimeout(poll, quick ? 2000 : 0);
        return;
      }
      if (code === 403) return refused();
      if (code === 404) {
        stopped = true;
        say(L.format(ui.live_unknown_room, { code: room }));
        return;
      }
      failures += 1;
      say(ui.live_reconnecting);
      var delay = Math.min(15000, 1000 * Math.pow(2, Math.min(failures, 4)));
      retryTimer = setTimeout(poll, code === 429 ? 5000 + delay : delay);
    });
  }

  function act(body, done) {
    L.request("POST", base + "/control?lang=" + encodeURIComponent(lang), body, headers, 15000, function (code, data) {
      if (done) done(code === 200);
      if (code === 200 && data && !data.error) {
        show(data);
        return;
      }
      if (code === 403) return refused();
      var message = (data && data.message) || String(code || "—");
      say(L.format(ui.live_failed, { message: message }));
    });
  }

  function mostVoted(data) {
    var best = null;
    var totals = data.totals || {};
    var choices = data.choices || [];
    for (var i = 0; i < choices.length; i++) {
      var count = Number(totals[choices[i].id] || 0);
      if (count > 0 && (best === null || count > Number(totals[best] || 0))) best = choices[i].id;
    }
    return best;
  }

  function phaseText(data) {
    if (data.phase === "voting") return ui.live_phase_voting;
    if (data.phase === "revealed") return ui.live_phase_revealed;
    if (data.phase === "ended") return ui.live_ended;
    return ui.live_closed;
  }

  function show(data) {
    if (view && data.version < view.version) return; // an older answer that arrived late
    if (data.ui) ui = data.ui;
    var key = [data.stage, data.step, data.phase, data.lang].join(":");
    var focused = doc.activeElement && viewBox.contains(doc.activeElement);
    view = data;
    if (key !== shapeKey) {
      shapeKey = key;
      followTouched = false;
      render(data);
      say(phaseText(data), true);
      if (focused) {
        var heading = viewBox.querySelector(".wl-heading");
        if (heading) heading.focus();
      }
    }
    update(data);
  }

  function button(text, className, onClick) {
    var node = h("button", "wl-button " + (className || ""), text);
    node.setAttribute("type", "button");
    node.onclick = onClick;
    return node;
  }

  /** Blocks [{p: runs}, {ul: [runs, ...]}] (facilitator notes, prompts) into a container. */
  function appendBlocks(parent, blocks) {
    if (!blocks) return parent;
    if (typeof blocks === "string") blocks = [{ p: [["", blocks]] }];
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i] || {};
      if (block.p) parent.appendChild(L.appendRuns(L.h("p"), block.p));
      else if (block.ul) {
        var list = L.h("ul");
        for (var j = 0; j < block.ul.length; j++) list.appendChild(L.appendRuns(L.h("li"), block.ul[j]));
        parent.appendChild(list);
      } else if (block.length !== undefined) parent.appendChild(L.appendRuns(L.h("p"), block));
    }
    return parent;
  }

  function section(title, blocks, className) {
    var box = h("section", className);
    box.appendChild(h("h3", "wl-label", title));
    appendBlocks(box, blocks);
    return box;
  }

  function render(data) {
    L.clear(viewBox);
    var choices = data.choices || [];
    if (data.scenario && data.scenario.title) viewBox.appendChild(h("p", "wl-scenario", data.scenario.title));
    var title = data.label || (data.ending && data.ending.title) || (data.scenario && data.scenario.title) || "";
    var heading = h("h2", "wl-heading", title);
    heading.setAttribute("tabindex", "-1");
    viewBox.appendChild(heading);
    viewBox.appendChild(h("p", "wl-phase", phaseText(data)));
    var joined = h("p", "wl-joined");
    joined.id = "wl-joined";
    viewBox.appendChild(joined);
    if (data.joinUrl) {
      var where = h("p", "wl-join-at", (ui.live_join_at || "") + ": ");
      where.appendChild(h("strong", "wl-url", data.joinUrl));
      viewBox.appendChild(where);
    }

    if (choices.length && data.phase !== "closed") {
      // One row group per choice: its name across the table, then its numbers (fits 320 px).
      var table = h("table", "wl-table");
      var head = h("tr");
      var labels = [ui.live_votes, ui.hands, ui.live_total];
      for (var c = 0; c < labels.length; c++) {
        var th = h("th", "", labels[c]);
        th.setAttribute("scope", "col");
        head.appendChild(th);
      }
      head.childNodes[1].id = "wl-hands-head";
      var thead = h("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      for (var i = 0; i < choices.length; i++) {
        var choice = choices[i];
        var group = h("tbody");
        group.setAttribute("data-choice", choice.id);
        var nameRow = h("tr");
        var name = h("th", "wl-choice-name");
        name.setAttribute("scope", "rowgroup");
        name.setAttribute("colspan", "3");
        name.id = "wl-choice-" + i;
        L.appendRuns(name, choice.label);
        nameRow.appendChild(name);
        group.appendChild(nameRow);
        var row = h("tr");
        row.appendChild(h("td", "wl-votes", "0"));
        var cell = h("td");
        var input = h("input", "wl-hands");
        input.setAttribute("type", "number");
        input.setAttribute("min", "0");
        input.setAttribute("max", "999");
        input.setAttribute("inputmode", "numeric");
        input.setAttribute("data-choice", choice.id);
        input.setAttribute("aria-labelledby", "wl-hands-head wl-choice-" + i);
        input.onchange = onHands;
        cell.appendChild(input);
        row.appendChild(cell);
        row.appendChild(h("td", "wl-sum", "0"));
        group.appendChild(row);
        table.appendChild(group);
      }
      viewBox.appendChild(table);
    }

    var controls = h("div", "wl-controls");
    if (data.phase === "voting" && choices.length) {
      controls.appendChild(button(ui.live_reveal, "wl-primary", function () { act({ action: "reveal" }); }));
    }
    if (data.phase === "revealed") {
      var fieldset = h("fieldset", "wl-follow");
      fieldset.appendChild(h("legend", "", ui.live_follow_label));
      for (var j = 0; j < choices.length; j++) {
        var label = h("label", "wl-radio");
        var radio = h("input");
        radio.setAttribute("type", "radio");
        radio.setAttribute("name", "wl-follow");
        radio.value = choices[j].id;
        radio.onchange = function () { followTouched = true; };
        label.appendChild(radio);
        var text = h("span");
        L.appendRuns(text, choices[j].label);
        text.appendChild(h("span", "wl-most", ""));
        label.appendChild(text);
        fieldset.appendChild(label);
      }
      fieldset.appendChild(button(ui.live_follow, "wl-primary", onFollow));
      controls.appendChild(fieldset);
      controls.appendChild(button(ui.live_reopen, "", function () { act({ action: "reopen" }); }));
    }
    if (data.step > 0 && data.phase !== "closed") {
      controls.appendChild(button(ui.live_back, "", function () { act({ action: "back" }); }));
    }
    if (data.phase !== "closed") {
      var end = button(ui.live_end, "wl-danger", function () { confirmEnd(controls, end); });
      controls.appendChild(end);
    }
    viewBox.appendChild(controls);

    if (data.notes && data.notes.length) viewBox.appendChild(section(ui.notes, data.notes, "wl-notes"));
    if (data.prompt && data.prompt.length) viewBox.appendChild(section(ui.discuss, data.prompt, "wl-prompt"));
    if (data.ending) viewBox.appendChild(L.renderEnding(data.ending, ui));
  }

  function update(data) {
    var joined = doc.getElementById("wl-joined");
    if (joined) joined.textContent = L.format(ui.live_joined, { count: data.joined || 0 });
    var votes = data.votes || {};
    var hands = data.hands || {};
    var totals = data.totals || {};
    var best = mostVoted(data);
    var rows = viewBox.querySelectorAll(".wl-table tbody");
    for (var i = 0; i < rows.length; i++) {
      var id = rows[i].getAttribute("data-choice");
      rows[i].querySelector(".wl-votes").textContent = String(votes[id] || 0);
      rows[i].querySelector(".wl-sum").textContent = String(totals[id] || 0);
      var input = rows[i].querySelector(".wl-hands");
      if (input !== doc.activeElement) input.value = String(hands[id] || 0);
    }
    var radios = viewBox.querySelectorAll("input[name=wl-follow]");
    for (var j = 0; j < radios.length; j++) {
      var radio = radios[j];
      var mark = radio.parentNode.querySelector(".wl-most");
      mark.textContent = radio.value === best ? " (" + ui.live_most_votes + ")" : "";
      if (!followTouched) radio.checked = radio.value === best;
    }
  }

  function onHands() {
    var count = parseInt(this.value, 10);
    if (isNaN(count) || count < 0) count = 0;
    if (count > 999) count = 999;
    this.value = String(count);
    act({ action: "hands", step: view.step, choice: this.getAttribute("data-choice"), count: count });
  }

  function onFollow() {
    var radios = viewBox.querySelectorAll("input[name=wl-follow]");
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) {
        act({ action: "follow", choice: radios[i].value });
        return;
      }
    }
    if (radios.length) radios[0].focus();
  }

  function confirmEnd(controls, end) {
    if (viewBox.querySelector(".wl-confirm")) return;
    var box = h("div", "wl-confirm");
    box.setAttribute("role", "group");
    var question = h("p", "", ui.live_end_confirm);
    question.id = "wl-end-question";
    box.setAttribute("aria-labelledby", question.id);
    box.appendChild(question);
    var cancel = button(ui.live_cancel, "", function () {
      controls.removeChild(box);
      end.focus();
    });
    box.appendChild(button(ui.live_end_yes, "wl-danger", function () { act({ action: "end" }); }));
    box.appendChild(cancel);
    controls.appendChild(box);
    cancel.focus();
  }

  if (!key) {
    refused();
    return;
  }
  doc.addEventListener("visibilitychange", function () {
    if (!stopped && !doc.hidden) {
      failures = 0;
      poll();
    }
  });
  poll();
})();
