// Progress of a running Decidim import (rencontres.admin.imports): polls the run's
// status endpoint, moves the bar, and reloads the page on the report when it ends.
// A file, not an inline script: the admin's Content-Security-Policy allows it as 'self'.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");
  var DELAY = 1000;

  function show(data) {
    if (data.total) {
      bar.max = data.total;
      bar.value = data.done;
    }
    text.textContent = data.message;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected || response.status === 404 || response.status === 403) {
          window.location.reload(); // the run is gone, or the session ended (login page)
          return undefined;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data === undefined) {
          return;
        }
        if (data) {
          show(data);
          if (data.finished) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, DELAY);
      })
      .catch(function () {
        window.setTimeout(poll, DELAY * 3);
      });
  }

  poll();
})();
