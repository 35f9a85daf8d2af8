"""Every user-visible phrase that more than one place shows, defined once.

Templates get them as `phrases`, the terminal (`explain`) imports them, and the look-up box
reads them from lookup.json, which the build writes from this module. `{name}` marks a value
filled in where the phrase is used (str.format in Python, the same placeholders in the box).
Depends on nothing else in xemcat.
"""

from __future__ import annotations

# A fact no public source states.
NOT_DOCUMENTED = "not documented"
# Advice on an envelope type that no source gives.
GENERAL_GUIDANCE = "General guidance, not from the router's documentation."
# The explicit marker of a code without a diagnostic command.
NO_DIAGNOSTIC = "(no dedicated diagnostic)"
NO_DIAGNOSTIC_BECAUSE = "(no dedicated diagnostic; {note})"
CAVEAT = "Caveat:"
# What a code's name may be made of: `new`'s help and its refusal.
CODE_NAME = "lower-case letters, digits and _, starting with a letter"
ROW_LINK = "Link to this row"
FEED_TITLE = "Changes to the XEM error codes"
FEED_AUTHOR = "The XEM error-code catalog's writers"
# A lifecycle event, as the Changes page and its feed say it.
EVENTS = {"added": "{code} documented", "renamed": "{old} renamed to {code}",
          "deprecated": "{code} deprecated", "removed": "{code} removed"}  # a Troubleshooting row's own permalink

# The kinds of fact a source may document for a code, as the pages and `coverage` name them.
FACT_NAMES = {"http": "HTTP status", "type": "envelope type", "retryable": "retry behaviour"}

# The facts of a code, as one line (look-up box) or one per line (terminal).
FACT_HTTP = "HTTP {value}"
FACT_TYPE = "type {value}"
FACT_RETRYABLE = "retryable {value}"
YES, NO = "Yes", "No"
SCOPED = "{value} ({scope})"

# What the look-up (`xemcat explain -` and the look-up box) says about a paste.
LOOKUP = {
    "too_large": "The paste is larger than {kib} KiB; paste only the status line, headers and body of one response.",
    "empty": "Nothing to look up: paste a code, an envelope, a response or a message.",
    "bad_json": "The JSON could not be read; looking for its fields anyway.",
    "unknown_code": "{word} is not a code in the catalog.",
    "several_codes": "{count} codes match {word}.",
    "no_message_match": "No code's message matches this text closely.",
    "several_named": "The paste names {count} codes.",
    "unknown_type": "Its type {type} is not one the catalog documents.",
    "report_missing": "Not documented here yet: keep the response's {header} header, act on its HTTP status, "
                      "and tell the catalog's writers.",
    "how_to_add": "How a code is added to the catalog (Contributing)",
    "status_codes": "Codes documented with HTTP {status}:",
    "no_status_codes": "No code is documented with HTTP {status}; keep the response's {header} header and act on "
                       "the status itself.",
    "status_differs": "Your paste says HTTP {status}; the catalog documents {documented} for this code.",
    "status_undocumented": "Your paste says HTTP {status}; the catalog does not document this code's status.",
    "renamed": "{old} was renamed to {code} on {date}; this is the answer for {code}.",
    "removed_code": "{code} was removed on {date}: the router no longer sends it (older routers still may).",
    "removed_replaced": "{code} was removed on {date}; clients receive {replacement} instead.",
    "no_single_code": "No single code matches. Closest codes:",
    "nothing_found": "No code found in the paste.",
    "type_without_code": "The envelope has no code; its type is {type}.",
    "what_to_do": "What to do:",
    "type_codes": "Codes documented with this type:",
    "type_status_codes": "Codes documented with this type and status {status}:",
    "none": "none",
    "rate_limited": "Rate limited ({status}):",
    "not_in_paste": "(not in the paste)",
    "quote_request_id": "Quote this value.",
    "do_this": "Do this:",
    "copy_command": "Copy command",
    "copied": "Copied",
    "troubleshooting_row": "Troubleshooting row",
    "code_page": "Code page (everything about it)",
    "more_on_type": "More on {type}",
}
