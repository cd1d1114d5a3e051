/* The email editor's Markdown toolbar and placeholder buttons: they edit the textarea. */
(function () {
  "use strict";
  var body = document.querySelector("#editor textarea[name=body]");
  if (!body) { return; }

  function changed() {
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  }

  function wrap(before, after, placeholder) {
    var start = body.selectionStart, end = body.selectionEnd;
    var chosen = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + chosen + after, start, end, "end");
    body.setSelectionRange(start + before.length, start + before.length + chosen.length);
    changed();
  }

  function prefixLines(prefix) {
    var start = body.value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = body.selectionEnd;
    var lines = body.value.slice(start, end).split("\n");
    body.setRangeText(lines.map(function (line) { return prefix + line; }).join("\n"), start, end, "end");
    changed();
  }

  var actions = {
    bold: function () { wrap("**", "**", "bold words"); },
    italic: function () { wrap("_", "_", "gentle emphasis"); },
    link: function () { wrap("[", "](https://)", "link words"); },
    list: function () { prefixLines("- "); },
    heading: function () { prefixLines("## "); }
  };

  document.querySelectorAll("[data-md]").forEach(function (button) {
    button.addEventListener("click", function () { actions[button.dataset.md](); });
  });
  document.querySelectorAll("[data-insert]").forEach(function (button) {
    button.addEventListener("click", function () {
      body.setRangeText(button.dataset.insert, body.selectionStart, body.selectionEnd, "end");
      changed();
    });
  });
  body.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey)) { return; }
    var key = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
    if (key) { event.preventDefault(); actions[key](); }
  });
  var focus = document.querySelector("[data-focus-on-load]");
  if (focus) { focus.focus(); }
})();
