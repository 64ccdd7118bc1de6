"""Text made safe to show: nothing from data or a user reaches a terminal as control.

``visible`` turns every character a terminal or a reader would act on (C0
and C1 controls, DEL, line and paragraph separators, bidirectional
overrides and isolates) into a visible escape, ``\\x1b`` or ``\\u202e``.
Newlines and tabs are kept; ``one_line`` escapes them too, for messages
that must stay on one line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """``text`` with controls shown as escapes; newlines and tabs kept."""
    value = "" if text is None else str(text)
    return _CONTROL.sub(_escape, value)


def one_line(text: object) -> str:
    """``text`` with every control shown as an escape, newlines and tabs included."""
    value = "" if text is None else str(text)
    return _CONTROL_OR_BREAK.sub(_escape, value)
