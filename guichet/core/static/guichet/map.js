/* Guichet: a map to place a point (Leaflet). The latitude and longitude inputs stay the
   source of truth: the map fills them on a click or a drag, and follows them when they are
   typed. Without JavaScript the map stays hidden and the inputs do the job. */
(function () {
  "use strict";

  function format(value) {
    return (Math.round(value * 1e6) / 1e6).toString();
  }

  function read(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function init(container) {
    var latInput = document.getElementById(container.dataset.latInput);
    var lngInput = document.getElementById(container.dataset.lngInput);
    if (!latInput || !lngInput || typeof L === "undefined" || container.dataset.ready) return;
    if (!document.getElementById("guichet-map-config")) return;
    container.dataset.ready = "1";
    container.hidden = false;
    var canvas = container.querySelector(".map-canvas");
    var status = container.querySelector("[data-map-status]");
    var config = JSON.parse(document.getElementById("guichet-map-config").textContent);
    var map = L.map(canvas, { scrollWheelZoom: false }).setView(config.center, config.zoom);
    canvas.setAttribute("aria-label", container.dataset.label);
    canvas.setAttribute("role", "application");
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    var marker = null;

    function show(lat, lng, pan) {
      if (marker === null) {
        marker = L.marker([lat, lng], { draggable: true, alt: container.dataset.markerLabel, keyboard: true });
        marker.on("dragend", function () {
          var point = marker.getLatLng();
          fill(point.lat, point.lng);
        });
        marker.addTo(map);
      } else {
        marker.setLatLng([lat, lng]);
      }
      if (pan) map.setView([lat, lng], Math.max(map.getZoom(), 16));
    }

    function fill(lat, lng) {
      latInput.value = format(lat);
      lngInput.value = format(lng);
      // The form's autosave and any listener learn of the change as if it were typed.
      latInput.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = container.dataset.placed
        .replace("%(lat)s", latInput.value)
        .replace("%(lng)s", lngInput.value);
    }

    function follow() {
      var lat = read(latInput), lng = read(lngInput);
      if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        show(lat, lng, true);
      }
    }

    map.on("click", function (event) {
      show(event.latlng.lat, event.latlng.lng, false);
      fill(event.latlng.lat, event.latlng.lng);
    });
    latInput.addEventListener("change", follow);
    lngInput.addEventListener("change", follow);
    container.querySelector("[data-map-clear]").addEventListener("click", function () {
      if (marker !== null) {
        map.removeLayer(marker);
        marker = null;
      }
      latInput.value = "";
      lngInput.value = "";
      latInput.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = "";
    });
    follow();
  }

  /* A place shown on a map (no input): a marker at data-lat, data-lng. */
  function initPoint(container) {
    if (typeof L === "undefined" || container.dataset.ready) return;
    if (!document.getElementById("guichet-map-config")) return;
    var lat = parseFloat(container.dataset.lat), lng = parseFloat(container.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) return;
    container.dataset.ready = "1";
    container.hidden = false;
    var canvas = container.querySelector(".map-canvas");
    var config = JSON.parse(document.getElementById("guichet-map-config").textContent);
    var map = L.map(canvas, { scrollWheelZoom: false }).setView([lat, lng], 17);
    canvas.setAttribute("aria-label", container.dataset.label);
    canvas.setAttribute("role", "region");
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    L.marker([lat, lng], { alt: container.dataset.label, keyboard: false }).addTo(map);
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-map-picker]").forEach(init);
    (root || document).querySelectorAll("[data-map-point]").forEach(initPoint);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else {
    initAll();
  }
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
