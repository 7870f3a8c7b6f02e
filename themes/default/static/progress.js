// Progress through learning paths, kept only in this browser (localStorage): a step's page
// can be marked done, and a path's page shows which of its steps are. Nothing is sent
// anywhere; without this script (or storage) the pages read the same, without the marks.
(function () {
  "use strict";
  var script = document.currentScript;
  var key = "canon-progress:" + ((script && script.getAttribute("data-site")) || "/");
  function load() {
    try {
      var v = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return null;
    }
  }
  function save(done) {
    try {
      window.localStorage.setItem(key, JSON.stringify(done));
    } catch (e) { /* storage refused: nothing to keep */ }
  }
  var done = load();
  if (done === null) return;

  var toggle = document.querySelector(".path-progress__toggle");
  if (toggle) {
    var step = toggle.getAttribute("data-step");
    var label = toggle.textContent;
    var show = function () {
      var on = done.indexOf(step) >= 0;
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? "Done: mark as not done" : label;
    };
    toggle.addEventListener("click", function () {
      var at = done.indexOf(step);
      if (at >= 0) done.splice(at, 1); else done.push(step);
      save(done);
      show();
    });
    show();
    toggle.parentNode.hidden = false;
  }

  document.querySelectorAll(".steps").forEach(function (section) {
    var steps = section.querySelectorAll("[data-step]");
    var count = 0;
    steps.forEach(function (li) {
      var on = done.indexOf(li.getAttribute("data-step")) >= 0;
      if (on) count += 1;
      var mark = li.querySelector(".steps__done");
      if (mark) mark.hidden = !on;
    });
    var status = section.querySelector(".steps__progress");
    if (status) {
      status.textContent = count + " of " + steps.length + " done (kept only in this browser)";
      status.hidden = false;
    }
  });
})();
