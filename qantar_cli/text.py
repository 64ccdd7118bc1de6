"""Make text from data or from a user safe to print on one line of a terminal.

``visible(text)`` replaces every character that a terminal acts on instead
of showing (C0 controls such as ESC, CR and LF; DEL; the C1 controls, which
some terminals read as CSI or OSC; the line and paragraph separators; and
the bidirectional overrides and isolates that can make text read backwards)
with a visible escape: ``\\x1b``, ``\\n``, ``\\x85``, ``\\u202e``. Lone
surrogates (the undecodable bytes of a file name) are escaped the same way,
since no output stream can encode them. Everything else, letters of any
script included, is left as it is.

This is a leaf module: it imports nothing, so any module can use it without
cost.
"""

_CONTROLS = (
    list(range(0x20))  # C0, newline and tab included: one message, one line
    + list(range(0x7F, 0xA0))  # DEL and C1
    + [0x2028, 0x2029]  # line and paragraph separators
    + list(range(0x202A, 0x202F))  # bidi embeddings and overrides (LRE ... RLO)
    + list(range(0x2066, 0x206A))  # bidi isolates (LRI ... PDI)
)

_ESCAPES = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS}
_ESCAPES.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})  # the familiar forms, as repr() writes them
# Lone surrogates stand for bytes of a file name that are not UTF-8; no stream can encode them.
_ESCAPES.update({c: f"\\u{c:04x}" for c in range(0xD800, 0xE000)})


def visible(text: str) -> str:
    """``text`` with every control character replaced by a visible escape."""
    return text.translate(_ESCAPES)


def shortened(text: str, limit: int = 40) -> str:
    """``text`` cut to about ``limit`` characters, saying how long it was when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 3]}... ({len(text):,} characters)"


def one_line(text: object) -> str:
    """Anything as one visible line: what a message to stderr may carry."""
    return visible("" if text is None else str(text))


def visible_lines(text: object) -> list[str]:
    """Multi-line text (a summary, a note) as visible lines: its own line breaks kept, every other control escaped."""
    return [visible(line) for line in ("" if text is None else str(text)).split("\n")]
