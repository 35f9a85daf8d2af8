"""The one path by which untrusted text (catalog strings, pasted input, file names) reaches a
terminal or a CI log.

A character is shown escaped (`\\u202e`, `\\x1b`) when a terminal or a log viewer would act on
it instead of showing it: controls (C0, DEL, C1: escape sequences, bells, OSC titles), invisible
formatting (bidi overrides and isolates, zero-width characters, soft hyphens: Trojan Source),
line and paragraph separators, and surrogates. The classes are Unicode's general categories
Cc, Cf, Zl, Zp and Cs, read from the running Python's Unicode database, not from a list.
A line is also capped in length, with an ellipsis.

`SafeStream` applies this to everything the `xemcat` process writes (except the line breaks
the output is made of); `line` escapes line breaks too, for values that must stay on one line
(a problem, a note about a paste). GitHub workflow commands are built by `workflow_command`,
which escapes data and properties as GitHub specifies.
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
MAX_LINE = 1000  # characters of one shown line; a problem quoting a 200,000-character key stays readable


def unsafe(ch: str) -> bool:
    """Whether a terminal or log viewer would act on ``ch`` rather than show it."""
    return unicodedata.category(ch) in UNSAFE_CATEGORIES


def _escaped(ch: str) -> str:
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def escape(text: str, keep: str = "") -> str:
    """``text`` with every unsafe character escaped, except those in ``keep``."""
    if text.isprintable():  # the common case, in C: no control, format or separator character
        return text
    return "".join(_escaped(ch) if ch not in keep and unsafe(ch) else ch for ch in text)


def line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` as one shown line: every unsafe character (line breaks too) escaped, at most
    ``limit`` characters, an ellipsis where it was cut."""
    shown = escape(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def workflow_command(command: str, properties: dict[str, object], message: str) -> str:
    """A GitHub Actions workflow command (`::error file=…,line=…::message`). GitHub decodes
    %25, %0D, %0A in the message and also %3A, %2C in property values; anything else would
    end the command early or forge another property or annotation."""
    def data(value: str) -> str:
        return line(value).replace("%", "%25")  # line() left no CR or LF to encode as %0D, %0A

    def prop(value: object) -> str:
        return data(str(value)).replace(":", "%3A").replace(",", "%2C")

    props = ",".join(f"{key}={prop(value)}" for key, value in properties.items())
    return f"::{command} {props}::{data(message)}"


class SafeStream:
    """A text stream that shows unsafe characters escaped; line breaks and tabs pass through."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape(text, keep="\n\t"))

    def __getattr__(self, name: str):  # flush, fileno, buffer, encoding...: the wrapped stream's
        return getattr(self._stream, name)
