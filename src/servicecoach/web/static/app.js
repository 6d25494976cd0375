// servicecoach: the evidence popover of the conversation page. A highlighted span
// (<mark data-tip>) shows its signal, reason and suggestion on hover, focus or tap.
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
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setup); } else { setup(); }
})();
