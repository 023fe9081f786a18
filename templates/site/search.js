/* Search of the handbook site, offline: the index is window.SQMKIT_SEARCH, loaded by
   assets/search-index.js (built by sqmkit.search). Keys are single characters and pairs of
   adjacent characters; a query's candidates hold all its pairs, and are kept when their text
   really contains every term. Keyboard: "/" focuses the box, arrows move, Enter opens. */
(function () {
  "use strict";
  var data = window.SQMKIT_SEARCH;
  var box = document.getElementById("search-box");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!data || !box || !panel || !list || !status) { return; }
  var docs = data.docs, keys = data.keys, MAX = 20;
  var low = docs.map(function (d) { return (d[2] + " " + d[4]).toLowerCase(); });
  var titles = docs.map(function (d) { return d[2].toLowerCase(); });

  function norm(q) { return (q.normalize ? q.normalize("NFKC") : q).toLowerCase(); }
  function terms(q) { return norm(q).split(/\s+/).filter(function (t) { return t.length > 0; }); }

  function keysOf(t) {
    if (t.length === 1) { return [t]; }
    var out = [];
    for (var i = 0; i + 1 < t.length; i++) { out.push(t.substr(i, 2)); }
    return out;
  }

  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) { i++; } else { j++; }
    }
    return out;
  }

  function count(text, t) {
    var n = 0, at = text.indexOf(t);
    while (at >= 0 && n < 10) { n++; at = text.indexOf(t, at + t.length); }
    return n;
  }

  /* [row, score] pairs, best first; ties keep document order */
  function search(q) {
    var ts = terms(q), cand = null;
    if (!ts.length) { return []; }
    for (var i = 0; i < ts.length; i++) {
      var ks = keysOf(ts[i]);
      for (var k = 0; k < ks.length; k++) {
        var p = Object.prototype.hasOwnProperty.call(keys, ks[k]) ? keys[ks[k]] : [];
        cand = cand === null ? p : intersect(cand, p);
        if (!cand.length) { return []; }
      }
    }
    var hits = [];
    cand.forEach(function (row) {
      var score = 0;
      for (var i = 0; i < ts.length; i++) {
        var n = count(low[row], ts[i]);
        if (!n) { return; }
        var title = titles[row];
        score += n + (title === ts[i] ? 100 : title.indexOf(ts[i]) >= 0 ? 50 : 0);
      }
      hits.push([row, score]);
    });
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return hits;
  }

  /* text with every term wrapped in <mark>, built as DOM nodes (no HTML parsing) */
  function highlight(el, text, ts) {
    var l = text.toLowerCase(), at = 0;
    while (at < text.length) {
      var best = -1, len = 0;
      ts.forEach(function (t) {
        var i = l.indexOf(t, at);
        if (i >= 0 && (best < 0 || i < best)) { best = i; len = t.length; }
      });
      if (best < 0) { break; }
      if (best > at) { el.appendChild(document.createTextNode(text.slice(at, best))); }
      var m = document.createElement("mark");
      m.textContent = text.slice(best, best + len);
      el.appendChild(m);
      at = best + len;
    }
    if (at < text.length) { el.appendChild(document.createTextNode(text.slice(at))); }
  }

  function snippet(text, ts) {
    var l = text.toLowerCase(), at = -1;
    ts.forEach(function (t) { var i = l.indexOf(t); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
    if (at < 0) { at = 0; }
    var start = Math.max(0, at - 24), end = Math.min(text.length, at + 72);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function item(row, ts) {
    var d = docs[row], li = document.createElement("li"), a = document.createElement("a");
    a.href = d[0];
    a.className = "search-hit";
    var head = document.createElement("span");
    head.className = "hit-head";
    var num = document.createElement("span");
    num.className = "hit-num";
    num.textContent = d[1];
    head.appendChild(num);
    var title = document.createElement("span");
    title.className = "hit-title";
    highlight(title, d[2], ts);
    head.appendChild(title);
    var where = document.createElement("span");
    where.className = "hit-chapter";
    where.textContent = d[3];
    head.appendChild(where);
    var snip = document.createElement("span");
    snip.className = "hit-snippet";
    highlight(snip, snippet(d[4], ts), ts);
    a.appendChild(head);
    a.appendChild(snip);
    li.appendChild(a);
    return li;
  }

  function show() {
    var q = box.value, ts = terms(q);
    list.textContent = "";
    if (!ts.length) { panel.hidden = true; status.textContent = ""; return; }
    var hits = search(q);
    hits.slice(0, MAX).forEach(function (h) { list.appendChild(item(h[0], ts)); });
    status.textContent = hits.length ? hits.length + " / " + docs.length : status.getAttribute("data-none");
    panel.hidden = false;
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a.search-hit")); }

  function move(delta) {
    var all = links(), i = all.indexOf(document.activeElement);
    if (!all.length) { return; }
    if (i < 0) { all[delta > 0 ? 0 : all.length - 1].focus(); return; }
    if (i + delta < 0) { box.focus(); return; }
    all[Math.min(all.length - 1, i + delta)].focus();
  }

  box.addEventListener("input", show);
  box.addEventListener("focus", function () { if (box.value) { show(); } });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); move(e.key === "ArrowDown" ? 1 : -1); }
    if (e.key === "Escape") { panel.hidden = true; box.focus(); }
  });
  box.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    if (e.key === "Enter") { var all = links(); if (all.length) { e.preventDefault(); all[0].click(); } }
    if (e.key === "Escape") { box.value = ""; show(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); box.focus(); box.select(); }
  });
  document.addEventListener("click", function (e) {
    if (!panel.hidden && !panel.contains(e.target) && e.target !== box) { panel.hidden = true; }
  });
  list.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a") : null;
    if (a && a.getAttribute("href").split("#")[0] === location.pathname.split("/").pop()) { panel.hidden = true; }
  });
  window.sqmkitSearch = search;
})();
