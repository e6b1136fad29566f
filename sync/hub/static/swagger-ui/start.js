// Starts Swagger UI on the hub's /docs page (sync/hub/web.py): FieldReg's own file, not part of
// swagger-ui-dist. The API's document is at openapi.json beside the page, so it also works
// under a CamDX service path. No online validator (it would fetch validator.swagger.io).
"use strict";

window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("openapi.json", document.baseURI).href,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
