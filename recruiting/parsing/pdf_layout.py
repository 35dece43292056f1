"""Reading order for PDF pages from word boxes: lines, paragraphs and columns.

Text extractors return text in content-stream order or in strict top-to-bottom line
order; on a two-column resume both can interleave the columns line by line. Here the
page's words (with boxes, from any library) are ordered by layout instead:

0. **Phrases.** Words of a line closer than ``PHRASE_GAP`` x their height are merged
   into one box first, so a letter-spaced name ("R O D N E Y   M I C H A E L S") or a
   wide title is one unit that no gutter can pass through.
1. **Gutter search.** For every x between 12% and 88% of the text's width, count the
   phrases that cross that x. A column gutter is a run of x crossed by few phrases (at
   most ``MAX_BLOCKED`` of the number of lines: only a full-width header, intro or
   footer may cross it) and at least ``MIN_GUTTER`` points wide. Every crossing level
   inside such a run yields a candidate (a lower level is a cleaner gap, a higher one
   can be much wider); candidates are tried best first (fewest crossings, then widest)
   until one gives a valid split. Single-column pages have long lines crossing every
   x, so they never qualify.
2. **Bands.** Phrases that cover at least half of the gutter ("spanning": a name, a
   full-width header line) cut the page into horizontal bands. A band with spanning words is
   read line by line across the page; a band without is read left column entirely,
   then right column.
3. **Recursion.** Each column is searched for its own gutter (three columns, a sidebar
   inside a column), up to ``MAX_DEPTH`` levels.
4. **Header over a column.** Lines at the top of the right column that end above
   the left column's first line, set apart by a gap of ``HEADER_GAP`` line heights
   (a name and title placed over the right column), are read first.
5. **Guards.** Both sides must hold real text (``MIN_SIDE_SHARE`` of the band's words,
   at least 2 lines each), and a band whose left and right lines sit on the same
   baselines almost everywhere (a table, label/value rows, tab-aligned dates) is read
   row by row instead: columns of prose do not share every baseline.

Lines are words grouped by vertical overlap; a blank line is kept where the vertical gap
exceeds ``PARAGRAPH_GAP`` line heights, so headings stay on their own line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from statistics import median

from .intervals import covered_length

__all__ = ["Word", "layout_page_text", "order_words"]

MAX_BLOCKED = 0.30
MIN_GUTTER = 6.0
MIN_SIDE_SHARE = 0.08
MIN_SIDE_WORDS = 4
ALIGNED_ROWS_MAX = 0.85
MAX_DEPTH = 3
MAX_CANDIDATES = 6
MAX_LEVELS = 6
WIDTH_BONUS = 0.002
PHRASE_GAP = 0.8
PARAGRAPH_GAP = 0.9
HEADER_GAP = 1.5


@dataclass(frozen=True, slots=True)
class Word:
    x0: float
    x1: float
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2


# --- lines -----------------------------------------------------------------------------


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Group words into lines (by vertical overlap), lines top to bottom, words left to right."""
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        best, best_overlap = -1, 0.0
        # Only the last few lines can still overlap a word (words come sorted by top).
        for index in range(max(0, len(lines) - 4), len(lines)):
            top, bottom = bands[index]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            smaller = min(bottom - top, word.height)
            if smaller > 0 and overlap / smaller >= 0.5 and overlap > best_overlap:
                best, best_overlap = index, overlap
        if best < 0:
            lines.append([word])
            bands.append((word.top, word.bottom))
        else:
            lines[best].append(word)
            top, bottom = bands[best]
            bands[best] = (min(top, word.top), max(bottom, word.bottom))
    for line in lines:
        line.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: min(w.top for w in ln))
    return lines


def line_text(line: list[Word]) -> str:
    """Join a line's words; undo letter-spacing ("S K I L L S", "R O D N E Y")."""
    if len(line) >= 4 and sum(len(w.text) == 1 for w in line) >= 0.6 * len(line):
        gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(line)]
        single_gaps = [
            g
            for g, a, b in zip(gaps, line, line[1:], strict=False)
            if len(a.text) == 1 and len(b.text) == 1
        ]
        if single_gaps:
            letter_gap = max(median(single_gaps), 0.5)
            out = [line[0].text]
            for gap, a, b in zip(gaps, line, line[1:], strict=False):
                joined = len(a.text) == 1 and len(b.text) == 1 and gap <= letter_gap * 1.6
                out.append(b.text if joined else " " + b.text)
            return "".join(out)
    return " ".join(w.text for w in line)


