"""Generated applications for the Kobe demo, so screening has something to screen and benchmarks have volume.

Run by ``load_demo_applications`` (``make run``) and by tests. The shape follows
Kobe's 2020 response (``shared/reference/kobe-2020.md``, beside the checkout): most applications
in the first eight days, about 11 % of applications from people who had applied
before (1,026 applications from 912 people), about 45 % from Hyogo, one to three
roles per application with the newsletter serial the most wanted. Names,
answers and scores are made up; every email is ``demo-NNNN@example.jp`` and
every generated application carries ``answers["demo"] = True``.

No email is queued and no attachment is stored for generated applications.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applications.intake.services import new_reference
from applications.intake.text import email_key, name_key
from applications.intake.tokens import hash_token, new_token
from applications.models import Applicant, Application, Assignment, Candidacy, OrganisationMember, Review
from applications.screening.rubric import rubric_snapshot
from applications.screening.scoring import aggregate_scores, review_score
from applications.staff import SCREENING_CONTRACTORS
from applications.teams.services import member_groups_sync
from recruitment.models import CallPage, RolePage

JST = ZoneInfo("Asia/Tokyo")

#: Family names with their readings; 髙橋, 山﨑, 宮﨑 and 𠮷田 are stored as typed (﨑 and 𠮷 are the
#: characters that break naive code: a compatibility ideograph and one outside the BMP).
FAMILY_NAMES: list[tuple[str, str]] = [
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("髙橋", "タカハシ"), ("田中", "タナカ"),
    ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"),
    ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("𠮷田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"),
    ("斎藤", "サイトウ"), ("清水", "シミズ"), ("山崎", "ヤマザキ"), ("山﨑", "ヤマザキ"), ("森", "モリ"),
    ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"), ("石川", "イシカワ"), ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"), ("石井", "イシイ"), ("小川", "オガワ"), ("前田", "マエダ"), ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"), ("近藤", "コンドウ"), ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"), ("青木", "アオキ"), ("坂本", "サカモト"), ("西村", "ニシムラ"), ("福田", "フクダ"),
    ("太田", "オオタ"), ("三浦", "ミウラ"), ("藤井", "フジイ"), ("岡本", "オカモト"), ("松田", "マツダ"),
    ("中川", "ナカガワ"), ("中野", "ナカノ"), ("原田", "ハラダ"), ("小野", "オノ"), ("竹内", "タケウチ"),
    ("宮崎", "ミヤザキ"), ("宮﨑", "ミヤザキ"), ("上田", "ウエダ"), ("西田", "ニシダ"), ("北村", "キタムラ"),
    ("髙木", "タカギ"), ("浜田", "ハマダ"), ("安田", "ヤスダ"), ("大西", "オオニシ"),
]  # fmt: skip

GIVEN_NAMES: list[tuple[str, str]] = [
    ("翔太", "ショウタ"), ("大輔", "ダイスケ"), ("健太", "ケンタ"), ("拓也", "タクヤ"), ("直樹", "ナオキ"),
    ("亮", "リョウ"), ("誠", "マコト"), ("陽介", "ヨウスケ"), ("和也", "カズヤ"), ("達也", "タツヤ"),
    ("蓮", "レン"), ("悠斗", "ユウト"), ("大樹", "ダイキ"), ("健一", "ケンイチ"), ("浩二", "コウジ"),
    ("隆", "タカシ"), ("修", "オサム"), ("剛", "ツヨシ"), ("雄一", "ユウイチ"), ("聡", "サトシ"),
    ("淳", "ジュン"), ("慎太郎", "シンタロウ"), ("勇気", "ユウキ"), ("康介", "コウスケ"), ("智也", "トモヤ"),
    ("光", "ヒカル"), ("薫", "カオル"), ("美咲", "ミサキ"), ("陽子", "ヨウコ"), ("恵", "メグミ"),
    ("愛", "アイ"), ("彩", "アヤ"), ("真由美", "マユミ"), ("由美子", "ユミコ"), ("裕子", "ユウコ"),
    ("智子", "トモコ"), ("麻衣", "マイ"), ("葵", "アオイ"), ("結衣", "ユイ"), ("花", "ハナ"),
    ("さくら", "サクラ"), ("七海", "ナナミ"), ("優子", "ユウコ"), ("明美", "アケミ"), ("香織", "カオリ"),
    ("千尋", "チヒロ"), ("奈々", "ナナ"), ("久美子", "クミコ"), ("舞", "マイ"), ("理恵", "リエ"),
    ("沙織", "サオリ"), ("友美", "トモミ"), ("遥", "ハルカ"), ("美穂", "ミホ"), ("直美", "ナオミ"),
    ("瑞希", "ミズキ"), ("綾乃", "アヤノ"), ("玲奈", "レイナ"), ("桃子", "モモコ"), ("晴美", "ハルミ"),
]  # fmt: skip

#: Prefecture, share of applicants, landline area code, and (city, first three digits of its postal codes).
#: About 45 % from Hyogo, as in Kobe (44 % on 2 October; 55 % from outside Hyogo in the end).
PLACES: list[tuple[str, float, str, list[tuple[str, str]]]] = [
    ("兵庫県", 45, "078", [
        ("神戸市中央区", "650"), ("神戸市東灘区", "658"), ("神戸市灘区", "657"), ("神戸市兵庫区", "652"),
        ("神戸市北区", "651"), ("神戸市長田区", "653"), ("神戸市須磨区", "654"), ("神戸市垂水区", "655"),
        ("神戸市西区", "651"), ("西宮市", "662"), ("芦屋市", "659"), ("尼崎市", "660"), ("明石市", "673"),
        ("姫路市", "670"), ("宝塚市", "665"), ("伊丹市", "664"), ("加古川市", "675"), ("三木市", "673"),
    ]),
    ("大阪府", 17, "06", [
        ("大阪市北区", "530"), ("大阪市中央区", "541"), ("大阪市天王寺区", "543"), ("豊中市", "560"),
        ("吹田市", "564"), ("堺市堺区", "590"), ("枚方市", "573"),
    ]),
    ("東京都", 13, "03", [
        ("世田谷区", "154"), ("渋谷区", "150"), ("新宿区", "160"), ("杉並区", "166"), ("練馬区", "176"),
        ("江東区", "135"), ("武蔵野市", "180"),
    ]),
    ("京都府", 5, "075", [("京都市中京区", "604"), ("京都市左京区", "606"), ("宇治市", "611")]),
    ("神奈川県", 4, "045", [("横浜市港北区", "222"), ("川崎市中原区", "211"), ("鎌倉市", "248")]),
    ("奈良県", 2, "0742", [("奈良市", "630"), ("生駒市", "630")]),
    ("滋賀県", 2, "077", [("大津市", "520"), ("草津市", "525")]),
    ("岡山県", 1.5, "086", [("岡山市北区", "700"), ("倉敷市", "710")]),
    ("広島県", 1.5, "082", [("広島市中区", "730"), ("福山市", "720")]),
    ("愛知県", 2, "052", [("名古屋市中区", "460"), ("名古屋市千種区", "464")]),
    ("福岡県", 1.5, "092", [("福岡市中央区", "810"), ("北九州市小倉北区", "802")]),
    ("埼玉県", 1, "048", [("さいたま市浦和区", "330")]),
    ("千葉県", 1, "043", [("千葉市美浜区", "261"), ("船橋市", "273")]),
    ("和歌山県", 1, "073", [("和歌山市", "640")]),
    ("徳島県", 0.5, "088", [("徳島市", "770")]),
    ("香川県", 0.5, "087", [("高松市", "760")]),
    ("北海道", 0.5, "011", [("札幌市中央区", "060")]),
    ("宮城県", 0.5, "022", [("仙台市青葉区", "980")]),
    ("沖縄県", 0.5, "098", [("那覇市", "900")]),
]  # fmt: skip

#: Lines of the experience answer, by kind of work.
EXPERIENCE: dict[str, list[str]] = {
    "writing": [
        "広報誌の編集8年", "地域情報誌のライター5年", "ウェブメディアでの記事執筆(月10本程度)", "新聞社での記者経験6年",
        "社内報の企画・編集3年", "書籍の編集2年", "自治体の広報紙で連載を1年担当", "インタビュー記事の取材・執筆多数",
        "観光ガイドブックの執筆(関西版)",
    ],
    "sns": [
        "企業のInstagramアカウント運用(フォロワー約2万人)", "飲食店のSNS運用代行3年", "LINE公式アカウントの配信担当2年",
        "SNS広告の運用(Meta広告・X広告)", "商店街のSNS発信の立ち上げ", "メールマガジンの企画・配信4年",
    ],
    "photo": [
        "写真スタジオ勤務7年", "ブライダル撮影のフリーランス5年", "イベント撮影(年間40件程度)", "商品撮影・物撮り3年",
        "観光パンフレット用の写真撮影", "スポーツ大会の撮影(地域リーグ)", "人物ポートレート撮影",
    ],
    "video": [
        "動画編集(Premiere Pro)", "テレビ番組制作会社でAD・ディレクター6年", "YouTubeチャンネルの企画・編集",
        "企業PR動画の構成・台本", "ドローン撮影(国家資格あり)", "After Effectsでのモーショングラフィックス",
        "結婚式のエンドロール制作", "セミナー動画の撮影・字幕入れ",
    ],
    "design": [
        "バナー制作(Photoshop・Illustrator)", "広告代理店でのデザイナー経験5年", "Figmaでのウェブデザイン",
        "チラシ・ポスターのデザイン多数", "ECサイトのバナー制作(月30点程度)", "ロゴ・名刺のデザイン",
    ],
    "web": [
        "企業サイトの運用・更新5年", "WordPressでのサイト構築", "ウェブアクセシビリティ診断(JIS X 8341-3)",
        "UXリサーチ・ユーザビリティテスト", "SEOを意識したコンテンツ改善", "大学のウェブサイトの編集担当3年",
    ],
    "general": [
        "会社員として営業職10年", "PTAの広報委員長", "NPOの広報ボランティア", "地域のまちづくり団体で情報発信",
        "市役所の臨時職員として窓口業務", "英語・日本語の翻訳(TOEIC 900点)",
    ],
}  # fmt: skip

#: Which kinds of experience fit each task category (by slug); unknown categories draw from all.
CATEGORY_THEMES: dict[str, tuple[str, ...]] = {
    "website-monitoring": ("web", "writing"),
    "instagram-articles": ("sns", "photo"),
    "line-articles": ("sns", "writing"),
    "newsletter-serial": ("writing",),
    "pr-video-planning": ("video", "writing"),
    "event-photos": ("photo",),
    "event-video": ("video",),
    "pr-photography": ("photo",),
    "sns-banner-design": ("design", "sns"),
    "video-from-existing-footage": ("video",),
}

#: How often a role is chosen, by category slug (others 1.0). The newsletter serial drew 194
#: applications for one post by 5 October, the most of any role.
ROLE_WEIGHTS: dict[str, float] = {
    "newsletter-serial": 4.0,
    "instagram-articles": 2.2,
    "pr-photography": 1.9,
    "line-articles": 1.6,
    "event-photos": 1.6,
    "website-monitoring": 1.5,
    "sns-banner-design": 1.4,
    "video-from-existing-footage": 1.3,
    "pr-video-planning": 1.1,
    "event-video": 1.0,
}

STRENGTHS = [
    "締切を必ず守ります。", "取材相手の話を引き出すのが得意です。", "短い文章で要点を伝えられます。",
    "神戸の街に詳しい(在住15年)。", "英語での取材・翻訳ができます。", "企画から納品まで一人で対応できます。",
    "修正依頼への対応が早いです。", "子育て世代の目線で情報を届けられます。",
    "データを使った分かりやすい説明が得意です。", "写真と文章の両方を手がけられます。",
    "初対面の人ともすぐに打ち解けられます。", "細かい校正が得意です。", "平日夜と土日に安定して作業できます。",
    "行政の文書を読み慣れています。",
]  # fmt: skip

HOBBIES = [
    "サッカー観戦", "登山", "神戸の街歩き", "カフェ巡り", "ジャズ", "料理", "読書", "ランニング", "釣り",
    "写真散歩", "御朱印集め", "野球観戦", "ヴィッセル神戸の応援", "ラグビー観戦", "旅行", "映画鑑賞",
    "キャンプ", "猫", "将棋", "落語", "日本酒", "パン屋巡り", "六甲山のハイキング",
]  # fmt: skip

OCCUPATIONS = [("employee", 55), ("freelance", 30), ("public_servant", 4), ("student", 4), ("other", 7)]

CONFLICTS = ["勤務先が神戸市の広告業務を受託したことがあります(2019年)。", "家族が神戸市の職員です。"]

COMMENTS: dict[str, list[str]] = {
    "yes": [
        "実績が具体的で、すぐに任せられそう。", "作品例の質が高い。面談で進め方を確認したい。",
        "企画の切り口が面白い。", "経験年数が長く、締切の管理も問題なさそう。",
    ],
    "maybe": [
        "実績はあるが、行政の広報の経験が見えない。", "作品例が少ない。面談で補足を聞きたい。",
        "週あたりの作業時間が足りるか確認が必要。", "文章は良いが、写真の作品例がない。",
    ],
    "no": [
        "業務に関係する実績が読み取れない。", "作品例のリンクが開けない。", "希望の業務と経験が合っていない。",
    ],
}  # fmt: skip

#: Share of applications by day since the call opened, Kobe-like: about 700 in the first four
#: days, 1,026 by the eighth, then a long tail (over 1,200 by day 21).
DAY_WEIGHTS = [8, 15, 12, 10, 9, 7, 6, 5, 4, 2.5, 2, 2, 1.5, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
#: Share by hour of day (Japan time): lunch and evenings, a little at night.
HOUR_WEIGHTS = [2, 1, 0.5, 0.2, 0.2, 0.5, 1, 2, 3, 3, 3, 3, 5, 4, 3, 3, 3, 3, 4, 5, 6, 7, 7, 5]

#: Share of applications sent in the ``SURGE_DAYS`` before a deadline that has passed.
DEADLINE_SURGE_SHARE = 0.15
SURGE_DAYS = timedelta(days=2)

ROLE_COUNT_WEIGHTS = [(1, 50), (2, 30), (3, 20)]
#: 1,026 applications from 912 people: about one application in nine is someone's second.
REPEAT_SHARE = 0.11
WITHDRAWN_SHARE = 0.03
FIRST_REVIEWER_SHARE = 1 / 3
#: The other reviewers look again at part of what the first reviewed, and at a few others.
SECOND_REVIEWER_OVERLAP = 0.45
SECOND_REVIEWER_OTHERS = 0.05
#: Share of second reviews that are 2 points off the first on one criterion.
FORCED_DISAGREEMENT = 0.2


@dataclass
class _Role:
    page: RolePage
    slug: str
    opens: datetime
    closes: datetime | None
    hours_min: int | None
    weight: float
    rubric: list[dict[str, Any]]

    def open_at(self, when: datetime) -> bool:
        return self.opens <= when and (self.closes is None or when < self.closes)


@dataclass
class _Person:
    applicant: Applicant
    number: int
    first: datetime
    last: datetime
    roles: set[int] = field(default_factory=set)


def _roles(call: CallPage, now: datetime) -> list[_Role]:
    roles = []
    for page in call.roles():
        slug = page.category.slug if page.category_id else page.slug
        roles.append(
            _Role(
                page=page,
                slug=slug,
                opens=page.opens_at or now - timedelta(days=14),
                closes=page.closes_at,
                hours_min=page.hours_min,
                weight=ROLE_WEIGHTS.get(slug, 1.0),
                rubric=rubric_snapshot(page),
            )
        )
    return roles


def _submission_time(rng: random.Random, roles: list[_Role], start: datetime, now: datetime) -> datetime:
    """A moment in the call's first weeks, before ``now``, when at least one role was open.

    ``DEADLINE_SURGE_SHARE`` of them fall in the two days before a role's deadline (one already
    past), most in its last hours: the surge every call sees before a deadline.
    """
    if rng.random() < DEADLINE_SURGE_SHARE:
        closed = [role for role in roles if role.closes and start + SURGE_DAYS < role.closes <= now]
        if closed:
            role = rng.choices(closed, [r.weight for r in closed])[0]
            return role.closes - SURGE_DAYS * rng.random() ** 2 - timedelta(seconds=1)
    first_day = start.astimezone(JST).replace(hour=0, minute=0, second=0, microsecond=0)
    for _attempt in range(200):
        day = rng.choices(range(len(DAY_WEIGHTS)), DAY_WEIGHTS)[0]
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        when = first_day + timedelta(days=day, hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if start <= when < now and any(role.open_at(when) for role in roles):
            return when
    for _attempt in range(200):  # a call that opened only hours ago: anywhere in what there is
        when = start + (now - start) * rng.random()
        if any(role.open_at(when) for role in roles):
            return when
    raise ValueError("No role of this call has been open to applications yet.")


def _pick_roles(rng: random.Random, available: list[_Role]) -> list[_Role]:
    wanted = rng.choices([n for n, _ in ROLE_COUNT_WEIGHTS], [w for _, w in ROLE_COUNT_WEIGHTS])[0]
    pool = list(available)
    chosen: list[_Role] = []
    while pool and len(chosen) < wanted:
        role = rng.choices(pool, [r.weight for r in pool])[0]
        chosen.append(role)
        pool.remove(role)
    return chosen


def _phone(rng: random.Random, area: str) -> str:
    if rng.random() < 0.75:
        number = f"{rng.choice(['090', '080', '070'])}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    else:
        width = 6 - len(area)  # area code, exchange and four digits make ten: 078-123-4567, 03-1234-5678
        number = f"{area}-{rng.randint(10 ** (width - 1), 10**width - 1)}-{rng.randint(1000, 9999)}"
    return number.replace("-", "") if rng.random() < 0.1 else number


def _new_applicant(rng: random.Random, number: int) -> Applicant:
    family, family_kana = rng.choice(FAMILY_NAMES)
    given, given_kana = rng.choice(GIVEN_NAMES)
    prefecture, _share, area, cities = rng.choices(PLACES, [p[1] for p in PLACES])[0]
    city, postal = rng.choice(cities)
    email = f"demo-{number:04d}@example.jp"
    return Applicant(
        email=email,
        email_key=email_key(email),
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        name_key=name_key(family, given),
        phone=_phone(rng, area),
        postal_code=f"{postal}-{rng.randint(0, 9999):04d}",
        prefecture=prefecture,
        city=city,
        language="en" if rng.random() < 0.04 else "ja",
    )


def _applicant_as_given(person: Applicant) -> Applicant:
    """A new row with the person's identity, for one of their applications."""
    fields = [f.attname for f in Applicant._meta.concrete_fields if not f.primary_key]
    return Applicant(**{name: getattr(person, name) for name in fields})


