// The enquiry thread's form posts through htmx and swaps the thread in place. A refused
// message (422, 413, 415, 403, 409) comes back as the thread with its messages beside the
// fields: swap it too, rather than htmx's default of ignoring error answers.
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var refused = [403, 409, 413, 415, 422];  // the thread with its messages, not an error page
  if (target && target.id === "thread" && refused.indexOf(event.detail.xhr.status) >= 0) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Files past the request body limit never reach the app: web/limits.py sends the browser
// back to the enquiry page (?upload_refused=1), whose thread says so beside the file input
// but cannot know what was typed. Put the text back into the new form.
var typedBeforeRefusal = null;
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  var text = document.querySelector("#message-form textarea[name=text]");
  typedBeforeRefusal = null;
  if (target && target.id === "thread" && text &&
      /[?&]upload_refused=1\b/.test(event.detail.xhr.responseURL || "")) {
    typedBeforeRefusal = text.value;
  }
});
document.addEventListener("htmx:afterSwap", function () {
  var text = document.querySelector("#message-form textarea[name=text]");
  if (typedBeforeRefusal !== null && text) text.value = typedBeforeRefusal;
  typedBeforeRefusal = null;
});
