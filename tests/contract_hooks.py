"""Schemathesis hooks for `tests/contract.py` (loaded through SCHEMATHESIS_HOOKS).

Meeting papers are uploaded as the raw file (`POST /meetings/{id}/attachments`), in one of
the PDF and Office media types the document lists. Schemathesis cannot make such bodies on
its own, so each type gets files that start the way that type must (the server checks the
first bytes against the declared type) followed by arbitrary bytes, plus the empty file.

Character classes are built once (`_reuse_character_classes`): the document's text patterns
share a few large classes, and Hypothesis would otherwise build each again for every pattern
it meets, which was most of the run's time.
"""

import re._constants as sre

from hypothesis import strategies as st
from hypothesis.strategies._internal import regex as hypothesis_regex

import schemathesis


def _reuse_character_classes():
    """Keeps the strategy Hypothesis builds for each regex character class (`[...]`, `[^...]`)
    and hands the same one out when that class comes up again, in any pattern.

    The document's text rules (`crates/http/src/schema_rules.rs`) refuse, among other things,
    the private-use planes 15 and 16; Hypothesis builds a class by adding each code point of
    each of its ranges one at a time (131,068 for those two planes), so a class such as
    `[^...]` of a name costs about half a second, every time. Schemathesis draws from each
    pattern at several lengths (it writes the lengths into the pattern), and Hypothesis keeps
    no class from one pattern to the next, so the same few classes were built again hundreds
    of times: measured, 250 patterns built in 63 s of a 215 s coverage phase, the same
    pattern up to 65 times. A class's strategy depends only on the class, the regex flags
    and the alphabet, and strategies are immutable, so handing out the one already built
    draws exactly the same values.
    """
    build = getattr(hypothesis_regex, "_strategy", None)
    if build is None:  # another Hypothesis: leave it as it is (slower, same values)
        return
    classes = {}

    def strategy(codes, context, is_unicode, *, alphabet):
        if not (isinstance(codes, tuple) and codes[0] == sre.IN):
            return build(codes, context, is_unicode, alphabet=alphabet)
        # The alphabet is kept with its strategy, so its id is not reused while cached.
        key = (repr(codes[1]), int(context.flags), is_unicode, id(alphabet))
        found = classes.get(key)
        if found is None:
            found = classes[key] = (alphabet, build(codes, context, is_unicode, alphabet=alphabet))
        return found[1]

    hypothesis_regex._strategy = strategy


_reuse_character_classes()

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def files(magic: bytes):
    return st.one_of(
        st.just(magic),
        st.binary(max_size=256).map(lambda tail: magic + tail),
        st.just(b""),
    )


schemathesis.openapi.media_type("application/pdf", files(PDF))
for ooxml in (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
):
    schemathesis.openapi.media_type(ooxml, files(ZIP))
for legacy in ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"):
    schemathesis.openapi.media_type(legacy, files(OLE))