def _answers(rng: random.Random, roles: list[_Role], number: int) -> dict[str, Any]:
    occupation = rng.choices([o for o, _ in OCCUPATIONS], [w for _, w in OCCUPATIONS])[0]
    themes = [theme for role in roles for theme in CATEGORY_THEMES.get(role.slug, tuple(EXPERIENCE))]
    lines = rng.sample(EXPERIENCE[themes[0]], k=min(len(EXPERIENCE[themes[0]]), rng.randint(1, 2)))
    for theme in rng.sample(themes, k=min(len(themes), rng.randint(0, 2))):
        line = rng.choice(EXPERIENCE[theme])
        if line not in lines:
            lines.append(line)
    if rng.random() < 0.3:
        lines.append(rng.choice(EXPERIENCE["general"]))
    hours = rng.choices([1, 2, 3, 5, 8, 10, 15, 20, 30], [3, 8, 10, 20, 15, 20, 10, 10, 4])[0]
    public_servant = occupation == "public_servant"
    if occupation == "employee":
        permission = rng.choices(["obtained", "will_apply", "not_needed"], [55, 35, 10])[0]
    elif public_servant:
        permission = rng.choice(["obtained", "will_apply"])
    else:
        permission = "not_needed"
    invoice = ""
    if occupation == "freelance" and rng.random() < 0.4:
        invoice = "T" + "".join(str(rng.randrange(10)) for _ in range(13))
    links = [
        template.format(n=number)
        for template in rng.sample(
            [
                "https://portfolio.example.jp/demo{n:04d}",
                "https://note.example.com/demo{n:04d}",
                "https://video.example.net/@demo{n:04d}",
                "https://demo{n:04d}.example.org/works",
            ],
            k=rng.choices([0, 1, 2, 3], [25, 45, 20, 10])[0],
        )
    ]
    return {
        "roles": [role.page.pk for role in roles],
        "check": {
            "hours_per_week": hours,
            "online_ok": True,
            "pay_understood": True,
            "accept_warnings": any(role.hours_min and hours < role.hours_min for role in roles),
        },
        "experience": {
            "occupation": occupation,
            "experience": "\n".join(f"・{line}" for line in lines),
            "strengths": "".join(rng.sample(STRENGTHS, k=rng.randint(1, 2))),
            "hobbies": "、".join(rng.sample(HOBBIES, k=rng.randint(1, 3))) if rng.random() < 0.85 else "",
        },
        "portfolio_links": links,
        "sidework": {
            "employer_permission": permission,
            "public_servant": public_servant,
            "public_servant_permission": permission if public_servant else "",
            "conflicts": rng.choice(CONFLICTS) if rng.random() < 0.03 else "",
            "no_antisocial_ties": True,
            "invoice_number": invoice,
        },
        "consent": True,
        "demo": True,
    }


