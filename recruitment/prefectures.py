"""Japan's 47 prefectures in the order of their JIS X 0401 codes (01 北海道 … 47 沖縄県).

The one list of prefectures: the application form offers these names (labelled in the visitor's
language, :func:`form_choices`; the value kept is always the Japanese name, one to one with its
code), an organisation records its own prefecture by code, and the statistics count applicants per code.
"""

from __future__ import annotations

PREFECTURES: list[str] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]

#: The English names, in the same order (the romanisation of the Japan National Tourism Organization).
PREFECTURES_EN: list[str] = [
    "Hokkaido",
    "Aomori",
    "Iwate",
    "Miyagi",
    "Akita",
    "Yamagata",
    "Fukushima",
    "Ibaraki",
    "Tochigi",
    "Gunma",
    "Saitama",
    "Chiba",
    "Tokyo",
    "Kanagawa",
    "Niigata",
    "Toyama",
    "Ishikawa",
    "Fukui",
    "Yamanashi",
    "Nagano",
    "Gifu",
    "Shizuoka",
    "Aichi",
    "Mie",
    "Shiga",
    "Kyoto",
    "Osaka",
    "Hyogo",
    "Nara",
    "Wakayama",
    "Tottori",
    "Shimane",
    "Okayama",
    "Hiroshima",
    "Yamaguchi",
    "Tokushima",
    "Kagawa",
    "Ehime",
    "Kochi",
    "Fukuoka",
    "Saga",
    "Nagasaki",
    "Kumamoto",
    "Oita",
    "Miyazaki",
    "Kagoshima",
    "Okinawa",
]

#: JIS X 0401 code ("01" … "47") → name.
NAME_BY_CODE: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(PREFECTURES, start=1)}
#: Name → JIS X 0401 code.
CODE_BY_NAME: dict[str, str] = {name: code for code, name in NAME_BY_CODE.items()}
#: For a model field's ``choices``.
CHOICES: list[tuple[str, str]] = [(code, f"{code} {name}") for code, name in NAME_BY_CODE.items()]
#: Japanese name → English name.
ENGLISH_BY_NAME: dict[str, str] = dict(zip(PREFECTURES, PREFECTURES_EN, strict=True))


def display_name(name: str, language: str) -> str:
    """A stored prefecture (its Japanese name) as a visitor in ``language`` reads it; unknown names as given."""
    return ENGLISH_BY_NAME.get(name, name) if language == "en" else name


def form_choices(language: str) -> list[tuple[str, str]]:
    """The form's options: the Japanese name as the value, labelled in ``language``, in the order of the codes."""
    return [(name, display_name(name, language)) for name in PREFECTURES]
