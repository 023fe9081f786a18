/* Scores the checklist live. Same rules as sqmkit.scoring (Python), which re-scores imported results:
   - check items: pass earns max, fail earns 0, N/A leaves the item out; score items: 0..max.
   - total = sum(weight * earned) / sum(weight * max) * 100 over applicable items (unanswered earn 0).
   - grade = first band (highest first) whose min <= total; a failed veto item forces fail_grade. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("checklist-data").textContent);
  var storeKey = "sqmkit:" + data.build + ":" + data.checklist;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.item"));

  function itemState(row) {
    var id = row.getAttribute("data-id");
    var max = parseFloat(row.getAttribute("data-max"));
    if (row.getAttribute("data-mode") === "score") {
      var na = row.querySelector('input[type=checkbox][value=na]');
      if (na && na.checked) return { id: id, answer: "na" };
      var input = row.querySelector("input[type=number]");
      if (input.value === "") return { id: id, answer: null };
      var v = Math.max(0, Math.min(max, parseFloat(input.value)));
      if (isNaN(v)) return { id: id, answer: null };
      return { id: id, answer: "score", score: v };
    }
    var checked = row.querySelector("input[type=radio]:checked");
    return { id: id, answer: checked ? checked.value : null };
  }

  function score() {
    var earned = 0, possible = 0, answered = 0, vetoFailed = [];
    var answers = {};
    rows.forEach(function (row) {
      var st = itemState(row);
      var max = parseFloat(row.getAttribute("data-max"));
      var w = parseFloat(row.getAttribute("data-weight"));
      var veto = row.getAttribute("data-veto") === "true";
      row.classList.remove("pass", "fail", "na");
      answers[st.id] = st.answer === "score" ? st.score : st.answer;
      if (st.answer === "na") { row.classList.add("na"); answered++; return; }
      possible += w * max;
      if (st.answer === null) return;
      answered++;
      var got = st.answer === "pass" ? max : st.answer === "fail" ? 0 : st.score;
      earned += w * got;
      var failed = st.answer === "fail" || (st.answer === "score" && got === 0);
      row.classList.add(failed ? "fail" : "pass");
      if (veto && failed) vetoFailed.push(st.id);
    });
    var total = possible > 0 ? Math.floor(earned / possible * 1000 + 0.5) / 10 : 0;
    var grade = data.bands[data.bands.length - 1].grade;
    for (var i = 0; i < data.bands.length; i++) {
      if (total >= data.bands[i].min) { grade = data.bands[i].grade; break; }
    }
    if (vetoFailed.length) grade = data.fail_grade;
    return { total: total, grade: grade, answered: answered, vetoFailed: vetoFailed, answers: answers };
  }

  function fields() {
    var out = {};
    document.querySelectorAll("[data-field]").forEach(function (el) { out[el.getAttribute("data-field")] = el.value; });
    return out;
  }

  function update() {
    var r = score();
    document.getElementById("score").textContent = r.total.toFixed(1);
    document.getElementById("grade").textContent = r.grade;
    document.getElementById("answered").textContent = String(r.answered);
    document.getElementById("veto-msg").hidden = r.vetoFailed.length === 0;
    document.body.setAttribute("data-grade", r.grade);
    try { localStorage.setItem(storeKey, JSON.stringify({ answers: r.answers, fields: fields() })); } catch (e) { /* private mode */ }
    return r;
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    Object.keys(saved.fields || {}).forEach(function (k) {
      var el = document.querySelector('[data-field="' + k + '"]'); if (el) el.value = saved.fields[k];
    });
    rows.forEach(function (row) {
      var a = saved.answers ? saved.answers[row.getAttribute("data-id")] : null;
      if (a === null || a === undefined) return;
      if (row.getAttribute("data-mode") === "score") {
        if (a === "na") row.querySelector("input[type=checkbox]").checked = true;
        else row.querySelector("input[type=number]").value = a;
      } else {
        var el = row.querySelector('input[type=radio][value="' + a + '"]'); if (el) el.checked = true;
      }
    });
  }

  document.addEventListener("input", update);
  document.addEventListener("change", update);
  document.getElementById("reset").addEventListener("click", function () {
    document.querySelectorAll("input").forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = false; else el.value = "";
    });
    update();
  });
  document.getElementById("export").addEventListener("click", function () {
    var r = update();
    var result = { format: "sqmkit-inspection/1", client: data.client, checklist: data.checklist, build: data.build,
                   fields: fields(), answers: r.answers, total: r.total, grade: r.grade, veto_failed: r.vetoFailed };
    var blob = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = data.checklist + "-" + (result.fields.date || "result") + ".json";
    document.body.appendChild(a); a.click(); document.body.removeChild(a);
  });
  restore();
  update();
})();
