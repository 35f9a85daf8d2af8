"""One look-up, two runtimes: `xemcat explain -` (lookup.py) and the look-up box
(xem-lookup.js) give the same answer (code, closest codes in order, type, the codes of that
type, status, request id, retry fields, notes) to every shared vector in
tests/data/lookup_vectors.json, both reading the lookup.json the build published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import LOOKUP_READY, ROOT, open_page, shared_scope, xemcat

VECTORS_FILE = Path(__file__).parent / "data" / "lookup_vectors.json"


def load_vectors() -> list[dict]:
    vectors = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
    for v in vectors:
        if isinstance(v["input"], dict):
            v["input"] = v["input"]["repeat"] * v["input"]["times"]
    return vectors


VECTORS = load_vectors()


def _catalog():
    from xemcat.catalog import load_catalog
    return load_catalog(ROOT / "catalog")


CATALOG = _catalog()


@pytest.fixture(scope=shared_scope("module"))
def data(site):
    return json.loads((site / "assets" / "lookup.json").read_text(encoding="utf-8"))


@pytest.fixture(scope=shared_scope("module"))
def python_answers(data):
    from xemcat.lookup import interpret
    return [interpret(v["input"], data).as_dict() for v in VECTORS]


@pytest.fixture(scope="module")
def browser_page(browser, site):
    with open_page(browser, site, ready=LOOKUP_READY) as page:
        yield page


@pytest.fixture(scope="module")
def browser_answers(browser_page):
    # As JSON text: the browser's own serialisation, which keeps keys like "__proto__" that an
    # object handed over by the driver would lose.
    return [json.loads(answer) for answer in browser_page.evaluate("""async (inputs) => {
        const data = await (await fetch(document.querySelector('.xem-lookup').dataset.lookup)).json();
        return inputs.map(text => JSON.stringify(window.xemLookup.interpret(text, data)));
    }""", [v["input"] for v in VECTORS])]


def test_the_vectors_cover_every_kind_of_input():
    kinds = {v["kind"] for v in VECTORS}
    assert len(VECTORS) >= 200
    assert {"code", "typo: letter dropped", "prefix", "envelope", "raw response", "message", "message fragment",
            "no code, known type", "broken or odd JSON", "edge or hostile", "long", "fragment: JSON pair",
            "fragment: key=value", "fragment: Python repr", "fragment: upper case, hyphens", "fragment: URL",
            "bare status", "status line only"} <= kinds


def test_python_and_the_browser_give_identical_answers_to_every_vector(python_answers, browser_answers):
    differ = {i: {"input": VECTORS[i]["input"][:80], "python": py, "browser": js}
              for i, (py, js) in enumerate(zip(python_answers, browser_answers)) if py != js}
    assert len(browser_answers) == len(VECTORS)
    assert differ == {}, json.dumps(dict(list(differ.items())[:5]), indent=1, ensure_ascii=False)


PASTED_STATUS = "Your paste says HTTP "  # how both notes about the paste's own status begin


def pasted_status_note(code: str, status: int) -> str | None:
    """What the answer says about a pasted status, from the catalog's facts (None: it agrees)."""
    from xemcat.phrases import LOOKUP
    documented = list(dict.fromkeys(h.status for h in CATALOG.by_code[code].http))
    if not documented:
        return LOOKUP["status_undocumented"].format(status=status)
    if status in documented:
        return None
    return LOOKUP["status_differs"].format(status=status, documented=" / ".join(map(str, documented)))


def test_each_vector_gets_what_its_input_names(python_answers):
    wrong = {}
    for v, answer in zip(VECTORS, python_answers):
        expect = v["expect"] or {}
        if "code" in expect and answer["code"] != expect["code"]:
            wrong[v["input"][:60]] = answer["code"]
        if "type" in expect and (answer["type"], answer["code"]) != (expect["type"], None):
            wrong[v["input"][:60]] = (answer["type"], answer["code"])
        if "pasted_status" in expect:  # the paste's status beside the catalog's, never in its place
            note = pasted_status_note(expect["code"], expect["pasted_status"])
            said = [n for n in answer["notes"] if n.startswith(PASTED_STATUS)]
            if said != ([note] if note else []):
                wrong[v["input"][:60]] = answer["notes"]
        if "status" in expect:  # the codes documented with that status, none invented
            documented = [c.code for c in CATALOG.codes if expect["status"] in [h.status for h in c.http]]
            if (answer["status"], answer["status_codes"]) != (expect["status"], documented):
                wrong[v["input"][:60]] = (answer["status"], answer["status_codes"])
            if not documented and not any(n.startswith(f"No code is documented with HTTP {expect['status']};")
                                           for n in answer["notes"]):
                wrong[v["input"][:60]] = answer["notes"]  # an honest answer, not "no code found" alone
    assert wrong == {}


