"""The sources as BibLaTeX ``@online`` entries, for LaTeX and pandoc.

Each entry is keyed by the source id, with ``title``, ``author`` when the
article names one, ``organization`` (the publisher), ``date`` (ISO, to its
precision) and ``year`` (so classic BibTeX styles read it too), ``url``
and ``langid``. Text is escaped for LaTeX (``& % $ # _ { } ~ ^ \\``);
titles are wrapped in a second pair of braces so styles keep their
capitals. A leading ``@comment`` names the knowledge base's version.
"""

from __future__ import annotations

from ...kb.store import KnowledgeBase
from ...spec import Record
from ...text import visible
from . import about
from .csl import ordered_sources

#: babel's and polyglossia's names of the languages a source may be in.
LANGUAGES = {"en": "english", "ru": "russian", "kk": "kazakh"}

_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_URL = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20", '"': "%22"}


def latex(text: str) -> str:
    """Text with LaTeX's special characters escaped, no line breaks, and every other control character
    shown as an escape (``\\x1b``), so that nothing in a field can drive the terminal it is printed on."""
    return "".join(_LATEX.get(ch, ch) for ch in visible(" ".join(text.split())))


def url(text: str) -> str:
    """A URL as a verbatim field can take it: braces, backslashes, spaces and whatever ``visible`` would
    escape (controls, bidirectional overrides) percent-encoded, as UTF-8."""
    return "".join(_URL.get(ch) or (ch if visible(ch) == ch else "".join(f"%{b:02X}" for b in ch.encode()))
                   for ch in text)


def render_bibtex(kb: KnowledgeBase, events: list[Record]) -> str:
    head = f"@comment{{{latex(about.version_text(kb))}}}\n"
    return head + "".join("\n" + entry(s) for s in ordered_sources(kb))


def entry(source: Record) -> str:
    fields = [("title", f"{{{latex(source['title'])}}}")]
    if source["author"]:
        fields.append(("author", latex(source["author"])))
    fields.append(("organization", latex(source["publisher"])))
    fields.append(("date", source["published"]))
    fields.append(("year", source["published"][:4]))
    if source["url"]:
        fields.append(("url", url(source["url"])))
    if source["language"] in LANGUAGES:
        fields.append(("langid", LANGUAGES[source["language"]]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{source['id']},\n{body}\n}}\n"