def _references(prefix: str, count: int) -> list[str]:
    """``count`` new references, unique among themselves and in the database."""
    references: set[str] = set()
    while len(references) < count:
        fresh = {new_reference(prefix) for _ in range(count - len(references))} - references
        batch = sorted(fresh)
        for i in range(0, len(batch), 500):
            fresh -= set(
                Application.objects.filter(reference__in=batch[i : i + 500]).values_list("reference", flat=True)
            )
        references |= fresh
    return list(references)


def _later(rng: random.Random, moment: datetime, now: datetime, *, at_least: timedelta, at_most: timedelta) -> datetime:
    """A time after ``moment``: ``at_least`` to ``at_most`` later when that is past already, else before now."""
    high = max(moment, min(now, moment + at_most))
    low = moment + at_least if moment + at_least < high else moment
    return low + (high - low) * rng.random()


def _scores(rng: random.Random, rubric: list[dict[str, Any]], base: float, biases: list[float]) -> list[int | None]:
    scores: list[int | None] = []
    for criterion, bias in zip(rubric, biases, strict=True):
        top = int(criterion["max_score"])
        value = round(1 + (top - 1) * (base + bias + rng.gauss(0, 0.12)))
        scores.append(min(top, max(1, value)))
    return scores


def _recommendation(scores: list[int | None], rubric: list[dict[str, Any]]) -> str:
    value = review_score(scores, rubric) or Decimal(0)
    if value >= Decimal("3.6"):
        return Review.Recommendation.YES
    if value >= Decimal("2.6"):
        return Review.Recommendation.MAYBE
    return Review.Recommendation.NO