def test_the_answers_are_not_all_alike(python_answers):
    """Guards the comparison itself: a look-up that answered nothing would agree everywhere."""
    codes = {a["code"] for a in python_answers if a["code"]}
    assert len(codes) >= 20
    assert sum(bool(a["candidates"]) for a in python_answers) >= 20
    assert sum(bool(a["notes"]) for a in python_answers) >= 40
    assert any(a["request_id"] for a in python_answers) and any(a["rate_limited"] for a in python_answers)


def test_the_box_shows_the_answer_it_computed(browser_page, python_answers):
    """Through the form, as an operator uses it: the notes and the code shown are the answer's."""
    for i in range(0, len(VECTORS), 13):
        browser_page.fill("#xem-lookup-input", VECTORS[i]["input"])
        browser_page.click(".xem-lookup button[type=submit]")
        shown = browser_page.evaluate("""() => {
            const r = document.querySelector('.xem-lookup-result');
            return {notes: [...r.querySelectorAll('.xem-lookup-note')].map(p => p.textContent),
                    code: (r.querySelector('.xem-lookup-code strong') || {}).textContent || null};
        }""")
        assert shown == {"notes": python_answers[i]["notes"], "code": python_answers[i]["code"]}, VECTORS[i]["input"]


def test_explain_prints_the_same_answer(python_answers):
    """`xemcat explain - --json` is the process operators and tools run."""
    for i in range(0, len(VECTORS), 17):
        out = xemcat("explain", "-", "--json", stdin=VECTORS[i]["input"].encode("utf-8", "surrogatepass"))
        assert json.loads(out.stdout) == python_answers[i], VECTORS[i]["input"][:80]
        answer = python_answers[i]
        assert out.returncode == (0 if answer["code"] or answer["type"] or answer["status_codes"] else 1)


def _fuzz_inputs(n: int = 300, seed: int = 19) -> list[str]:
    """Generated pastes: pieces of real pastes (envelope syntax, headers, codes, message words)
    mixed with control, bidi, zero-width, shell and non-BMP characters."""
    import random
    rnd = random.Random(seed)
    pieces = ['{"error": {', '"code": "', '"type": "', '"message": "', '"retry_after": ', '}}', '"', ":", ",", "{", "}",
              "[", "]", "HTTP/1.1 429 X\n", "HTTP/2 503\r\n", "x-request-id: ", "Retry-After: ", "\n\n", "\r\n",
              "internal_error", "model_not_found", "scope", "not_found", "exceeded", "rate limit", "the", "429",
              "\x00", "\x1b[2J", "\x9b", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\t", " ", "\xa0",
              "$(id)", "`id`", ";", "|", "<", ">", "&", "'", "\\", "\\u202e", "\\ud83d\\ude00", "😀", "é", "İ", "ß",
              "NaN", "1e400", "-0", "true", "null"]
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 25))) for _ in range(n)]


def test_python_and_the_browser_agree_on_generated_pastes(data, browser_page):
    """A fuzz round beside the fixed vectors: 300 generated pastes, both runtimes, same answer."""
    from xemcat.lookup import interpret
    inputs = _fuzz_inputs()
    browser = [json.loads(a) for a in browser_page.evaluate("""async (inputs) => {
        const data = await (await fetch(document.querySelector('.xem-lookup').dataset.lookup)).json();
        return inputs.map(text => JSON.stringify(window.xemLookup.interpret(text, data)));
    }""", inputs)]
    python = [interpret(text, data).as_dict() for text in inputs]
    differ = [(text, py, js) for text, py, js in zip(inputs, python, browser) if py != js]
    assert differ == [], differ[:3]
