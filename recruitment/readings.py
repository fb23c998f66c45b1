"""Kana readings for search: how role and category texts are read aloud, and queries folded to match.

Japanese is searched by substring (ADR 0003), which finds 動画 inside 記録動画撮影 but never
どうが, ドウガ or "douga". So each role and task category stores a derived ``search_reading``:
the katakana readings of its words, given by the Sudachi morphological analyser (its small
dictionary), folded as queries are. Each entry starts at a word boundary and spans up to
``WINDOW`` adjacent words (記録動画 gives キロク, キロクドウガ, ドウガ), so a reading query
matches the start of a word: ライン finds LINE (read ライン) but not オンライン.
``normalise_query`` turns a search into terms, each with the text to match as a substring
(none for a kana-only term) and the readings to match at a word boundary.
See ADR 0003.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from html import unescape
from typing import Any

#: The texts of a role and of a task category that their readings are made from.
ROLE_READING_SOURCES = ("title", "summary", "duties", "requirements")
CATEGORY_READING_SOURCES = ("name", "name_en")

#: How many adjacent words one stored entry spans (so a typed compound such as きろくどうが matches).
WINDOW = 4
#: The most terms a search is split into (as before readings).
MAX_TERMS = 8
#: A reading shorter than this (after folding) matches too much to be worth matching alone.
MIN_READING = 2

#: Parts of speech that carry no searchable word; they end a run of adjacent words.
_SKIPPED_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}

#: Latin words the dictionary reads as themselves, with their usual katakana reading (index time).
LATIN_READINGS = {
    "instagram": "インスタグラム",
    "youtube": "ユーチューブ",
    "facebook": "フェイスブック",
    "tiktok": "ティックトック",
    "twitter": "ツイッター",
    "line": "ライン",
    "sns": "エスエヌエス",
    "pr": "ピーアール",
    "web": "ウェブ",
    "hp": "ホームページ",
}

#: Short forms people type, and the words they stand for (kana or lower-case Latin, each matched as a reading).
SHORT_FORMS = {
    "インスタ": ("インスタグラム", "instagram"),
    "インスタグラム": ("instagram",),
    "ライン": ("line",),
    "ホムペ": ("ホームページ",),
    "hp": ("ホームページ",),
    "ウェブサイト": ("ホームページ",),
    "ユーチューブ": ("youtube",),
    "fb": ("フェイスブック", "facebook"),
    "エスエヌエス": ("sns",),
    "ピーアール": ("pr",),
}

_HIRAGANA = re.compile(r"[\u3041-\u3096\u309d\u309e]")
_KANA_ONLY = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe]+$")
_LATIN = re.compile(r"^[a-z0-9]+$")
_TAG = re.compile(r"<[^>]+>")

#: Small kana folded to their full size (ウェブ = ウエブ, キャ = キヤ).
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
#: The vowel each (full-size) katakana ends in, for folding long vowels (コウ = コー = コ).
_VOWEL = {
    kana: vowel
    for vowel, row in {
        "ア": "アカガサザタダナハバパマヤラワヴ",
        "イ": "イキギシジチヂニヒビピミリヰ",
        "ウ": "ウクグスズツヅヌフブプムユル",
        "エ": "エケゲセゼテデネヘベペメレヱ",
        "オ": "オコゴソゾトドノホボポモヨロヲ",
    }.items()
    for kana in row
}
#: After a kana ending in the key, these vowels only lengthen it.
_LENGTHENS = {"ア": "ア", "イ": "イ", "ウ": "ウ", "エ": "エイ", "オ": "オウ"}


def to_katakana(text: str) -> str:
    """``text`` with hiragana written in katakana (どうが → ドウガ)."""
    return _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)


def fold(text: str) -> str:
    """The form readings are compared in: katakana, lower case, small kana full size, no long vowels.

    Folding only looks back one character, so the fold of a prefix is a prefix of the fold
    (a query matches the start of a stored reading exactly when its unfolded text would).
    """
    text = to_katakana(unicodedata.normalize("NFKC", text).lower()).translate(_SMALL)
    out: list[str] = []
    previous = ""
    for char in text:
        lengthens = char == "ー" or char in _LENGTHENS.get(_VOWEL.get(previous, ""), "")
        if lengthens and out and out[-1] == previous:
            continue  # the previous kana is kept and this only lengthens it
        out.append(char)
        previous = char
    return "".join(out).replace("ー", "")


def _romaji_table() -> dict[str, str]:
    """Romaji syllables (Hepburn and Kunrei spellings) and their katakana."""
    table = dict(zip("aiueo", "アイウエオ", strict=True))
    rows = {
        "k": "カキクケコ", "g": "ガギグゲゴ", "s": "サシスセソ", "z": "ザジズゼゾ", "t": "タチツテト",
        "d": "ダヂヅデド", "n": "ナニヌネノ", "h": "ハヒフヘホ", "b": "バビブベボ", "p": "パピプペポ",
        "m": "マミムメモ", "r": "ラリルレロ",
    }  # fmt: skip
    for consonant, row in rows.items():
        table.update({consonant + vowel: kana for vowel, kana in zip("aiueo", row, strict=True)})
        table.update({consonant + "y" + vowel: row[1] + small for vowel, small in zip("auo", "ャュョ", strict=True)})
    for spelling, kana in {"sh": "シ", "ch": "チ", "j": "ジ"}.items():
        table[spelling + "i"] = kana
        table.update({spelling + vowel: kana + small for vowel, small in zip("aueo", "ャュェョ", strict=True)})
    table.update({"ya": "ヤ", "yu": "ユ", "yo": "ヨ", "wa": "ワ", "wo": "ヲ", "tsu": "ツ", "fu": "フ"})
    table.update({"f" + vowel: "フ" + small for vowel, small in zip("aieo", "ァィェォ", strict=True)})
    table.update(
        {"v" + vowel: "ヴ" + small for vowel, small in zip("aieo", "ァィェォ", strict=True)} | {"vu": "ヴ", "-": "ー"}
    )
    return table


_ROMAJI = _romaji_table()
_VOWELS_AND_Y = set("aiueoy")


def romaji_to_katakana(text: str) -> str | None:
    """Katakana for romaji typed for a word (douga → ドウガ, shashin → シャシン); ``None`` if it is not romaji."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char, rest = text[i], text[i + 1 : i + 2]
        if char == "n" and rest not in _VOWELS_AND_Y:
            # ン before a consonant or at the end; "nn" and "n'" spell it too (konnichiwa: ン then ni).
            out.append("ン")
            spelled = rest == "'" or (rest == "n" and text[i + 2 : i + 3] not in _VOWELS_AND_Y)
            i += 2 if spelled else 1
            continue
        if char == "m" and rest in {"b", "p", "m"}:
            out.append("ン")
            i += 1
            continue
        if char == rest and char not in "aiueon-":
            out.append("ッ")
            i += 1
            continue
        for size in (3, 2, 1):
            kana = _ROMAJI.get(text[i : i + size])
            if kana:
                out.append(kana)
                i += size
                break
        else:
            return None
    return "".join(out)


