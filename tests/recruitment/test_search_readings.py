"""Search by reading: どうが, douga and 動画 find the same roles; ライン finds LINE, not オンライン.

The roles are the ten of the Kobe 2020 call (titles, categories and texts as in the demo),
all open; the banner role also mentions ガイドライン. The table runs on SQLite and, with
``DATABASE_URL`` set, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recruitment.readings import fold, normalise_query, reading_of, romaji_to_katakana
from recruitment.selectors import search_open_roles
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

# key: (category name, category English name, title, summary, duties, requirements)
KOBE_ROLES = {
    "website": (
        "ホームページのモニタリング及び修正提案",
        "Website monitoring and improvement proposals",
        "神戸市公式ホームページ掲載内容のモニタリング及び修正提案業務",
        "市の公式ホームページを利用者の目で読み、分かりにくい箇所の修正案をまとめます。",
        "<ul><li>担当するページ(月3ページ程度)を読み、内容・表現・構成を点検する</li>"
        "<li>分かりにくい箇所と修正案を報告書にまとめる</li><li>月1回、オンラインで担当者に報告する</li></ul>",
        "<ul><li>ウェブサイトの編集・運用・改善の実務経験</li><li>ウェブアクセシビリティの知識があれば歓迎</li></ul>",
    ),
    "instagram": (
        "Instagram掲載記事制作",
        "Instagram articles",
        "神戸市公式Instagram掲載記事制作業務",
        "神戸の街や人の魅力を、写真と短い記事で市の公式Instagramに発信します。",
        "<ul><li>投稿のテーマを担当者と決める</li><li>写真の撮影または選定と、記事の執筆</li>"
        "<li>月6記事程度を制作する</li></ul>",
        "<ul><li>Instagramの運用または投稿制作の実績</li><li>写真撮影のスキル</li></ul>",
    ),
    "line": (
        "LINE掲載記事制作",
        "LINE articles",
        "神戸市公式LINE掲載記事制作業務",
        "市の公式LINEで配信する、暮らしに役立つ情報の記事を制作します。",
        "<ul><li>担当課の資料をもとに、配信する記事を執筆する</li><li>スマートフォンで読みやすい長さと構成に整える</li></ul>",
        "<ul><li>ウェブ記事やメールマガジンなどの執筆経験</li></ul>",
    ),
    "newsletter": (
        "広報紙連載記事制作",
        "Newsletter serial articles",
        "神戸市広報紙連載記事制作業務",
        "市の広報紙に毎月掲載する連載記事を、取材から執筆まで担当します。",
        "<ul><li>連載の企画を担当者と決める</li><li>毎月1回の取材と執筆</li><li>校正への対応</li></ul>",
        "<ul><li>紙媒体での執筆・連載の実績</li><li>取材の経験</li></ul>",
    ),
    "video_planning": (
        "施策PR動画の構成等企画",
        "PR video planning and scripting",
        "神戸市施策PR動画の構成等企画業務",
        "市の施策を紹介する約10分の動画の構成と台本を企画します。",
        "<ul><li>担当課への聞き取りをもとに、動画の構成と台本を作る</li><li>撮影・編集担当との打ち合わせ(オンライン)</li></ul>",
        "<ul><li>動画の企画・構成・台本の実績</li></ul>",
    ),
    "event_photos": (
        "イベント等記録写真撮影",
        "Event photography",
        "神戸市イベント等記録写真撮影業務",
        "市の行事やイベントを撮影し、記録写真として納品します。",
        "<ul><li>イベント当日の撮影(市内)</li><li>写真の選別と簡単な補正</li></ul>",
        "<ul><li>イベント撮影の実績</li><li>撮影機材をお持ちの方</li></ul>",
    ),
    "event_video": (
        "イベント等記録動画撮影",
        "Event videography",
        "神戸市イベント等記録動画撮影業務",
        "市の行事やイベントを動画で記録し、短く編集して納品します。",
        "<ul><li>イベント当日の撮影(市内)</li><li>記録動画の編集(字幕を含む)</li></ul>",
        "<ul><li>イベント動画の撮影・編集の実績</li><li>撮影・録音機材をお持ちの方</li></ul>",
    ),
    "pr_photos": (
        "広報媒体用写真の撮影",
        "Photography for PR media",
        "神戸市広報媒体用写真の撮影業務",
        "広報紙やウェブサイト、ポスターに使う人物や街の写真を撮影します。",
        "<ul><li>担当者と撮影内容を決め、市内で撮影する</li><li>写真の選別と補正</li></ul>",
        "<ul><li>広告・広報用写真の撮影実績</li><li>撮影機材をお持ちの方</li></ul>",
    ),
    "banner": (
        "SNS広告用バナーデザイン制作",
        "SNS ad banner design",
        "神戸市SNS広告用バナーデザイン制作業務",
        "市のSNS広告に使うバナー画像を、媒体ごとの規定に合わせてデザインします。",
        "<ul><li>担当者の依頼をもとにバナーをデザインする</li><li>修正への対応</li></ul>",
        "<ul><li>広告バナーのデザイン実績</li><li>各SNSのガイドラインに沿った制作の経験</li></ul>",
    ),
    "footage": (
        "既存素材を活用した動画制作",
        "Videos from existing footage",
        "神戸市の既存素材を活用した動画制作業務",
        "市が持つ写真・動画素材を編集して、SNSやウェブ向けの短い動画を制作します。",
        "<ul><li>素材の選定と構成</li><li>編集(字幕・音楽を含む)</li></ul>",
        "<ul><li>動画編集の実績</li><li>編集ソフトをお持ちの方</li></ul>",
    ),
}

VIDEO = {"video_planning", "event_video", "footage"}
PHOTO = {"instagram", "event_photos", "pr_photos", "footage"}
ARTICLES = {"instagram", "line", "newsletter"}
SHOOTING = {"instagram", "video_planning", "event_photos", "event_video", "pr_photos"}
EDITING = {"website", "video_planning", "event_video", "footage"}
WEB = {"website", "line", "pr_photos", "footage"}

#: What each search finds: exactly these roles.
FINDS = [
    ("動画", VIDEO),
    ("どうが", VIDEO),
    ("ドウガ", VIDEO),
    ("ﾄﾞｳｶﾞ", VIDEO),  # half-width katakana
    ("douga", VIDEO),
    ("ドーガ", VIDEO),  # a long vowel written as ー
    ("写真", PHOTO),
    ("しゃしん", PHOTO),
    ("シャシン", PHOTO),
    ("shashin", PHOTO),
    ("記事", ARTICLES),
    ("きじ", ARTICLES),
    ("kiji", ARTICLES),
    ("バナー", {"banner"}),
    ("ばなー", {"banner"}),
    ("banaa", {"banner"}),
    ("デザイン", {"banner"}),
    ("でざいん", {"banner"}),
    ("インスタ", {"instagram"}),
    ("いんすた", {"instagram"}),
    ("ｲﾝｽﾀ", {"instagram"}),
    ("インスタグラム", {"instagram"}),
    ("Instagram", {"instagram"}),
    ("ライン", {"line"}),
    ("らいん", {"line"}),
    ("LINE", {"line"}),
    ("オンライン", {"website", "video_planning"}),
    ("SNS", {"banner", "footage"}),
    ("えすえぬえす", {"banner", "footage"}),
    ("ぴーあーる", {"video_planning", "pr_photos"}),
    ("ホームページ", {"website"}),
    ("ほーむぺーじ", {"website"}),
    ("ホムペ", {"website"}),
    ("HP", {"website"}),
    ("うぇぶ", WEB),
    ("もにたりんぐ", {"website"}),
    ("monitaringu", {"website"}),
    ("こうほうし", {"newsletter", "pr_photos"}),
    ("さつえい", SHOOTING),
    ("へんしゅう", EDITING),
    ("きろくどうが", {"event_video"}),  # a compound across two words
    ("きろくしゃしん", {"event_photos"}),
    ("どうがせいさく", {"footage"}),
    ("動画製作", {"footage"}),  # other kanji, same reading as 動画制作
    ("記録写真", {"event_photos"}),
    ("しゃしん きじ", {"instagram"}),  # terms are AND-ed
    ("インスタ しゃしん", {"instagram"}),
    ("こうべ", set(KOBE_ROLES)),
    ("kobe", set(KOBE_ROLES)),
]

#: Searches that must not find these roles (the matches a substring of the text would give).
MISSES = [
    ("ライン", {"website", "video_planning", "banner"}),  # オンライン, ガイドライン
    ("らいん", {"website", "video_planning", "banner"}),
    ("ぴーあーる", {"website"}),  # "improvement proposals" is not PR
    ("きじ", {"event_video", "event_photos"}),  # 記録 is キロク, not キジ
    ("どうが きじ", set(KOBE_ROLES)),
    ("aaaaaaaa", set(KOBE_ROLES)),
]


@shared_world
def search_readings_world() -> dict[str, int]:
    """The site content and the ten Kobe roles, built once for this file's tests (each test's writes are undone)."""
    site_content_now()
    return kobe_roles_now()


@pytest.fixture
def kobe_roles(search_readings_world) -> dict[str, int]:
    """The ten Kobe roles, open, keyed as in ``KOBE_ROLES``: their page ids."""
    return search_readings_world


def kobe_roles_now() -> dict[str, int]:
    call = f.call(title="神戸市 広報分野の副業人材", title_en="City of Kobe: side-job professionals for PR")
    ids = {}
    for key, (name, name_en, title, summary, duties, requirements) in KOBE_ROLES.items():
        category = f.category(name=name, name_en=name_en, slug=key.replace("_", "-"))
        role = f.role(call, title=title, category=category, summary=summary, duties=duties, requirements=requirements)
        ids[key] = role.pk
    return ids


def _found(kobe_roles: dict[str, int], q: str) -> set[str]:
    keys = {pk: key for key, pk in kobe_roles.items()}
    return {keys[role.pk] for role in search_open_roles(q=q)}


def test_search_finds_roles_by_reading(kobe_roles):
    """Every row of ``FINDS``, checked in one test so the ten roles are built once."""
    results = {q: (_found(kobe_roles, q), expected) for q, expected in FINDS}
    wrong = {q: (sorted(found), sorted(expected)) for q, (found, expected) in results.items() if found != expected}
    assert not wrong, f"query: (found, expected) {wrong}"


def test_search_does_not_find_words_inside_other_words(kobe_roles):
    wrong = {q: sorted(found) for q, unwanted in MISSES if (found := _found(kobe_roles, q) & unwanted)}
    assert not wrong, f"query: roles it must not find {wrong}"


def test_a_reading_search_is_one_query(kobe_roles):
    with CaptureQueriesContext(connection) as ctx:
        assert len(list(search_open_roles(q="しゃしん インスタ"))) == 1
    assert len(ctx.captured_queries) == 1


def test_the_search_page_finds_a_role_by_reading(client, kobe_roles):
    response = client.get("/calls/", {"q": "らいん"})
    assert [role.title for role in response.context["roles"]] == ["神戸市公式LINE掲載記事制作業務"]


def test_readings_follow_the_published_title_not_a_draft(kobe_roles):
    from recruitment.models import RolePage

    role = RolePage.objects.get(pk=kobe_roles["banner"])
    role.title = "神戸市SNS広告用イラスト制作業務"
    role.save_revision()  # a draft: the live page is still the banner role
    assert _found(kobe_roles, "ばなー") == {"banner"}
    assert _found(kobe_roles, "いらすと") == set()

    RolePage.objects.get(pk=role.pk).get_latest_revision().publish()
    assert " イラスト" in RolePage.objects.get(pk=role.pk).search_reading
    assert _found(kobe_roles, "いらすと") == {"banner"}
    assert _found(kobe_roles, "ばなー") == {"banner"}  # still in its summary and duties


def test_a_category_rename_changes_what_its_roles_are_found_by(kobe_roles):
    from recruitment.models import RolePage

    category = RolePage.objects.get(pk=kobe_roles["newsletter"]).category
    category.name = "広報紙コラム制作"
    category.save()
    assert _found(kobe_roles, "こらむ") == {"newsletter"}


def test_refreshing_readings_restores_what_a_save_derives(kobe_roles):
    from io import StringIO

    from django.core.management import call_command

    from recruitment.models import RolePage, TaskCategory

    saved = dict(RolePage.objects.values_list("pk", "search_reading"))
    RolePage.objects.update(search_reading="")
    TaskCategory.objects.update(search_reading="")
    assert _found(kobe_roles, "どうが") == set()
    call_command("refresh_search_readings", stdout=StringIO())
    assert dict(RolePage.objects.values_list("pk", "search_reading")) == saved
    assert _found(kobe_roles, "どうが") == VIDEO


# The tests below do not ask for the world: last, so that it is not closed and built again in between.


def test_readings_start_at_words_and_span_neighbouring_words():
    reading = reading_of("神戸市イベント等記録動画撮影業務", "<p>オンラインで報告</p>")
    assert " キロクドガ" in reading  # 記録動画: two words
    assert " オンライン" in reading
    assert " ライン" not in reading


def test_folding_and_romaji():
    assert fold("どうが") == fold("ドーガ") == fold("ﾄﾞｳｶﾞ") == "ドガ"
    assert fold("ウェブ") == fold("ウエブ")
    assert romaji_to_katakana("shashin") == "シャシン"
    assert romaji_to_katakana("konnichiwa") == "コンニチワ"
    assert romaji_to_katakana("kitte") == "キッテ"
    assert romaji_to_katakana("sns") is None


def test_query_terms_keep_their_text_unless_kana():
    kana, kanji, latin = normalise_query("どうが　動画 ＰＲ")  # a full-width space splits too
    assert (kana.text, kana.patterns) == ("", (" ドガ",))
    assert kanji.text == "動画"
    assert latin.text == "PR"
    assert latin.patterns == ()  # not romaji: found as text only
