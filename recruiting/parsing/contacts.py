"""Contact details: e-mails, phone numbers, links, and a best guess of the name."""

from __future__ import annotations

import re

from .model import Contacts
from .sections import classify_heading

__all__ = [
    "MAX_LINK_CHARS",
    "contact_spans",
    "extract_contacts",
    "find_emails",
    "find_links",
    "find_phones",
    "guess_name",
]

# The longest link kept among a resume's contacts. Every blind view masks the stored links
# wherever the resume is quoted, at a cost in proportion to their length. A longer link is left
# out (with a warning) rather than cut short: browsers, servers and sitemaps stop near 2,000
# characters, a real profile or portfolio link is far shorter, and a cut one would be a wrong
# address on the contact card and in the API. The text keeps it as it was, and under blind
# review the link pattern hides it there.
MAX_LINK_CHARS = 2_048

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)
_URL = re.compile(
    r"(?<![\w@./-])(?:(?:https?://|www\.)[^\s<>\"'()\[\]{}|]+"
    r"|(?:[a-z]{2,3}\.)?(?:linkedin\.com/(?:in|pub|company)/|github\.com/|gitlab\.com/"
    r"|bitbucket\.org/|stackoverflow\.com/users/|medium\.com/@?|behance\.net/|dribbble\.com/)"
    r"[^\s<>\"'()\[\]{}|,;]+)",
    re.IGNORECASE,
)
# A phone candidate: optional + / 00, then digits with the usual separators. Slashes
# are not separators here, so "03/2016 - 08/2020" never forms one candidate.
_PHONE = re.compile(
    r"(?<![\w+/.-])(?:\+|00)?\(?\d[\d\s().\-–]{5,22}\d(?!\d)(?![/.]\d)(?:\s*(?:x|ext\.?)\s*\d{1,5})?"
)
_YEAR = re.compile(r"^(?:19[5-9]\d|20[0-4]\d)$")
_TRAILING = ".,;:!?)]}>'\""


def find_emails(text: str) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for match in _EMAIL.finditer(text):
        email = match.group(0).rstrip(".")
        seen.setdefault(email.lower(), email.lower())
    return tuple(seen.values())


def find_links(text: str) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        if "@" in url.split("/")[0]:
            continue  # part of an e-mail address
        if not url.lower().startswith(("http://", "https://")):
            url = "https://" + url
        key = url.lower().rstrip("/")
        key = re.sub(r"^https?://(www\.)?", "", key)
        out.setdefault(key, url)
    return tuple(out.values())


def _phone_ok(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate.split("x")[0].split("ext")[0])
    international = candidate.startswith(("+", "00"))
    if not 7 <= len(digits) <= 15:
        return False
    if not international and len(digits) < 10:
        return False
    groups = re.findall(r"\d+", candidate)
    # Date ranges and lists of years: "2015 - 2019", "2018 – 2020 2021".
    if sum(bool(_YEAR.match(g)) for g in groups) >= 2 and all(
        len(g) == 4 or len(g) <= 2 for g in groups
    ):
        return False
    if len(groups) >= 2 and all(len(g) <= 2 for g in groups[:-1]) and len(groups[-1]) == 4:
        return False  # "12 05 2019"-like dates
    # A long unbroken run is an ID or an account number, unless it is a plain 10-15
    # digit number (mobile numbers are often written that way).
    if len(groups) == 1 and not 10 <= len(digits) <= 13:
        return False
    # Decimal-looking numbers: "3.14159265".
    return not re.fullmatch(r"\d+\.\d+", candidate.strip())


def find_phones(text: str) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for match in _PHONE.finditer(text):
        candidate = match.group(0).strip().rstrip(".-–(")
        if candidate.count("(") != candidate.count(")"):
            candidate = candidate.strip("()")
        if not _phone_ok(candidate):
            continue
        key = re.sub(r"\D", "", candidate)
        out.setdefault(key, " ".join(candidate.split()))
    return tuple(out.values())


def contact_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds an e-mail, a link or a phone number, as (start, end) offsets in the
    order found (unmerged). A link ends before trailing punctuation, as ``find_links`` reads it."""
    spans = [m.span() for m in _EMAIL.finditer(text)]
    spans += [
        (m.start(), m.start() + len(m.group(0).rstrip(_TRAILING))) for m in _URL.finditer(text)
    ]
    spans += [m.span() for m in _PHONE.finditer(text) if _phone_ok(m.group(0).strip())]
    return spans


_NOT_NAME_WORDS = {
    "resume",
    "résumé",
    "cv",
    "curriculum",
    "vitae",
    "page",
    "profile",
    "summary",
    "contact",
    "engineer",
    "developer",
    "manager",
    "accountant",
    "analyst",
    "consultant",
    "designer",
    "specialist",
    "director",
    "officer",
    "assistant",
    "associate",
    "intern",
    "fresher",
    "senior",
    "junior",
    "lead",
    "architect",
    "administrator",
    "coordinator",
    "technician",
    "scientist",
    "teacher",
    "executive",
    "representative",
    "supervisor",
    "professional",
    "street",
    "road",
    "avenue",
    "city",
    "state",
    "objective",
    "experience",
    "education",
}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$")


def guess_name(text: str, max_lines: int = 8) -> str | None:
    """The first early line that looks like a person's name (2-4 capitalised words)."""
    seen = 0
    for raw_line in text.split("\n"):
        line = raw_line.strip().strip("|•·-–").strip()
        if not line:
            continue
        seen += 1
        if seen > max_lines:
            break
        # "Jane Doe | jane@x.com | 555-..." : the name is the first field.
        first = re.split(r"\s*[|•·,]\s*|\s{3,}", line)[0].strip()
        candidate = first if first else line
        if _looks_like_name(candidate):
            return candidate.title() if candidate.isupper() else candidate
    return None


def _looks_like_name(candidate: str) -> bool:
    if len(candidate) > 40 or any(ch.isdigit() for ch in candidate):
        return False
    if "@" in candidate or ":" in candidate or "/" in candidate:
        return False
    if classify_heading(candidate) is not None:
        return False
    words = candidate.split()
    if not 2 <= len(words) <= 4:
        return False
    if any(w.lower().strip(".") in _NOT_NAME_WORDS for w in words):
        return False
    if not all(_NAME_WORD.match(w) for w in words):
        return False
    return all(w[0].isupper() for w in words)


def extract_contacts(text: str) -> Contacts:
    return Contacts(
        name=guess_name(text),
        emails=find_emails(text),
        phones=find_phones(text),
        links=find_links(text),
    )