_local = threading.local()


def _tokenizer() -> Any:
    """This thread's Sudachi tokenizer (short units), made on first use (the dictionary loads in ~0.1 s)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = _local.tokenizer = Dictionary(dict="small").tokenizer(mode=SplitMode.A)
    return tokenizer


#: Sudachi refuses very long inputs: texts are analysed a line at a time, cut to this length.
_CHUNK = 2000


def word_runs(text: str) -> list[list[str]]:
    """The readings of ``text``'s words (folded), in runs of adjacent words.

    Particles, auxiliaries, punctuation, spaces and numbers end a run and are left out. A
    Latin word is kept in lower case, followed by its katakana reading when ``LATIN_READINGS``
    knows it or the dictionary gives one (LINE → ライン).
    """
    runs: list[list[str]] = []
    run: list[str] = []
    text = unicodedata.normalize("NFKC", unescape(_TAG.sub("\n", text)))
    for line in text.splitlines():
        for start in range(0, len(line), _CHUNK):
            for morpheme in _tokenizer().tokenize(line[start : start + _CHUNK]):
                surface = morpheme.surface().lower()
                if morpheme.part_of_speech()[0] in _SKIPPED_POS or surface.isdigit():
                    runs.append(run)
                    run = []
                    continue
                reading = morpheme.reading_form()
                if _LATIN.match(surface):
                    runs.append([surface])
                    reading = LATIN_READINGS.get(surface, reading)
                run.append(fold(reading if _KANA_ONLY.match(reading) else surface))
        runs.append(run)
        run = []
    return [run for run in runs if run]


def reading_of(*texts: str) -> str:
    """The stored reading of ``texts``: each entry starts at a word and spans up to ``WINDOW`` words.

    Entries are separated by spaces, with a space first, so ``" " + reading`` finds a
    reading that starts at a word boundary.
    """
    entries: dict[str, None] = {}
    for text in texts:
        for run in word_runs(text or ""):
            for i in range(len(run)):
                for j in range(i + 1, min(i + WINDOW, len(run)) + 1):
                    entries["".join(run[i:j])] = None
    return " " + " ".join(entries) + " " if entries else ""


def with_reading(instance: Any, sources: tuple[str, ...], save_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Refresh ``instance.search_reading`` from its ``sources`` before a save; return the save's kwargs.

    A save limited to ``update_fields`` refreshes it only when a source is among them, and then
    writes it too.
    """
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(sources):
        return save_kwargs
    instance.search_reading = reading_of(*(getattr(instance, name) for name in sources))
    if update_fields is not None:
        save_kwargs = {**save_kwargs, "update_fields": {*update_fields, "search_reading"}}
    return save_kwargs


