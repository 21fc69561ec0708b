// Loaded before the DSFR core (home/dsfr_js.py): the DSFR waits for dsfr-start.js, once
// the scripts of its components have registered, rather than starting on its own.
window.dsfr = { mode: "manual" };
