// The committee total while typing. A level left as the agency's (as shown,
// rounded) counts with the agency's exact level, as the server computes it;
// the server's figure after saving is the one of record.
(function () {
  "use strict";
  var table = document.getElementById("review-table");
  var output = document.getElementById("committee-total");
  if (!table || !output) return;

  function update() {
    var total = 0;
    table.querySelectorAll("tr.review-row").forEach(function (row) {
      var weight = parseFloat(row.dataset.weight || "0");
      var input = row.querySelector(".committee-level");
      var typed = input ? input.value.trim().replace(",", ".") : "";
      var level;
      if (typed === "" || parseFloat(typed) === parseFloat(row.dataset.agencyDisplay)) {
        level = parseFloat(row.dataset.agencyExact || "0");
      } else {
        level = parseFloat(typed);
      }
      if (!isNaN(level) && !isNaN(weight)) total += (weight * level) / 3;
    });
    // Half up to two decimals, like the server's display rounding.
    output.textContent = (Math.round((total + 1e-9) * 100) / 100).toFixed(2);
  }

  table.addEventListener("input", update);
  // A page shown again after a refused save holds typed levels: count them.
  update();
})();
