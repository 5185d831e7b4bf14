"""Strip site-UI lines ("leave a comment", "Log In Your Account"...) from the edges of a text.

A general rule, not a list of known lines: a line at the start or end of a text is chrome
when it is short and is made of the vocabulary that site interfaces use (accounts,
comments, sharing, subscriptions, cookies, legal footers, navigation) in English, German,
French and Spanish. Prose inside the article is never touched, and a long line is prose.
"""

from __future__ import annotations

import re

_UI_PHRASES = [
    # comments
    r"leave a (comment|reply)", r"post a comment", r"add (a )?comment", r"no comments( yet)?",
    r"^\d+\s+comments?$", r"^comments?(\s*\(\d+\))?:?$", r"show comments", r"kommentar(e)? (schreiben|verfassen|anzeigen)",
    r"^kommentare?:?$", r"laisser un commentaire", r"deja un comentario",
    # accounts
    r"\blog ?in\b", r"\blog ?out\b", r"\bsign (in|up|out)\b", r"create (an |your )?account", r"\bmy account\b",
    r"your account", r"^register$", r"forgot (your )?password", r"\banmelden\b", r"\bregistrieren\b", r"\bse connecter\b",
    r"iniciar sesi[oó]n",
    # subscriptions and newsletters
    r"\bsubscribe\b", r"\bnewsletter\b", r"get the latest posts", r"sent to your (e-?mail|inbox)", r"\babonnieren\b",
    r"discover more from", r"\bsuscr[ií]bete\b", r"\babonnez-vous\b",
    # sharing and following
    r"^share( this)?( article| post| story)?:?$", r"share (this|on) ", r"^tweet$", r"\bfollow us\b", r"^teilen:?$", r"^partager:?$",
    r"^like this:?$", r"^like loading", r"^loading\.{0,3}$", r"^print( this)?( article| page)?$", r"^e-?mail( this)?$",
    # cookies, legal, footer
    r"\bcookies?\b.*\b(accept|consent|policy|settings|use|uses|improve|experience)\b", r"\baccept (all )?cookies\b",
    r"privacy policy", r"terms (of|and) (use|service|conditions)", r"all rights reserved", r"^©", r"^copyright\b",
    r"\bdatenschutz", r"\bimpressum\b", r"alle rechte vorbehalten", r"mentions l[ée]gales", r"tous droits r[ée]serv[ée]s",
    # navigation and ads
    r"^read more\b", r"^continue reading", r"related (posts|articles|stories)", r"you (may|might) also like", r"^advertisements?$",
    r"^sponsored\b", r"^click here\b", r"back to top", r"skip to (main )?content", r"^weiterlesen", r"^mehr zum thema",
    r"^anzeige$", r"^werbung$", r"^(home|menu|main menu|navigation|search|startseite|suche)$", r"^tags?:", r"^categor(y|ies):", r"^filed under", r"^previous (post|article)",
    r"^next (post|article)", r"^(posted|published) (in|on)\b",
]
_UI = re.compile("|".join(f"(?:{p})" for p in _UI_PHRASES), re.I)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_SEPARATORS = re.compile(r"[\d\s|/\\\-\u2010-\u2015_.,:;·•*#+~=<>«»›‹]*|\(\d+\)|\[\d+\]")


def is_chrome_line(line: str, max_words: int = 14) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if not _HAS_LETTER.search(stripped):
        # separators and counters ("|", "—", "•", "12", "(3)"); not emoticons like "=)" or ":-(",
        # which end real posts (extraction-dev: seelenradio.de)
        return len(stripped) <= 20 and _SEPARATORS.fullmatch(stripped) is not None
    if len(stripped.split()) > max_words:
        return False
    return _UI.search(stripped) is not None


def strip_chrome_lines(text: str, max_words: int = 14) -> tuple[str, list[str]]:
    """Drop chrome lines from both edges; return the text and the lines removed (for evidence)."""
    lines = text.split("\n")
    start, end = 0, len(lines)
    while start < end and is_chrome_line(lines[start], max_words):
        start += 1
    while end > start and is_chrome_line(lines[end - 1], max_words):
        end -= 1
    removed = [line.strip() for line in lines[:start] + lines[end:] if line.strip()]
    return "\n".join(lines[start:end]), removed
