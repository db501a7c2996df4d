/* Guichet: the address search as a combobox (WAI-ARIA 1.2 pattern, list autocomplete).
   As the address is typed, Guichet's own proxy (core/addresses.py) proposes addresses; the
   arrows move through them, Enter or a click picks one: the address input gets its label,
   the latitude and longitude inputs its point, and the map follows them. Escape closes the
   list. Without JavaScript the "Chercher" button does the same in a full page. */
(function () {
  "use strict";

  var DELAY = 300, MIN_LENGTH = 3;

  function init(container) {
    if (container.dataset.ready) return;
    var input = container.querySelector("input[type='text'], input:not([type])");
    var list = container.querySelector("[role='listbox']");
    var status = container.querySelector("[data-address-status]");
    if (!input || !list || !window.fetch) return;
    container.dataset.ready = "1";
    var form = input.form;
    var url = container.dataset.addressSearch;
    var options = [], active = -1, timer = null, controller = null, lastQuery = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    function pointInput(name) {
      return form ? form.elements.namedItem(name) : null;
    }

    function announce(text) {
      status.textContent = text;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var result = options[index].result;
      input.value = result.label;
      var lat = pointInput(container.dataset.latName), lng = pointInput(container.dataset.lngName);
      [[lat, result.lat], [lng, result.lng]].forEach(function (pair) {
        if (!pair[0]) return;
        pair[0].value = String(pair[1]);
        pair[0].dispatchEvent(new Event("input", { bubbles: true }));
        pair[0].dispatchEvent(new Event("change", { bubbles: true }));
      });
      lastQuery = result.label;
      close();
      announce(container.dataset.chosen.replace("%(label)s", result.label));
    }

    function show(results, outsideText) {
      list.textContent = "";
      options = results.map(function (result, index) {
        var element = document.createElement("li");
        element.id = list.id + "-" + index;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.textContent = result.label;
        if (!result.inside && outsideText) {
          var note = document.createElement("span");
          note.className = "muted";
          note.textContent = " (" + outsideText + ")";
          element.appendChild(note);
        }
        // A press on an option must not take the focus from the input first.
        element.addEventListener("mousedown", function (event) { event.preventDefault(); });
        element.addEventListener("click", function () { pick(index); });
        list.appendChild(element);
        return { element: element, result: result };
      });
      active = -1;
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announce(options.length === 1
          ? container.dataset.foundOne
          : container.dataset.foundMany.replace("%(count)s", options.length));
      } else {
        close();
        announce(container.dataset.foundNone);
      }
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH || query === lastQuery) {
        if (query.length < MIN_LENGTH) close();
        return;
      }
      lastQuery = query;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        if (input.value.trim() !== query) return;
        if (!answer.ok) {
          close();
          announce(answer.body.message || "");
          return;
        }
        show(answer.body.results || [], answer.body.outside);
      }).catch(function () { /* aborted, or offline: the input still takes what is typed */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && options.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open && options.length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        if (options.length) highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          pick(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function initAll(root) {
    (root || document).querySelectorAll("[data-address-search]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else {
    initAll();
  }
  document.addEventListener("htmx:load", function (event) { initAll(event.target); });
})();
