"""SEC013 xml-external-entities."""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..context import keyword
from ..flow import is_constant
from ..model import Confidence, Finding, Fix, Rule, Severity
from ..names import Binding
from ._outside import outside_source

if TYPE_CHECKING:
    from ..fixes.document import FixDocument

_ET = ("xml.etree.ElementTree", "xml.etree.cElementTree")
_STDLIB = frozenset(
    [f"{m}.{f}" for m in _ET for f in ("parse", "fromstring", "XML", "iterparse", "fromstringlist")]
    + [f"xml.dom.minidom.{f}" for f in ("parse", "parseString")]
    + [f"xml.dom.pulldom.{f}" for f in ("parse", "parseString")]
    + [f"xml.sax.{f}" for f in ("parse", "parseString")]
)
#: The fix's drop-in replacement module (lxml has none: defusedxml.lxml is deprecated).
_DEFUSED = {
    "xml.etree.ElementTree": "defusedxml.ElementTree", "xml.etree.cElementTree": "defusedxml.ElementTree",
    "xml.dom.minidom": "defusedxml.minidom", "xml.dom.pulldom": "defusedxml.pulldom", "xml.sax": "defusedxml.sax",
}
_LXML = frozenset(f"lxml.etree.{f}" for f in ("parse", "fromstring", "XML", "iterparse"))


class XmlExternalEntities(Rule):
    code = "SEC013"
    name = "xml-external-entities"
    message = (
        "`{callee}` parses non-literal XML with a parser that expands entities: crafted input can read "
        "local files, reach internal URLs or exhaust memory (XXE, billion laughs)"
    )
    severity = Severity.INFO
    refs = ("A05",)
    owasp = ("A05",)
    cwe = ("CWE-611",)
    fix_applicability = "unsafe"
    fix_title = "Import the parser from `defusedxml`"
    callees = frozenset({*_STDLIB, *_LXML})

    docs = """
## What it does
Checks for XML parsed from non-literal input with the standard library
(`xml.etree.ElementTree.parse/fromstring/XML/iterparse`, `xml.dom.minidom.parse*`,
`xml.dom.pulldom.parse*`, `xml.sax.parse*`) or `lxml.etree.parse/fromstring/XML` without an
explicit parser. `defusedxml.*` is never flagged, nor is an `lxml` call given a `parser`
(it cannot be settled statically).

`lxml` (which resolves entities by default) is always the default tier. The standard-library
parsers are the default tier when the document comes from outside the process (request input,
an HTTP response body); on other input (a file the program names, a parameter of unknown origin)
they are the review tier (below).

## Why is this bad?
XML entities can reference files and URLs (`<!ENTITY x SYSTEM "file:///etc/passwd">`) and
expand exponentially ("billion laughs"). Depending on the parser and the expat/libxml2
version, untrusted XML can disclose files, make server-side requests or take the process
down (OWASP A05 security misconfiguration; CWE-611). `defusedxml` offers the same API with
these features refused.

## Example
```python
import xml.etree.ElementTree as ET
from flask import request

def import_feed():
    return ET.fromstring(request.data)
```

## Use instead
```python
import defusedxml.ElementTree as ET
from flask import request

def import_feed():
    return ET.fromstring(request.data)
```

## Fix safety
The fix calls the `defusedxml` equivalent instead (`defusedxml.ElementTree`,
`defusedxml.minidom`, `defusedxml.pulldom`, `defusedxml.sax`), adding the import or reusing an
existing one; other uses of the stdlib module are left alone. It is **unsafe**: it adds a
dependency, and documents that rely on DTDs or entities are rejected afterwards. lxml and
`fromstringlist` have no automatic fix: pass an `lxml.etree.XMLParser(resolve_entities=False,
no_network=True)`.

## References
- [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
- [defusedxml](https://pypi.org/project/defusedxml/)
- [CWE-611: XXE](https://cwe.mitre.org/data/definitions/611.html)
- OWASP A05
"""

    review_tier = """
- A standard-library parser (`xml.etree`, `xml.dom.minidom`/`pulldom`, `xml.sax`: expat) on input
  not known to come from outside the process. These parsers do not fetch external entities or DTDs
  (Python docs, "XML vulnerabilities"), and expat 2.4.1+ limits entity expansion ("billion laughs"),
  so the file-read and SSRF this rule describes cannot happen; what remains depends on the expat
  version and on who writes the document (django-allauth parses a locale file shipped in its package).
"""

    review_examples = (
        "from xml.etree.ElementTree import parse\ndef f(path):\n    return parse(path)\n",
        "from xml.dom import minidom\ndef f(b):\n    return minidom.parseString(b)\n",
        "import xml.sax\ndef f(stream, handler):\n    xml.sax.parse(stream, handler)\n",
    )

    valid = (
        "import defusedxml.ElementTree as ET\ndef f(body):\n    return ET.fromstring(body)\n",
        "from defusedxml.minidom import parseString\ndef f(b):\n    parseString(b)\n",
        "import xml.etree.ElementTree as ET\nET.fromstring('<a/>')\n",
        "from lxml import etree\ndef f(b, parser):\n    etree.fromstring(b, parser)\n",
        "import json\ndef f(b):\n    json.loads(b)\n",
        "class P:\n    def parse(self, b): ...\ndef f(b):\n    P().parse(b)\n",
    )
    invalid = (
        "import xml.etree.ElementTree as ET\nfrom flask import request\ndef f():\n    return ET.fromstring(request.data)\n",
        "import requests\nfrom xml.dom import minidom\ndef f(url):\n    return minidom.parseString(requests.get(url, timeout=5).content)\n",
        "from lxml import etree as LET\ndef f(b):\n    return LET.fromstring(b)\n",
        "from xml.etree.ElementTree import fromstring as parse_xml\nfrom flask import request\n"
        "def f():\n    body = request.get_data()\n    return parse_xml(body)\n",
    )

    @classmethod
    def make_fix(cls, finding: Finding, doc: "FixDocument") -> Fix | None:
        from ..fixes.transforms import call_fix, replace_code

        module, _, function = finding.data.get("callee", "").rpartition(".")
        defused = _DEFUSED.get(module)
        if defused is None or function == "fromstringlist":
            return None  # lxml (defusedxml.lxml is deprecated), fromstringlist: no fix
        # the module, not a bare `from defusedxml.sax import parse`: a local `parse` could shadow it
        return call_fix(
            finding, doc, lambda c, safe: c.with_changes(func=replace_code(c.func, f"{safe}.{function}")),
            f"Use `{defused}.{function}`", "unsafe", [(defused, None)],
        )

    def check_call(self, call: ast.Call, callee: Binding) -> None:
        name = callee.qualname
        assert name is not None
        source = call.args[0] if call.args else None
        if source is None:
            kw = keyword(call, "source") or keyword(call, "text") or keyword(call, "string") or keyword(call, "file")
            source = kw.value if kw is not None else None
        if source is None or isinstance(source, ast.Starred) or is_constant(self.ctx, source):
            return
        if name in _LXML and (len(call.args) > 1 or keyword(call, "parser") is not None
                              or any(k.arg is None for k in call.keywords)):
            return
        # The expat-based standard library refuses external entities and DTD retrieval; only input from
        # outside the process (a crafted document) keeps its entity-expansion risk in the default tier.
        review = name in _STDLIB and outside_source(self.ctx, source) is None
        self.report(call.func, confidence=Confidence.MEDIUM if review else None, callee=name)
