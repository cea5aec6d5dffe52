"""The text search's index: the characters and character pairs (unigrams and bigrams) of each
item's title, body and number, in the search_grams table.

A search term's literal pieces must appear in a match, so must their grams: the items that have
one of the term's grams are candidates, and the LIKE of ledger.queries decides among them exactly
as it would over the whole table (ledger.queries.list_suggestions takes the rarest gram). Bigrams
serve the 2-character Chinese terms that a trigram index cannot; unigrams serve 1-character terms.
"""

from __future__ import annotations

import re

# SQLite's LIKE ignores the case of ASCII letters (and only of those): grams are folded the same
# way, so that every match there, and every (case-sensitive) match on PostgreSQL, has the term's grams.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# LIKE's wildcards, and PostgreSQL's default escape character: a term is cut into literal pieces there.
NOT_LITERAL = re.compile(r"[%_\\]")


def text_grams(text: str) -> set[str]:
    """The unigrams and bigrams of one text (ASCII letters folded to lower case)."""
    folded = text.translate(ASCII_LOWER)
    return set(folded) | {folded[i:i + 2] for i in range(len(folded) - 1)}


def item_grams(title: str | None, body: str | None, number: str | None) -> set[str]:
    """What the index holds for one item: the grams of each searched field (none across fields)."""
    return text_grams(title or "") | text_grams(body or "") | text_grams(number or "")


def term_grams(term: str) -> set[str]:
    """Grams every item matching LIKE '%term%' has: the bigrams of each literal piece of the term,
    or the piece itself when it is one character. Empty when the term has no literal character."""
    grams: set[str] = set()
    for piece in NOT_LITERAL.split(term.translate(ASCII_LOWER)):
        if len(piece) == 1:
            grams.add(piece)
        grams.update(piece[i:i + 2] for i in range(len(piece) - 1))
    return grams
