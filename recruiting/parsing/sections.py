"""Section headings: a short line, alone, that names a resume section."""

from __future__ import annotations

import re
import unicodedata

from .model import Section

__all__ = ["classify_heading", "detect_sections", "normalise_heading"]

_VOCABULARY: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "professional summary",
        "career summary",
        "executive summary",
        "profile",
        "professional profile",
        "personal profile",
        "executive profile",
        "career profile",
        "about",
        "about me",
        "objective",
        "career objective",
        "professional objective",
        "objectives",
        "overview",
        "personal statement",
        "introduction",
        "summary of qualifications",
        "qualifications summary",
        "career overview",
        "professional overview",
        "bio",
    ),
    "experience": (
        "experience",
        "work experience",
        "professional experience",
        "work history",
        "employment history",
        "employment",
        "career history",
        "relevant experience",
        "work background",
        "professional background",
        "experience history",
        "internship",
        "internships",
        "internship experience",
        "industry experience",
        "employment experience",
        "professional history",
        "career experience",
        "relevant work experience",
        "military experience",
        "teaching experience",
        "research experience",
        "positions held",
    ),
    "education": (
        "education",
        "academic background",
        "educational background",
        "education and training",
        "academic qualifications",
        "educational qualifications",
        "academics",
        "academic history",
        "education history",
        "education and qualifications",
        "academic profile",
        "qualifications",
        "academic credentials",
        "education details",
        "schooling",
        "education and certifications",
        "education and certification",
        "education and credentials",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core competencies",
        "competencies",
        "key skills",
        "areas of expertise",
        "expertise",
        "skills and abilities",
        "skill highlights",
        "highlights",
        "technical proficiencies",
        "technologies",
        "tools",
        "tools and technologies",
        "programming languages",
        "soft skills",
        "hard skills",
        "strengths",
        "skills summary",
        "summary of skills",
        "computer skills",
        "it skills",
        "key competencies",
        "core qualifications",
        "professional skills",
        "relevant skills",
        "skill set",
        "skillset",
        "technical expertise",
        "technical competencies",
        "abilities",
        "core skills",
        "skills and expertise",
        "technical summary",
        "software",
        "tech stack",
        "skills and tools",
        "skills and technologies",
        "tools and skills",
        "languages and tools",
    ),
    "certifications": (
        "certifications",
        "certification",
        "certificates",
        "certificate",
        "licenses",
        "licences",
        "licenses and certifications",
        "licences and certifications",
        "certifications and licenses",
        "certifications and licences",
        "accreditations",
        "credentials",
        "professional certifications",
        "training",
        "trainings",
        "courses",
        "coursework",
        "professional development",
        "training and certifications",
        "certifications and training",
        "relevant coursework",
    ),
    "projects": (
        "projects",
        "project",
        "personal projects",
        "academic projects",
        "key projects",
        "selected projects",
        "project experience",
        "portfolio",
        "side projects",
        "notable projects",
        "project highlights",
        "projects and research",
    ),
    "other": (
        "awards",
        "honors",
        "honours",
        "awards and honors",
        "honors and awards",
        "achievements",
        "accomplishments",
        "key achievements",
        "activities",
        "other activities",
        "activities and awards",
        "extracurricular activities",
        "extra curricular activities",
        "publications",
        "interests",
        "hobbies",
        "hobbies and interests",
        "languages",
        "language skills",
        "volunteer",
        "volunteering",
        "volunteer experience",
        "volunteer work",
        "community service",
        "references",
        "affiliations",
        "memberships",
        "professional affiliations",
        "professional memberships",
        "additional information",
        "additional skills and information",
        "personal details",
        "personal information",
        "contact",
        "contact information",
        "contact me",
        "leadership",
        "presentations",
        "conferences",
        "patents",
        "research",
        "military service",
        "other",
        "miscellaneous",
    ),
}
_EXACT = {phrase: name for name, phrases in _VOCABULARY.items() for phrase in phrases}

