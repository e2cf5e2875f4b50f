/* spinscope article view: technique popups, filters, speaker jumps.
   Article data is untrusted: it is only ever inserted with textContent, never innerHTML. */
(function () {
  "use strict";
  var dataEl = document.getElementById("ss-data");
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var techs = data.techniques || [];
  var atts = data.attributions || [];
  var pop = document.getElementById("ss-pop");
  var textEl = document.getElementById("article-text");
  var form = document.getElementById("filters");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function voiceText(t) {
    if (t.voice === "attributed") {
      return "attributed" + (t.speaker ? " to " + t.speaker : "");
    }
    return "outlet narration";
  }

  function showPopup(indices, x, y) {
    while (pop.firstChild) { pop.removeChild(pop.firstChild); }
    indices.forEach(function (i) {
      var t = techs[i];
      if (!t) { return; }
      var box = el("div", "pop-item t-info " + t.cls);
      box.appendChild(el("strong", "pop-name", t.technique));
      if (t.definition) { box.appendChild(el("div", "pop-def", t.definition)); }
      var meta = "confidence " + (t.confidence === null ? "n/a" : t.confidence.toFixed(2)) +
        " · voice: " + voiceText(t);
      box.appendChild(el("div", "pop-meta", meta));
      box.appendChild(el("div", "pop-text", "“" + t.text + "”"));
      var ev = t.evidence && t.evidence.examples ? t.evidence.examples : [];
      if (ev.length) {  // the training phrases most like this one (same technique)
        box.appendChild(el("div", "pop-ev-h", "Marked " + t.technique + " in training articles:"));
        var list = el("ul", "pop-ev");
        ev.forEach(function (x) {
          var sim = typeof x.similarity === "number" ? " (" + x.similarity.toFixed(2) + ")" : "";
          list.appendChild(el("li", null, "“" + x.text + "”" + sim));
        });
        box.appendChild(list);
      }
      pop.appendChild(box);
    });
    var close = el("button", "pop-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", function () { pop.hidden = true; });
    pop.insertBefore(close, pop.firstChild);
    pop.hidden = false;
    shownAt = Date.now();
    var w = pop.offsetWidth, h = pop.offsetHeight;
    pop.style.left = Math.max(8, Math.min(x + 12, window.innerWidth - w - 8)) + "px";
    pop.style.top = Math.max(8, Math.min(y + 12, window.innerHeight - h - 8)) + "px";
  }

  textEl.addEventListener("click", function (ev) {
    var node = ev.target;
    var indices = [];
    while (node && node !== textEl) {
      if (node.classList && node.classList.contains("t") && !node.classList.contains("off")) {
        indices.push(Number(node.getAttribute("data-i")));
      }
      node = node.parentNode;
    }
    if (indices.length) {
      showPopup(indices, ev.clientX, ev.clientY);
      ev.stopPropagation();
    } else {
      pop.hidden = true;
    }
  });
  var shownAt = 0;
  window.addEventListener("scroll", function () {
    if (Date.now() - shownAt > 400) { pop.hidden = true; }  // not the click's own scroll-in
  }, { passive: true });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { pop.hidden = true; }
  });
  document.addEventListener("click", function (ev) {
    if (!pop.contains(ev.target)) { pop.hidden = true; }
  });

  function applyFilters() {
    if (!form) { return; }
    var allowed = {};
    form.querySelectorAll("input[name=technique]").forEach(function (cb) {
      allowed[cb.value] = cb.checked;
    });
    var slider = form.elements.confidence;
    var minConf = Number(slider.value);
    form.elements.confidence_out.value = minConf.toFixed(2);
    var voice = form.elements.voice.value;
    // per span: passing the slider and the voice filter (a chip counts these, whether its own
    // box is ticked or not), and passing every filter, its technique's box too (shown)
    var sure = techs.map(function (t) {
      return (t.confidence === null || t.confidence >= minConf - 1e-9) &&
        (voice === "all" || t.voice === voice);
    });
    var on = techs.map(function (t, i) {
      return sure[i] && allowed[t.technique] !== false;
    });
    var counts = {}, shown = 0;
    techs.forEach(function (t, i) {
      if (sure[i]) { counts[t.technique] = (counts[t.technique] || 0) + 1; }
      if (on[i]) { shown += 1; }
    });
    textEl.querySelectorAll(".t").forEach(function (span) {
      span.classList.toggle("off", !on[Number(span.getAttribute("data-i"))]);
    });
    form.querySelectorAll(".count[data-technique]").forEach(function (c) {
      c.textContent = String(counts[c.getAttribute("data-technique")] || 0);
    });
    var total = document.getElementById("shown-count");
    if (total) { total.textContent = String(shown); }
    var note = document.getElementById("below-default");
    if (note) { note.hidden = minConf >= Number(slider.getAttribute("data-default")) - 1e-9; }
  }

  // In the web app the page holds the spans down to the confidence it was analysed at; sliding
  // below that asks the server for the article analysed further down (nothing is stored).
  function reveal() {
    var slider = form.elements.confidence;
    var v = Number(slider.value);
    if (slider.getAttribute("data-reveal") && v < Number(slider.getAttribute("data-analysed")) - 1e-9) {
      var u = new URL(window.location.href);
      u.searchParams.set("min_confidence", v.toFixed(3));
      window.location.assign(u.toString());
    }
  }
  if (form) {
    form.addEventListener("input", applyFilters);
    form.addEventListener("change", applyFilters);
    form.elements.confidence.addEventListener("change", reveal);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    applyFilters(); // the slider starts at the model's default view: hide what is below it
  }

  function flash(i) {
    textEl.querySelectorAll(".flash").forEach(function (n) { n.classList.remove("flash"); });
    var first = null;
    textEl.querySelectorAll("[data-a]").forEach(function (seg) {
      if (seg.getAttribute("data-a").split(" ").indexOf(String(i)) >= 0) {
        seg.classList.add("flash");
        if (!first) { first = seg; }
      }
    });
    if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
  }
  document.querySelectorAll("a.statement").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var i = Number(a.getAttribute("data-a"));
      flash(i);
      if (history.replaceState) { history.replaceState(null, "", "#att-" + i); }
    });
  });
  if (/^#att-\d+$/.test(location.hash)) { flash(Number(location.hash.slice(5))); }
  void atts;
})();