def lines_to_text(lines: list[list[Word]]) -> str:
    if not lines:
        return ""
    heights = [max(w.height for w in ln) for ln in lines]
    typical = median(heights)
    out: list[str] = []
    prev_bottom = None
    for line in lines:
        top = min(w.top for w in line)
        if prev_bottom is not None and top - prev_bottom > PARAGRAPH_GAP * typical:
            out.append("")
        out.append(line_text(line))
        prev_bottom = max(w.bottom for w in line)
    return "\n".join(out)


# --- columns ---------------------------------------------------------------------------


def _text_height(words: list[Word]) -> float:
    """Height of the union of the words' vertical extents."""
    return max(covered_length((w.top, w.bottom) for w in words), 0.1)


def find_gutter(words: list[Word]) -> tuple[float, float] | None:
    """The x-interval of the best column gutter candidate in ``words``, or None."""
    candidates = find_gutters(words)
    return candidates[0] if candidates else None


def find_gutters(words: list[Word]) -> list[tuple[float, float]]:
    """Candidate column gutters (x-intervals), best first."""
    if len(words) < 2 * MIN_SIDE_WORDS:
        return []
    x_min = min(w.x0 for w in words)
    x_max = max(w.x1 for w in words)
    width = x_max - x_min
    if width < 4 * MIN_GUTTER:
        return []
    lo, hi = x_min + 0.12 * width, x_max - 0.12 * width
    n = int(hi - lo) + 1
    if n <= 0:
        return []
    # blocked[i]: number of phrases crossing x = lo + i (a difference array). Counting
    # phrases, not their heights, keeps a big-font name from weighing like ten lines.
    diff = [0.0] * (n + 1)
    for w in words:
        a = max(0, int(w.x0 - lo) + 1)
        b = min(n, int(w.x1 - lo) + 1)
        if a < b:
            diff[a] += 1.0
            diff[b] -= 1.0
    blocked, acc = [], 0.0
    for i in range(n):
        acc += diff[i]
        blocked.append(acc)
    total = float(len(group_lines(words)))
    limit = MAX_BLOCKED * total
    found: list[tuple[float, float, float]] = []  # (score, start, end)
    i = 0
    while i < n:
        if blocked[i] > limit:
            i += 1
            continue
        j = i
        while j + 1 < n and blocked[j + 1] <= limit:
            j += 1
        # Each distinct crossing level inside the run gives a candidate: the widest
        # stretch at or below it. A lower level is a cleaner gap; a higher one may be
        # much wider (a gap crossed only by the name in the header).
        levels = sorted({round(b, 1) for b in blocked[i : j + 1]})[:MAX_LEVELS]
        for level in levels:
            k = i
            while k <= j:
                if blocked[k] > level + 1e-6:
                    k += 1
                    continue
                k0 = k
                while k + 1 <= j and blocked[k + 1] <= level + 1e-6:
                    k += 1
                run_width = k - k0 + 1
                if run_width >= MIN_GUTTER:
                    score = level / total - WIDTH_BONUS * run_width
                    found.append((score, lo + k0, lo + k))
                k += 1
        i = j + 1
    found.sort()
    out: list[tuple[float, float]] = []
    for _, a, b in found:
        if (a, b) not in out:
            out.append((a, b))
        if len(out) == MAX_CANDIDATES:
            break
    return out


def _spans(w: Word, gl: float, gr: float) -> bool:
    """A word crosses the gutter if it covers at least half of it: words of a column
    that only stick a little into a wide gutter stay in their column."""
    overlap = min(w.x1, gr) - max(w.x0, gl)
    return overlap > 0 and overlap >= 0.5 * (gr - gl)


def _split_bands(words: list[Word], gl: float, gr: float) -> list[tuple[bool, list[Word]]]:
    """Cut ``words`` into horizontal bands at the words that cross [gl, gr].

    Returns (spanning, words) bands top to bottom.
    """
    spanning = sorted(((w.top, w.bottom) for w in words if _spans(w, gl, gr)), key=lambda s: s[0])
    merged: list[list[float]] = []
    for top, bottom in spanning:
        if merged and top <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], bottom)
        else:
            merged.append([top, bottom])
    bands: list[tuple[bool, list[Word]]] = []
    # Band boundaries: the spanning intervals and the free space between them.
    edges: list[tuple[float, float, bool]] = []
    cursor = float("-inf")
    for top, bottom in merged:
        edges.append((cursor, top, False))
        edges.append((top, bottom, True))
        cursor = bottom
    edges.append((cursor, float("inf"), False))
    for top, bottom, is_span in edges:
        members = [w for w in words if top <= w.mid_y < bottom or (is_span and w.mid_y == bottom)]
        if members:
            bands.append((is_span, members))
    return bands