def _reviews(
    rng: random.Random,
    candidacy: Candidacy,
    role: _Role,
    reviewers: list[Any],
    submitted_at: datetime,
    now: datetime,
) -> list[Review]:
    """Reviews of one candidacy by some of ``reviewers``; also sets its score, count, disagreement, status."""
    if not reviewers or not role.rubric:
        return []
    first = rng.random() < FIRST_REVIEWER_SHARE
    chosen = [reviewers[0]] if first else []
    for reviewer in reviewers[1:]:
        if rng.random() < (SECOND_REVIEWER_OVERLAP if first else SECOND_REVIEWER_OTHERS):
            chosen.append(reviewer)
    if not chosen:
        return []
    base = min(1.0, max(0.0, rng.gauss(0.55, 0.2)))
    biases = [rng.gauss(0, 0.12) for _ in role.rubric]
    reviews: list[Review] = []
    for reviewer in chosen:
        scores = _scores(rng, role.rubric, base, biases)
        if reviews and rng.random() < FORCED_DISAGREEMENT:
            j = rng.randrange(len(scores))
            earlier, top = reviews[0].scores[j], int(role.rubric[j]["max_score"])
            if earlier - 2 >= 1:
                scores[j] = earlier - 2
            elif earlier + 2 <= top:
                scores[j] = earlier + 2
        recommendation = _recommendation(scores, role.rubric)
        when = _later(rng, submitted_at, now, at_least=timedelta(hours=2), at_most=timedelta(days=60))
        reviews.append(
            Review(
                candidacy=candidacy,
                reviewer=reviewer,
                rubric=role.rubric,
                scores=scores,
                comment=rng.choice(COMMENTS[recommendation]) if rng.random() < 0.8 else "",
                recommendation=recommendation,
                submitted_at=when,
                updated_at=when,
            )
        )
    candidacy.score, candidacy.disagreement = aggregate_scores([r.scores for r in reviews], role.rubric)
    candidacy.review_count = len(reviews)
    candidacy.status = Candidacy.Status.IN_REVIEW
    candidacy.version = 2  # one status change: submitted → in review
    return reviews