# For headings not in the vocabulary ("Relevant IT Work Experience"): the first keyword
# (by position in the line) decides.
_KEYWORDS = (
    ("experience", r"experience|employment|work history|career history"),
    ("education", r"education|academic"),
    ("skills", r"skills?|competenc|expertise|proficienc"),
    ("certifications", r"certif|licen[cs]e|accreditation"),
    ("projects", r"projects?"),
    ("summary", r"summary|profile|objective"),
    (
        "other",
        r"awards?|honou?rs|achievements|accomplishments|publications|interests|hobbies"
        r"|volunteer|references|affiliations|activities",
    ),
)
_KEYWORD_RE = re.compile(
    "|".join(f"(?P<{name}>\\b(?:{pattern}))" for name, pattern in _KEYWORDS), re.IGNORECASE
)
# Decoration before and after a heading's words ("—— SKILLS ——", "• Experience:"). The end is
# matched only from the start of a run, without backtracking: one "...+$" tried it from every
# character of a run in mid-line, quadratic in the run's length.
_EDGE_CHARS = r"\s•·▪■□◆◇►▶●○\-–—*#>|:_=~"
_LEADING_EDGE = re.compile(rf"^[{_EDGE_CHARS}]+")
_TRAILING_EDGE = re.compile(rf"(?<![{_EDGE_CHARS}.])[{_EDGE_CHARS}.]++$")
_MAX_HEADING_CHARS = 48
_MAX_HEADING_WORDS = 6


def normalise_heading(line: str) -> str:
    text = unicodedata.normalize("NFKC", line)
    text = _LEADING_EDGE.sub("", text, count=1)
    text = _TRAILING_EDGE.sub("", text, count=1)
    text = text.replace("&", " and ").replace("/", " and ").replace("+", " and ")
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


def classify_heading(line: str) -> str | None:
    """The section name a heading line announces, or None if the line is not a heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_HEADING_CHARS:
        return None
    if stripped.endswith((".", ",", ";")) and not stripped.endswith("etc."):
        return None  # a sentence, not a heading
    key = normalise_heading(stripped)
    if not key or len(key.split()) > _MAX_HEADING_WORDS:
        return None
    if key in _EXACT:
        return _EXACT[key]
    # Not in the vocabulary: accept only lines styled as headings (ALL CAPS, Title Case,
    # or ending with a colon) that contain a section keyword.
    letters = [c for c in stripped if c.isalpha()]
    if not letters:
        return None
    all_caps = all(c.isupper() for c in letters)
    words = [w for w in re.findall(r"[^\W\d_]+", stripped) if len(w) > 3]
    title_case = bool(words) and all(w[0].isupper() for w in words)
    if not (all_caps or title_case or stripped.endswith(":")):
        return None
    # The keyword must be the last word ("Relevant Work Experience", not "Project
    # Manager"), unless the line ends with a colon.
    if stripped.endswith(":"):
        match = _KEYWORD_RE.search(stripped)
    else:
        tail = re.findall(r"[^\W\d_]+", stripped)
        match = _KEYWORD_RE.fullmatch(tail[-1]) if tail else None
        if match is None and tail:
            match = _KEYWORD_RE.match(tail[-1])
            if match is not None and match.end() < len(tail[-1]) - 3:
                match = None
    if match is None:
        return None
    return match.lastgroup


def detect_sections(text: str) -> tuple[Section, ...]:
    """Sections with offsets into ``text``; a section runs from its heading line to the
    next heading (or the end). Text before the first heading belongs to no section."""
    starts: list[tuple[int, str, str]] = []
    offset = 0
    for line in text.split("\n"):
        name = classify_heading(line)
        if name is not None:
            starts.append((offset, name, line.strip()))
        offset += len(line) + 1
    sections = []
    for index, (start, name, heading) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        while end > start and text[end - 1].isspace():
            end -= 1
        sections.append(Section(name=name, start=start, end=end, heading=heading))
    return tuple(sections)
