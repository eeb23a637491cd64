/* Starts Swagger UI on /api/v1/docs (CSP script-src 'self': no inline script).
 * The OpenAPI address comes from the data-openapi-url attribute of #swagger-ui. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // The public validator would load a badge from another origin (blocked by the CSP).
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    tryItOutEnabled: false
  });
})();
