/* Error Codes page: narrow the code tables by HTTP status, retryable and envelope type, and a
 * "code missing?" helper that points at what to do for an envelope type.
 * Progressive enhancement: the controls' container is `hidden` in the HTML, so without
 * JavaScript nothing changes and every row is shown. Plain DOM, no framework. */
(function () {
  "use strict";

  /* options: [[value, label], ...] in display order, as the build computed them (view.py). */
  function select(id, label, options) {
    var wrap = document.createElement("label");
    wrap.textContent = label + " ";
    var s = document.createElement("select");
    s.id = id;
    var any = document.createElement("option");
    any.value = "";
    any.textContent = "any";
    s.appendChild(any);
    options.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v[0];
      o.textContent = v[1];
      s.appendChild(o);
    });
    wrap.appendChild(s);
    return { wrap: wrap, select: s };
  }

  function init() {
    var box = document.querySelector(".xem-filter");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-place="summary"]'));
    if (!rows.length) return;

    var options = JSON.parse(box.getAttribute("data-options"));
    var http = select("xem-filter-http", "HTTP", options.http);
    var retry = select("xem-filter-retryable", "Retryable", options.retryable);
    var type = select("xem-filter-type", "Type", options.type);
    var count = document.createElement("span");
    count.className = "xem-filter-count";
    count.setAttribute("aria-live", "polite");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button";
    reset.textContent = "Show all";

    var typeRows = Array.prototype.slice.call(document.querySelectorAll("table.xem-types tbody tr[data-type]"));
    var missing = select("xem-code-missing", "Code missing? Pick the type you got:",
      typeRows.map(function (r) { return [r.getAttribute("data-type"), r.getAttribute("data-type")]; }));
    var advice = document.createElement("p");
    advice.className = "xem-missing-advice";
    advice.hidden = true;

    [http, retry, type].forEach(function (c) { box.appendChild(c.wrap); });
    box.appendChild(reset);
    box.appendChild(count);
    var missingBox = document.createElement("div");
    missingBox.className = "xem-filter";
    missingBox.appendChild(missing.wrap);
    box.parentNode.insertBefore(missingBox, box.nextSibling);
    missingBox.appendChild(advice);

    function matches(el) {
      function has(attr, want) {
        return !want || (el.getAttribute(attr) || "").split(/\s+/).indexOf(want) !== -1;
      }
      return has("data-http", http.select.value) && has("data-retryable", retry.select.value) &&
        has("data-type", type.select.value);
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (r) {
        var ok = matches(r);
        r.classList.toggle("xem-hidden", !ok);
        if (ok) shown++;
      });
      // Hide a section (its heading and table) when none of its rows match: no empty sections.
      document.querySelectorAll("table.xem-codes").forEach(function (t) {
        var any = t.querySelector("tbody tr:not(.xem-hidden)");
        var wrap = t.closest(".xem-table-wrap");
        wrap.classList.toggle("xem-hidden", !any);
        var heading = wrap.previousElementSibling;
        if (heading && heading.tagName === "H3") heading.classList.toggle("xem-hidden", !any);
      });
      count.textContent = shown ? "Showing " + shown + " of " + rows.length + " codes"
        : "No code matches these filters.";
    }

    [http, retry, type].forEach(function (c) { c.select.addEventListener("change", apply); });
    reset.addEventListener("click", function () {
      [http, retry, type].forEach(function (c) { c.select.value = ""; });
      apply();
    });
    missing.select.addEventListener("change", function () {
      var t = missing.select.value;
      var row = t && document.getElementById("type-" + t);
      if (!row) { advice.hidden = true; return; }
      var cells = row.querySelectorAll("td");
      advice.innerHTML = "";
      var strong = document.createElement("strong");
      strong.textContent = t + ": ";
      advice.appendChild(strong);
      advice.appendChild(document.createTextNode(cells[cells.length - 1].textContent));
      var more = document.createElement("a");
      more.href = "#type-" + t;
      more.textContent = " (details)";
      advice.appendChild(more);
      advice.hidden = false;
    });

    box.hidden = false;
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material's page-load stream, also fires with instant loading
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
