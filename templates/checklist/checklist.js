/* A checklist as a field tool: header, answers, remarks and photos; live score; several
   inspections kept in this browser (IndexedDB); finish; export (JSON format 2, CSV); print.
   Scoring is the rule of sqmkit.inspections.score (Python), which re-scores imported results:
   - check items: pass earns max, fail earns 0, N/A leaves the item out; score items: 0..max
     (out of range is refused, never clamped: the item counts as unanswered);
   - total = sum(weight * earned) / sum(weight * max) * 100 over applicable items (unanswered earn 0),
     rounded half up to one decimal; no total and no grade while nothing is answered, nor when
     every answer is N/A (nothing to score);
   - grade = first band (highest first) whose min <= total; a failed veto item (0 points) forces fail_grade. */
(function () {
  "use strict";
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var data = JSON.parse($("#checklist-data").textContent);
  var T = JSON.parse($("#checklist-text").textContent);
  var cut = data.build.lastIndexOf("#");
  var VERSION = data.version || data.build.slice(0, cut);
  var HASH = data.hash || data.build.slice(cut + 1);
  var SCOPE = data.client + "/" + data.checklist;
  var CURRENT_KEY = "sqmkit:current:" + SCOPE;
  var MAX_PHOTOS = 20, MAX_PHOTO_BYTES = 2 * 1024 * 1024, MAX_SIDE = 1600;
  var HEADER = ["inspector", "date", "site", "inspectee"];
  var rowOf = {}, kpiInputs = $$("input[data-kpi]");
  $$(".item[data-id]").forEach(function (row) { rowOf[row.getAttribute("data-id")] = row; });

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function isoNow() {
    var d = new Date(), off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return today() + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) +
      sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" +
      h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function itemName(id) {
    var row = rowOf[id], text = $(".text", row).textContent.trim();
    return row.getAttribute("data-label") + " " + (text.length > 40 ? text.slice(0, 40) + "…" : text);
  }

  /* ---- storage: IndexedDB (inspections and photo blobs); in memory when the browser refuses ---- */
  function memoryStore() {
    var insp = {}, photos = {};
    return {
      persistent: false,
      list: function () { return Promise.resolve(Object.keys(insp).map(function (k) { return JSON.parse(insp[k]); })); },
      put: function (x) { insp[x.id] = JSON.stringify(x); return Promise.resolve(); },
      remove: function (id) {
        delete insp[id];
        Object.keys(photos).forEach(function (k) { if (k.indexOf(id + "/") === 0) delete photos[k]; });
        return Promise.resolve();
      },
      putPhoto: function (key, rec) { photos[key] = rec; return Promise.resolve(); },
      getPhoto: function (key) { return Promise.resolve(photos[key]); },
      removePhoto: function (key) { delete photos[key]; return Promise.resolve(); }
    };
  }
  function idbStore(db) {
    function run(name, mode, fn) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(name, mode), req = fn(t.objectStore(name));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    }
    return {
      persistent: true,
      list: function () { return run("inspections", "readonly", function (s) { return s.index("scope").getAll(SCOPE); }); },
      put: function (x) { return run("inspections", "readwrite", function (s) { return s.put(JSON.parse(JSON.stringify(x))); }); },
      remove: function (id) {
        return run("inspections", "readwrite", function (s) { return s.delete(id); }).then(function () {
          return run("photos", "readwrite", function (s) { return s.delete(IDBKeyRange.bound(id + "/", id + "/\uffff")); });
        });
      },
      putPhoto: function (key, rec) { return run("photos", "readwrite", function (s) { return s.put(rec, key); }); },
      getPhoto: function (key) { return run("photos", "readonly", function (s) { return s.get(key); }); },
      removePhoto: function (key) { return run("photos", "readwrite", function (s) { return s.delete(key); }); }
    };
  }
  function openStore() {
    return new Promise(function (resolve) {
      var req;
      try { req = indexedDB.open("sqmkit-checklists", 1); } catch (e) { resolve(memoryStore()); return; }
      req.onupgradeneeded = function () {
        var db = req.result;
        db.createObjectStore("inspections", { keyPath: "id" }).createIndex("scope", "scope");
        db.createObjectStore("photos");
      };
      req.onsuccess = function () { resolve(idbStore(req.result)); };
      req.onerror = function () { resolve(memoryStore()); };
    });
  }
  /* the work of a 0.2 page (one inspection in localStorage, keyed by build): read once, as an inspection */
  function legacy() {
    var key = "sqmkit:" + data.build + ":" + data.checklist, saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || typeof saved !== "object") return null;
    var x = blank(), fields = saved.fields || {}, answers = saved.answers || {};
    Object.keys(x.fields).forEach(function (k) { if (typeof fields[k] === "string" && fields[k]) x.fields[k] = fields[k]; });
    Object.keys(x.answers).forEach(function (k) {
      var a = answers[k];
      if (a === "pass" || a === "fail" || a === "na" || (typeof a === "number" && isFinite(a))) x.answers[k].answer = a;
    });
    return { inspection: x, key: key };
  }
  function remember(id) { try { localStorage.setItem(CURRENT_KEY, id); } catch (e) { /* not kept: fine */ } }
  function remembered() { try { return localStorage.getItem(CURRENT_KEY); } catch (e) { return null; } }

  /* ---- the inspection being edited ---- */
  var store = null, current = null, stored = false, thumbs = {}, pending = 0, claims = {};

  function blank() {
    var fields = {}, answers = {};
    $$("[data-field]").forEach(function (el) { fields[el.getAttribute("data-field")] = ""; });
    fields.date = today();
    data.items.forEach(function (it) { answers[it.id] = { answer: null, remark: "" }; });
    return { id: uuid(), scope: SCOPE, client: data.client, checklist: data.checklist, build: data.build,
             started_at: isoNow(), updated_at: isoNow(), finished_at: null, fields: fields, answers: answers, photos: [],
             kpis: {} };
  }

  function readItem(row) {
    var out = { answer: null, remark: $("textarea", row).value };
    if (row.getAttribute("data-mode") === "score") {
      var input = $("input[type=number]", row), na = $("input[type=checkbox]", row);
      if (na.checked) out.answer = "na";
      else if (input.validity.badInput) out.raw = "?";
      else if (input.value !== "") {
        var v = Number(input.value), max = parseFloat(row.getAttribute("data-max"));
        if (isFinite(v) && v >= 0 && v <= max) out.answer = v; else out.raw = input.value;
      }
      if (na.checked && input.value !== "") out.kept = input.value;
    } else {
      var checked = $("input[type=radio]:checked", row);
      out.answer = checked ? checked.value : null;
    }
    return out;
  }

  function readForm() {
    $$("[data-field]").forEach(function (el) { current.fields[el.getAttribute("data-field")] = el.value; });
    Object.keys(rowOf).forEach(function (id) { current.answers[id] = readItem(rowOf[id]); });
    current.kpis = {};
    kpiInputs.forEach(function (el) {  /* KPI readings: finite numbers only (an empty field is no reading) */
      var v = Number(el.value);
      if (el.value !== "" && !el.validity.badInput && isFinite(v)) current.kpis[el.getAttribute("data-kpi")] = v;
    });
  }

  /* the KPI readings of an inspection, in the page's order, unknown ids and non-numbers left out */
  function kpisOf(x) {
    var out = {}, kept = x.kpis || {};
    kpiInputs.forEach(function (el) {
      var k = el.getAttribute("data-kpi");
      if (typeof kept[k] === "number" && isFinite(kept[k])) out[k] = kept[k];
    });
    return out;
  }

  function writeForm() {
    $$("[data-field]").forEach(function (el) { el.value = current.fields[el.getAttribute("data-field")] || ""; });
    Object.keys(rowOf).forEach(function (id) {
      var row = rowOf[id], a = current.answers[id] || { answer: null, remark: "" };
      $("textarea", row).value = a.remark || "";
      if (row.getAttribute("data-mode") === "score") {
        $("input[type=checkbox]", row).checked = a.answer === "na";
        var v = typeof a.answer === "number" ? String(a.answer) : a.raw && a.raw !== "?" ? a.raw : a.kept || "";
        $("input[type=number]", row).value = v;
      } else {
        $$("input[type=radio]", row).forEach(function (el) { el.checked = el.value === a.answer; });
      }
    });
    kpiInputs.forEach(function (el) {
      var v = current.kpis[el.getAttribute("data-kpi")];
      el.value = typeof v === "number" ? String(v) : "";
    });
    if (kpiInputs.length && Object.keys(current.kpis).length) $("#kpis").open = true;
    $$(".photo-msg").forEach(function (el) { el.textContent = ""; });  /* another inspection: no old messages */
    showPhotos();
  }

  /* ---- scoring (the same rule as sqmkit.inspections.score) ---- */
  function scoreOf(answers) {
    var earned = 0, possible = 0, answered = 0, vetoFailed = [];
    data.items.forEach(function (it) {
      var a = answers[it.id] ? answers[it.id].answer : null;
      if (a === "na") { answered++; return; }
      possible += it.weight * it.max;
      if (a === null || a === undefined) return;
      var got = a === "pass" ? it.max : a === "fail" ? 0 : a;
      answered++;
      earned += it.weight * got;
      if (it.veto && got === 0) vetoFailed.push(it.id);
    });
    if (!answered || !possible) return { total: null, grade: null, answered: answered, vetoFailed: [] };
    var total = Math.floor(earned / possible * 1000 + 0.5) / 10;
    var grade = data.bands[data.bands.length - 1].grade;
    for (var i = 0; i < data.bands.length; i++) {
      if (total >= data.bands[i].min) { grade = data.bands[i].grade; break; }
    }
    return { total: total, grade: vetoFailed.length ? data.fail_grade : grade, answered: answered, vetoFailed: vetoFailed };
  }
  function itemOf(id) { return data.items.filter(function (it) { return it.id === id; })[0]; }
  function needsRemark(it, a) {
    return a.answer === "fail" || (typeof a.answer === "number" && a.answer < it.max);
  }
  function answerText(it, a) {
    if (a.answer === null || a.answer === undefined) return T.not_answered;
    return typeof a.answer === "number" ? a.answer + " / " + it.max : T[a.answer];
  }
  function pointsOf(it, a) {
    return a.answer === "pass" ? it.max : a.answer === "fail" ? 0 : typeof a.answer === "number" ? a.answer : "";
  }

  /* ---- showing the state ---- */
  function showItem(it) {
    var row = rowOf[it.id], a = current.answers[it.id], failed = a.answer === "fail" || a.answer === 0;
    row.classList.toggle("na", a.answer === "na");
    row.classList.toggle("fail", failed);
    row.classList.toggle("pass", a.answer !== null && a.answer !== "na" && !failed);
    var need = needsRemark(it, a), textarea = $("textarea", row);
    row.classList.toggle("needs-remark", need && !a.remark.trim());
    $(".req", row).hidden = !need;
    if (need) textarea.setAttribute("aria-required", "true"); else textarea.removeAttribute("aria-required");
    if (it.mode === "score") {
      var input = $("input[type=number]", row), err = $(".err", row), bad = a.raw !== undefined;
      if (bad) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
      err.hidden = !bad;
      err.textContent = !bad ? "" : a.raw === "?" ? T.not_a_number : fmt(T.out_of_range, { max: it.max });
    }
    var rec = $(".rec", row);
    rec.textContent = "";
    var s = document.createElement("span");
    s.className = "a"; s.textContent = T.answer + "：" + answerText(it, a);
    rec.appendChild(s);
    if (a.remark.trim()) rec.appendChild(document.createTextNode(T.remark + "：" + a.remark.trim()));
  }

  function showKpis() {
    kpiInputs.forEach(function (el) {
      var bad = el.validity.badInput || (el.value !== "" && !isFinite(Number(el.value))), p = el.parentNode;
      if (bad) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
      $(".err", p).hidden = !bad;
      $(".pv", p).textContent = el.value;
    });
    if (kpiInputs.length) $("#kpis").classList.toggle("has-values", Object.keys(current.kpis).length > 0);
  }

  function show() {
    data.items.forEach(showItem);
    showKpis();
    $$("[data-field]").forEach(function (el) { var pv = $(".pv", el.parentNode); if (pv) pv.textContent = el.value; });
    var r = scoreOf(current.answers);
    $("#score").textContent = r.total === null ? "—" : r.total.toFixed(1);
    $("#grade").textContent = r.grade === null ? "—" : r.grade;
    $("#answered").textContent = String(r.answered);
    $("#veto-msg").hidden = r.vetoFailed.length === 0;
    if (r.grade === null) document.body.removeAttribute("data-grade"); else document.body.setAttribute("data-grade", r.grade);
    var line = $("#record-line");
    line.hidden = false;
    line.textContent = T.record_id + " " + current.id.slice(0, 8) + " · " +
      (current.finished_at ? fmt(T.finished_at, { time: current.finished_at.replace("T", " ").slice(0, 16) }) : T.in_progress);
    return r;
  }

  function status(text) { $("#status").textContent = text; }

  /* ---- saving and the list of inspections ---- */
  function save() {
    current.updated_at = isoNow();
    current.touched = Date.now();  /* orders the list within a second */
    stored = true;
    remember(current.id);
    var mine = ++pending;
    document.documentElement.setAttribute("data-saved", "no");
    return store.put(current).then(refreshList).then(function () {
      if (mine === pending) {  /* stored and listed */
        document.documentElement.setAttribute("data-saved", "yes");
        $("#saved").hidden = !store.persistent;
      }
    });
  }

  function describe(x) {
    var done = 0;
    Object.keys(x.answers || {}).forEach(function (k) { if (x.answers[k].answer !== null) done++; });
    return [x.fields.inspectee || T.unnamed, x.fields.site, x.fields.date, done + " / " + data.items.length,
            x.finished_at ? T.finished : T.in_progress].filter(Boolean).join(" · ");
  }

  function listButton(label, name, action) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label;
    b.setAttribute("aria-label", label + "：" + name);
    b.addEventListener("click", action);
    return b;
  }

  function latestFirst(a, b) { return (b.touched || 0) - (a.touched || 0); }
  var listing = 0;

  function refreshList() {
    var mine = ++listing;
    return store.list().then(function (all) {
      if (mine !== listing) return;  /* a later refresh shows the newer state */
      all.sort(latestFirst);
      var ul = $("#inspection-list");
      ul.textContent = "";
      all.forEach(function (x) {
        var li = document.createElement("li"), d = document.createElement("span"), name = describe(x);
        li.setAttribute("data-inspection", x.id);
        d.className = "desc"; d.textContent = name;
        if (x.build !== data.build) {
          var tag = document.createElement("span");
          tag.className = "tag"; tag.textContent = " (" + T.other_version + ")";
          d.appendChild(tag);
        }
        li.appendChild(d);
        if (x.id === current.id) {
          li.setAttribute("aria-current", "true");
          var c = document.createElement("span");
          c.className = "tag"; c.textContent = T.current;
          li.appendChild(c);
        } else {
          li.appendChild(listButton(T.resume, name, function () { resume(x.id); }));
        }
        li.appendChild(listButton(T.delete, name, function () {
          removeInspection(x, [x.fields.inspectee || T.unnamed, x.fields.date].filter(Boolean).join(" · "));
        }));
        ul.appendChild(li);
      });
      $("#inspections-none").hidden = all.length > 0;
    });
  }

  function open(insp, keep) {
    Object.keys(thumbs).forEach(function (k) { URL.revokeObjectURL(thumbs[k]); });
    thumbs = {};
    claims = {};
    current = insp;
    stored = keep;
    data.items.forEach(function (it) {
      var a = current.answers[it.id] || {};
      current.answers[it.id] = { answer: a.answer === undefined ? null : a.answer, remark: String(a.remark || ""), raw: a.raw, kept: a.kept };
    });
    Object.keys(current.answers).forEach(function (k) { if (!rowOf[k]) delete current.answers[k]; });
    current.photos = (current.photos || []).filter(function (k) { return rowOf[k]; });
    current.kpis = kpisOf(current);
    if (keep) remember(insp.id);
    $("#problems").hidden = true;
    status("");
    writeForm();
    show();
    return refreshList();
  }

  function resume(id) {
    return store.list().then(function (all) {
      var x = all.filter(function (y) { return y.id === id; })[0];
      if (x) return open(x, true).then(function () { $("#f-inspector").focus(); });
    });
  }

  function startNew() {
    var untouched = !stored;
    if (untouched) { $("#f-inspector").focus(); return Promise.resolve(); }
    return open(blank(), false).then(function () { $("#f-inspector").focus(); });
  }

  function removeInspection(x, name) {
    return ask(fmt(T.confirm_delete, { name: name }), T.delete).then(function (ok) {
      if (!ok) return;
      return store.remove(x.id).then(function () {
        if (x.id === current.id) return open(blank(), false);
        return refreshList();
      });
    });
  }

  function clearCurrent() {
    return ask(T.confirm_clear, T.reset).then(function (ok) {
      if (!ok) return;
      return store.remove(current.id).then(function () { return open(blank(), false); });
    });
  }

  /* a confirmation in a <dialog> (Esc and Cancel say no); confirm() where <dialog> is missing */
  function ask(message, okLabel) {
    var dlg = $("#confirm");
    if (!dlg.showModal) return Promise.resolve(window.confirm(message));
    $("#confirm-msg").textContent = message;
    $("#confirm-ok").textContent = okLabel;
    return new Promise(function (resolve) {
      dlg.returnValue = "cancel";
      dlg.addEventListener("close", function done() {
        dlg.removeEventListener("close", done);
        resolve(dlg.returnValue === "ok");
      });
      dlg.showModal();
      $("#confirm-cancel").focus();
    });
  }

  /* ---- photos: downscaled to at most 1600 px, JPEG, kept as blobs in IndexedDB ---- */
  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return createImageBitmap(file); });
    }
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = URL.createObjectURL(file);
    });
  }
  function toJpeg(canvas, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }
  function downscale(file) {
    return decode(file).then(function (img) {
      var w = img.width, h = img.height, k = Math.min(1, MAX_SIDE / Math.max(w, h));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(w * k)); canvas.height = Math.max(1, Math.round(h * k));
      var g = canvas.getContext("2d");
      g.fillStyle = "#fff"; g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0, canvas.width, canvas.height);
      var tries = [0.85, 0.7, 0.5];
      function attempt(i) {
        return toJpeg(canvas, tries[i]).then(function (blob) {
          if (blob && blob.size <= MAX_PHOTO_BYTES) return blob;
          if (i + 1 < tries.length) return attempt(i + 1);
          throw new Error("too big");
        });
      }
      return attempt(0);
    });
  }

  function showPhotos() {
    data.items.forEach(function (it) {
      var row = rowOf[it.id], img = $(".thumb", row), has = current.photos.indexOf(it.id) >= 0;
      $(".remove-photo", row).hidden = !has;
      if (!has) { img.hidden = true; img.removeAttribute("src"); return; }
      var owner = current.id;
      store.getPhoto(owner + "/" + it.id).then(function (rec) {
        if (!rec || current.id !== owner) return;
        if (thumbs[it.id]) URL.revokeObjectURL(thumbs[it.id]);
        thumbs[it.id] = URL.createObjectURL(rec.blob);
        img.src = thumbs[it.id];
        img.hidden = false;
      });
    });
  }

  function addPhoto(row, input) {
    var id = row.getAttribute("data-id"), file = input.files && input.files[0], msg = $(".photo-msg", row);
    input.value = "";
    if (!file) return Promise.resolve();
    var count = current.photos.length + Object.keys(claims).filter(function (k) { return current.photos.indexOf(k) < 0; }).length;
    if (current.photos.indexOf(id) < 0 && !claims[id] && count >= MAX_PHOTOS) {
      msg.textContent = fmt(T.photo_limit, { n: MAX_PHOTOS });
      return Promise.resolve();
    }
    var owner = current;
    claims[id] = true;  /* counted while it is being made */
    return downscale(file).then(function (blob) {
      return store.putPhoto(owner.id + "/" + id, { blob: blob, type: "image/jpeg" });
    }).then(function () {
      if (owner.photos.indexOf(id) < 0) owner.photos.push(id);
      delete claims[id];
      if (owner !== current) return;
      msg.textContent = "";  /* this row's message only: a refusal shown on another row stays */
      edited();
      showPhotos();
      return save();
    }, function (e) {
      delete claims[id];
      msg.textContent = e && e.message === "too big" ? T.photo_too_big : T.photo_failed;
    });
  }

  function removePhoto(row) {
    var id = row.getAttribute("data-id");
    return store.removePhoto(current.id + "/" + id).then(function () {
      current.photos = current.photos.filter(function (k) { return k !== id; });
      $(".photo-msg", row).textContent = "";
      edited();
      showPhotos();
      $("input[type=file]", row).focus();
      return save();
    });
  }

  /* ---- finishing ---- */
  function problems() {
    var out = [];
    HEADER.forEach(function (k) {
      var el = $('[data-field="' + k + '"]');
      if (!current.fields[k] || !current.fields[k].trim()) {
        out.push({ text: fmt(T.missing_field, { field: $('label[for="' + el.id + '"]').textContent }), target: el });
      }
    });
    data.items.forEach(function (it) {
      var a = current.answers[it.id], row = rowOf[it.id], name = itemName(it.id);
      if (a.raw !== undefined) out.push({ text: fmt(T.invalid, { item: name }), target: $("input[type=number]", row) });
      else if (a.answer === null) out.push({ text: fmt(T.unanswered, { item: name }), target: $("input", row) });
      else if (needsRemark(it, a) && !a.remark.trim()) out.push({ text: fmt(T.no_remark, { item: name }), target: $("textarea", row) });
    });
    return out;
  }

  function finish() {
    readForm();
    var list = problems(), box = $("#problems"), ul = $("#problem-list");
    ul.textContent = "";
    if (list.length) {
      list.forEach(function (p) {
        var li = document.createElement("li"), b = document.createElement("button");
        b.type = "button"; b.textContent = p.text;
        b.addEventListener("click", function () { p.target.focus(); p.target.scrollIntoView({ block: "center" }); });
        li.appendChild(b); ul.appendChild(li);
      });
      box.hidden = false;
      box.focus();
      return Promise.resolve(false);
    }
    box.hidden = true;
    current.finished_at = isoNow();
    show();
    status(fmt(T.finished_at, { time: current.finished_at.replace("T", " ").slice(0, 16) }));
    return save().then(function () { return true; });
  }

  /* ---- export ---- */
  function base64(blob) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve(String(r.result).slice(String(r.result).indexOf(",") + 1)); };
      r.onerror = function () { reject(r.error); };
      r.readAsDataURL(blob);
    });
  }

  function photosOut(insp) {
    var ids = data.items.map(function (it) { return it.id; }).filter(function (k) { return insp.photos.indexOf(k) >= 0; });
    return Promise.all(ids.map(function (k) { return store.getPhoto(insp.id + "/" + k); })).then(function (recs) {
      var kept = [];
      recs.forEach(function (rec, i) { if (rec) kept.push({ item: ids[i], rec: rec }); });
      return Promise.all(kept.map(function (p) { return base64(p.rec.blob); })).then(function (b64) {
        return kept.map(function (p, i) {
          return { item: p.item, name: "photo-" + (i + 1) + ".jpg", type: p.rec.type || "image/jpeg", data: b64[i] };
        });
      });
    });
  }

  function result(photos) {
    var r = scoreOf(current.answers), answers = {};
    data.items.forEach(function (it) {
      var a = current.answers[it.id];
      answers[it.id] = { answer: a.answer === undefined ? null : a.answer, remark: a.remark };
    });
    return { format: "sqmkit-inspection/2", id: current.id, client: data.client, checklist: data.checklist,
             version: VERSION, hash: HASH, started_at: current.started_at, finished_at: current.finished_at,
             fields: current.fields, answers: answers, photos: photos, kpis: kpisOf(current),
             total: r.total, grade: r.grade, veto_failed: r.vetoFailed, answered: r.answered, items: data.items.length };
  }

  function fileName(ext) {
    var date = (current.fields.date || today()).replace(/[^0-9A-Za-z-]/g, "-");
    return data.checklist + "-" + date + "-" + current.id.slice(0, 8) + "." + ext;
  }

  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
    status((current.finished_at ? "" : T.unfinished_export + " ") + fmt(T.exported, { name: name }));
  }

  function exportJson() {
    readForm();
    return photosOut(current).then(function (photos) {
      var text = JSON.stringify(result(photos), null, 2);
      download(new Blob([text], { type: "application/json" }), fileName("json"));
    });
  }

  function cell(v, isText) {
    var s = v === null || v === undefined ? "" : String(v);
    if (isText && /^[=+\-@\t\r]/.test(s)) s = "'" + s;  /* a spreadsheet must not run a remark as a formula */
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function exportCsv() {
    readForm();
    var r = scoreOf(current.answers), lines = [];
    var title = $("h1").textContent.trim();
    lines.push([T.checklist, title], [T.version, VERSION + "#" + HASH], [T.record_id, current.id]);
    HEADER.forEach(function (k) { lines.push([T[k], current.fields[k]]); });
    Object.keys(current.fields).forEach(function (k) { if (HEADER.indexOf(k) < 0) lines.push([k, current.fields[k]]); });
    kpiInputs.forEach(function (el) {
      var k = el.getAttribute("data-kpi");
      if (k in current.kpis) lines.push([T.kpis + "：" + $('label[for="' + el.id + '"]').textContent.trim(), current.kpis[k]]);
    });
    lines.push([T.total, r.total === null ? "" : r.total.toFixed(1)], [T.grade, r.grade || ""],
               [T.status, current.finished_at ? T.finished + " " + current.finished_at : T.in_progress], []);
    lines.push([T.section, T.no, T.item, T.answer, T.points, T.max, T.remark]);
    data.items.forEach(function (it) {
      var row = rowOf[it.id], a = current.answers[it.id];
      lines.push([row.getAttribute("data-section"), row.getAttribute("data-label"), $(".text", row).textContent.trim(),
                  a.answer === null ? "" : typeof a.answer === "number" ? String(a.answer) : T[a.answer],
                  pointsOf(it, a), it.max, a.remark]);
    });
    var text = "\ufeff" + lines.map(function (l) {
      return l.map(function (v, i) { return cell(v, typeof v !== "number" && !(l.length === 7 && (i === 4 || i === 5))); }).join(",");
    }).join("\r\n") + "\r\n";
    download(new Blob([text], { type: "text/csv;charset=utf-8" }), fileName("csv"));
    return Promise.resolve();
  }

  /* ---- wiring ---- */
  function edited() {
    if (current.finished_at) { current.finished_at = null; status(T.reopened); }
  }

  function onEdit(ev) {
    if (!current || !ev.target.closest || !ev.target.closest("main") || ev.target.type === "file") return;
    readForm();
    edited();
    show();
    save();
  }

  /* nothing acts before the stored inspections are read */
  function when(fn) { return function (ev) { if (current) fn(ev); }; }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", when(function (ev) {
    if (ev.target.type === "file") addPhoto(ev.target.closest(".item"), ev.target);
  }));
  $$(".remove-photo").forEach(function (b) { b.addEventListener("click", when(function () { removePhoto(b.closest(".item")); })); });
  $("#finish").addEventListener("click", when(finish));
  $("#export").addEventListener("click", when(exportJson));
  $("#export-csv").addEventListener("click", when(exportCsv));
  $("#print").addEventListener("click", function () { window.print(); });
  $("#reset").addEventListener("click", when(clearCurrent));
  $("#new-inspection").addEventListener("click", when(startNew));

  openStore().then(function (s) {
    store = s;
    if (!s.persistent) status(T.no_storage);
    var old = s.persistent ? legacy() : null;
    if (!old) return store.list();
    return store.put(old.inspection).then(function () {
      try { localStorage.removeItem(old.key); } catch (e) { /* read again next time: harmless */ }
      remember(old.inspection.id);
      return store.list();
    });
  }).then(function (all) {
    var id = remembered();
    var pick = all.filter(function (x) { return x.id === id; })[0] ||
      all.filter(function (x) { return !x.finished_at; }).sort(latestFirst)[0];
    return open(pick || blank(), !!pick);
  }).then(function () {
    document.documentElement.setAttribute("data-ready", "yes");
  });
})();
