/* Guichet: the back office's map of cases (Leaflet and Leaflet.markercluster). The points
   come from a JSON endpoint that takes the page's filters; a marker opens a preview of its
   case, built with DOM methods: what cases hold is never read as HTML. A link takes the
   map's current bounds to the list as a zone filter. Without JavaScript the map stays hidden
   and the page links to the list. */
(function () {
  "use strict";

  var MAX_ZOOM = 19;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clamp(value, limit) {
    return Math.max(-limit, Math.min(limit, value));
  }

  function round(value) {
    return Math.round(value * 1e5) / 1e5;
  }

  /* "2024-05-03" (the organization's day) in the page's language, without a time zone shift. */
  function formatDay(iso) {
    var parts = iso.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    return day.toLocaleDateString(document.documentElement.lang || undefined, { timeZone: "UTC" });
  }

  function preview(point, labels) {
    var box = element("div", "case-preview");
    var title = element("p", "case-preview-title");
    var link = element("a", null, point.reference);
    link.href = point.url;
    title.appendChild(link);
    box.appendChild(title);
    var details = element("dl");
    function row(label, value) {
      details.appendChild(element("dt", null, label));
      var cell = element("dd");
      cell.appendChild(value);
      details.appendChild(cell);
    }
    row(labels.procedure, document.createTextNode(point.procedure));
    row(labels.state, element("span", "badge badge-" + point.category, point.state));
    var created = element("time", null, formatDay(point.created));
    created.setAttribute("datetime", point.created);
    row(labels.created, created);
    box.appendChild(details);
    return box;
  }

  function init(container) {
    var configElement = document.getElementById("guichet-map-config");
    if (typeof L === "undefined" || typeof L.markerClusterGroup !== "function") return;
    if (!configElement || container.dataset.ready) return;
    container.dataset.ready = "1";
    var data = container.dataset;
    var config = JSON.parse(configElement.textContent);
    var status = container.querySelector("[data-case-map-status]");
    var truncated = container.querySelector("[data-case-map-truncated]");
    var filterLink = container.querySelector("[data-case-map-filter]");
    var labels = { procedure: data.procedureLabel, state: data.stateLabel, created: data.createdLabel };
    document.querySelectorAll("[data-case-map-fallback]").forEach(function (node) {
      node.hidden = true;
    });
    container.hidden = false;

    var map = L.map(container.querySelector(".map-canvas"), {
      maxZoom: MAX_ZOOM,
      scrollWheelZoom: false,
      zoomControl: false
    });
    L.control.zoom({ zoomInTitle: data.zoomInLabel, zoomOutTitle: data.zoomOutLabel }).addTo(map);
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: MAX_ZOOM, attribution: config.attribution }).addTo(map);
    }
    var zone = data.zone ? data.zone.split(",").map(Number) : null;
    if (zone && zone.length === 4) {
      map.fitBounds([[zone[0], zone[1]], [zone[2], zone[3]]]);
    } else {
      zone = null;
      map.setView(config.center, config.zoom);
    }

    /* The list, with the page's filters and the zone the map shows now. */
    function followBounds() {
      var bounds = map.getBounds();
      var south = round(clamp(bounds.getSouth(), 90)), north = round(clamp(bounds.getNorth(), 90));
      var west = round(clamp(bounds.getWest(), 180)), east = round(clamp(bounds.getEast(), 180));
      if (!(south < north && west < east)) return;
      var query = new URLSearchParams(data.query);
      query.delete("page");
      query.set("zone", [south, west, north, east].join(","));
      filterLink.href = data.listUrl + "?" + query.toString();
    }
    map.on("moveend", followBounds);
    followBounds();

    // Leaflet.markercluster opens a cluster on a click and on Enter alike.
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        var inner = element("div");
        inner.appendChild(element("span", null, String(count)));
        inner.appendChild(element("span", "visually-hidden", " " + data.clusterLabel));
        return L.divIcon({
          html: inner,
          className: "marker-cluster marker-cluster-" + size,
          iconSize: L.point(40, 40)
        });
      }
    });
    map.addLayer(clusters);
    // The preview takes the focus; Escape closes it and gives the focus back to its marker.
    var opened = null;
    clusters.on("popupopen", function (event) {
      opened = event.layer;
      var popup = event.popup.getElement();
      var close = popup.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", data.closeLabel);
      var link = popup.querySelector(".case-preview a");
      if (link) link.focus({ preventScroll: true });
    });
    map.getContainer().addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || opened === null || !opened.isPopupOpen()) return;
      map.closePopup();
      if (opened.getElement()) opened.getElement().focus({ preventScroll: true });
    });

    fetch(data.pointsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) {
        // Fitted before the markers are added: they are clustered once, at the right zoom.
        if (!zone && result.points.length) {
          var bounds = L.latLngBounds(result.points.map(function (point) {
            return [point.latitude, point.longitude];
          }));
          map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
        }
        var markers = result.points.map(function (point) {
          var marker = L.marker([point.latitude, point.longitude], {
            alt: point.reference + " – " + point.procedure,
            keyboard: true
          });
          // Built on the first opening only: thousands of markers, few previews.
          marker.bindPopup(function () { return preview(point, labels); });
          return marker;
        });
        clusters.addLayers(markers);
        status.textContent = result.summary;
        truncated.hidden = !result.truncated;
      })
      .catch(function () {
        status.textContent = data.loadingError;
      });
  }

  function initAll() {
    document.querySelectorAll("[data-case-map]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
