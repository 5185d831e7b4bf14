"""One WARC record to a document: HTML responses (2xx only), Common Crawl WET conversions.

- `response` records: only 2xx HTTP responses with an HTML payload are pages; a 404, a
  redirect or a server error is rejected with its status ("HTTP 404 response"), other
  content types with theirs.
- `conversion` records (Common Crawl `.warc.wet.gz`): the extracted plain text of a page, read
  as a text record (no HTML extraction).
- `resource` records: an HTML payload stored without HTTP headers.
- `revisit` records carry no payload: rejected. warcinfo, request and metadata records are
  not documents (None).
The document's `url` is WARC-Target-URI, `fetched` is WARC-Date (the crawl time, which bounds
the publication date from above); for WET records WARC-Date is also the date, as FineWeb and
datatrove do: it is the only date a WET record has. The other WARC headers (record id,
language, digests...) are the document's metadata.
"""

from __future__ import annotations

import re
from typing import Any

from ..records import RawDocument
from .decode import DecodeError, decode_bytes

__all__ = ["DOCUMENT_RECORD_TYPES", "warc_record_document"]

DOCUMENT_RECORD_TYPES = ("response", "revisit", "resource", "conversion")
_MAPPED_HEADERS = {"warc-target-uri", "warc-date", "warc-type", "content-length"}
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


def _metadata(record: Any, extra: dict[str, str]) -> dict[str, str]:
    meta = {name: value for name, value in record.rec_headers.headers if name.lower() not in _MAPPED_HEADERS}
    meta.update(extra)
    return dict(sorted(meta.items()))


def warc_record_document(record: Any, doc_id: str, source: str, limit: int) -> RawDocument | None:
    """The document of a warcio record, a rejected one with the reason, or None (not a document)."""
    rec_type = record.rec_type
    if rec_type not in DOCUMENT_RECORD_TYPES:
        return None
    headers = record.rec_headers
    uri = headers.get_header("WARC-Target-URI") or None
    fetched = headers.get_header("WARC-Date") or None
    base = dict(doc_id=doc_id, source=source, url=uri, fetched=fetched,
                record_id=headers.get_header("WARC-Record-ID") or None)

    def rejected(reason: str, extra: dict | None = None) -> RawDocument:
        return RawDocument(kind="rejected", reason=reason, metadata=_metadata(record, extra or {}), **base)

    if rec_type == "revisit":
        return rejected("WARC revisit record (payload not stored)")
    extra: dict[str, str] = {}
    if rec_type == "conversion":
        ctype = headers.get_header("Content-Type") or "text/plain"
        if not ctype.lower().startswith("text/"):
            return rejected(f"WET conversion record is not text ({ctype.split(';')[0]})")
    elif record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        ctype = record.http_headers.get_header("Content-Type") or ""
        extra = {"HTTP-Status": status, "HTTP-Content-Type": ctype}
        if not status.startswith("2"):
            return rejected(f"HTTP {status or 'status unknown'} response (only 2xx responses are pages)", extra)
    else:
        ctype = headers.get_header("Content-Type") or ""
    if rec_type != "conversion" and "html" not in ctype.lower():
        return rejected(f"not an HTML response ({ctype.split(';')[0] or 'no content type'})", extra)
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        return rejected(f"document too large: over {limit / 1e6:.1f} MB (max_document_bytes)", extra)
    if not payload.strip():
        return rejected("empty record" if rec_type == "conversion" else "empty HTTP response body", extra)
    m = _CHARSET.search(ctype)
    try:
        text = decode_bytes(payload, declared=m.group(1) if m else None, is_html=rec_type != "conversion")
    except DecodeError as exc:
        return rejected(str(exc), extra)
    kind = "text" if rec_type == "conversion" else "html"
    date = fetched if rec_type == "conversion" else None
    return RawDocument(kind=kind, content=text, date=date, metadata=_metadata(record, extra), **base)