def _next_email_number() -> int:
    numbers = [
        int(key[len("demo-") : -len("@example.jp")])
        for key in Applicant.objects.filter(email_key__regex=r"^demo-[0-9]+@example\.jp$").values_list(
            "email_key", flat=True
        )
    ]
    return max(numbers, default=0) + 1


def generate_demo_applications(
    *, call: CallPage, count: int, seed: int = 2020, reviewers: list[Any] | None = None
) -> int:
    """Make sure ``call`` has ``count`` generated applications; return how many were created now.

    Idempotent: generated applications carry ``answers["demo"] = True``; when the call
    already has ``count`` of them or more nothing is created and 0 is returned, otherwise
    only the missing number is made (new applicants get the next free
    ``demo-NNNN@example.jp``). The data are drawn from ``random.Random`` seeded with
    ``seed``, the call and how many existed; references and manage tokens are random.

    Each application picks one to three of the call's published roles that were open at
    its submission time (closed roles included: they closed after applications came in),
    weighted by ``ROLE_WEIGHTS``; about 3 % of candidacies are withdrawn. Times fall in
    the call's first weeks, most in the first eight days, never after now.

    With ``reviewers`` (users), about a third of the live candidacies get a review by
    the first reviewer and a smaller share by each of the others (mostly the same
    candidacies, some 2 points apart on a criterion); reviewed candidacies are
    ``in_review`` with ``score``, ``review_count`` and ``disagreement`` from
    :func:`applications.screening.scoring.aggregate_scores`.

    Everything is written with ``bulk_create`` in one transaction: 1,300 applications
    take a few seconds on SQLite.
    """
    existing = Application.objects.filter(call=call, answers__demo=True).count()
    missing = count - existing
    if missing <= 0:
        return 0
    now = timezone.now()
    rng = random.Random(f"{seed}:{call.pk}:{existing}")  # noqa: S311 - demo data, not secrets
    roles = _roles(call, now)
    if not roles:
        raise ValueError(f"{call} has no published roles to apply for.")
    start = min(role.opens for role in roles)
    times = sorted(_submission_time(rng, roles, start, now) for _ in range(missing))
    reviewers = list(reviewers or [])

    with transaction.atomic():
        number = _next_email_number()
        prefix = call.organisation.reference_prefix
        references = _references(prefix, missing)
        people: list[_Person] = []
        planned: list[tuple[_Person, datetime, list[_Role]]] = []
        for submitted_at in times:
            open_roles = [role for role in roles if role.open_at(submitted_at)]
            person = None
            if people and rng.random() < REPEAT_SHARE:
                earlier = rng.choice(people)
                if any(role.page.pk not in earlier.roles for role in open_roles):
                    person = earlier
            if person is None:
                person = _Person(_new_applicant(rng, number), number, first=submitted_at, last=submitted_at)
                number += 1
                people.append(person)
            chosen = _pick_roles(rng, [role for role in open_roles if role.page.pk not in person.roles])
            person.roles.update(role.page.pk for role in chosen)
            person.last = submitted_at
            planned.append((person, submitted_at, chosen))

        # Each application keeps its own applicant row: the identity as given in it (docs/adr/0006).
        applicants = [_applicant_as_given(person.applicant) for person, _when, _chosen in planned]
        Applicant.objects.bulk_create(applicants)
        applications = []
        for (person, submitted_at, chosen), reference, applicant in zip(planned, references, applicants, strict=True):
            language = person.applicant.language
            applications.append(
                Application(
                    reference=reference,
                    submission_token=uuid.uuid4(),
                    call=call,
                    applicant=applicant,
                    answers=_answers(rng, chosen, person.number),
                    consent_notice_version=call.personal_data_notice_version,
                    consented_at=submitted_at - timedelta(minutes=rng.randint(1, 40)),
                    language=language,
                    manage_token_hash=hash_token(new_token()),
                    submitted_at=submitted_at,
                )
            )
        Application.objects.bulk_create(applications)

        candidacies: list[Candidacy] = []
        created: list[datetime] = []
        reviews: list[Review] = []
        for application, (_person, submitted_at, chosen) in zip(applications, planned, strict=True):
            for rank, role in enumerate(chosen, start=1):
                candidacy = Candidacy(
                    application=application,
                    applicant=application.applicant,
                    email_key=application.applicant.email_key,
                    role=role.page,
                    rank=rank,
                )
                candidacies.append(candidacy)
                created.append(submitted_at)
                if rng.random() < WITHDRAWN_SHARE:
                    candidacy.status = Candidacy.Status.WITHDRAWN
                    candidacy.version = 2
                    candidacy.withdrawn_at = _later(
                        rng, submitted_at, now, at_least=timedelta(hours=2), at_most=timedelta(days=6)
                    )
                else:
                    reviews.extend(_reviews(rng, candidacy, role, reviewers, submitted_at, now))
        Candidacy.objects.bulk_create(candidacies)
        Review.objects.bulk_create(reviews)

        # auto_now(_add) stamped everything "now"; put back the times of the story.
        for applicant, (_person, submitted_at, _chosen) in zip(applicants, planned, strict=True):
            applicant.created_at = applicant.updated_at = submitted_at
        Applicant.objects.bulk_update(applicants, ["created_at", "updated_at"], batch_size=500)
        for candidacy, submitted_at in zip(candidacies, created, strict=True):
            candidacy.created_at = submitted_at
        Candidacy.objects.bulk_update(candidacies, ["created_at"], batch_size=500)
        for review in reviews:
            review.updated_at = review.submitted_at
        Review.objects.bulk_update(reviews, ["updated_at"], batch_size=500)
    return missing


