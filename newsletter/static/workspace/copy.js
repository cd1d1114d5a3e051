// Copy buttons for the blog snippets: shown only where the browser can copy.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  buttons.forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copied-for="' + button.getAttribute("data-copy") + '"]');
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { if (status) { status.textContent = "Copied. Paste it into your blog."; } };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
          if (status) { status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected form."; }
        });
      } else {
        source.focus();
        source.select();
        if (status) { status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected form."; }
      }
    });
  });
})();
