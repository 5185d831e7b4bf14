"""The one host rule: which site a URL belongs to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["host_of"]

_SCHEME = re.compile(r"^[a-zA-Z][\w+.-]*:/*")


def host_of(url: str | None, unwrap_archive: bool = True) -> str | None:
    """The URL's host without "www.", or None. With `unwrap_archive`, a Wayback Machine URL
    (https://web.archive.org/web/20160526181643/http://example.com/a) gives the archived site;
    servers and crawlers often collapse "http://" in that path to "http:/", so both are read."""
    if not url:
        return None
    try:
        parts = urlsplit(url if "//" in url else f"//{url}")
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    if unwrap_archive and host == "web.archive.org":
        inner = parts.path.split("/", 3)
        if len(inner) == 4 and inner[1] == "web":
            return host_of("//" + _SCHEME.sub("", inner[3])) or host
    return host[4:] if host.startswith("www.") else host