#: The demo users that screening needs (``create_demo_users`` makes all but ``screener2``).
DEMO_SCREENING_USERS = ("screener", "screener2", "approver", "official")


def ensure_demo_screening(call: CallPage) -> dict[str, Any]:
    """Give the demo's screening and city users access to ``call``; return them by username.

    ``screener`` (and ``screener2``) get an Assignment to the call; ``approver`` and
    ``official`` become members of the call's organisation. Users that do not exist are
    skipped. ``screener2``, a second contractor in the same group as ``screener`` with
    the demo password, is created only when ``settings.KOBO_DEMO_ALLOWED``. Idempotent.
    """
    User = get_user_model()
    if settings.KOBO_DEMO_ALLOWED:
        screener2, _created = User.objects.get_or_create(
            username="screener2",
            defaults={"email": "screener2@demo.kobo.example.jp", "last_name": "審査", "first_name": "四郎"},
        )
        screener2.set_password(settings.KOBO_DEMO_PASSWORD)
        screener2.is_staff = screener2.is_superuser = False
        screener2.save()
        screener2.groups.set([Group.objects.get(name=SCREENING_CONTRACTORS)])
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_SCREENING_USERS)}
    for username in ("screener", "screener2"):
        if username in users:
            Assignment.objects.get_or_create(user=users[username], call=call)
    for username in ("approver", "official"):
        if username in users:
            OrganisationMember.objects.update_or_create(
                user=users[username], organisation=call.organisation, defaults={"role": username}
            )
            member_groups_sync(user=users[username])
    return users
