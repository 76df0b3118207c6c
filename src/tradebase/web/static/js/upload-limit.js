// A file input that names its limits (data-max-bytes for one file, data-max-total for all its
// files together, with the messages to say in the page's language) says a file past them
// beside itself as soon as it is chosen, and its form is not sent: what was typed stays, and
// no megabytes go up only to be refused. Without this script the server says the same
// beside the field (the form flow, or web/limits.py sending the page back).
(function () {
  "use strict";

  function refusal(input) {
    var each = Number(input.dataset.maxBytes || 0);
    var total = Number(input.dataset.maxTotal || 0);
    var sum = 0;
    for (var i = 0; i < input.files.length; i++) {
      sum += input.files[i].size;
      if (each && input.files[i].size > each) return input.dataset.tooLarge || "";
    }
    if (total && sum > total) return input.dataset.tooLargeTotal || input.dataset.tooLarge || "";
    return "";
  }

  // The message where the form flow puts it (macros.html: _error), or none.
  function say(input, message) {
    var id = input.id.replace(/^field-/, "error-");
    var shown = document.getElementById(id);
    var field = input.closest(".field");
    if (!message) {
      if (shown && shown.dataset.fromBrowser) {
        shown.remove();
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
        if (field) field.classList.remove("has-error");
      }
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "error";
      shown.id = id;
      shown.dataset.fromBrowser = "1";
      shown.setAttribute("role", "alert");
      (field || input.parentNode).appendChild(shown);
    }
    shown.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    if (field) field.classList.add("has-error");
  }

  function limited(target) {
    return target instanceof HTMLInputElement && target.type === "file" &&
      (target.dataset.maxBytes || target.dataset.maxTotal);
  }

  document.addEventListener("change", function (event) {
    if (limited(event.target)) say(event.target, refusal(event.target));
  });

  // In the capture phase, before htmx's own listener on the form sends it.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (!limited(inputs[i])) continue;
      var message = refusal(inputs[i]);
      if (message) {
        event.preventDefault();
        event.stopImmediatePropagation();
        say(inputs[i], message);
        inputs[i].focus();
        return;
      }
    }
  }, true);
})();
