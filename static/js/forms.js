// Every page: (1) a calendar button beside each Buddhist-era date field,
// filling it as d/m/yyyy B.E.; (2) a warning before leaving a page whose
// form holds typed, unsaved changes. The grid has its own guard (grid.js);
// a form opts out with data-no-guard.
(function () {
  "use strict";
  var labels = document.getElementById("forms-script").dataset;

  function toIso(text) {
    var m = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})\s*$/.exec(text || "");
    if (!m) return "";
    var year = parseInt(m[3], 10);
    if (year >= 2400) year -= 543;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return year + "-" + pad(parseInt(m[2], 10)) + "-" + pad(parseInt(m[1], 10));
  }

  document.querySelectorAll("input[data-thai-date]").forEach(function (field) {
    var picker = document.createElement("input");
    picker.type = "date";
    picker.tabIndex = -1;
    picker.className = "thai-date-picker";
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary thai-date-button";
    // A calendar drawn in SVG: no emoji font is needed.
    button.innerHTML = '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5"><rect x="1.5" y="3" width="13" height="11.5" rx="1.5"/><path d="M1.5 6.5h13M5 1.5v3M11 1.5v3"/></svg>';
    button.setAttribute("aria-label", labels.calendar);
    button.title = labels.calendar;
    var group = document.createElement("div");
    group.className = "input-group thai-date-group";
    field.parentNode.insertBefore(group, field);
    group.appendChild(field);
    group.appendChild(button);
    group.appendChild(picker);
    button.addEventListener("click", function () {
      picker.value = toIso(field.value);
      if (picker.showPicker) picker.showPicker(); else picker.click();
    });
    picker.addEventListener("change", function () {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(picker.value);
      if (!m) return;
      field.value = parseInt(m[3], 10) + "/" + parseInt(m[2], 10) + "/" + (parseInt(m[1], 10) + 543);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  // A form that asks before it acts (starting a round, deleting, revoking).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // A phone shows the stepper folded ("step n of 9"); a wide screen open.
  var stepper = document.getElementById("stepper");
  if (stepper && !window.matchMedia("(min-width: 992px)").matches) stepper.open = false;

  // A table that scrolls within itself must be reachable by keyboard.
  document.querySelectorAll("main table, main .table-responsive").forEach(function (region) {
    if (region.scrollWidth <= region.clientWidth + 1 || region.hasAttribute("tabindex")) return;
    region.setAttribute("tabindex", "0");
    region.setAttribute("role", "region");
    var caption = region.querySelector("caption");
    region.setAttribute("aria-label", caption ? caption.textContent.trim() : labels.table);
  });

  var dirty = new Set();
  var leaving = false;
  document.querySelectorAll("form[method='post']:not([data-no-guard])").forEach(function (form) {
    if (form.id === "grid-form" || form.action.indexOf("/i18n/") !== -1) return;
    var mark = function (event) { if (event.isTrusted || event.target.matches("[data-thai-date]")) dirty.add(form); };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function (event) { if (!event.defaultPrevented) leaving = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (leaving || dirty.size === 0) return;
    event.preventDefault();
    event.returnValue = labels.unsaved;
    return labels.unsaved;
  });
})();
