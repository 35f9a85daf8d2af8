/* The look-up box (Troubleshooting and Home): paste an error.code, a JSON envelope, a raw HTTP
 * response with headers, or a message, and get the code's action and diagnostic. It follows the
 * same steps as `xemcat explain -` (tools/xemcat/lookup.py) and reads the site's own
 * catalog.json: offline, no third-party request. Without JavaScript the box stays hidden.
 * The paste is untrusted: it is capped, stripped of control characters, never evaluated, and
 * everything shown is built with textContent, never as HTML. */
(function () {
  "use strict";

  var MAX_INPUT = 256 * 1024;
  var STOP = "a an and are as at be but by can for from has have in is it its no not of on or that the this to was with"
    .split(" ");
  var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g;

  function words(text) {
    return (text.toLowerCase().match(/[a-z0-9']+/g) || []).filter(function (w) { return STOP.indexOf(w) < 0; });
  }

  /* Inline Markdown from the catalog, as plain text: backticks and link syntax dropped. */
  function plain(md) {
    return String(md || "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, "").replace(/\s+/g, " ").trim();
  }

  function interpret(text, cat) {
    var found = { code: null, candidates: [], type: null, status: null, requestId: null, retry: {}, notes: [] };
    if (text.length > MAX_INPUT) {
      found.notes.push("The paste is larger than 256 KiB; paste only the status line, headers and body of one response.");
      return found;
    }
    text = text.replace(CONTROL, "").trim();
    if (!text) return found;
    var lines = text.split(/\r?\n/);
    var status = /^\s*HTTP\/\d(?:\.\d)?\s+(\d{3})\b/.exec(lines[0]);
    if (status) { found.status = parseInt(status[1], 10); lines.shift(); }
    var header = cat.correlation_header.name.toLowerCase();
    while (lines.length && /^[A-Za-z0-9-]{1,64}:/.test(lines[0]) && lines[0].trim().charAt(0) !== "{") {
      var m = /^([A-Za-z0-9-]{1,64}):[ \t]*(.*?)\s*$/.exec(lines.shift());
      if (m[1].toLowerCase() === header) found.requestId = m[2].slice(0, 200);
      else if (m[1].toLowerCase() === "retry-after") found.retry["Retry-After"] = m[2].slice(0, 100);
    }
    var body = lines.join("\n").trim();
    var error = envelope(body, found);
    if (error) {
      if (typeof error.type === "string") found.type = error.type;
      ["retry_after", "retry_strategy"].forEach(function (k) { if (k in error) found.retry[k] = error[k]; });
      if (typeof error.code === "string" && error.code) byName(error.code, cat, found);
      else if (typeof error.message === "string") byMessage(error.message, cat, found, true);
      return found;
    }
    var token = body.replace(/^[`"' ]+|[`"' ]+$/g, "");
    if (/^[A-Za-z0-9_.\-]{1,80}$/.test(token)) byName(token, cat, found);
    else if (body) byMessage(body, cat, found, false);
    return found;
  }

  function envelope(body, found) {
    var start = body.indexOf("{"), end = body.lastIndexOf("}");
    if (start < 0) return null;
    var data;
    try {
      data = JSON.parse(end > start ? body.slice(start, end + 1) : body.slice(start));
    } catch (e) {
      found.notes.push("The JSON could not be read; looking for its fields anyway.");
      data = { error: {} };
      ["code", "type", "message"].forEach(function (k) {
        var m = new RegExp('"' + k + '"\\s*:\\s*"([^"\\\\]{1,300})').exec(body);
        if (m) data.error[k] = m[1];
      });
      var after = /"retry_after"\s*:\s*(\d{1,9})/.exec(body);
      if (after) data.error.retry_after = parseInt(after[1], 10);
    }
    var error = data && typeof data === "object" ? data.error : null;
    return error && typeof error === "object" && Object.keys(error).length ? error : null;
  }

  function byName(word, cat, found) {
    word = word.toLowerCase();
    var names = cat.codes.map(function (c) { return c.code; });
    if (names.indexOf(word) >= 0) { found.code = word; return; }
    var starting = names.filter(function (n) { return n.indexOf(word) === 0 || n.indexOf("_" + word) >= 0; });
    if (starting.length === 1) { found.code = starting[0]; return; }
    found.candidates = starting.length ? starting.slice(0, 8) : closest(word, names);
    found.notes.push(starting.length ? starting.length + " codes match " + word + "." : word + " is not a code in the catalog.");
  }

  /* Codes sharing most letter pairs with the word: a forgiving "did you mean". */
  function closest(word, names) {
    function pairs(s) { var out = {}; for (var i = 0; i < s.length - 1; i++) out[s.slice(i, i + 2)] = 1; return out; }
    var mine = pairs(word);
    return names.map(function (n) {
      var theirs = pairs(n), shared = 0, total = 0;
      Object.keys(mine).forEach(function (p) { if (theirs[p]) shared++; });
      total = Object.keys(mine).length + Object.keys(theirs).length;
      return [total ? 2 * shared / total : 0, n];
    }).filter(function (s) { return s[0] >= 0.4; })
      .sort(function (a, b) { return b[0] - a[0]; }).slice(0, 5).map(function (s) { return s[1]; });
  }

  function byMessage(text, cat, found, quiet) {
    var mine = words(text);
    if (!mine.length) return;
    var scored = cat.codes.map(function (c) {
      var theirs = words(c.example_message || ""), shared = 0;
      var unique = theirs.filter(function (w, i) { return theirs.indexOf(w) === i; });
      unique.forEach(function (w) { if (mine.indexOf(w) >= 0) shared++; });
      return [unique.length ? shared / unique.length : 0, c.code];
    }).sort(function (a, b) { return b[0] - a[0]; });
    if (scored[0][0] >= 0.6 && (scored.length === 1 || scored[0][0] > scored[1][0])) found.code = scored[0][1];
    else {
      found.candidates = scored.slice(0, 3).filter(function (s) { return s[0] > 0; }).map(function (s) { return s[1]; });
      if (!quiet) found.notes.push("No code's message matches this text closely.");
    }
  }

  /* ------------------------------------------------------------------ the answer, as DOM */

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function codeAnswer(c, base) {
    var box = el("div", null, "xem-lookup-code");
    var h = el("p");
    h.appendChild(el("strong", c.code));
    var facts = [];
    function scoped(value, scope) { return scope ? value + " (" + scope + ")" : String(value); }
    facts.push("HTTP " + (c.http.length ? c.http.map(function (x) { return scoped(x.status, x.scope); }).join(" / ")
      : "not documented"));
    facts.push("type " + (c.type ? scoped(c.type, c.type_scope) : "not documented"));
    facts.push("retryable " + (c.retryable === null ? "not documented"
      : scoped(c.retryable ? "yes" : "no", c.retryable_scope)));
    h.appendChild(document.createTextNode(" · " + facts.join(" · ")));
    box.appendChild(h);
    box.appendChild(el("p", plain(c.description)));
    var act = el("p");
    act.appendChild(el("strong", "Do this: "));
    act.appendChild(document.createTextNode(plain(c.action)));
    box.appendChild(act);
    if (c.diagnostic.command) {
      var pre = el("pre", null, "xem-lookup-cmd");
      pre.appendChild(el("code", c.diagnostic.command));
      box.appendChild(pre);
      var copy = el("button", "Copy command", "md-button xem-lookup-copy");
      copy.type = "button";
      copy.setAttribute("aria-label", "Copy to clipboard: " + c.diagnostic.command);
      copy.addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(c.diagnostic.command);
        copy.textContent = "Copied";
      });
      box.appendChild(copy);
    } else {
      box.appendChild(el("p", plain(c.diagnostic.text), "xem-no-diagnostic"));
    }
    var more = el("p");
    more.appendChild(link(base.troubleshooting + "#" + c.code, "Troubleshooting row"));
    more.appendChild(document.createTextNode(" · "));
    more.appendChild(link(base.errorCodes + "#" + c.code, "Error Codes entry"));
    box.appendChild(more);
    return box;
  }

  function answer(found, cat, base) {
    var out = document.createDocumentFragment();
    found.notes.forEach(function (n) { out.appendChild(el("p", n, "xem-lookup-note")); });
    var byCode = {};
    cat.codes.forEach(function (c) { byCode[c.code] = c; });
    var type = null;
    cat.envelope_types.forEach(function (t) { if (t.type === found.type) type = t; });
    if (found.code) {
      out.appendChild(codeAnswer(byCode[found.code], base));
    } else if (type) {
      out.appendChild(el("p", "The envelope has no code; its type is " + type.type + "."));
      var what = el("p");
      what.appendChild(el("strong", "What to do: "));
      what.appendChild(document.createTextNode(plain(type.when_code_missing) + (type.advice_basis === "general"
        ? " (General guidance, not from the router's documentation.)" : "")));
      out.appendChild(what);
      var codes = type.codes.filter(function (c) {
        var http = byCode[c].http.map(function (x) { return x.status; });
        return found.status === null || !http.length || http.indexOf(found.status) >= 0;
      });
      var list = el("p", "Codes documented with this type" + (found.status ? " and status " + found.status : "") + ": ");
      if (!codes.length) list.appendChild(document.createTextNode("none."));
      codes.forEach(function (c, i) {
        if (i) list.appendChild(document.createTextNode(", "));
        list.appendChild(link(base.troubleshooting + "#" + c, c));
      });
      out.appendChild(list);
      out.appendChild(link(base.errorCodes + "#type-" + type.type, "More on " + type.type));
    } else {
      var none = el("p", found.candidates.length ? "No single code matches. Closest codes: " : "No code found in the paste.");
      found.candidates.forEach(function (c, i) {
        if (i) none.appendChild(document.createTextNode(", "));
        none.appendChild(link(base.troubleshooting + "#" + c, c));
      });
      out.appendChild(none);
    }
    var rate = cat.rate_limit;
    var codeLimited = found.code && byCode[found.code].http.some(function (x) { return x.status === rate.status; });
    if (found.status === rate.status || Object.keys(found.retry).length || codeLimited) {
      var r = el("div", null, "xem-lookup-rate");
      r.appendChild(el("p", "Rate limited (" + rate.status + "): " + plain(rate.note)));
      var ul = el("ul");
      rate.fields.forEach(function (f) {
        var v = found.retry[f.name];
        var li = el("li");
        li.appendChild(el("code", f.name));
        li.appendChild(document.createTextNode(" = " + (v === undefined ? "(not in the paste)" :
          JSON.stringify(v).slice(0, 200)) + ": " + plain(f.meaning)));
        ul.appendChild(li);
      });
      r.appendChild(ul);
      out.appendChild(r);
    }
    if (found.requestId) {
      var q = el("p", null, "xem-lookup-request");
      q.appendChild(el("strong", cat.correlation_header.name + ": "));
      q.appendChild(el("code", found.requestId));
      q.appendChild(document.createTextNode(" Quote this value. " + plain(cat.correlation_header.advice)));
      out.appendChild(q);
    }
    return out;
  }

  function init() {
    var box = document.querySelector(".xem-lookup");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var base = { troubleshooting: box.dataset.troubleshooting, errorCodes: box.dataset.errorCodes };
    var input = box.querySelector("textarea");
    var form = box.querySelector("form");
    var result = box.querySelector(".xem-lookup-result");
    var catalog = null;
    fetch(box.dataset.catalog).then(function (r) { return r.json(); }).then(function (c) {
      catalog = c;
      box.hidden = false;
    }).catch(function () { /* no catalog.json: the box stays hidden, the page works as before */ });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!catalog) return;
      result.textContent = "";
      result.appendChild(answer(interpret(input.value, catalog), catalog, base));
      result.hidden = false;
    });
  }

  window.xemLookup = { interpret: interpret };  // for tests and the curious
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
