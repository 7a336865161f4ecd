// A few minutes before a session ends without activity (pso_site/idle.py),
// a small banner says so, with "Stay signed in". Asking the server how long
// is left does not count as activity (another tab may have kept the session
// alive meanwhile); the button does. When the time is up the banner says
// that unsaved work is not lost: saving keeps it for after signing in again.
(function () {
  "use strict";
  var script = document.getElementById("session-script");
  var box = document.getElementById("session-warning-box");
  var text = document.getElementById("session-warning-text");
  var stay = document.getElementById("session-stay");
  if (!script || !box || !text || !stay) return;
  var words = script.dataset;
  var length = parseInt(words.length, 10) || 0;
  // Warn five minutes ahead (less for a very short session).
  var lead = Math.min(300, Math.floor(length / 3)) * 1000;
  var deadline = Date.now() + (parseInt(words.remaining, 10) || 0) * 1000;
  var timer = null;
  var shownMinutes = null;

  function schedule(delay, action) {
    window.clearTimeout(timer);
    timer = window.setTimeout(action, Math.max(0, Math.min(delay, 2147483647)));
  }
  function ask(method) {
    var headers = { Accept: "application/json" };
    if (method === "POST") {
      var token = document.querySelector("input[name='csrfmiddlewaretoken']");
      headers["X-CSRFToken"] = token ? token.value : "";
    }
    return window.fetch(words.url, { method: method, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        // Sent to sign in (or to give a second factor): no number to read.
        if (!response.ok || response.redirected) throw new Error("no session");
        return response.json();
      })
      .then(function (answer) {
        if (typeof answer.remaining !== "number") throw new Error("no session");
        deadline = Date.now() + answer.remaining * 1000;
        return answer.remaining;
      });
  }
  function hide() {
    box.hidden = true;
    shownMinutes = null;
  }
  function show(message, canStay) {
    if (text.textContent !== message) text.textContent = message;
    stay.hidden = !canStay;
    box.hidden = false;
  }
  function countDown() {
    var left = deadline - Date.now();
    if (left <= 0) {
      // Time is up here; another tab may have kept the session alive.
      ask("GET").then(decide, function () { show(words.ended, false); });
      return;
    }
    var minutes = Math.ceil(left / 60000);
    // The text changes once a minute at most: a screen reader is not
    // interrupted every second.
    if (minutes !== shownMinutes) {
      shownMinutes = minutes;
      show(minutes > 1 ? words.warning.replace("{minutes}", String(minutes)) : words.soon, true);
    }
    schedule(left - (minutes - 1) * 60000, countDown);
  }
  function decide() {
    var left = deadline - Date.now();
    if (left > lead) {
      hide();
      schedule(left - lead, check);
    } else if (left > 0) {
      countDown();
    } else {
      show(words.ended, false);
    }
  }
  function check() {
    ask("GET").then(decide, function () { window.clearTimeout(timer); });
  }
  stay.addEventListener("click", function () {
    stay.disabled = true;
    ask("POST").then(function () {
      stay.disabled = false;
      hide();
      schedule(deadline - Date.now() - lead, check);
    }, function () {
      stay.disabled = false;
      deadline = Date.now();
      countDown();
    });
  });
  schedule(deadline - Date.now() - lead, check);
})();
