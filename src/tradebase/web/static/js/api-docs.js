// Starts Swagger UI on /api/v1/docs (no inline script: the Content-Security-Policy forbids it).
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // ~150 operations: the tags start closed and open on a click (rendering every operation
    // at once stalled the page).
    docExpansion: "none",
    filter: true,
  });
})();
