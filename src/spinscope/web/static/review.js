/* spinscope review mode: confirm, reject, relabel, resize and add technique spans; confirm,
   reject, re-speak and add statements; mark the article reviewed. Corrections are stored by the
   server (/api/documents/{id}/review…) beside the model's layers, which are never changed.
   Article text and every value from the server are untrusted: they are only ever inserted with
   textContent / createElement, never parsed as HTML. Offsets are Unicode code points, as the
   server's (the page's text nodes count UTF-16 units: converted both ways here). */
(function () {
  "use strict";
  var bar = document.getElementById("rv-bar");
  var textEl = document.getElementById("article-text");
  var dataEl = document.getElementById("ss-data");
  if (!bar || !textEl || !dataEl || !window.fetch) { return; }
  var docId = bar.getAttribute("data-doc");
  var api = "/api/documents/" + encodeURIComponent(docId) + "/review";
  var pageData = JSON.parse(dataEl.textContent);
  var pageTechs = pageData.techniques || [];
  var pageAtts = pageData.attributions || [];
  var NAME_KEY = "spinscope.reviewer";
  var MODE_KEY = "spinscope.review";

  var toggle = document.getElementById("rv-toggle");
  var who = document.getElementById("rv-who");
  var nameInput = document.getElementById("rv-name");
  var nameOk = document.getElementById("rv-name-ok");
  var reviewerEl = document.getElementById("rv-reviewer");
  var doneBtn = document.getElementById("rv-done");
  var statusEl = document.getElementById("rv-status");
  var helpBtn = document.getElementById("rv-help-btn");
  var help = document.getElementById("rv-help");
  var panel = document.getElementById("rv-panel");
  var labelsTpl = document.getElementById("rv-labels");
  var speakerList = document.getElementById("rv-speakers");
  var col = textEl.parentNode;

  var state = null;   // the server's review state (GET …/review)
  var items = [];     // [{kind: "t"|"a", item}] in the order j/k walks them
  var cur = -1;
  var on = false;
  var drag = null;    // {edge: "start"|"end", key, start, end} while an edge is dragged
  var overlay = null;
  var addBox = null;
  var pending = null; // the snapped selection the add box offers {start, end}

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function button(text, cls, title, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    if (title) { b.title = title; }
    b.addEventListener("click", function (ev) { ev.stopPropagation(); onClick(); });
    return b;
  }
  function say(msg, bad) {
    statusEl.textContent = msg || "";
    statusEl.classList.toggle("rv-bad", !!bad);
  }
  function getReviewer() {
    try { return window.localStorage.getItem(NAME_KEY) || ""; } catch (e) { return ""; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: per page */ }
  }
  function validName(name) {
    return name.length >= 1 && name.length <= 80 && !/[\u0000-\u001f\u007f-\u009f]/.test(name);
  }

  // ---- the article's text, in code points, and its DOM text nodes -------------------------
  var nodes = [];      // {node, start (code point), len (code points)}
  var chars = [];      // the document's text, one code point per entry
  (function index() {
    var walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT, null);
    var n, pos = 0;
    while ((n = walker.nextNode())) {
      var seg = n.parentNode && n.parentNode.closest ? n.parentNode.closest(".seg") : null;
      if (!seg || !textEl.contains(seg)) { continue; }  // a residue summary is not the text
      var cps = Array.from(n.data);
      nodes.push({ node: n, start: pos, len: cps.length });
      for (var i = 0; i < cps.length; i++) { chars.push(cps[i]); }
      pos += cps.length;
    }
  })();
  function textOf(s, e) { return chars.slice(s, e).join(""); }
  function excerpt(s, e, width) {
    var t = textOf(s, e).replace(/\s+/g, " ").trim();
    width = width || 90;
    return t.length <= width ? t : t.slice(0, width - 1) + "…";
  }
  function nodeOffset(node, unit) {  // DOM (text node, UTF-16 offset) → code point offset
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].node === node) {
        return nodes[i].start + Array.from(node.data.slice(0, unit)).length;
      }
    }
    return null;
  }
  function domPoint(off) {  // code point offset → [text node, UTF-16 offset]
    for (var i = 0; i < nodes.length; i++) {
      var r = nodes[i];
      if (off < r.start + r.len || (off === r.start + r.len && i === nodes.length - 1)) {
        var cps = Array.from(r.node.data).slice(0, Math.max(0, off - r.start));
        return [r.node, cps.join("").length];
      }
    }
    return null;
  }
  function rangeOf(s, e) {
    var a = domPoint(s), b = domPoint(e);
    if (!a || !b) { return null; }
    var r = document.createRange();
    r.setStart(a[0], a[1]);
    r.setEnd(b[0], b[1]);
    return r;
  }
  var WORD = /[\p{L}\p{N}\p{M}]/u;
  function isWord(i) { return i >= 0 && i < chars.length && WORD.test(chars[i]); }
  function isSpace(i) { return i >= 0 && i < chars.length && /\s/u.test(chars[i]); }
  // the spans the server accepts: no whitespace at an edge, no edge inside a word
  function snapStart(s) {
    while (s > 0 && isWord(s) && isWord(s - 1)) { s -= 1; }
    while (s < chars.length && isSpace(s)) { s += 1; }
    return s;
  }
  function snapEnd(e) {
    while (e < chars.length && isWord(e - 1) && isWord(e)) { e += 1; }
    while (e > 0 && isSpace(e - 1)) { e -= 1; }
    return e;
  }
  function caretOffset(x, y) {
    var node = null, unit = 0;
    if (document.caretPositionFromPoint) {
      var p = document.caretPositionFromPoint(x, y);
      if (p) { node = p.offsetNode; unit = p.offset; }
    } else if (document.caretRangeFromPoint) {
      var r = document.caretRangeFromPoint(x, y);
      if (r) { node = r.startContainer; unit = r.startOffset; }
    }
    return node && node.nodeType === 3 ? nodeOffset(node, unit) : null;
  }

  // ---- the server -----------------------------------------------------------------------
  function request(method, path, body) {
    var opts = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { throw new Error(j && j.error ? j.error : "HTTP " + r.status); }
        return j;
      });
    });
  }
  function load() {
    var reviewer = getReviewer();
    say("loading…");
    return request("GET", api + "?reviewer=" + encodeURIComponent(reviewer)).then(function (j) {
      state = j;
      say("");
      render();
    }).catch(function (err) { say("could not load the review: " + err.message, true); });
  }
  function send(layer, body) {
    body.reviewer = getReviewer();
    say("saving…");
    return request("POST", api + "/" + layer, body).then(function (item) {
      merge(layer, item);
      say("saved");
      return item;
    }).catch(function (err) { say(err.message, true); throw err; });
  }
  function merge(layer, item) {
    var list = state[layer];
    for (var i = 0; i < list.length; i++) {
      if (list[i].key === item.key) { list[i] = item; render(); return; }
    }
    list.push(item);
    render(item.key);
  }

  // ---- items ----------------------------------------------------------------------------
  function tSpan(t) { return t.current || t.model || t; }
  function tRange(t) { var c = tSpan(t); return [c.start, c.end]; }
  function aRange(a) { return [a.content.start, a.content.end]; }
  function pageTechIndex(t) {
    var m = t.model;
    if (!m) { return -1; }
    for (var i = 0; i < pageTechs.length; i++) {
      var p = pageTechs[i];
      if (p.start === m.start && p.end === m.end && p.technique === m.technique) { return i; }
    }
    return -1;
  }
  function pageAttIndex(a) {
    for (var i = 0; i < pageAtts.length; i++) {
      if (pageAtts[i].start === a.content.start && pageAtts[i].end === a.content.end) { return i; }
    }
    return -1;
  }
  function visibleInText(t) {
    var i = pageTechIndex(t);
    if (i < 0) { return false; }
    var span = textEl.querySelector('.t[data-i="' + i + '"]');
    return !!span && !span.classList.contains("off");
  }
  function listed(t) { return t.shown || t.status !== "model" || visibleInText(t); }
  function byStart(ra) {
    return function (x, y) { var a = ra(x), b = ra(y); return a[0] - b[0] || a[1] - b[1]; };
  }
  function collect() {
    var ts = state.techniques.filter(listed).sort(byStart(tRange));
    var as = state.attributions.slice().sort(byStart(aRange));
    return ts.map(function (t) { return { kind: "t", item: t }; })
      .concat(as.map(function (a) { return { kind: "a", item: a }; }));
  }
  function current() { return cur >= 0 && cur < items.length ? items[cur] : null; }

  // ---- the panel ------------------------------------------------------------------------
  function badge(status, text) {
    var b = el("span", "rv-badge rv-s-" + String(status).replace(/[^a-z]/g, ""), text || status);
    b.setAttribute("data-status", status);
    return b;
  }
  function labelSelect(value) {
    var s = labelsTpl.cloneNode(true);
    s.removeAttribute("id");
    s.hidden = false;
    s.className = "rv-label";
    s.value = value;
    return s;
  }
  function techRow(t) {
    var row = el("div", "rv-row rv-t rv-st-" + t.status);
    row.setAttribute("data-key", t.key);
    var head = el("div", "rv-head");
    head.appendChild(badge(t.status));
    var m = t.model, c = t.current, now = tSpan(t);
    var name = el("span", "rv-name");
    if (t.status === "rejected" && m) {
      name.appendChild(el("s", "rv-was", m.technique));
    } else if (m && c && c.technique !== m.technique) {
      name.appendChild(el("s", "rv-was", m.technique));
      name.appendChild(document.createTextNode(" → "));
      name.appendChild(el("strong", "rv-now", c.technique));
    } else {
      name.appendChild(el("strong", "rv-now", now.technique));
    }
    head.appendChild(name);
    if (t.confidence !== null && t.confidence !== undefined) {
      head.appendChild(el("span", "rv-conf", Number(t.confidence).toFixed(2)));
    }
    row.appendChild(head);
    row.appendChild(el("div", "rv-text", "“" + excerpt(now.start, now.end) + "”"));
    if (m && c && (c.start !== m.start || c.end !== m.end)) {
      var was = el("div", "rv-text rv-was-text");
      was.appendChild(el("s", null, "“" + excerpt(m.start, m.end) + "”"));
      row.appendChild(was);
    }
    var acts = el("div", "rv-acts");
    acts.appendChild(button("Confirm", "rv-confirm", "confirm (c)", function () { act("confirm"); }));
    acts.appendChild(button("Reject", "rv-reject", "reject (x)", function () { act("reject"); }));
    var sel = labelSelect(now.technique);
    sel.title = "change the technique (r)";
    sel.addEventListener("click", function (ev) { ev.stopPropagation(); });
    sel.addEventListener("change", function () { select(t.key); act("relabel", sel.value); });
    acts.appendChild(sel);
    row.appendChild(acts);
    return row;
  }
  function attRow(a) {
    var row = el("div", "rv-row rv-a rv-st-" + a.status);
    row.setAttribute("data-key", a.key);
    var head = el("div", "rv-head");
    head.appendChild(badge(a.status, a.status === "rejected" ? "not a statement" : a.status));
    var name = el("span", "rv-name");
    var now = a.current_speaker;
    if (a.status === "rejected") {
      name.appendChild(el("s", "rv-was", a.speaker || "no speaker"));
    } else if (a.speaker && now && now !== a.speaker) {
      name.appendChild(el("s", "rv-was", a.speaker));
      name.appendChild(document.createTextNode(" → "));
      name.appendChild(el("strong", "rv-now", now));
    } else {
      name.appendChild(el("strong", "rv-now", now || a.speaker || "no speaker"));
    }
    head.appendChild(name);
    row.appendChild(head);
    row.appendChild(el("div", "rv-text", "“" + excerpt(a.content.start, a.content.end) + "”"));
    var acts = el("div", "rv-acts");
    acts.appendChild(button("Confirm", "rv-confirm", "confirm (c)", function () { act("confirm"); }));
    acts.appendChild(button("Not a statement", "rv-reject", "reject (x)", function () { act("reject"); }));
    var inp = el("input", "rv-speaker");
    inp.type = "text";
    inp.maxLength = 300;
    inp.setAttribute("list", "rv-speakers");
    inp.setAttribute("aria-label", "speaker");
    inp.placeholder = "speaker (r)";
    inp.value = now || a.speaker || "";
    inp.addEventListener("click", function (ev) { ev.stopPropagation(); });
    function setSpeaker() {
      var v = inp.value.trim();
      if (v) { select(a.key); act("speaker", v); }
    }
    inp.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); setSpeaker(); }
    });
    acts.appendChild(inp);
    acts.appendChild(button("Set", "rv-set-speaker", "set the speaker", setSpeaker));
    row.appendChild(acts);
    return row;
  }
  function render(selectKey) {
    if (!state) { return; }
    var keep = selectKey || (current() ? current().item.key : null);
    items = collect();
    cur = -1;
    items.forEach(function (it, i) { if (it.item.key === keep) { cur = i; } });
    if (cur < 0 && items.length) { cur = 0; }
    clear(panel);
    panel.appendChild(el("h2", null, "Review"));
    var done = el("p", "rv-reviewed",
      state.reviewed ? "Reviewed by " + state.reviewer : "Not yet marked reviewed");
    done.classList.toggle("rv-yes", !!state.reviewed);
    panel.appendChild(done);
    var others = (state.reviewers || []).filter(function (r) { return r !== state.reviewer; });
    if (others.length) { panel.appendChild(el("p", "muted", "Also reviewed by " + others.join(", "))); }
    panel.appendChild(el("h3", null, "Technique spans"));
    var tl = el("div", "rv-list");
    tl.id = "rv-techniques";
    panel.appendChild(tl);
    panel.appendChild(el("h3", null, "Who said what"));
    var al = el("div", "rv-list");
    al.id = "rv-attributions";
    panel.appendChild(al);
    items.forEach(function (it, i) {
      var row = it.kind === "t" ? techRow(it.item) : attRow(it.item);
      row.addEventListener("click", function () { cur = i; focus(true); });
      (it.kind === "t" ? tl : al).appendChild(row);
    });
    if (!tl.firstChild) { tl.appendChild(el("p", "muted", "No technique spans shown.")); }
    if (!al.firstChild) { al.appendChild(el("p", "muted", "No statements found.")); }
    clear(speakerList);
    (state.speakers || []).forEach(function (s) {
      var o = document.createElement("option");
      o.value = s;
      speakerList.appendChild(o);
    });
    doneBtn.textContent = state.reviewed ? "Reviewed ✓" : "Mark reviewed";
    doneBtn.classList.toggle("rv-yes", !!state.reviewed);
    markText();
    focus(false);
  }
  function rowOf(key) {
    var rows = panel.querySelectorAll(".rv-row");
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getAttribute("data-key") === key) { return rows[i]; }
    }
    return null;
  }
  function select(key) {
    items.forEach(function (it, i) { if (it.item.key === key) { cur = i; } });
    focus(false);
  }
  function focus(scroll) {
    panel.querySelectorAll(".rv-row.rv-cur").forEach(function (r) { r.classList.remove("rv-cur"); });
    var it = current();
    if (it) {
      var row = rowOf(it.item.key);
      if (row) {
        row.classList.add("rv-cur");
        if (scroll) { row.scrollIntoView({ block: "nearest" }); }
      }
    }
    draw();
    if (scroll && it) {
      var rg = it.kind === "t" ? tRange(it.item) : aRange(it.item);
      var r = rangeOf(rg[0], rg[1]);
      var box = r && r.getBoundingClientRect();
      if (box && (box.top < 0 || box.bottom > window.innerHeight)) {
        window.scrollBy({ top: box.top - window.innerHeight / 3 });
        draw();
      }
    }
  }
  function step(d) {
    if (!items.length) { return; }
    cur = Math.max(0, Math.min(items.length - 1, (cur < 0 ? 0 : cur + d)));
    focus(true);
  }

  // ---- actions --------------------------------------------------------------------------
  function act(action, value) {
    var it = current();
    if (!it) { return Promise.resolve(null); }
    var body = { action: action, key: it.item.key };
    if (it.kind === "t") {
      if (action === "relabel") { body.technique = value; }
      return send("techniques", body).catch(function () { render(); });
    }
    if (action === "speaker") { body.speaker = value; }
    return send("attributions", body).catch(function () { render(); });
  }
  function resize(key, start, end) {
    return send("techniques", { action: "resize", key: key, start: start, end: end })
      .catch(function () { render(); });
  }
  function relabelKey() {
    var it = current();
    if (!it) { return; }
    var row = rowOf(it.item.key);
    var f = row && row.querySelector(it.kind === "t" ? "select.rv-label" : "input.rv-speaker");
    if (f) { f.focus(); if (f.select) { f.select(); } }
  }

  // ---- marks in the article: rejected spans struck, corrected extents outlined ------------
  var MARKS = ["rv-rejected", "rv-last", "rv-st-confirmed", "rv-st-relabelled", "rv-st-resized"];
  function markText() {
    textEl.querySelectorAll(".rv-marked").forEach(function (n) {
      n.classList.remove.apply(n.classList, MARKS.concat(["rv-marked"]));
      n.removeAttribute("data-rv-label");
    });
    if (!on || !state) { return; }
    state.techniques.forEach(function (t) {
      var i = pageTechIndex(t);
      if (i < 0 || t.status === "model") { return; }
      var pieces = textEl.querySelectorAll('.t[data-i="' + i + '"]');
      pieces.forEach(function (n, j) {
        n.classList.add("rv-marked", t.status === "rejected" ? "rv-rejected" : "rv-st-" + t.status);
        if (j === pieces.length - 1) {
          n.classList.add("rv-last");
          if (t.current) { n.setAttribute("data-rv-label", t.current.technique); }
        }
      });
    });
    state.attributions.forEach(function (a) {
      if (a.status !== "rejected") { return; }
      var i = pageAttIndex(a);
      if (i < 0) { return; }
      textEl.querySelectorAll("[data-a]").forEach(function (n) {
        if (n.getAttribute("data-a").split(" ").indexOf(String(i)) >= 0) {
          n.classList.add("rv-marked", "rv-rejected");
        }
      });
    });
  }
  function boxes(s, e, cls, key) {
    var r = rangeOf(s, e);
    if (!r) { return []; }
    var base = overlay.getBoundingClientRect();
    var out = [];
    Array.prototype.forEach.call(r.getClientRects(), function (q) {
      if (q.width < 1) { return; }
      var b = el("div", "rv-box " + cls);
      if (key) { b.setAttribute("data-key", key); }
      b.style.left = (q.left - base.left) + "px";
      b.style.top = (q.top - base.top) + "px";
      b.style.width = q.width + "px";
      b.style.height = q.height + "px";
      overlay.appendChild(b);
      out.push(q);
    });
    return out;
  }
  function handle(edge, q, key) {
    var base = overlay.getBoundingClientRect();
    var h = el("div", "rv-handle rv-h-" + edge);
    h.setAttribute("data-key", key);
    h.title = "drag to move the span's " + edge + " (snaps to words)";
    h.style.left = ((edge === "start" ? q.left : q.right) - base.left - 4) + "px";
    h.style.top = (q.top - base.top) + "px";
    h.style.height = q.height + "px";
    h.addEventListener("mousedown", function (ev) {
      if (ev.button !== 0) { return; }
      ev.preventDefault();
      ev.stopPropagation();
      var it = current();
      if (!it || it.kind !== "t") { return; }
      var rg = tRange(it.item);
      drag = { edge: edge, key: it.item.key, start: rg[0], end: rg[1], from: rg.slice() };
      document.body.classList.add("rv-dragging");
    });
    overlay.appendChild(h);
  }
  function draw() {
    if (!overlay) { return; }
    clear(overlay);
    if (!on || !state) { return; }
    state.techniques.forEach(function (t) {
      if (!t.current || t.status === "rejected") { return; }
      if (t.status === "added" || t.status === "resized") {
        boxes(t.current.start, t.current.end, "rv-box-" + t.status, t.key);
      }
    });
    state.attributions.forEach(function (a) {
      if (a.status === "added") { boxes(a.content.start, a.content.end, "rv-box-statement", a.key); }
    });
    var it = current();
    if (!it) { return; }
    if (it.kind === "t") {
      var rg = drag && drag.key === it.item.key ? [drag.start, drag.end] : tRange(it.item);
      var qs = boxes(rg[0], rg[1], "rv-box-cur" + (drag ? " rv-box-drag" : ""), it.item.key);
      if (qs.length && it.item.status !== "rejected") {
        handle("start", qs[0], it.item.key);
        handle("end", qs[qs.length - 1], it.item.key);
      }
    } else {
      boxes(it.item.content.start, it.item.content.end, "rv-box-cur", it.item.key);
    }
  }
  document.addEventListener("mousemove", function (ev) {
    if (!drag) { return; }
    ev.preventDefault();
    var off = caretOffset(ev.clientX, ev.clientY);
    if (off === null) { return; }
    if (drag.edge === "start") {
      var s = snapStart(off);
      if (s < drag.end) { drag.start = s; }
    } else {
      var e = snapEnd(off);
      if (e > drag.start) { drag.end = e; }
    }
    draw();
  });
  document.addEventListener("mouseup", function (ev) {
    if (drag) {
      var d = drag;
      drag = null;
      document.body.classList.remove("rv-dragging");
      ev.preventDefault();
      if (d.start !== d.from[0] || d.end !== d.from[1]) { resize(d.key, d.start, d.end); } else { draw(); }
      return;
    }
    var t = ev.target;
    if (on && !addBox.contains(t) && !panel.contains(t) && !bar.contains(t)) {
      window.setTimeout(offerSelection, 0);
    }
  });
  // a selection made with the keyboard (or any other way): offered once it settles
  var mouseDown = false, settle = 0;
  document.addEventListener("mousedown", function () { mouseDown = true; }, true);
  document.addEventListener("mouseup", function () { mouseDown = false; }, true);
  document.addEventListener("selectionchange", function () {
    if (!on || mouseDown || drag) { return; }
    window.clearTimeout(settle);
    settle = window.setTimeout(function () {
      var span = selectionSpan();
      if (span && !(pending && !addBox.hidden && pending.start === span.start && pending.end === span.end)) {
        offerSelection();
      }
    }, 250);
  });
  window.addEventListener("resize", function () { draw(); });
  if (window.ResizeObserver) {  // the text moved (help shown, a residue run opened, fonts): redraw
    var redraw = 0;
    new ResizeObserver(function () {
      window.cancelAnimationFrame(redraw);
      redraw = window.requestAnimationFrame(function () { if (!drag) { draw(); } });
    }).observe(col);
  }
  textEl.addEventListener("toggle", function () { draw(); }, true);  // a residue run opened

  // ---- adding what the model missed: select text, then add a span or a statement ----------
  function selectionSpan() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) { return null; }
    var r = sel.getRangeAt(0);
    if (!textEl.contains(r.startContainer) || !textEl.contains(r.endContainer)) { return null; }
    var s = r.startContainer.nodeType === 3 ? nodeOffset(r.startContainer, r.startOffset) : null;
    var e = r.endContainer.nodeType === 3 ? nodeOffset(r.endContainer, r.endOffset) : null;
    if (s === null || e === null) { return null; }
    s = snapStart(s);
    e = snapEnd(e);
    return e > s ? { start: s, end: e } : null;
  }
  function buildAddBox() {
    addBox = el("div", "pop rv-add");
    addBox.id = "rv-add";
    addBox.setAttribute("role", "dialog");
    addBox.hidden = true;
    document.body.appendChild(addBox);
  }
  function offerSelection() {
    var span = selectionSpan();
    if (!span) { return; }
    pending = span;
    var snapped = rangeOf(span.start, span.end), sel = window.getSelection();
    if (snapped && sel.rangeCount && sel.getRangeAt(0).toString() !== snapped.toString()) {
      sel.removeAllRanges();  // show what will be marked: the selection widened to whole words
      sel.addRange(snapped);
    }
    clear(addBox);
    addBox.appendChild(button("×", "pop-close", "close (Esc)", closeAdd));
    addBox.appendChild(el("div", "rv-add-text", "“" + excerpt(span.start, span.end, 160) + "”"));
    var tRow = el("div", "rv-add-row");
    var label = labelSelect(labelsTpl.options[0].value);
    label.id = "rv-add-technique";
    label.setAttribute("aria-label", "technique");
    tRow.appendChild(label);
    tRow.appendChild(button("Add technique span", "rv-add-span", "mark a missed technique span (a)",
      function () { addSpan(label.value); }));
    addBox.appendChild(tRow);
    var aRow = el("div", "rv-add-row");
    var inp = el("input", "rv-speaker");
    inp.id = "rv-add-speaker";
    inp.type = "text";
    inp.maxLength = 300;
    inp.setAttribute("list", "rv-speakers");
    inp.setAttribute("aria-label", "speaker");
    inp.placeholder = "speaker";
    inp.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); addStatement(inp.value); }
    });
    aRow.appendChild(inp);
    aRow.appendChild(button("Add statement", "rv-add-statement", "add a missed statement with its speaker",
      function () { addStatement(inp.value); }));
    addBox.appendChild(aRow);
    addBox.hidden = false;
    var r = rangeOf(span.start, span.end);
    var q = r ? r.getBoundingClientRect() : { left: 40, bottom: 40 };
    var w = addBox.offsetWidth, h = addBox.offsetHeight;
    addBox.style.left = Math.max(8, Math.min(q.left, window.innerWidth - w - 8)) + "px";
    var top = q.bottom + 8 + h <= window.innerHeight - 8 ? q.bottom + 8 : q.top - h - 8;  // below, else above
    addBox.style.top = Math.max(8, Math.min(top, window.innerHeight - h - 8)) + "px";
  }
  function closeAdd() { addBox.hidden = true; pending = null; }
  function addSpan(technique) {
    if (!pending) { return; }
    var p = pending;
    send("techniques", { action: "add", technique: technique, start: p.start, end: p.end })
      .then(function () { closeAdd(); window.getSelection().removeAllRanges(); })
      .catch(function () { /* said */ });
  }
  function addStatement(speaker) {
    speaker = (speaker || "").trim();
    if (!pending) { return; }
    if (!speaker) { say("type or pick the statement's speaker", true); return; }
    var p = pending;
    send("attributions", { action: "add", speaker: speaker, content_start: p.start, content_end: p.end })
      .then(function () { closeAdd(); window.getSelection().removeAllRanges(); })
      .catch(function () { /* said */ });
  }

  // ---- mode, reviewer, keyboard ---------------------------------------------------------
  function setMode(v) {
    on = v;
    store(MODE_KEY, v ? "1" : "0");
    document.body.classList.toggle("rv-on", v);
    toggle.setAttribute("aria-pressed", v ? "true" : "false");
    panel.hidden = !v;
    doneBtn.hidden = !v;
    if (!v) {
      who.hidden = true;
      closeAdd();
      markText();
      draw();
      say("");
      return;
    }
    var name = getReviewer();
    if (!validName(name)) { askName(); return; }
    showReviewer(name);
    load();
  }
  function askName() {
    who.hidden = false;
    doneBtn.hidden = true;
    nameInput.value = getReviewer();
    nameInput.focus();
  }
  function showReviewer(name) {
    clear(reviewerEl);
    reviewerEl.appendChild(document.createTextNode("reviewing as "));
    var change = el("button", "rv-link", name);
    change.type = "button";
    change.title = "change the reviewer name";
    change.addEventListener("click", askName);
    reviewerEl.appendChild(change);
  }
  function saveName() {
    var name = nameInput.value.trim();
    if (!validName(name)) { say("a reviewer name is 1 to 80 characters", true); return; }
    store(NAME_KEY, name);
    who.hidden = true;
    if (!window.localStorage || getReviewer() !== name) { say("this browser keeps no name", true); }
    showReviewer(name);
    doneBtn.hidden = false;
    load();
  }
  function markReviewed() {
    say("saving…");
    request("POST", api + "/done", { reviewer: getReviewer() }).then(function (j) {
      state.reviewed = !!j.reviewed;
      if (state.reviewers && state.reviewers.indexOf(state.reviewer) < 0) {
        state.reviewers.push(state.reviewer);
      }
      say("marked reviewed");
      render();
    }).catch(function (err) { say(err.message, true); });
  }
  function toggleHelp(v) {
    help.hidden = v === undefined ? !help.hidden : !v;
    draw();
  }

  function typing(t) {
    return t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" ||
      t.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (!on || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "Escape") {
      if (!help.hidden) { toggleHelp(false); } else if (addBox && !addBox.hidden) { closeAdd(); }
      if (typing(ev.target)) { ev.target.blur(); }
      return;
    }
    if (typing(ev.target) || !state || who.hidden === false) { return; }
    var k = ev.key;
    var handled = true;
    if (k === "j" || k === "ArrowDown" || k === "ArrowRight") { step(1); }
    else if (k === "k" || k === "ArrowUp" || k === "ArrowLeft") { step(-1); }
    else if (k === "c") { act("confirm"); }
    else if (k === "x") { act("reject"); }
    else if (k === "r") { relabelKey(); }
    else if (k === "a" && pending) { addBox.querySelector("#rv-add-technique").focus(); }
    else if (k === "?") { toggleHelp(); }
    else { handled = false; }
    if (handled) { ev.preventDefault(); }
  });
  document.addEventListener("mousedown", function (ev) {
    if (addBox && !addBox.hidden && !addBox.contains(ev.target)) { closeAdd(); }
  });

  // ---- start ----------------------------------------------------------------------------
  overlay = el("div", "rv-overlay");
  overlay.id = "rv-overlay";
  overlay.setAttribute("aria-hidden", "true");
  col.insertBefore(overlay, col.firstChild);
  buildAddBox();
  var form = document.getElementById("filters");
  if (form) {
    var later = function () { if (on && state) { render(); } };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }
  textEl.addEventListener("click", function (ev) {  // a highlight clicked: its item is current
    if (!on || !state || drag) { return; }
    var node = ev.target.closest ? ev.target.closest(".t[data-i]") : null;
    if (!node || !textEl.contains(node)) { return; }
    var i = Number(node.getAttribute("data-i"));
    items.forEach(function (it, j) {
      if (it.kind === "t" && pageTechIndex(it.item) === i) { cur = j; }
    });
    focus(false);
    var row = current() ? rowOf(current().item.key) : null;
    if (row) { row.scrollIntoView({ block: "nearest" }); }
  });
  toggle.addEventListener("click", function () { setMode(!on); });
  nameOk.addEventListener("click", saveName);
  nameInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); saveName(); }
  });
  doneBtn.addEventListener("click", markReviewed);
  helpBtn.addEventListener("click", function () { toggleHelp(); });
  bar.hidden = false;  // without JavaScript the page is the plain analysis
  var wasOn = false;
  try { wasOn = window.localStorage.getItem(MODE_KEY) === "1"; } catch (e) { wasOn = false; }
  if (wasOn) { setMode(true); }
})();
