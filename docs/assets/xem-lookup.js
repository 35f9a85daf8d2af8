/* The look-up box (Home and Troubleshooting): paste an error.code, a JSON envelope, a raw HTTP
 * response with headers, or a message, and get the code's action and diagnostic.
 *
 * The look-up is specified once, in tools/xemcat/lookup.py; this file runs the same steps in
 * the browser on the same data: lookup.json, which the build writes from that module (the
 * patterns, whitespace, stop words, each code's words and facts, and every phrase shown here).
 * tests/lookup_vectors.json holds the two to identical answers. Nothing leaves the page.
 * The paste is untrusted: it is capped, stripped of control characters, never evaluated, and
 * everything shown is built with textContent, never as HTML. Without JavaScript the box stays
 * hidden. */
(function () {
  "use strict";

  /* ------------------------------------------------------------------ the look-up (lookup.py) */

  function compile(data) {
    var p = data.patterns, re = {};
    Object.keys(p).forEach(function (k) { if (k !== "lenient_field") re[k] = new RegExp(p[k]); });
    re.controlAll = new RegExp(p.control, "g");
    re.wordAll = new RegExp(p.word, "g");
    re.tokenAll = new RegExp(p.token, "g");
    return re;
  }

  function say(data, key, values) {
    return data.phrases[key].replace(/\{(\w+)\}/g, function (m, name) { return String(values[name]); });
  }

  /* A note about the paste: its text (what the answer compares), and, kept out of the answer's
   * data, its phrase and values, so the box can show each value isolated in a <bdi>. */
  function note(found, data, key, values) {
    found.notes.push(say(data, key, values));
    found._parts.push([key, values]);
  }

  function phraseNode(data, key, values) {
    var out = document.createDocumentFragment(), text = data.phrases[key], re = /\{(\w+)\}/g, last = 0, m;
    while ((m = re.exec(text))) {
      out.appendChild(document.createTextNode(text.slice(last, m.index)));
      out.appendChild(el("bdi", String(values[m[1]])));
      last = re.lastIndex;
    }
    out.appendChild(document.createTextNode(text.slice(last)));
    return out;
  }

  /* Lengths and cuts count code points, as Python does. */
  function codePoints(s) { return s.length - (s.match(/[\ud800-\udbff][\udc00-\udfff]/g) || []).length; }
  function cut(s, n) { return Array.from(s).slice(0, n).join(""); }
  function trim(s, chars) {
    var a = 0, b = s.length;
    while (a < b && chars.indexOf(s[a]) >= 0) a++;
    while (b > a && chars.indexOf(s[b - 1]) >= 0) b--;
    return s.slice(a, b);
  }
  function whole(re, s) { var m = re.exec(s); return m && m.index === 0 && m[0].length === s.length ? m : null; }

  function words(text, data, re) {
    return (text.toLowerCase().match(re.wordAll) || []).filter(function (w) { return data.stop_words.indexOf(w) < 0; });
  }

  function interpret(text, data) {
    var re = data._re || (data._re = compile(data));
    var found = { code: null, candidates: [], type: null, type_codes: [], status: null, request_id: null, retry: {},
                  rate_limited: false, status_codes: [], notes: [] };
    Object.defineProperty(found, "_parts", { value: [], enumerable: false });
    if (codePoints(text) > data.max_input) {
      note(found, data, "too_large", { kib: Math.floor(data.max_input / 1024) });
      return found;
    }
    text = trim(text.replace(re.controlAll, ""), data.whitespace);
    if (!text) { note(found, data, "empty", {}); return found; }
    var body = readHeaders(text, found, data, re);
    var error = readEnvelope(body, found, data, re);
    var byCode = {};
    data.codes.forEach(function (c) { byCode[c.code] = c; });
    if (error) {
      var type = typeof error.type === "string" ? error.type : null;
      ["retry_after", "retry_strategy"].forEach(function (k) { if (has(error, k)) found.retry[k] = error[k]; });
      if (typeof error.code === "string" && error.code) byName(error.code, data, found);
      else if (typeof error.message === "string") byMessage(error.message, data, found, true, re);
      if (found.code === null && data.types.some(function (t) { return t.type === type; })) {
        found.type = type;
        found.type_codes = data.codes.filter(function (c) {
          return c.type === type && (found.status === null || !c.statuses.length || c.statuses.indexOf(found.status) >= 0);
        }).map(function (c) { return c.code; });
      } else if (found.code === null && type) {
        note(found, data, "unknown_type", { type: type });
        reportMissing(data, found);
      }
    } else {
      var token = trim(body, data.quotes);
      if (whole(re.status, token) || (!token && found.status !== null)) byStatus(token ? parseInt(token, 10) : found.status, data, found);
      else if (namedIn(text, data, found, re)) { /* found; the whole paste: a URL line reads like a header */ }
      else if (whole(re.name, token)) byName(token, data, found);
      else if (body) byMessage(body, data, found, false, re);
    }
    if (found.code !== null && found.status !== null) pastedStatus(found.status, byCode[found.code].statuses, data, found);
    if (found.code !== null && byCode[found.code].removed) removed(found.code, byCode[found.code].removed, data, found);
    var rate = data.rate_limit.status;
    found.rate_limited = found.status === rate || Object.keys(found.retry).length > 0 ||
      (found.code !== null && byCode[found.code].statuses.indexOf(rate) >= 0);
    return found;
  }

  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function readHeaders(text, found, data, re) {
    var lines = text.split(new RegExp(data.patterns.line_break));
    var i = 0, status = re.status_line.exec(lines[0]);
    if (status) { found.status = parseInt(status[1], 10); i = 1; }
    var header = data.correlation_header.name.toLowerCase(), m;
    // An index, not shift(): shifting a long array each time is quadratic.
    for (; i < lines.length && (m = whole(re.header, lines[i])); i++) {
      var name = m[1].toLowerCase(), value = trim(m[2], data.whitespace);
      if (name === header) found.request_id = cut(value, 200);
      else if (name === "retry-after") found.retry["Retry-After"] = cut(value, 100);
    }
    return trim(lines.slice(i).join("\n"), data.whitespace);
  }

  function readEnvelope(body, found, data, re) {
    var start = body.indexOf("{"), end = body.lastIndexOf("}");
    if (start < 0) return null;
    var parsed;
    try {
      parsed = JSON.parse(end > start ? body.slice(start, end + 1) : body.slice(start));
    } catch (e) {
      note(found, data, "bad_json", {});
      parsed = { error: {} };
      ["code", "type", "message"].forEach(function (k) {
        var m = new RegExp(data.patterns.lenient_field.replace("KEY", k)).exec(body);
        if (m) parsed.error[k] = m[1];
      });
      var after = re.lenient_retry_after.exec(body);
      if (after) parsed.error.retry_after = parseInt(after[1], 10);
    }
    var isObject = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
    var error = isObject(parsed) && has(parsed, "error") ? parsed.error : null;
    return isObject(error) && Object.keys(error).length ? error : null;
  }

  /* A code or a type the catalog does not know: the same next step, however it was pasted. */
  function reportMissing(data, found) {
    var values = { header: data.correlation_header.name };
    if (found.notes.indexOf(say(data, "report_missing", values)) < 0) note(found, data, "report_missing", values);
  }

  function spelled(word) { return word.toLowerCase().replace(/-/g, "_"); }

  function namedIn(text, data, found, re) {
    var names = {}, named = [];
    data.codes.forEach(function (c) { names[c.code] = 1; });
    Object.keys(data.renamed).forEach(function (old) { names[old] = 1; });
    (text.toLowerCase().match(re.tokenAll) || []).forEach(function (t) {
      t = spelled(t);
      if (has(names, t)) {
        t = current(t, data, found);
        if (named.indexOf(t) < 0) named.push(t);
      }
    });
    if (named.length === 1) found.code = named[0];
    else if (named.length) {
      found.candidates = named.slice(0, 8);
      note(found, data, "several_named", { count: named.length });
    }
    return named.length > 0;
  }

  function byStatus(status, data, found) {
    found.status = status;
    found.status_codes = data.codes.filter(function (c) { return c.statuses.indexOf(status) >= 0; })
      .map(function (c) { return c.code; });
    if (!found.status_codes.length) note(found, data, "no_status_codes", { status: status, header: data.correlation_header.name });
  }

  function byName(word, data, found) {
    word = spelled(word);
    var names = data.codes.map(function (c) { return c.code; });
    if (names.indexOf(word) >= 0 || has(data.renamed, word)) { found.code = current(word, data, found); return; }
    var starting = names.filter(function (n) { return n.indexOf(word) === 0 || n.indexOf("_" + word) >= 0; });
    if (starting.length === 1) { found.code = starting[0]; return; }
    found.candidates = starting.length ? starting.slice(0, 8) : closest(word, names);
    if (starting.length) note(found, data, "several_codes", { count: starting.length, word: word });
    else { note(found, data, "unknown_code", { word: word }); reportMissing(data, found); }
  }

  function pairs(s) {
    var chars = Array.from(s), out = {};
    for (var i = 0; i < chars.length - 1; i++) out[chars[i] + chars[i + 1]] = 1;
    return out;
  }

  /* Dice's coefficient over letter pairs; ties keep the catalog's order (sort is stable). */
  function closest(word, names) {
    var mine = pairs(word), n = Object.keys(mine).length;
    return names.map(function (name) {
      var theirs = pairs(name), shared = 0, total = n + Object.keys(theirs).length;
      Object.keys(mine).forEach(function (p) { if (has(theirs, p)) shared++; });
      return [total ? 2 * shared / total : 0, name];
    }).filter(function (s) { return s[0] >= 0.4; })
      .sort(function (a, b) { return b[0] - a[0]; }).slice(0, 5).map(function (s) { return s[1]; });
  }

  function byMessage(text, data, found, quiet, re) {
    var mine = {};
    words(text, data, re).forEach(function (w) { mine[w] = 1; });
    if (!Object.keys(mine).length) return;
    var ranked = data.codes.map(function (c) {
      var shared = c.words.filter(function (w) { return has(mine, w); }).length;
      return [shared / Math.max(c.words.length, 1), c.code];
    }).sort(function (a, b) { return b[0] - a[0]; });
    if (ranked[0][0] >= 0.6 && (ranked.length === 1 || ranked[0][0] > ranked[1][0])) found.code = ranked[0][1];
    else {
      found.candidates = ranked.slice(0, 3).filter(function (s) { return s[0] > 0; }).map(function (s) { return s[1]; });
      if (!quiet) note(found, data, "no_message_match", {});
    }
  }

  /* A code's name today: a former name reads as the code it became, and the answer says so. */
  function current(name, data, found) {
    if (!has(data.renamed, name)) return name;
    var r = data.renamed[name], values = { old: name, code: r.code, date: r.date };
    if (found.notes.indexOf(say(data, "renamed", values)) < 0) note(found, data, "renamed", values);
    return r.code;
  }

  function removed(code, gone, data, found) {
    if (gone.replacement) note(found, data, "removed_replaced", { code: code, date: gone.date, replacement: gone.replacement });
    else note(found, data, "removed_code", { code: code, date: gone.date });
  }

  function pastedStatus(status, documented, data, found) {
    if (!documented.length) note(found, data, "status_undocumented", { status: status });
    else if (documented.indexOf(status) < 0) note(found, data, "status_differs", { status: status, documented: documented.join(" / ") });
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

  /* Catalog prose arrives as [kind, text] pieces (text.segments): code pieces as <code>. */
  function rich(parent, pieces) {
    pieces.forEach(function (p) {
      parent.appendChild(p[0] === "code" ? el("code", p[1]) : document.createTextNode(p[1]));
    });
    return parent;
  }

  function codeLinks(parent, codes, page) {
    codes.forEach(function (c, i) {
      if (i) parent.appendChild(document.createTextNode(", "));
      parent.appendChild(link(page + "#" + c, c));
    });
  }

  function codeAnswer(c, data, pages) {
    var box = el("div", null, "xem-lookup-code");
    var h = el("p");
    h.appendChild(el("strong", c.code));
    h.appendChild(document.createTextNode(" · " + c.facts));
    box.appendChild(h);
    box.appendChild(rich(el("p"), c.description));
    var act = el("p");
    act.appendChild(el("strong", say(data, "do_this", {}) + " "));
    box.appendChild(rich(act, c.action));
    if (c.command) {
      var pre = el("pre", null, "xem-lookup-cmd");
      pre.appendChild(el("code", c.command));
      box.appendChild(pre);
      if (c.caveat) {
        var caveat = el("p", null, "xem-cmd-note");
        caveat.appendChild(el("strong", say(data, "caveat", {}) + " "));
        box.appendChild(rich(caveat, c.caveat));
      }
      var copy = el("button", say(data, "copy_command", {}), "md-button xem-lookup-copy");
      copy.type = "button";
      copy.setAttribute("aria-label", say(data, "copy_command", {}) + ": " + c.command);
      copy.addEventListener("click", function () {
        if (navigator.clipboard) navigator.clipboard.writeText(c.command);
        copy.textContent = say(data, "copied", {});
      });
      box.appendChild(copy);
    } else {
      box.appendChild(rich(el("p", null, "xem-no-diagnostic"), c.diagnostic));
    }
    var more = el("p");
    more.appendChild(link(pages.troubleshooting + "#" + c.code, say(data, "troubleshooting_row", {})));
    more.appendChild(document.createTextNode(" · "));
    more.appendChild(link(pages.codes + c.code + "/", say(data, "code_page", {})));
    box.appendChild(more);
    return box;
  }

  function answer(found, data, pages) {
    var out = document.createDocumentFragment();
    found._parts.forEach(function (p) {
      var shown = el("p", null, "xem-lookup-note");
      shown.appendChild(phraseNode(data, p[0], p[1]));
      out.appendChild(shown);
      if (p[0] === "report_missing") {
        var where = el("p", null, "xem-lookup-report");
        where.appendChild(link(pages.contributing + "#adding-or-changing-a-code", say(data, "how_to_add", {})));
        out.appendChild(where);
      }
    });
    var byCode = {};
    data.codes.forEach(function (c) { byCode[c.code] = c; });
    if (found.code) {
      out.appendChild(codeAnswer(byCode[found.code], data, pages));
    } else if (found.type) {
      var type = data.types.filter(function (t) { return t.type === found.type; })[0];
      out.appendChild(el("p", say(data, "type_without_code", { type: type.type })));
      var what = el("p");
      what.appendChild(el("strong", say(data, "what_to_do", {}) + " "));
      rich(what, type.advice);
      if (type.general) what.appendChild(document.createTextNode(" (" + say(data, "general_guidance", {}) + ")"));
      out.appendChild(what);
      var list = el("p", (found.status ? say(data, "type_status_codes", { status: found.status }) : say(data, "type_codes", {})) + " ");
      if (!found.type_codes.length) list.appendChild(document.createTextNode(say(data, "none", {})));
      codeLinks(list, found.type_codes, pages.troubleshooting);
      out.appendChild(list);
      out.appendChild(link(pages.error_codes + "#type-" + type.type, say(data, "more_on_type", { type: type.type })));
    } else if (found.status_codes.length) {
      var listed = el("p", say(data, "status_codes", { status: found.status }) + " ");
      codeLinks(listed, found.status_codes, pages.troubleshooting);
      out.appendChild(listed);
    } else {
      var none = el("p", found.candidates.length ? say(data, "no_single_code", {}) + " " : say(data, "nothing_found", {}));
      codeLinks(none, found.candidates, pages.troubleshooting);
      out.appendChild(none);
    }
    if (found.rate_limited) {
      var rate = data.rate_limit;
      var r = el("div", null, "xem-lookup-rate");
      r.appendChild(rich(el("p", say(data, "rate_limited", { status: rate.status }) + " "), rate.note));
      var ul = el("ul");
      rate.fields.forEach(function (f) {
        var v = found.retry[f.name];
        var li = el("li");
        li.appendChild(el("code", f.name));
        li.appendChild(document.createTextNode(" = "));
        li.appendChild(v === undefined ? document.createTextNode(say(data, "not_in_paste", {})) :
          el("bdi", JSON.stringify(v).slice(0, 200)));
        li.appendChild(document.createTextNode(": "));
        rich(li, f.meaning);
        ul.appendChild(li);
      });
      r.appendChild(ul);
      out.appendChild(r);
    }
    if (found.request_id) {
      var q = el("p", null, "xem-lookup-request");
      q.appendChild(el("strong", data.correlation_header.name + ": "));
      var id = el("bdi");  // a pasted value: it cannot reorder the sentence around it
      id.appendChild(el("code", found.request_id));
      q.appendChild(id);
      q.appendChild(document.createTextNode(" " + say(data, "quote_request_id", {}) + " "));
      rich(q, data.correlation_header.advice);
      out.appendChild(q);
    }
    return out;
  }

  function init() {
    var box = document.querySelector(".xem-lookup");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var input = box.querySelector("textarea");
    var form = box.querySelector("form");
    var result = box.querySelector(".xem-lookup-result");
    var data = null, pages = null;
    var waiting = false;  // Enter came before lookup.json: answer as soon as it arrives
    var failed = false;   // no lookup.json: the form stays a search of the site
    function show() {
      result.textContent = "";
      result.appendChild(answer(interpret(input.value, data), data, pages));
      result.hidden = false;
    }
    var source = new URL(box.dataset.lookup, document.baseURI);
    fetch(source).then(function (r) { return r.json(); }).then(function (d) {
      data = d;
      // The pages' URLs are from the site root; lookup.json is in assets/ under it.
      var root = new URL("../", source);
      pages = { troubleshooting: new URL(d.pages.troubleshooting, root).href,
                error_codes: new URL(d.pages.error_codes, root).href,
                codes: new URL(d.pages.codes, root).href,
                contributing: new URL(d.pages.contributing, root).href };
      box.dataset.loaded = "1";
      if (waiting) show();
    }).catch(function () {
      failed = true;
      if (waiting) form.submit();
    });
    input.addEventListener("keydown", function (e) {
      // Enter looks up, as in a search box; Shift+Enter starts a new line of a longer paste.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    form.addEventListener("submit", function (e) {
      if (failed) return;
      e.preventDefault();
      if (data) show(); else waiting = true;
    });
  }

  window.xemLookup = { interpret: interpret };  // for the shared test vectors and the curious
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
