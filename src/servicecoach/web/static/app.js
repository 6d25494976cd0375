// servicecoach: the evidence popover of the conversation page. A highlighted span
// (<mark data-tip>) shows its signal, reason and suggestion on hover, focus or tap.
// The import page follows its job: it polls the job as JSON, shows the phase
// (importing, scoring) and its progress, and reloads itself when the job ends.
(function () {
  "use strict";
  function setup() {
    var pop = document.getElementById("evidence-pop");
    if (!pop) { return; }
    function show(mark) {
      pop.textContent = mark.getAttribute("data-tip");
      pop.hidden = false;
      var box = mark.getBoundingClientRect();
      var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - pop.offsetWidth - 8);
      pop.style.left = Math.max(window.scrollX + 4, left) + "px";
      pop.style.top = (window.scrollY + box.bottom + 6) + "px";
    }
    function hide() { pop.hidden = true; }
    document.querySelectorAll("mark[data-tip]").forEach(function (mark) {
      mark.removeAttribute("title");  // the popover replaces the browser's tooltip
      mark.addEventListener("mouseenter", function () { show(mark); });
      mark.addEventListener("focus", function () { show(mark); });
      mark.addEventListener("click", function () { show(mark); });
      mark.addEventListener("mouseleave", hide);
      mark.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  }
  function followImport() {
    var box = document.querySelector(".import-job[data-poll]");
    if (!box) { return; }
    var state = box.querySelector(".job-state");
    var bar = box.querySelector("progress");
    var steps = box.querySelectorAll(".phases li");
    function count(n) { return Number(n).toLocaleString("en-US"); }
    function say(job) {
      if (job.status === "queued") { return "Waiting for the import before it…"; }
      if (job.phase === "analysing") { return "Scoring the conversations… " + count(job.analysed) + " of " + count(job.analyse_total) + " scored."; }
      return "Importing… " + count(job.conversations_read) + " conversations read.";
    }
    function poll() {
      fetch(box.getAttribute("data-poll"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (answer) { if (!answer.ok) { throw new Error(answer.status); } return answer.json(); })
        .then(function (job) {
          if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
          box.setAttribute("data-status", job.status);
          box.setAttribute("data-phase", job.phase);
          if (state) { state.textContent = say(job); }
          if (bar) { bar.value = Math.round(job.progress * 100); bar.textContent = bar.value + "%"; }
          if (steps.length === 3) {
            steps[0].className = job.phase === "importing" ? "current" : "passed";
            steps[1].className = job.phase === "analysing" ? "current" : "";
          }
          window.setTimeout(poll, 700);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 400);
  }
  function start() { setup(); followImport(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
