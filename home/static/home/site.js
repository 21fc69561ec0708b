// Behaviour of the demo's page chrome, kept out of the HTML so that the public pages'
// Content-Security-Policy allows no inline script (README « Sécurité »).
(function () {
  "use strict";

  function init() {
    // « Masquer le message » of the site notice (the DSFR has no script for it).
    document.querySelectorAll("[data-notice-close]").forEach(function (button) {
      button.addEventListener("click", function () {
        var notice = button.closest(".fr-notice");
        if (notice) {
          notice.remove();
        }
      });
    });
    // The operator logo's width, set through the CSSOM: a style attribute in the HTML
    // would need 'unsafe-inline' styles.
    document.querySelectorAll("img[data-max-width-rem]").forEach(function (image) {
      var width = parseFloat(image.getAttribute("data-max-width-rem"));
      if (width > 0) {
        image.style.maxWidth = width + "rem";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