def refresh_stored_readings(category_model: Any, role_model: Any) -> int:
    """Derive again the stored readings of every category and role; return how many changed.

    For a migration (historical models) and after a dictionary or ``LATIN_READINGS`` change.
    A role's reading is made from the texts in its row, which are the live ones.
    """
    changed = 0
    for model, sources in ((category_model, CATEGORY_READING_SOURCES), (role_model, ROLE_READING_SOURCES)):
        for row in model.objects.only("pk", "search_reading", *sources).iterator():
            reading = reading_of(*(getattr(row, name) for name in sources))
            if reading != row.search_reading:
                model.objects.filter(pk=row.pk).update(search_reading=reading)
                changed += 1
    return changed


@dataclass(frozen=True)
class SearchTerm:
    """One term of a search and what it matches.

    ``text`` is found as a substring of the texts (empty for a kana-only term); each of
    ``patterns`` is found in a stored reading: a kana reading at the start of a word
    (`` ドガ``), a Latin word whole (`` pr ``, so PR does not find "proposals").
    """

    text: str
    patterns: tuple[str, ...]


def _term_patterns(term: str) -> list[str]:
    """What ``term`` (NFKC, lower case) is looked for as in the stored readings."""
    if _KANA_ONLY.match(term):
        kana = to_katakana(term)
    elif _LATIN.match(term):
        kana = romaji_to_katakana(term) or ""
    else:
        kana = "".join(word for run in word_runs(term) for word in run)
    found = [fold(kana)] if kana else []
    for short in (kana, term):
        found += [fold(full) for full in SHORT_FORMS.get(short, ())]
    return [
        f" {reading} " if _LATIN.match(reading) else f" {reading}"
        for reading in dict.fromkeys(found)
        if len(reading) >= MIN_READING
    ]


def normalise_query(text: str) -> list[SearchTerm]:
    """Split a search into terms (at most ``MAX_TERMS``), each with what it matches.

    NFKC folds full-width letters and half-width kana (ＰＲ → pr); hiragana, katakana and
    romaji give the same reading (どうが, ドウガ, douga); ``SHORT_FORMS`` add what an
    abbreviation stands for (インスタ → インスタグラム). A kana-only term is matched by its
    reading alone, so ライン does not match inside オンライン; other terms also match as a
    substring, as before readings (動画 inside 記録動画撮影).
    """
    terms = []
    for word in unicodedata.normalize("NFKC", text).split()[:MAX_TERMS]:
        patterns = tuple(_term_patterns(word.lower()))
        kana_only = bool(_KANA_ONLY.match(word)) and bool(patterns)
        terms.append(SearchTerm(text="" if kana_only else word, patterns=patterns))
    return terms
