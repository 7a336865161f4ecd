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

  // Tells people (and tests) that column fills now happen in the page.
  table.dataset.ready = "true";
})();
