// The assessment grid: keyboard navigation and filling a whole column.
// Without JavaScript the page still works: the server applies the fill row.
(function () {
  "use strict";
  var table = document.getElementById("assessment-grid");
  if (!table) return;
  // Tells people (and tests) that column fills now happen in the page.
  table.dataset.ready = "true";

  function cellAt(row, col) {
    return table.querySelector('td[data-row="' + row + '"][data-col="' + col + '"] .level-select');
  }

  table.addEventListener("keydown", function (event) {
    var select = event.target.closest(".level-select");
    if (!select) return;
    var td = select.closest("td");
    var row = parseInt(td.dataset.row, 10), col = parseInt(td.dataset.col, 10);
    var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (moves[event.key]) {
      var target = cellAt(row + moves[event.key][0], col + moves[event.key][1]);
      if (target) target.focus();
      event.preventDefault();
    } else if (/^[0-3]$/.test(event.key)) {
      select.value = event.key;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      event.preventDefault();
    }
  });

  table.addEventListener("change", function (event) {
    var select = event.target;
    if (select.classList.contains("level-select")) {
      select.closest("td").classList.toggle("empty", select.value === "");
      return;
    }
    if (select.classList.contains("fill-level") || select.classList.contains("fill-just")) {
      var th = select.closest("th");
      var col = Array.prototype.indexOf.call(th.parentNode.children, th) - 1;
      var isLevel = select.classList.contains("fill-level");
      if (select.value === "") return;
      table.querySelectorAll('td[data-col="' + col + '"]').forEach(function (td) {
        var input = td.querySelector(isLevel ? ".level-select" : ".just-input");
        if (input) { input.value = select.value; }
        if (isLevel) td.classList.remove("empty");
      });
      // Applied here: clear it so a later change to one cell is not overwritten on save.
      select.value = "";
    }
  });
})();
