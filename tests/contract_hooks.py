"""Schemathesis hooks for `tests/contract.py` (loaded through SCHEMATHESIS_HOOKS).

Meeting papers are uploaded as the raw file (`POST /meetings/{id}/attachments`), in one of
the PDF and Office media types the document lists. Schemathesis cannot make such bodies on
its own, so each type gets files that start the way that type must (the server checks the
first bytes against the declared type) followed by arbitrary bytes, plus the empty file.
"""

from hypothesis import strategies as st

import schemathesis

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
