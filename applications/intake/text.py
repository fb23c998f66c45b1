"""Normalising what people type: keys for finding duplicates, katakana for furigana.

Stored values stay exactly as typed; these functions only make comparison keys
or convert input the form asks for in a given script.
"""

from __future__ import annotations

import re
import unicodedata

_HIRAGANA = re.compile("[\u3041-\u3096]")
# Unicode categories that are not visible text: control (Cc: line breaks, NUL), format
# (Cf: bidi overrides such as U+202E, zero-width characters), lone surrogates (Cs), and
# the line and paragraph separators (Zl, Zp). Refused in names and in file names.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
KATAKANA_RE = re.compile(r"^[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f\s\u3000・ー－-]+$")


def hiragana_to_katakana(text: str) -> str:
    """ひらがな → カタカナ (other characters unchanged)."""
    return _HIRAGANA.sub(lambda m: chr(ord(m.group(0)) + 0x60), text)


def furigana(text: str) -> str:
    """Furigana as the form stores it: hiragana and half-width kana become full-width katakana."""
    converted = hiragana_to_katakana(text.strip())
    # NFKC turns half-width katakana (ｶﾀｶﾅ) into full-width; applied only to kana input.
    return unicodedata.normalize("NFKC", converted)


def is_katakana(text: str) -> bool:
    return bool(KATAKANA_RE.match(text))


def has_invisible_characters(text: str) -> bool:
    """Whether ``text`` holds a line break, a control or a text-direction character (see above)."""
    return any(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in text)


def email_key(email: str) -> str:
    """The key under which one person's email is the same: NFKC, trimmed, lower-cased."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def name_key(*parts: str) -> str:
    """A comparison key for names: NFKC, kana folded to katakana, spaces removed, lower-cased."""
    joined = "".join(parts)
    folded = hiragana_to_katakana(unicodedata.normalize("NFKC", joined))
    return re.sub(r"\s+", "", folded).lower()


def digits(text: str) -> str:
    """Full-width digits to ASCII and everything but digits removed (０７８-１２３ → 078123)."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


#: A name's reading in Latin letters: letters of the Latin script, with spaces, hyphens, apostrophes and dots.
_LATIN_PUNCTUATION = frozenset(" -'.\u2019")


def is_latin(text: str) -> bool:
    """Whether ``text`` is a name written in Latin letters (Smith, O'Neil, Müller, Jean-Luc), at least one letter."""
    has_letter = False
    for char in text:
        if char in _LATIN_PUNCTUATION:
            continue
        if not unicodedata.category(char).startswith("L") or "LATIN" not in unicodedata.name(char, ""):
            return False
        has_letter = True
    return has_letter


#: The scripts a name's reading may be written in, as stored (``reading_script``).
KATAKANA, LATIN = "katakana", "latin"


def reading_script(text: str) -> str:
    """The script of a stored reading: ``KATAKANA``, ``LATIN``, or "" for anything else (old or hand-made rows)."""
    text = text.strip()
    if text and is_katakana(text):
        return KATAKANA
    if is_latin(text):
        return LATIN
    return ""


#: What people type between the groups of a phone number: hyphens, dashes, minus signs, the long
#: vowel mark a Japanese keyboard gives for "-", spaces and brackets.
_PHONE_SEPARATORS = re.compile(r"[^0-9]+")


def phone_number(text: str) -> str:
    """A phone number as stored: half-width digits, its groups joined by ASCII hyphens (０７８ー１２３ → 078-123).

    The grouping is the person's (or none); only the characters are normalised.
    """
    return _PHONE_SEPARATORS.sub("-", unicodedata.normalize("NFKC", text)).strip("-")
