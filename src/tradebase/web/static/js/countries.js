// A list of countries to tick (macros.html:countries_field) gets a box that filters it by
// name or code as one types. Without JavaScript the whole list is shown, sorted by name.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".country-choices").forEach(function (field) {
    var filter = field.querySelector(".country-filter");
    if (!filter) { return; }
    filter.hidden = false;
    var items = Array.prototype.slice.call(field.querySelectorAll(".country-list li"));
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLocaleLowerCase();
      items.forEach(function (item) {
        var box = item.querySelector("input");
        var text = (item.textContent + " " + (box ? box.value : "")).toLocaleLowerCase();
        item.hidden = wanted !== "" && text.indexOf(wanted) < 0 && !(box && box.checked);
      });
    });
    // Enter in the filter box must not submit the form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  });
});
