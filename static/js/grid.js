// The assessment grid: keyboard navigation, filling a whole column, sending
// only the cells a person changed, and a guard against leaving unsaved work.
// Without JavaScript the page still works: the browser sends every cell of
// the block and the server tells the changed ones from the page's token.
(function () {
  "use strict";
  var table = document.getElementById("assessment-grid");
  var form = document.getElementById("grid-form");
  if (!table || !form) return;
  var dirty = false;
  var submitting = false;

  function cellAt(row, col) {
    return table.querySelector('td[data-row="' + row + '"][data-col="' + col + '"] .level-select');
  }

  function initialLevel(select) {
    var chosen = Array.prototype.find.call(select.options, function (option) { return option.defaultSelected; });
    return chosen ? chosen.value : select.options.length ? select.options[0].value : "";
  }

  function isChanged(td) {
    // Typed before a refused save: shown by the server, still to be saved.
    if (td.hasAttribute("data-typed")) return true;
    var select = td.querySelector(".level-select");
    var text = td.querySelector(".just-input");
    return (select && select.value !== initialLevel(select)) || (text && text.value !== text.defaultValue);
  }

  function markChanged(td) {
    var changed = isChanged(td);
    td.classList.toggle("changed", changed);
    if (changed) dirty = true;
    var select = td.querySelector(".level-select");
    if (select) colour(select);
  }

  table.addEventListener("keydown", function (event) {
    var select = event.target.closest(".level-select");
    if (!select) return;
    var td = select.closest("td");
    var row = parseInt(td.dataset.row, 10), col = parseInt(td.dataset.col, 10);
    var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (moves[event.key]) {
      var target = cellAt(row + moves[event.key][0], col + moves[event.key][1]);
      if (!target && event.key === "ArrowDown") {
        // Past the last mission of this block: on to "save and go to the next missions".
        target = document.getElementById("save-next");
      }
      if (target) target.focus();
      event.preventDefault();
    } else if (/^[0-3]$/.test(event.key)) {
      select.value = event.key;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
    }
  });

  function onEdit(event) {
    var input = event.target;
    if (input.classList.contains("level-select") || input.classList.contains("just-input")) {
      var td = input.closest("td");
      td.removeAttribute("data-filled");  // typed by hand from now on
      if (input.classList.contains("level-select")) td.classList.toggle("empty", input.value === "");
      markChanged(td);
      return;
    }
    if (input.classList.contains("fill-level") || input.classList.contains("fill-just")) {
      if (input.value === "") return;
      dirty = true;
      if (event.type === "input") return;
      var th = input.closest("th");
      var isLevel = input.classList.contains("fill-level");
      // Cells that hold something are replaced only when the person says so:
      // three answers (replace them too, only the empty cells, cancel), asked
      // in the column's header rather than by a dialog whose Cancel fills anyway.
      var held = parseInt(isLevel ? th.dataset.filledLevels : th.dataset.filledTexts, 10) || 0;
      var overwrite = th.querySelector(".fill-overwrite");
      if (held > 0 && overwrite.value !== "1") {
        ask(th, input, isLevel, held);
        return;
      }
      fillColumn(th, input, isLevel, overwrite.value === "1");
    }
  }

  function ask(th, input, isLevel, held) {
    var choice = th.querySelector(".fill-choice");
    var question = isLevel ? table.dataset.overwriteLevels : table.dataset.overwriteTexts;
    choice.querySelector(".fill-question").textContent = question.replace("{n}", held);
    choice.hidden = false;
    choice.pendingInput = input;
    choice.pendingLevel = isLevel;
    choice.querySelector(".fill-replace").focus();
  }

  table.addEventListener("click", function (event) {
    var button = event.target.closest(".fill-replace, .fill-empty, .fill-cancel");
    if (!button) return;
    var choice = button.closest(".fill-choice");
    var th = choice.closest("th");
    var input = choice.pendingInput;
    choice.hidden = true;
    if (!input) return;
    if (button.classList.contains("fill-cancel")) {
      input.value = "";  // nothing filled, nothing sent
      input.focus();
      return;
    }
    var replace = button.classList.contains("fill-replace");
    th.querySelector(".fill-overwrite").value = replace ? "1" : "";
    fillColumn(th, input, choice.pendingLevel, replace);
    input.focus();
  });

  function fillColumn(th, input, isLevel, replace) {
    var col = Array.prototype.indexOf.call(th.parentNode.children, th) - 1;
    dirty = true;
    table.querySelectorAll('td[data-col="' + col + '"]').forEach(function (td) {
      var field = td.querySelector(isLevel ? ".level-select" : ".just-input");
      if (!field) return;
      // Never a cell the person changed by hand (as the server does).
      if (isChanged(td) && !td.hasAttribute("data-filled")) return;
      var empty = isLevel ? initialLevel(field) === "" : field.defaultValue.trim() === "";
      if (!empty && !replace) return;
      field.value = input.value;
      td.setAttribute("data-filled", "");
      if (isLevel) td.classList.remove("empty");
      markChanged(td);
    });
    // The fill stays in the form: the server applies it to the missions of
    // the other blocks, except cells changed by hand.
  }
  table.addEventListener("change", onEdit);
  table.addEventListener("input", onEdit);

  form.addEventListener("submit", function () {
    submitting = true;
    // Send only what changed: an absent cell means "unchanged", and a big
    // grid stays far below the server's limit on form fields.
    table.querySelectorAll("td[data-cell]").forEach(function (td) {
      if (isChanged(td)) return;
      td.querySelectorAll(".level-select, .just-input").forEach(function (field) { field.disabled = true; });
    });
    table.querySelectorAll(".fill-level, .fill-just, .fill-overwrite").forEach(function (field) {
      if (field.value === "") field.disabled = true;
    });
  });

  // Browsers keep disabled fields disabled when the page comes back from the
  // back-forward cache; enable them again.
  window.addEventListener("pageshow", function () {
    submitting = false;
    form.querySelectorAll("[disabled]").forEach(function (field) { field.disabled = false; });
  });

  window.addEventListener("beforeunload", function (event) {
    if (!dirty || submitting) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Each cell names its indicator, for the cards a phone shows
  // (static/css/app.css: one card per mission, each cell labelled).
  var headers = table.querySelectorAll("thead th[data-indicator]");
  table.querySelectorAll("td[data-col]").forEach(function (td) {
    var th = headers[parseInt(td.dataset.col, 10)];
    if (!th) return;
    var criterion = th.querySelector("#i" + th.dataset.indicator + "-criterion");
    var name = th.querySelector("#i" + th.dataset.indicator + "-name");
    td.setAttribute("data-label", (criterion ? criterion.textContent.trim() + " · " : "") + (name ? name.textContent.trim() : ""));
  });

  // A level's colour, as the read-only grid and the results show it.
  function colour(select) {
    select.setAttribute("data-level", /^[0-3]$/.test(select.value) ? select.value : "");
  }
  table.querySelectorAll(".level-select").forEach(colour);
  table.addEventListener("change", function (event) {
    if (event.target.classList.contains("level-select")) colour(event.target);
  });

  // A justification being written opens taller, to the lines its text
  // needs; it closes to two lines when the person moves on.
  function fit(textarea) {
    var style = window.getComputedStyle(textarea);
    var line = parseFloat(style.lineHeight) || 20;
    var padding = (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
    textarea.rows = 1;
    var needed = Math.ceil((textarea.scrollHeight - padding) / line);
    textarea.rows = Math.max(5, Math.min(16, needed + 1));
  }
  table.addEventListener("focusin", function (event) {
    if (!event.target.classList.contains("just-input")) return;
    event.target.classList.add("open");
    fit(event.target);
  });
  table.addEventListener("input", function (event) {
    if (event.target.classList.contains("just-input") && event.target === document.activeElement) fit(event.target);
  });
  // Closed a moment later, not at once: a press on Save (or any control the
  // box covered) lands where the person aimed before the page moves under it.
  // A press still going on (pointer down, not yet up) keeps it open longer:
  // on a slow machine a press can outlast any fixed delay.
  var pressing = false;
  document.addEventListener("pointerdown", function () { pressing = true; }, true);
  document.addEventListener("pointerup", function () {
    window.setTimeout(function () { pressing = false; }, 0);  // after the click it makes
  }, true);
  document.addEventListener("pointercancel", function () { pressing = false; }, true);
  function close(textarea) {
    if (document.activeElement === textarea || submitting) return;
    if (pressing) {
      window.setTimeout(function () { close(textarea); }, 100);
      return;
    }
    textarea.classList.remove("open");
    textarea.rows = 2;
  }
  table.addEventListener("focusout", function (event) {
    var textarea = event.target;
    if (!textarea.classList.contains("just-input")) return;
    window.setTimeout(function () { close(textarea); }, 250);
  });

  // The round's total as it will be once saved, recomputed as levels
  // change: the scoring module's rules (assessment/scoring.py, docs/domain.md
  // §3) in exact fractions, rounded half up to two decimals only for
  // showing. S(m, c) = Σ v·s / Σ v over the indicators of criterion c,
  // M(m) = Σ_c w_c·S(m, c) / 3 and P = Σ_m p_m·M(m) / Σ_m p_m, an empty
  // cell counting as 0. The page holds the saved total (exact, as
  // "numerator/denominator") and what each of its missions was saved with:
  // the missions of other pages (a big round) count as saved.
  var projected = document.getElementById("projected");
  var projectedTotal = document.getElementById("projected-total");
  var ZERO = BigInt(0), ONE = BigInt(1), HUNDRED = BigInt(100), THREE = BigInt(3);

  function hundredths(text) {
    var m = /^\s*(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text || "");
    if (!m) return null;
    return BigInt(m[1]) * HUNDRED + BigInt(((m[2] || "") + "00").slice(0, 2));
  }
  function gcd(a, b) {
    if (a < ZERO) a = -a;
    while (b !== ZERO) { var rest = a % b; a = b; b = rest; }
    return a;
  }
  function fraction(numerator, denominator) {
    if (denominator < ZERO) { numerator = -numerator; denominator = -denominator; }
    var divisor = gcd(numerator, denominator) || ONE;
    return [numerator / divisor, denominator / divisor];
  }
  function add(a, b) { return fraction(a[0] * b[1] + b[0] * a[1], a[1] * b[1]); }
  function times(a, b) { return fraction(a[0] * b[0], a[1] * b[1]); }
  function shown(value) {
    // Half up (away from zero) to two decimals, as scoring.to_display.
    var negative = value[0] < ZERO;
    var scaled = (negative ? -value[0] : value[0]) * HUNDRED;
    var whole = scaled / value[1];
    if (BigInt(2) * (scaled % value[1]) >= value[1]) whole += ONE;
    var cents = String(whole % HUNDRED);
    return (negative ? "-" : "") + String(whole / HUNDRED) + "." + (cents.length < 2 ? "0" : "") + cents;
  }

  function liveTotal() {
    if (!projected || !projectedTotal || typeof BigInt !== "function") return null;
    var weights = (table.dataset.criterionWeights || "").trim().split(/\s+/).map(hundredths);
    var weightSum = weights.reduce(function (sum, w) { return w === null || sum === null ? null : sum + w; }, ZERO);
    // Weights that do not add up to 100 give no meaningful total (the server
    // keeps the last valid one): nothing is shown then.
    if (weightSum === null || weightSum !== BigInt(10000)) return null;
    var columns = Array.prototype.map.call(headers, function (th) {
      return { v: hundredths(th.dataset.weight), criterion: th.dataset.criterion, w: hundredths(th.dataset.criterionWeight) };
    });
    if (columns.some(function (column) { return column.v === null || column.w === null; })) return null;
    var criteria = {};
    columns.forEach(function (column) { criteria[column.criterion] = column.w; });

    function missionScore(levels) {
      // 100·M(m), with w in hundredths.
      var weighted = {}, sums = {};
      columns.forEach(function (column, index) {
        var level = levels[index];
        weighted[column.criterion] = (weighted[column.criterion] || ZERO) + column.v * BigInt(level || 0);
        sums[column.criterion] = (sums[column.criterion] || ZERO) + column.v;
      });
      var score = [ZERO, ONE];
      Object.keys(criteria).forEach(function (code) {
        if (sums[code] === ZERO) return;
        score = add(score, fraction(criteria[code] * weighted[code], THREE * sums[code]));
      });
      return score;
    }
    function level(text) { return /^[0-3]$/.test(text) ? parseInt(text, 10) : 0; }

    var now = [ZERO, ONE], before = [ZERO, ONE];
    var rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var mission = rows[r].querySelector("th.mission[data-points]");
      if (!mission) continue;
      var points = hundredths(mission.dataset.points);
      if (points === null) return null;
      var saved = (mission.dataset.saved || "").split(" ").map(level);
      var current = columns.map(function (column, index) {
        var select = rows[r].querySelector('td[data-col="' + index + '"] .level-select');
        return select ? level(select.value) : saved[index];
      });
      now = add(now, times([points, ONE], missionScore(current)));
      before = add(before, times([points, ONE], missionScore(saved)));
    }
    var exact = /^(\d+)\/([1-9]\d*)$/.exec(table.dataset.savedTotal || "");
    var allPoints = (table.dataset.allPoints || "").trim().split(/\s+/).map(hundredths);
    var total = allPoints.reduce(function (sum, p) { return p === null || sum === null ? null : sum + p; }, ZERO);
    if (!exact || total === null) return null;
    if (total === ZERO) return [ZERO, ONE];
    // The saved total, plus what the missions of this page change: (their
    // part now − their part as saved) / Σp.
    var change = add(now, [-before[0], before[1]]);
    return add(fraction(BigInt(exact[1]), BigInt(exact[2])), times(change, [ONE, HUNDRED * total]));
  }

  var pending = false;
  function showTotal() {
    pending = false;
    var value = liveTotal();
    if (value === null) { if (projected) projected.hidden = true; return; }
    var text = shown(value);
    if (projectedTotal.textContent !== text) projectedTotal.textContent = text;
    projected.hidden = false;
  }
  function totalLater() {
    if (pending) return;
    pending = true;
    window.setTimeout(showTotal, 0);
  }
  table.addEventListener("change", totalLater);
  table.addEventListener("click", totalLater);  // a column fill answered in its header
  showTotal();

  // Tells people (and tests) that column fills now happen in the page.
  table.dataset.ready = "true";
})();
