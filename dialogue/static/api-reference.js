// Starts Swagger UI on the API reference page (/schema, dialogue/openapi.py). A file, not an
// inline script: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  const root = document.getElementById("api-reference");
  if (!root || typeof SwaggerUIBundle !== "function") return;
  SwaggerUIBundle({
    url: root.dataset.specUrl,
    domNode: root,
    deepLinking: true,
    // Swagger UI would ask a validator on the Internet about the description: nothing leaves.
    validatorUrl: null,
    // "Try it out" sends the token typed in "Authorize", never the browser's session cookie.
    withCredentials: false,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