def _rows_aligned(left: list[Word], right: list[Word]) -> bool:
    """True when nearly every line on each side has a partner line on the same baseline."""
    left_lines = group_lines(left)
    right_lines = group_lines(right)
    if len(left_lines) < 2 or len(right_lines) < 2:
        return False
    left_base = [max(w.bottom for w in ln) for ln in left_lines]
    right_base = [max(w.bottom for w in ln) for ln in right_lines]

    def share(a: list[float], b: list[float]) -> float:
        return sum(any(abs(x - y) <= 1.5 for y in b) for x in a) / len(a)

    return min(share(left_base, right_base), share(right_base, left_base)) >= ALIGNED_ROWS_MAX


def order_words(words: list[Word], depth: int = 0) -> list[list[list[Word]]]:
    """Blocks (each a list of lines) in reading order."""
    if depth < MAX_DEPTH:
        for gl, gr in find_gutters(words):
            blocks = _split_at(words, gl, gr, depth)
            if blocks is not None:
                return blocks
    return [group_lines(words)]


def _split_at(words: list[Word], gl: float, gr: float, depth: int) -> list[list[list[Word]]] | None:
    """Blocks for a split at the gutter [gl, gr], or None if no band splits there."""
    blocks: list[list[list[Word]]] = []
    split_any = False
    pending_rows: list[Word] = []
    for is_span, members in _split_bands(words, gl, gr):
        if is_span:
            pending_rows.extend(members)
            continue
        mid = (gl + gr) / 2
        left = [w for w in members if (w.x0 + w.x1) / 2 < mid]
        right = [w for w in members if (w.x0 + w.x1) / 2 >= mid]
        side_min = max(MIN_SIDE_WORDS, MIN_SIDE_SHARE * len(members))
        if (
            len(left) >= side_min
            and len(right) >= side_min
            and len(group_lines(left)) >= 2
            and len(group_lines(right)) >= 2
            and not _rows_aligned(left, right)
        ):
            header, right = _hoist_header(right, min(w.top for w in left))
            pending_rows.extend(header)
            if pending_rows:
                blocks.append(group_lines(pending_rows))
                pending_rows = []
            blocks.extend(order_words(left, depth + 1))
            blocks.extend(order_words(right, depth + 1))
            split_any = True
        else:
            pending_rows.extend(members)
    if pending_rows:
        blocks.append(group_lines(pending_rows))
    return blocks if split_any else None


def _hoist_header(side: list[Word], other_top: float) -> tuple[list[Word], list[Word]]:
    """Lines at the top of the right side that end above the left side's first line and
    are set apart from the rest of their side by a clear gap (a name and title placed
    over the right column) are read before the left column."""
    lines = group_lines(side)
    if len(lines) < 2:
        return [], side
    typical = median(max(w.height for w in ln) for ln in lines)
    for index, line in enumerate(lines[:-1]):
        bottom = max(w.bottom for w in line)
        if bottom > other_top:
            break
        next_top = min(w.top for w in lines[index + 1])
        if next_top - bottom > HEADER_GAP * typical:
            head = [w for ln in lines[: index + 1] for w in ln]
            rest = [w for ln in lines[index + 1 :] for w in ln]
            return head, rest
    return [], side


def phrases(words: list[Word]) -> list[Word]:
    """Merge words of a line separated by less than ``PHRASE_GAP`` x their height into
    one box, so a name or title with wide letter/word spacing is one unit: a column
    gutter cannot pass between its words."""
    out: list[Word] = []
    for line in group_lines(words):
        run = [line[0]]
        for word in line[1:]:
            prev = run[-1]
            height = max(prev.height, word.height)
            if word.x0 - prev.x1 <= PHRASE_GAP * height:
                run.append(word)
            else:
                out.append(_merge(run))
                run = [word]
        out.append(_merge(run))
    return out


def _merge(run: list[Word]) -> Word:
    if len(run) == 1:
        return run[0]
    return Word(
        min(w.x0 for w in run),
        max(w.x1 for w in run),
        min(w.top for w in run),
        max(w.bottom for w in run),
        line_text(run),
    )


def layout_page_text(words: list[Word]) -> str:
    """Page text in reading order, columns resolved."""
    words = [w for w in words if w.text.strip()]
    if not words:
        return ""
    units = phrases(words)
    return "\n\n".join(t for t in (lines_to_text(b) for b in order_words(units)) if t)
