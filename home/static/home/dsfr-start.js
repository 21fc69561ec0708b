// Loaded after the DSFR's component scripts (home/dsfr_js.py): start the DSFR, now that
// they have all registered (dsfr-manual.js kept the core from starting on its own).
if (window.dsfr && typeof window.dsfr.start === "function") {
  window.dsfr.start();
}
