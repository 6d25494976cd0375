// servicecoach: the review page. Selecting words in a message fills the "missed
// signal" fields (the message, the words and where they start), so a reviewer marks
// what servicecoach missed by selecting it. Without this script the reviewer types
// the words and picks the message; the server finds them in the message.
(function () {
  "use strict";
  function offsetIn(box, node, offset) {
    var range = document.createRange();
    range.setStart(box, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }
  function boxOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".review-thread .text[data-message]") : null;
  }
  function fill() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return; }
    var range = selection.getRangeAt(0);
    var box = boxOf(range.startContainer);
    if (!box || boxOf(range.endContainer) !== box) { return; }
    var quote = range.toString();
    if (!quote.trim()) { return; }
    var message = document.getElementById("missed_message");
    var words = document.getElementById("missed_quote");
    var start = document.getElementById("missed_start");
    var hint = document.getElementById("missed-hint");
    if (!message || !words || !start) { return; }
    message.value = box.getAttribute("data-message");
    words.value = quote;
    start.value = String(offsetIn(box, range.startContainer, range.startOffset));
    if (hint) { hint.textContent = "Selected in " + message.value + ": now choose the signal and save."; }
  }
  function setup() {
    var thread = document.querySelector(".review-thread");
    if (!thread) { return; }
    thread.addEventListener("mouseup", fill);
    thread.addEventListener("keyup", fill);
    var words = document.getElementById("missed_quote");
    var start = document.getElementById("missed_start");
    if (words && start) { words.addEventListener("input", function () { start.value = ""; }); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
