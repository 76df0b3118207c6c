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
