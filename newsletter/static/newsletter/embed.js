/* Subscribe forms embedded on the practice's blog: post in place and show the answer inline.
   Without this script the form still works as a plain POST to the hosted page. */
(function () {
  "use strict";
  function show(form, text, ok) {
    var out = form.querySelector(".nl-result");
    out.textContent = text;
    out.setAttribute("data-ok", ok ? "true" : "false");
  }
  function errorsText(errors) {
    var parts = [];
    Object.keys(errors || {}).forEach(function (key) { parts = parts.concat(errors[key]); });
    return parts.join(" ") || "Something went wrong. Please try again.";
  }
  function submit(event) {
    var form = event.target;
    event.preventDefault();
    var data = new FormData(form);
    data.append("source", window.location.href.split("#")[0]);
    try { data.append("time_zone", Intl.DateTimeFormat().resolvedOptions().timeZone || ""); } catch (e) {}
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        show(form, answer.ok ? answer.message : errorsText(answer.errors), answer.ok);
        if (answer.ok) { form.reset(); }
      })
      .catch(function () { show(form, "We could not reach the server. Please try again in a moment.", false); })
      .then(function () { button.disabled = false; });
  }
  function init() {
    var forms = document.querySelectorAll("form[data-nl-subscribe]");
    Array.prototype.forEach.call(forms, function (form) {
      if (!form.dataset.nlReady) { form.dataset.nlReady = "1"; form.addEventListener("submit", submit); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
