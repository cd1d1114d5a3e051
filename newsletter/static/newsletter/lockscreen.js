// Lock-screen warnings update while the therapist types a subject or preview line.
(function () {
  "use strict";
  function escape(word) { return word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function check(input) {
    var words = JSON.parse(input.dataset.lockscreenWords || "{}");
    var list = input.nextElementSibling;
    if (!list || !list.classList.contains("lockscreen-warnings")) { return; }
    list.textContent = "";
    Object.keys(words).forEach(function (word) {
      if (new RegExp("\\b" + escape(word) + "\\b", "i").test(input.value)) {
        var item = document.createElement("li");
        item.textContent = "\u201c" + word + "\u201d may be read on a lock screen or shared device; " +
          "consider gentler phrasing such as \u201c" + words[word] + "\u201d.";
        list.appendChild(item);
      }
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.lockscreenWords) { check(event.target); }
  });
})();
