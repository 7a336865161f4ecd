// A progress update marked done is at 100 percent: choosing "done" fills it in
// (the server does the same when the percent is left empty).
(function () {
  "use strict";
  var form = document.getElementById("progress-form");
  if (!form) return;
  var status = form.querySelector('[name="status"]');
  var percent = form.querySelector('[name="percent"]');
  if (!status || !percent) return;
  status.addEventListener("change", function () {
    if (status.value === "done" && percent.value !== "100") {
      percent.value = "100";
      percent.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
