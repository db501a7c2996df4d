/* Guichet: a zone drawn on a map (Leaflet-Geoman) for a routing rule. The GeoJSON text area
   stays the source of truth and the only way without JavaScript (or with a keyboard only):
   drawing, editing or removing a polygon writes the text area, typing in it redraws the map.
   Several polygons make one MultiPolygon. */
(function () {
  "use strict";

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    if (geometry.type === "Feature") return polygonsOf(geometry.geometry);
    if (geometry.type === "FeatureCollection") {
      return (geometry.features || []).reduce(function (all, feature) {
        return all.concat(polygonsOf(feature.geometry));
      }, []);
    }
    return [];
  }

  function init(container) {
    var input = document.getElementById(container.dataset.input);
    if (!input || typeof L === "undefined" || !L.PM || container.dataset.ready) return;
    if (!document.getElementById("guichet-map-config")) return;
    container.dataset.ready = "1";
    container.hidden = false;
    var canvas = container.querySelector(".map-canvas");
    var status = container.querySelector("[data-zone-status]");
    var config = JSON.parse(document.getElementById("guichet-map-config").textContent);
    var map = L.map(canvas, { scrollWheelZoom: false }).setView(config.center, config.zoom);
    canvas.setAttribute("aria-label", container.dataset.label);
    canvas.setAttribute("role", "application");
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    if (map.pm.setLang) map.pm.setLang(document.documentElement.lang === "en" ? "en" : "fr");
    map.pm.addControls({
      position: "topleft",
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawCircle: false,
      drawText: false,
      rotateMode: false,
      cutPolygon: false,
      drawRectangle: true,
      drawPolygon: true,
      editMode: true,
      dragMode: true,
      removalMode: true
    });
    // Geoman's buttons are links without href: name them and keep them keyboard-reachable.
    canvas.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
      var title = button.getAttribute("title") || (button.parentNode && button.parentNode.getAttribute("title"));
      if (title) button.setAttribute("aria-label", title);
      button.setAttribute("role", "button");
      button.setAttribute("tabindex", "0");
    });

    function zoneLayers() {
      return map.pm.getGeomanLayers().filter(function (layer) {
        return layer instanceof L.Polygon;
      });
    }

    function write() {
      var polygons = [];
      zoneLayers().forEach(function (layer) {
        polygons = polygons.concat(polygonsOf(layer.toGeoJSON(6).geometry));
      });
      if (polygons.length === 0) {
        input.value = "";
        status.textContent = container.dataset.cleared;
      } else {
        var geometry = polygons.length === 1
          ? { type: "Polygon", coordinates: polygons[0] }
          : { type: "MultiPolygon", coordinates: polygons };
        input.value = JSON.stringify(geometry);
        status.textContent = container.dataset.drawn;
      }
      input.dispatchEvent(new Event("input", { bubbles: true }));
      // Drawing a zone means the rule looks at it: tick "in the zone below".
      var choice = input.form && input.form.querySelector("input[name='place'][value='zone']");
      if (choice && polygons.length) choice.checked = true;
    }

    function watch(layer) {
      layer.on("pm:edit pm:dragend pm:update", write);
    }

    function read() {
      zoneLayers().forEach(function (layer) { map.removeLayer(layer); });
      var text = (input.value || "").trim();
      if (!text) return;
      var geometry;
      try { geometry = JSON.parse(text); } catch (error) { return; }
      var polygons = polygonsOf(geometry);
      if (!polygons.length) return;
      var group = L.featureGroup();
      polygons.forEach(function (rings) {
        var layer = L.geoJSON({ type: "Polygon", coordinates: rings }).getLayers()[0];
        if (layer) {
          layer.addTo(group);
          watch(layer);
        }
      });
      group.getLayers().forEach(function (layer) { layer.addTo(map); });
      var bounds = group.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
    }

    map.on("pm:create", function (event) {
      watch(event.layer);
      write();
    });
    map.on("pm:remove", write);
    input.addEventListener("change", read);
    read();
  }

  function initAll() {
    document.querySelectorAll("[data-zone-editor]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
