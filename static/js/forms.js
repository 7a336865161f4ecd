// Every page: (1) a calendar button beside each Buddhist-era date field,
// filling it as d/m/yyyy B.E.; (2) a warning before leaving a page whose
// form holds unsaved changes — typed, filled in by a script, or shown again
// by the server after a POST that did not save; (3) what was typed when the
// session ended, put back after signing in again. The grid has its own
// guard (grid.js); a form opts out with data-no-guard.
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
  // Its answer is the only question: a plan deleted need not also ask about
  // its unsaved edits.
  var confirmed = false;
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (window.confirm(form.dataset.confirm)) confirmed = true;
      else event.preventDefault();
    });
  });

  // A phone shows the stepper folded ("step n of 9"); a wide screen open.
  var stepper = document.getElementById("stepper");
  if (stepper && !window.matchMedia("(min-width: 992px)").matches) stepper.open = false;

  // A table or a box that scrolls within itself must be reachable by
  // keyboard. Whether it scrolls depends on the screen and on the fonts,
  // so this looks again once they have loaded and when the window changes.
  function scrollRegions() {
    var scrolls = function (overflow) { return overflow === "auto" || overflow === "scroll"; };
    document.querySelectorAll("main table, main div").forEach(function (region) {
      if (region.hasAttribute("tabindex")) return;
      var wide = region.scrollWidth > region.clientWidth + 1;
      var tall = region.scrollHeight > region.clientHeight + 1;
      if (!wide && !tall) return;
      var style = window.getComputedStyle(region);
      if (!(wide && scrolls(style.overflowX)) && !(tall && scrolls(style.overflowY))) return;
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      var caption = region.querySelector("caption");
      region.setAttribute("aria-label", caption ? caption.textContent.trim() : labels.table);
    });
  }
  scrollRegions();
  window.addEventListener("load", scrollRegions);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(scrollRegions);
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(scrollRegions, 200);
  });

  // A choice of several shown as chips over its check boxes
  // (templates/assessment/includes/outcome_picker.html): the chips follow
  // the boxes, and Escape folds the boxes away again.
  function showChosen(picker) {
    var chips = picker.querySelector(".check-picker-chips");
    if (!chips) return;
    chips.textContent = "";
    picker.querySelectorAll("input[type='checkbox']").forEach(function (box) {
      if (!box.checked) return;
      var chip = document.createElement("span");
      chip.className = "chip";
      var label = picker.querySelector("label[for='" + box.id + "']");
      chip.textContent = label ? label.textContent.trim() : box.value;
      chips.appendChild(chip);
    });
  }
  document.addEventListener("change", function (event) {
    var picker = event.target.closest && event.target.closest(".check-picker");
    if (picker) showChosen(picker);
  });
  // A page the browser shows again (back, forward) keeps the boxes as they were ticked.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll(".check-picker").forEach(showChosen);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var picker = event.target.closest && event.target.closest(".check-picker[open]");
    if (!picker) return;
    picker.open = false;
    picker.querySelector("summary").focus();
  });

  // The guard. A form is unsaved once the person types in it, once a script
  // changes it for them (a "pso:changed" event: an even split, a restored
  // input), or when the server shows it again after a POST that did not save
  // (a refusal, or a helper such as "add an indicator" that answers with the
  // form): saving redirects, so a page answering a POST holds input that is
  // not stored. Submitting a form lets that form's input go to the server;
  // any other unsaved form on the page still asks.
  var dirty = new Set();
  var guarded = [];
  var here = new URL(window.location.href);
  here.hash = "";

  function postsHere(form) {
    // getAttribute: a control named "action" (two submit buttons, say)
    // shadows the form's own .action property.
    var target = new URL(form.getAttribute("action") || "", window.location.href);
    target.hash = "";
    return target.href === here.href;
  }
  function typedControls(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      var type = (element.getAttribute("type") || "").toLowerCase();
      return element.name && !element.disabled && element.tagName !== "BUTTON" && element.tagName !== "OUTPUT" &&
        ["hidden", "file", "submit", "button", "reset", "image"].indexOf(type) === -1;
    });
  }

  document.querySelectorAll("form[method='post']:not([data-no-guard])").forEach(function (form) {
    var action = form.getAttribute("action") || "";
    if (form.getAttribute("id") === "grid-form" || action.indexOf("/i18n/") !== -1) return;
    guarded.push(form);
    var mark = function (event) { if (event.isTrusted || event.target.matches("[data-thai-date]")) dirty.add(form); };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("pso:changed", function () { dirty.add(form); });
    form.addEventListener("submit", function (event) { if (!event.defaultPrevented) dirty.delete(form); });
  });

  // Shown again after a POST: the forms that post to this very address came
  // back with what was typed. A form asking for a password is left alone
  // (a password is never shown back), and so is one that holds nothing to
  // type but a file (a file cannot be shown back either).
  if (labels.reshown) {
    guarded.forEach(function (form) {
      if (!postsHere(form) || form.querySelector("input[type='password']")) return;
      if (typedControls(form).length) dirty.add(form);
    });
  }

  // What was typed when the session ended, kept by the server for this
  // person and put back here after signing in again (pso_site/idle.py).
  var kept = document.getElementById("kept-input");
  if (kept) {
    var values = Object.create(null);
    JSON.parse(kept.textContent).forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    var best = null;
    var bestCount = 0;
    guarded.forEach(function (form) {
      var count = typedControls(form).filter(function (element) { return element.name in values; }).length;
      if (count > bestCount) { best = form; bestCount = count; }
    });
    if (best) {
      growFormsets(best, values);
      restore(best, values);
      dirty.add(best);
      var note = document.getElementById("kept-input-note");
      if (note) note.hidden = false;
    }
  }

  // A formset that had more forms when it was sent (rows added in the
  // page) gets them again: from its <template> where it has one, else as a
  // blank copy of its last form.
  function growFormsets(form, values) {
    Object.keys(values).forEach(function (name) {
      var match = /^(.+)-TOTAL_FORMS$/.exec(name);
      var total = form.elements[name];
      if (!match || !total || total.tagName !== "INPUT") return;
      var prefix = match[1];
      var have = parseInt(total.value, 10);
      var wanted = Math.min(parseInt(values[name][0], 10), have + 1000);
      for (var index = have; index < wanted && index > 0; index++) {
        if (!addForm(form, prefix, index)) break;
      }
    });
  }
  function addForm(form, prefix, index) {
    var last = form.querySelector("[name^='" + prefix + "-" + (index - 1) + "-']");
    if (!last) return false;
    var block = last;
    var others = new RegExp("^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "-(\\d+)-");
    while (block.parentElement && block.parentElement !== form) {
      var wider = block.parentElement;
      var mixed = Array.prototype.some.call(wider.querySelectorAll("[name]"), function (element) {
        var found = others.exec(element.name);
        return found && found[1] !== String(index - 1);
      });
      if (mixed) break;
      block = wider;
    }
    var template = Array.prototype.find.call(form.querySelectorAll("template"), function (candidate) {
      return candidate.innerHTML.indexOf(prefix + "-__prefix__-") !== -1;
    });
    var copy;
    if (template) {
      var holder = document.createElement(block.tagName === "TR" ? "tbody" : "div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
      copy = holder.firstElementChild;
    } else {
      copy = block.cloneNode(true);
      var from = prefix + "-" + (index - 1) + "-";
      var to = prefix + "-" + index + "-";
      copy.querySelectorAll("[name], [id], [for]").forEach(function (element) {
        ["name", "id", "for"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && value.indexOf(from) !== -1) element.setAttribute(attribute, value.split(from).join(to));
        });
      });
      copy.querySelectorAll("input, textarea, select").forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") element.checked = false;
        else if (element.tagName === "SELECT") element.selectedIndex = -1;
        else if (element.type !== "submit" && element.type !== "button") element.value = "";
      });
      copy.querySelectorAll(".is-invalid").forEach(function (element) { element.classList.remove("is-invalid"); });
      copy.querySelectorAll(".invalid-feedback, .text-danger").forEach(function (element) { element.remove(); });
    }
    if (!copy) return false;
    block.parentNode.insertBefore(copy, block.nextSibling);
    form.elements[prefix + "-TOTAL_FORMS"].value = String(index + 1);
    return true;
  }
  function restore(form, values) {
    var seen = Object.create(null);
    typedControls(form).concat(Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "hidden" && element.name !== "csrfmiddlewaretoken";
    })).forEach(function (element) {
      var given = values[element.name];
      var type = (element.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        element.checked = !!given && given.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = !!given && given.indexOf(option.value) !== -1;
        });
      } else if (given) {
        var at = seen[element.name] || 0;
        seen[element.name] = at + 1;
        if (at < given.length) element.value = given[at];
      } else {
        return;
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (confirmed || dirty.size === 0) return;
    event.preventDefault();
    event.returnValue = labels.unsaved;
    return labels.unsaved;
  });
})();
