# From django-allauth 65.21.1, allauth/socialaccount/providers/facebook/locale.py:22.
# xml.dom.minidom (expat) does not fetch external entities or DTDs, so the file-read/SSRF the
# message describes cannot happen; and the document is a file shipped inside the package.
from pathlib import Path
from xml.dom.minidom import parse

DEFAULT_LOCALES = Path(__file__).with_name("FacebookLocales.xml")


def get_default_locale_callable(filename_or_file=DEFAULT_LOCALES):
    dom = parse(filename_or_file)
    reps = dom.getElementsByTagName("representation")
    return [r.childNodes[0].data for r in reps]
