"""Removing contact details from text before it reaches the public (答复公开).

Detected and replaced by a marker:

- resident ID numbers (居民身份证号): 18 characters, 6-digit area, a birth date 18xx–20xx, 3 digits and a
  check digit or X — masked first, so their digits are never taken for a phone number;
- e-mail addresses;
- mobile numbers: 1[3-9]x xxxx xxxx, with or without +86 / 0086, spaces or dashes between the groups;
- landlines with an area code: 0xx(x)-xxxxxxx(x), (0xx)xxxxxxxx, 0xx xxxx xxxx, with an extension
  (-123, 转123);
- any number of 7+ digits right after a contact word (电话, 手机, 座机, 联系方式, 传真, Tel, QQ, 微信 …).

Digits written full width (１３８…) or as Chinese numerals (一三八…, 壹叁捌…) are found as well, and so are numbers disguised by what people put between
their digits: dots, spaces, dashes, slashes, brackets and invisible (zero-width) characters (138.0013.8004,
1\u200b3\u200b8…, an ID number written in groups). Numbers inside longer digit runs (amounts, document
numbers) and short public hotlines such as 12345 are left alone.
"""

from __future__ import annotations

import re

PHONE_MARK = "[电话已隐去]"
EMAIL_MARK = "[邮箱已隐去]"
ID_MARK = "[身份证号已隐去]"
ACCOUNT_MARK = "[联系方式已隐去]"

# Read as their ASCII twins when looking for numbers (one character for one, so positions carry over): full-width
# forms, and digits written as Chinese numerals (一三八…, 壹叁捌…), which no prose strings eleven of in a row.
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９＋－（）：＠．　ｘＸ〇零一二三四五六七八九壹贰叁肆伍陆柒捌玖",
    "0123456789+-():@. xX00123456789123456789",
)

_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_SEP = r"[ \-\u2010-\u2015]?"
_MOBILE = re.compile(
    rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}(?![0-9])"
)
_EXTENSION = r"(?:\s?(?:-|转|分机|ext\.?\s?)\s?\d{1,5})?"
_LANDLINE = re.compile(
    rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?(?:\(0?\d{{2,3}}\)\s?|0\d{{2,3}}{_SEP})[2-9]\d{{2,3}}{_SEP}\d{{4}}{_EXTENSION}(?![0-9])"
)
# A number following a contact word: whatever its shape, once it has 7 or more digits.
_LABELLED = re.compile(
    r"(?P<label>(?:联系|办公|值班|咨询|举报|监督)?(?:电话|手机|座机|传真|手机号码?|电话号码|联系方式)"
    r"|[Tt][Ee][Ll]|[Mm]obile|[Pp]hone|[Ff]ax)(?P<gap>\s*(?:号码)?\s*[:：]?\s*)"
    r"(?P<number>\+?[0-9][0-9 ()\-]{5,}[0-9])"
)
_ACCOUNT = re.compile(
    r"(?P<label>QQ|qq|微信号?|WeChat|wechat)(?P<gap>\s*(?:号)?\s*[:：]?\s*)(?P<number>[A-Za-z0-9][A-Za-z0-9_\-]{4,19})"
)


def _replace(text: str, probe: str, pattern: re.Pattern, mark: str, group: str | None = None,
             min_digits: int = 0) -> tuple[str, str]:
    """Replace matches found in `probe` (same length as `text`) in both."""
    pieces, probe_pieces, last = [], [], 0
    for match in pattern.finditer(probe):
        start, end = match.span(group) if group else match.span()
        if min_digits and sum(ch.isdigit() for ch in probe[start:end]) < min_digits:
            continue
        pieces += [text[last:start], mark]
        probe_pieces += [probe[last:start], mark]
        last = end
    if not pieces:
        return text, probe
    pieces.append(text[last:])
    probe_pieces.append(probe[last:])
    return "".join(pieces), "".join(probe_pieces)


# What may stand between the digits of a disguised number: punctuation, spaces (also full width and
# no-break) and the invisible characters (zero-width space, joiners, word joiner, BOM, soft hyphen).
_BETWEEN_DIGITS = set(" .-_/·•~:()[]（）【】\u00a0\u3000\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
                      "\u200b\u200c\u200d\u2060\ufeff\u00ad")
_COMPACT_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])")
_COMPACT_MOBILE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86)?1[3-9]\d{9}(?![0-9])")
_COMPACT_LANDLINE = re.compile(r"(?<![0-9])(?:(?:\+|00)?86)?0\d{2,3}[2-9]\d{6,7}(?![0-9])")


def _compact(probe: str) -> tuple[str, list[int]]:
    """`probe` without the separators that stand between two digits, and where each kept character was.
    One pass each way: replies are long."""
    ahead = [len(probe)] * (len(probe) + 1)  # the first character at or after i that is not a separator
    for i in range(len(probe) - 1, -1, -1):
        ahead[i] = ahead[i + 1] if probe[i] in _BETWEEN_DIGITS else i
    kept, where = [], []
    after_digit = False  # a digit came before, with only separators since
    for i, ch in enumerate(probe):
        if ch in _BETWEEN_DIGITS:
            following = ahead[i]
            if after_digit and following < len(probe) and (probe[following].isdigit() or probe[following] in "Xx"):
                continue
        else:
            after_digit = ch.isdigit()
        kept.append(ch)
        where.append(i)
    return "".join(kept), where


def _mask_disguised(text: str, probe: str, patterns: tuple[tuple[re.Pattern, str], ...]) -> tuple[str, str]:
    """Numbers found once the separators between their digits are taken out."""
    compact, where = _compact(probe)
    spans = []
    for pattern, mark in patterns:
        for match in pattern.finditer(compact):
            start, end = where[match.start()], where[match.end() - 1] + 1
            if start > 0 and probe[start - 1] in "([（【" and any(c in ")]）】" for c in probe[start:end]):
                start -= 1  # the number's first group was bracketed: (138)0013 8004
            if not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, mark))
    pieces, probe_pieces, last = [], [], 0
    for start, end, mark in sorted(spans):
        pieces += [text[last:start], mark]
        probe_pieces += [probe[last:start], mark]
        last = end
    if not spans:
        return text, probe
    return "".join(pieces) + text[last:], "".join(probe_pieces) + probe[last:]


def mask_contacts(text: str | None) -> str:
    """The text with ID numbers, e-mail addresses, phone numbers and messaging accounts masked."""
    if not text:
        return ""
    probe = text.translate(_FULL_WIDTH)  # same length: positions carry over to the original
    text, probe = _replace(text, probe, _ID, ID_MARK)
    text, probe = _mask_disguised(text, probe, ((_COMPACT_ID, ID_MARK),))  # first: its groups may look like phones
    text, probe = _replace(text, probe, _EMAIL, EMAIL_MARK)
    text, probe = _replace(text, probe, _MOBILE, PHONE_MARK)
    text, probe = _replace(text, probe, _LANDLINE, PHONE_MARK)
    text, probe = _mask_disguised(text, probe, ((_COMPACT_MOBILE, PHONE_MARK), (_COMPACT_LANDLINE, PHONE_MARK)))
    text, probe = _replace(text, probe, _LABELLED, PHONE_MARK, group="number", min_digits=7)
    text, probe = _replace(text, probe, _ACCOUNT, ACCOUNT_MARK, group="number", min_digits=0)
    return text


def has_contacts(text: str | None) -> bool:
    return mask_contacts(text) != (text or "")
