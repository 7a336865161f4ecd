// Live totals while typing (steps 3 and 4). The server checks the same rules
// on save; this only shows the difference as the person types.
(function () {
  "use strict";
  var script = document.getElementById("live-totals-script");
  var words = { short: script.dataset.short, over: script.dataset.over, exact: script.dataset.exact };

  function hundredths(value) {
    var number = parseFloat(String(value).replace(",", "."));
    return isNaN(number) ? 0 : Math.round(number * 100);
  }
  function show(n) {
    var text = (n / 100).toFixed(2);
    return text.replace(/\.00$/, "").replace(/(\.\d)0$/, "$1");
  }
  function difference(total, target) {
    var diff = target - total;
    if (diff > 0) return words.short.replace("{n}", show(diff));
    if (diff < 0) return words.over.replace("{n}", show(-diff));
    return words.exact;
  }
  function mark(element, ok) {
    element.classList.toggle("total-ok", ok);
    element.classList.toggle("total-off", !ok);
  }

  function updateWeights() {
    var output = document.getElementById("weight-total");
    if (!output) return;
    var total = 0;
    document.querySelectorAll(".weight-input").forEach(function (input) { total += hundredths(input.value); });
    output.textContent = show(total);
    var note = document.getElementById("weight-difference");
    note.textContent = "(" + difference(total, 10000) + ")";
    mark(note, total === 10000);
  }

  function updateMissions() {
    var table = document.getElementById("missions-table");
    if (!table) return;
    var totals = {};
    table.querySelectorAll("tbody tr.mission-row").forEach(function (row) {
      var name = row.querySelector("input[name$='-name']");
      var remove = row.querySelector("input[name$='-DELETE']");
      var category = row.querySelector(".category-input");
      var points = row.querySelector(".points-input");
      if (!name || !name.value.trim() || (remove && remove.checked) || !category) return;
      totals[category.value] = (totals[category.value] || 0) + hundredths(points.value);
    });
    document.querySelectorAll("[data-category-total]").forEach(function (cell) {
      var code = cell.dataset.categoryTotal;
      var budgetInput = document.querySelector("input[name='" + code + "_budget']");
      var budget = hundredths(budgetInput ? budgetInput.value : cell.dataset.budget);
      var total = totals[code] || 0;
      cell.querySelector(".total").textContent = show(total);
      cell.querySelector(".budget").textContent = show(budget);
      var note = cell.querySelector(".difference");
      note.textContent = difference(total, budget);
      mark(note, total === budget);
    });
  }

  document.addEventListener("input", function () { updateWeights(); updateMissions(); });
  document.addEventListener("change", function () { updateWeights(); updateMissions(); });
  updateWeights();
  updateMissions();
})();

// "Add rows" adds a blank mission row in place instead of a round trip.
(function () {
  "use strict";
  var button = document.getElementById("add-mission-row");
  var template = document.getElementById("empty-mission-row");
  if (!button || !template) return;
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var total = document.querySelector("input[name='missions-TOTAL_FORMS']");
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.querySelector("#missions-table tbody").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = document.querySelectorAll("#missions-table tbody tr.mission-row");
    rows[rows.length - 1].querySelector("input[name$='-name']").focus();
  });
})();

// "Equal importance" (step 3) and "Equal weights" (step 4) in place: the
// same even split as the server's (assessment.scoring.split_evenly: two
// decimals, the remainder one hundredth at a time from the top), shown to
// check and save — and, being typed for the person, unsaved (forms.js).
// Without JavaScript the buttons ask the server, which shows the same.
(function () {
  "use strict";
  var script = document.getElementById("live-totals-script");
  var form = document.getElementById("step-form");
  if (!script || !form) return;
  var words = script.dataset;
  var region = document.createElement("div");
  region.setAttribute("role", "status");
  region.id = "split-note";
  form.parentNode.insertBefore(region, form);

  function exactHundredths(text) {
    var m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text || "");
    if (!m) return null;
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }
  function evenly(hundredths, count) {
    var base = Math.floor(hundredths / count);
    var remainder = hundredths - base * count;
    var parts = [];
    for (var index = 0; index < count; index++) parts.push(base + (index < remainder ? 1 : 0));
    return parts;
  }
  function decimal(hundredths) {
    return Math.floor(hundredths / 100) + "." + ("0" + (hundredths % 100)).slice(-2);
  }
  function give(input, hundredths) {
    input.value = decimal(hundredths);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new CustomEvent("pso:changed", { bubbles: true }));
  }
  function say(message) {
    region.textContent = "";
    var note = document.createElement("div");
    note.className = "alert alert-info";
    note.textContent = message;
    region.appendChild(note);
  }

  document.querySelectorAll("button[name='split']").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var code = button.value;
      var cell = document.querySelector("[data-category-total='" + code + "']");
      var points = [];
      document.querySelectorAll("#missions-table tbody tr.mission-row").forEach(function (row) {
        var name = row.querySelector("input[name$='-name']");
        var remove = row.querySelector("input[name$='-DELETE']");
        var category = row.querySelector(".category-input");
        var input = row.querySelector(".points-input");
        if (!name || !name.value.trim() || (remove && remove.checked) || !category || !input) return;
        if (category.value === code) points.push(input);
      });
      var budgetInput = document.querySelector("input[name='" + code + "_budget']");
      var budget = exactHundredths(budgetInput ? budgetInput.value : "");
      if (!budget && cell) budget = exactHundredths(cell.dataset.budget);
      if (points.length && budget !== null) {
        evenly(budget, points.length).forEach(function (share, index) { give(points[index], share); });
      }
      var label = cell ? cell.querySelector("td").textContent.trim() : code;
      say(words.split.replace("{category}", label).replace("{count}", String(points.length)));
    });
  });

  var equal = document.getElementById("equal-weights");
  if (equal) {
    equal.addEventListener("click", function (event) {
      event.preventDefault();
      var inputs = document.querySelectorAll(".weight-input");
      if (!inputs.length) return;
      evenly(10000, inputs.length).forEach(function (share, index) { give(inputs[index], share); });
      say(words.weights);
    });
  }
})();
