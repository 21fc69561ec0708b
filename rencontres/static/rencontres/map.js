/*
 * Maps of rencontres (rencontres/includes/map.html): Leaflet and its marker cluster,
 * served by the site (rencontres/vendor/, from npm). No inline script, no style
 * attribute written as HTML: the site's Content-Security-Policy allows neither.
 *
 * Each element [data-rencontres-map] is a map: of a list (data-geojson: the listing's
 * carte.geojson, markers clustered, each popup linking to its rencontre) or of one
 * place (data-latitude, data-longitude, data-title). Its section stays hidden when
 * this script does not run: the list beside it says the same in text.
 */
(function () {
  "use strict";

  function labels(element) {
    try {
      return JSON.parse(element.dataset.labels || "{}");
    } catch (error) {
      return {};
    }
  }

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function escapeHtml(value) {
    var node = document.createElement("span");
    node.textContent = value;
    return node.innerHTML;
  }

  function statusOf(element) {
    return document.getElementById(element.id + "-etat");
  }

  function say(element, text) {
    var status = statusOf(element);
    if (status) {
      status.textContent = text;
    }
  }

  function icon(element, L) {
    return L.icon({
      iconUrl: element.dataset.icon,
      iconRetinaUrl: element.dataset.iconRetina,
      shadowUrl: element.dataset.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
  }

  function baseMap(element, L, text) {
    var map = L.map(element, {
      scrollWheelZoom: false,
      zoomControl: false,
      // Markers stay reachable by keyboard; the skip link before the map passes them.
      keyboard: true,
    });
    L.control
      .zoom({ zoomInTitle: text.zoom_in || "+", zoomOutTitle: text.zoom_out || "-" })
      .addTo(map);
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {
        attribution: element.dataset.attribution || "",
        maxZoom: parseInt(element.dataset.maxZoom, 10) || 19,
      }).addTo(map);
    }
    return map;
  }

  function line(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = text;
    return node;
  }

  // The popup of a rencontre, built as nodes: titles and places are editors' text.
  function popup(properties) {
    var box = document.createElement("div");
    box.className = "rencontres-carte__popup";
    var title = document.createElement("p");
    title.className = "rencontres-carte__popup-titre";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    title.appendChild(link);
    box.appendChild(title);
    if (properties.dates) {
      box.appendChild(line("p", "", properties.dates));
    }
    if (properties.place) {
      box.appendChild(line("p", "", properties.place));
    }
    var badges = [properties.format_label, properties.status_label].filter(Boolean);
    if (badges.length) {
      box.appendChild(line("p", "", badges.join(" · ")));
    }
    return box;
  }

  function showPoint(element, L, text) {
    var latitude = parseFloat(element.dataset.latitude);
    var longitude = parseFloat(element.dataset.longitude);
    if (isNaN(latitude) || isNaN(longitude)) {
      return;
    }
    var map = baseMap(element, L, text);
    var title = element.dataset.title || "";
    L.marker([latitude, longitude], { icon: icon(element, L), title: title, alt: title })
      .addTo(map);
    map.setView([latitude, longitude], 15);
  }

  function showCollection(element, L, text) {
    var map = baseMap(element, L, text);
    map.setView([46.6, 2.4], 5); // metropolitan France until the rencontres are placed
    say(element, text.loading || "");
    var group = L.markerClusterGroup
      ? L.markerClusterGroup({
          showCoverageOnHover: false,
          spiderfyOnMaxZoom: true,
          iconCreateFunction: function (cluster) {
            var count = cluster.getChildCount();
            var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
            // The cluster is a button: its text names it for assistive technologies.
            var label = escapeHtml(format(text.cluster, { count: count }));
            return L.divIcon({
              html:
                "<div><span aria-hidden=\"true\">" + count + "</span>" +
                "<span class=\"fr-sr-only\">" + label + "</span></div>",
              className: "marker-cluster marker-cluster-" + size,
              iconSize: L.point(40, 40),
            });
          },
        })
      : L.featureGroup();
    fetch(element.dataset.geojson, {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var features = (collection && collection.features) || [];
        var markerIcon = icon(element, L);
        features.forEach(function (feature) {
          var coordinates = feature.geometry && feature.geometry.coordinates;
          if (!coordinates || coordinates.length < 2) {
            return;
          }
          var properties = feature.properties || {};
          // GeoJSON is longitude first; Leaflet wants latitude first.
          var marker = L.marker([coordinates[1], coordinates[0]], {
            icon: markerIcon,
            title: properties.title,
            alt: properties.title,
          });
          marker.bindPopup(popup(properties));
          group.addLayer(marker);
        });
        map.addLayer(group);
        if (features.length) {
          // At once, not animated: markers and clusters are where they stay when the
          // map says it is ready (a popup opened during the zoom would be closed by
          // the clusters redrawn at its end).
          map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 13, animate: false });
        }
        if (features.length === 0) {
          say(element, text.none || "");
        } else if (features.length === 1) {
          say(element, text.one || "");
        } else {
          say(element, format(text.count, { count: features.length }));
        }
        element.dataset.markers = String(features.length);
      })
      .catch(function () {
        say(element, text.failed || "");
        element.dataset.markers = "error";
      });
  }

  // The maps' style sheets (data-styles: Leaflet's, its marker cluster's, ours) are
  // added by this script, once, and each map is drawn when they have loaded (Leaflet
  // measures its container): a page without a map to draw (no JavaScript, no Leaflet)
  // loads none of them.
  var loadingStyles = {};

  function addStyles(element) {
    var hrefs = (element.dataset.styles || "").split(" ").filter(Boolean);
    return Promise.all(
      hrefs.map(function (href) {
        if (!loadingStyles[href]) {
          loadingStyles[href] = new Promise(function (resolve) {
            var link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = href;
            link.onload = resolve;
            link.onerror = resolve; // drawn unstyled rather than not at all
            document.head.appendChild(link);
          });
        }
        return loadingStyles[href];
      })
    );
  }

  function start() {
    var L = window.L;
    var elements = document.querySelectorAll("[data-rencontres-map]");
    Array.prototype.forEach.call(elements, function (element) {
      if (!L) {
        return; // no Leaflet: the section stays hidden, the list is there
      }
      addStyles(element).then(function () {
        var section = element.closest("[data-rencontres-map-section]");
        if (section) {
          section.hidden = false;
        }
        var text = labels(element);
        if (element.dataset.geojson) {
          showCollection(element, L, text);
        } else {
          showPoint(element, L, text);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
