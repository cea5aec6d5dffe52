"""Similar suggestions (相似建议): how alike two suggestions' texts are, read from the character pairs
(bigrams) of their title and body. Chinese writes no spaces between words and most of its words are two
characters, so two texts on one matter share many pairs however they are worded around them.

Pure: the ledger finds the candidates (`ledger/similar.py`); this module says which pairs to look for
and how alike a candidate is, 0 (nothing shared) to 1 (the same pairs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RUN = re.compile(r"[^\W_]+")  # letters and digits (Chinese characters are letters)
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Words nearly every suggestion has: the form of its title (关于…的建议) and the verbs every one of them asks
# with (加强, 加快, 推进, 完善, 进一步 …). Their pairs (the stop bigrams) are shared by unrelated items and would
# make them look alike; taken out, they also end a word (加快推进城市更新 gives 城市…, not 快推).
STOP_WORDS = ("进一步", "关于", "建议", "议案", "问题", "有关", "工作", "加强", "加快", "加大", "推进", "推动", "完善",
              "提高", "提升", "进行")
# Characters that join words (…的…, A和B, A与B, A及B): a pair with one of them straddles two words.
GLUE = "的和与及"
STOP = re.compile("|".join(STOP_WORDS) + f"|[{GLUE}]")

TITLE_WEIGHT = 0.7  # the title states the matter; the body argues it in words many suggestions share
BODY_PREFIX = 300  # the body's first characters compared: where it states its matter (and what the ledger reads)
MIN_SCORE = 0.15  # below: texts sharing a word or so, as unrelated suggestions do
KEYS = 8  # pairs an item's similar ones are looked for by


def bigrams(text: str | None) -> list[str]:
    """The text's pairs of neighbouring characters, in order, ASCII letters in lower case. Punctuation and
    whitespace end a run of characters: a pair across them is no word."""
    runs = RUN.findall((text or "").translate(ASCII_LOWER))
    return [run[i:i + 2] for run in runs for i in range(len(run) - 1)]


def content_pairs(text: str | None) -> list[str]:
    """The pairs that tell what a text is about, each once, in order: the bigrams left when the stop words and
    joining characters are taken out, but for digits only (years and numbers are no topic)."""
    return list(dict.fromkeys(p for p in bigrams(STOP.sub(" ", text or "")) if not p.isdigit()))


@dataclass(frozen=True)
class Profile:
    """What a suggestion is compared by: the content pairs of its title and of its body's start."""

    title: frozenset[str]
    body: frozenset[str]


def profile(title: str | None, body: str | None) -> Profile:
    return Profile(frozenset(content_pairs(title)), frozenset(content_pairs((body or "")[:BODY_PREFIX])))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a or b else 0.0


def score(a: Profile, b: Profile) -> float:
    """How alike two suggestions are, 0..1: the Dice coefficient of their title pairs weighted above that of
    their body pairs (the title's alone when either body has none)."""
    if not (a.body and b.body):
        return _dice(a.title, b.title)
    return TITLE_WEIGHT * _dice(a.title, b.title) + (1 - TITLE_WEIGHT) * _dice(a.body, b.body)


def key_pairs(title: str | None, body: str | None, limit: int = KEYS) -> list[str]:
    """The pairs an item's similar ones are looked for by, at most `limit`: its title's content pairs, spread
    over the whole title when it has more (a long title names several things, each counts); with the first
    ones of its body when the title has too few."""
    pairs = content_pairs(title)
    if len(pairs) > limit:
        return [pairs[round(i * (len(pairs) - 1) / max(limit - 1, 1))] for i in range(limit)]
    if len(pairs) < limit // 2:
        pairs += [p for p in content_pairs((body or "")[:BODY_PREFIX]) if p not in pairs][:limit // 2]
    return pairs
