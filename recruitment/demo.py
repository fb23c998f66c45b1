"""Demo content: the City of Kobe's 2020 call for PR side-job professionals, and a smaller call.

Run by ``load_kobe_demo`` (``make run``) and by tests. Idempotent: organisations
and task categories are found by slug, pages by slug under their parent, and
updated in place; a page gets a new published revision only when its content
changed.

The facts come from public news reports (``shared/reference/kobe-2020.md``, beside the checkout):
the ten task categories, about 40 people with 1 to 7 per task, the pay examples,
the terms and the selection. What the reports do not give (the per-task
deadlines, most pay figures, the split of the headcount inside each group) is
marked as a demo value below and said so on the call page.

The original call opened on 2020-09-24 with deadlines about a month later. The
deadlines here keep their spacing but are moved so that the demo is open when
it is loaded: ``DEMO_TODAY`` (2020-10-03) becomes the day the loader runs.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.content import ensure_site_content
from cms.models import HomePage

from .cities import city_ensure
from .deadlines import extension_refusal
from .models import CallIndexPage, CallPage, CityPage, Organisation, RolePage, TaskCategory

JST = ZoneInfo("Asia/Tokyo")
DEADLINE_TIME = time(23, 59)

# The day of the original call that is mapped onto the day the loader runs. Every date
# below is a date of 2020 and is moved by the same number of days.
DEMO_TODAY = date(2020, 10, 3)
CALL_OPENED = date(2020, 9, 24)  # announced at the mayor's press conference

CALL_INDEX = {
    "slug": "calls",
    "title": "募集一覧",
    "title_en": "Calls",
    "intro": "自治体が募集している副業・兼業の業務を、募集ごとに掲載しています。"
    "業務ごとに内容・人数・締切が異なります。キーワードや業務の種類で探すこともできます。",
    "intro_en": "Calls for side-job professionals from municipalities, with their roles. "
    "Each role has its own duties, headcount and deadline; you can also search by keyword or kind of work.",
}

ORGANISATIONS: list[dict[str, str]] = [
    {
        "slug": "kobe",
        "name": "神戸市",
        "name_en": "City of Kobe",
        "url": "https://www.city.kobe.lg.jp/",
        "reference_prefix": "KOBE",
        "prefecture": "28",
    },
    {
        "slug": "miki",
        "name": "三木市",
        "name_en": "Miki City",
        "url": "https://www.city.miki.lg.jp/",
        "reference_prefix": "MIKI",
        "prefecture": "28",
    },
]


def _criterion(name: str, name_en: str, weight: str, description: str) -> tuple[str, dict[str, Any]]:
    """One rubric criterion as a StreamField item, scored out of 5."""
    return (
        "criterion",
        {"name": name, "name_en": name_en, "description": description, "weight": weight, "max_score": 5},
    )


# The ten task categories of the 2020 call, in its order, with their default rubrics.
# The rubrics are demo values: the reports do not say how applications were scored.
CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "website-monitoring",
        "name": "ホームページのモニタリング及び修正提案",
        "name_en": "Website monitoring and improvement proposals",
        "description": "市の公式ホームページを利用者の目で点検し、分かりにくい表現や構成の修正案を出す業務。",
        "description_en": "Reviewing pages of the city's website as a user would and proposing clearer wording "
        "and structure.",
        "rubric": [
            _criterion(
                "ウェブの編集・改善の実績", "Web editing track record", "1.5", "サイトの改善や運用の実績が具体的か。"
            ),
            _criterion("分かりやすい文章", "Plain writing", "1.0", "提案の文章が短く、誰にでも分かるか。"),
            _criterion("アクセシビリティの知識", "Accessibility", "1.0", "JIS X 8341-3 などを踏まえた指摘ができるか。"),
        ],
    },
    {
        "slug": "instagram-articles",
        "name": "Instagram掲載記事制作",
        "name_en": "Instagram articles",
        "description": "市の公式Instagramに載せる写真と記事を企画・制作する業務。",
        "description_en": "Planning and producing photos and captions for the city's official Instagram account.",
        "rubric": [
            _criterion("SNS運用の実績", "Social media track record", "1.5", "アカウント運用や投稿制作の実績があるか。"),
            _criterion("写真と文章の質", "Quality of photos and copy", "1.5", "作品例の写真と文章が魅力的か。"),
            _criterion("企画力", "Ideas", "1.0", "神戸の魅力を伝える切り口を提案できるか。"),
        ],
    },
    {
        "slug": "line-articles",
        "name": "LINE掲載記事制作",
        "name_en": "LINE articles",
        "description": "市の公式LINEで配信する記事を制作する業務。",
        "description_en": "Writing articles sent through the city's official LINE account.",
        "rubric": [
            _criterion("記事制作の実績", "Writing track record", "1.5", "ウェブ記事や配信記事を書いた実績があるか。"),
            _criterion("短く伝える力", "Concise writing", "1.0", "スマートフォンで読みやすい長さと構成か。"),
            _criterion("読者の理解", "Knowing the reader", "1.0", "市民が必要とする情報を選べるか。"),
        ],
    },
    {
        "slug": "newsletter-serial",
        "name": "広報紙連載記事制作",
        "name_en": "Newsletter serial articles",
        "description": "市の広報紙に毎月掲載する連載記事を取材・執筆する業務。",
        "description_en": "Researching and writing a monthly serial for the city's printed newsletter.",
        "rubric": [
            _criterion("連載・執筆の実績", "Published writing", "2.0", "紙媒体や連載での執筆実績があるか。"),
            _criterion("取材力", "Interviewing", "1.0", "取材で話を引き出し、記事にまとめられるか。"),
            _criterion("連載の企画", "Serial concept", "1.5", "1年続けられる連載の企画を示しているか。"),
            _criterion("締切の管理", "Meeting deadlines", "0.5", "毎月の締切を守れる体制があるか。"),
        ],
    },
    {
        "slug": "pr-video-planning",
        "name": "施策PR動画の構成等企画",
        "name_en": "PR video planning and scripting",
        "description": "市の施策を紹介する動画の構成・台本を企画する業務。",
        "description_en": "Planning the structure and scripts of videos that present the city's policies.",
        "rubric": [
            _criterion(
                "動画企画の実績", "Video planning track record", "2.0", "構成・台本を手がけた動画の実績があるか。"
            ),
            _criterion("構成力", "Storytelling", "1.5", "10分程度の動画を飽きさせずに構成できるか。"),
            _criterion("施策の理解", "Understanding policy", "1.0", "行政の施策を正確に、分かりやすく伝えられるか。"),
        ],
    },
    {
        "slug": "event-photos",
        "name": "イベント等記録写真撮影",
        "name_en": "Event photography",
        "description": "市の行事やイベントを記録写真として撮影する業務。",
        "description_en": "Photographing city events for the record.",
        "rubric": [
            _criterion("撮影の実績", "Photography track record", "1.5", "イベント撮影の作品例が十分か。"),
            _criterion("現場での対応", "Working on site", "1.0", "進行を妨げずに撮影できるか。"),
            _criterion("納品の速さ", "Quick delivery", "1.0", "当日から数日で選別・納品できるか。"),
        ],
    },
    {
        "slug": "event-video",
        "name": "イベント等記録動画撮影",
        "name_en": "Event videography",
        "description": "市の行事やイベントを動画で記録し、編集する業務。",
        "description_en": "Filming and editing video records of city events.",
        "rubric": [
            _criterion("撮影・編集の実績", "Filming and editing track record", "1.5", "イベント動画の作品例が十分か。"),
            _criterion("機材と音声", "Equipment and sound", "1.0", "必要な機材を持ち、音声も確実に収録できるか。"),
            _criterion("現場での対応", "Working on site", "1.0", "進行を妨げずに撮影できるか。"),
        ],
    },
    {
        "slug": "pr-photography",
        "name": "広報媒体用写真の撮影",
        "name_en": "Photography for PR media",
        "description": "広報紙やウェブサイト、ポスターに使う写真を撮影する業務。",
        "description_en": "Taking photos for the newsletter, the website and posters.",
        "rubric": [
            _criterion("作品の質", "Portfolio quality", "2.0", "人物・風景の作品例が広報に使える水準か。"),
            _criterion("企画への理解", "Following a brief", "1.0", "媒体の意図に合わせて撮影できるか。"),
            _criterion("権利の扱い", "Rights and consent", "1.0", "肖像権・撮影許可に配慮できるか。"),
        ],
    },
    {
        "slug": "sns-banner-design",
        "name": "SNS広告用バナーデザイン制作",
        "name_en": "SNS ad banner design",
        "description": "SNS広告に使うバナー画像をデザインする業務。",
        "description_en": "Designing banner images for social media advertising.",
        "rubric": [
            _criterion("デザインの実績", "Design track record", "1.5", "広告バナーの作品例が十分か。"),
            _criterion("伝わる表現", "Clear message", "1.5", "一目で内容が伝わるデザインか。"),
            _criterion(
                "媒体の規定への対応", "Platform specifications", "0.5", "各SNSの規定サイズ・文字量に対応できるか。"
            ),
            _criterion("修正への対応", "Handling revisions", "0.5", "修正依頼に短期間で対応できるか。"),
        ],
    },
    {
        "slug": "video-from-existing-footage",
        "name": "既存素材を活用した動画制作",
        "name_en": "Videos from existing footage",
        "description": "市が持つ写真・動画素材を編集して、新しい動画を制作する業務。",
        "description_en": "Editing the city's existing photos and footage into new videos.",
        "rubric": [
            _criterion("編集の実績", "Editing track record", "1.5", "素材を再構成した動画の作品例があるか。"),
            _criterion("構成力", "Storytelling", "1.0", "素材から伝わる流れを作れるか。"),
            _criterion("字幕・音の処理", "Captions and sound", "1.0", "字幕や音量の調整まで丁寧か。"),
        ],
    },
]

KOBE_CALL: dict[str, Any] = {
    "slug": "kobe-pr-2020",
    "title": "神戸市 広報分野の副業人材",
    "title_en": "City of Kobe: side-job professionals for public relations",
    "department": "企画調整局 広報戦略部",
    "summary": "神戸市は、広報の専門スキルを持つ副業・兼業の人材を募集します。ホームページの改善、SNSや広報紙の記事、"
    "写真・動画、バナーデザインの10業務で約40人。オンラインで働け、年齢や住んでいる場所は問いません。",
    "summary_en": "The City of Kobe is looking for side-job professionals in public relations: about 40 people "
    "for ten kinds of work, from website improvements and social media articles to photos, videos and "
    "banner design. The work is done online; there is no age limit and you may live anywhere.",
    "body": [
        ("heading", {"text": "この募集について", "level": "h2"}),
        (
            "paragraph",
            "<p>神戸市は、企業などで働きながら専門性を生かしたい人や、フリーランスの人に、市の広報の仕事を"
            "副業・兼業として担っていただきます。報告や撮影のほかは出勤の必要がなく、オンラインで働けます。</p>"
            "<p>このページは、2020年9月24日に発表された神戸市の募集を再現したデモです。締切日は読み込んだ日に"
            "合わせて移動しています。業務ごとの締切日、報酬の一部、人数の内訳は報道からは分からないため、"
            "デモ用の値です。</p>",
        ),
        (
            "faq",
            {
                "question": "勤務先で副業が認められているか分かりません。応募できますか。",
                "answer": "<p>勤務先の副業・兼業に関する規定に反しないことが条件です。"
                "応募の前に勤務先にご確認ください。"
                "公務員の方は、任命権者の許可が必要です(地方公務員法第38条)。</p>",
            },
        ),
        (
            "faq",
            {
                "question": "神戸市外に住んでいても応募できますか。",
                "answer": "<p>できます。居住地は問いません。"
                "業務はオンラインで行い、撮影などの業務のみ現地で行います。</p>",
            },
        ),
        (
            "faq",
            {
                "question": "複数の業務に応募できますか。",
                "answer": "<p>1回の応募で、この募集の業務を3つまで選べます。"
                "業務ごとに締切が異なるのでご注意ください。</p>",
            },
        ),
    ],
    "eligibility": "<ul><li>広報に関する専門的なスキルや実績のある会社員・フリーランスなど</li>"
    "<li>年齢・居住地は問いません</li>"
    "<li>勤務先の副業・兼業に関する規定に反しないこと(公務員の方は任命権者の許可が必要です)</li>"
    "<li>反社会的勢力と関係がないこと</li>"
    "<li>市税の滞納がないこと</li></ul>",
    "online_work": True,
    "contract_form": "業務委託",
    "pay_summary": "成果報酬 月1万〜10万円程度(業務により異なる)",
    "term_summary": "1日〜約5か月",
    "selection_process": "<ol><li>書類選考(履歴書と、実績の分かる資料)</li>"
    "<li>オンライン面談(書類選考を通過した方のみ)</li></ol>",
    "timeline": [  # dates of 2020, moved like the deadlines
        {"label": "募集期間", "label_en": "Applications", "starts_on": CALL_OPENED, "ends_on": date(2020, 10, 25)},
        {
            "label": "書類選考",
            "label_en": "Document screening",
            "starts_on": date(2020, 10, 26),
            "ends_on": date(2020, 10, 30),
        },
        {
            "label": "オンライン面談",
            "label_en": "Online interviews",
            "starts_on": date(2020, 11, 2),
            "ends_on": date(2020, 11, 6),
        },
        {"label": "業務開始", "label_en": "Work starts", "starts_on": date(2020, 11, 9), "ends_on": None},
    ],
    "contact": "神戸市 企画調整局 広報戦略部(デモ)\n電話 078-000-0000(平日 9:00〜17:00)",
    "contact_email": "kobe-pr-demo@example.jp",
    "personal_data_notice": "<p>応募でお預かりする個人情報は、神戸市 企画調整局 広報戦略部が、この募集の選考と"
    "応募者への連絡のためだけに使います。選考を委託した事業者は、担当する業務の応募情報のみを閲覧します。"
    "選考の終了後、定められた保存期間を過ぎたものは削除します。</p>",
    "blind_review": True,
}

# The roles of the Kobe call, one per category. ``deadline`` is a date of 2020, moved to the
# day the loader runs (see DEMO_TODAY); 23:59 Japan time on that day is the deadline.
# The reports give only "about a month" and one deadline on 22 October, so all per-role
# dates are demo values; the newsletter serial is the one shown as already closed.
# Headcounts follow the reported groups (website about 7; SNS and newsletter about 7, the
# serial 1; video planning and shooting about 16; banners 5 and related about 10; 40 in all);
# the split inside each group is a demo value.
KOBE_ROLES: list[dict[str, Any]] = [
    {
        "category": "website-monitoring",
        "title": "神戸市公式ホームページ掲載内容のモニタリング及び修正提案業務",
        "title_en": "Monitoring the City of Kobe website and proposing corrections",
        "headcount": 7,
        "deadline": date(2020, 10, 13),
        "summary": "市の公式ホームページを利用者の目で読み、分かりにくい箇所の修正案をまとめます。",
        "summary_en": "Read the city's website as a resident would and propose how to fix what is unclear.",
        "duties": "<ul><li>担当するページ(月3ページ程度)を読み、内容・表現・構成を点検する</li>"
        "<li>分かりにくい箇所と修正案を報告書にまとめる</li><li>月1回、オンラインで担当者に報告する</li></ul>",
        "deliverables": "<ul><li>ページごとの点検結果と修正案(月1回)</li></ul>",
        "requirements": "<ul><li>ウェブサイトの編集・運用・改善の実務経験</li>"
        "<li>ウェブアクセシビリティの知識があれば歓迎</li></ul>",
        "hours_min": 1,
        "hours_max": 3,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約5か月",
        "pay_text": "月1万円程度(約3ページ)",  # reported
        "pay_min": 10000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.MONTH,
    },
    {
        "category": "instagram-articles",
        "title": "神戸市公式Instagram掲載記事制作業務",
        "title_en": "Articles for the City of Kobe's official Instagram",
        "headcount": 3,
        "deadline": date(2020, 10, 5),  # the one "closing soon" when loaded
        "summary": "神戸の街や人の魅力を、写真と短い記事で市の公式Instagramに発信します。",
        "summary_en": "Show Kobe's places and people in photos and short captions on the city's Instagram.",
        "duties": "<ul><li>投稿のテーマを担当者と決める</li><li>写真の撮影または選定と、記事の執筆</li>"
        "<li>月6記事程度を制作する</li></ul>",
        "deliverables": "<ul><li>投稿用の写真と記事(1記事ごと)</li></ul>",
        "requirements": "<ul><li>Instagramの運用または投稿制作の実績</li><li>写真撮影のスキル</li></ul>",
        "hours_min": 3,
        "hours_max": 8,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約5か月",
        "pay_text": "1記事6,000円(月6記事程度)",  # reported
        "pay_min": 6000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
    {
        "category": "line-articles",
        "title": "神戸市公式LINE掲載記事制作業務",
        "title_en": "Articles for the City of Kobe's official LINE account",
        "headcount": 3,
        "deadline": date(2020, 10, 8),
        "summary": "市の公式LINEで配信する、暮らしに役立つ情報の記事を制作します。",
        "summary_en": "Write practical articles for residents, sent through the city's LINE account.",
        "duties": "<ul><li>担当課の資料をもとに、配信する記事を執筆する</li>"
        "<li>スマートフォンで読みやすい長さと構成に整える</li></ul>",
        "deliverables": "<ul><li>配信用の記事(1記事ごと)</li></ul>",
        "requirements": "<ul><li>ウェブ記事やメールマガジンなどの執筆経験</li></ul>",
        "hours_min": 2,
        "hours_max": 6,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約5か月",
        "pay_text": "1記事5,000円(月4記事程度)",  # demo value
        "pay_min": 5000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
    {
        "category": "newsletter-serial",
        "title": "神戸市広報紙連載記事制作業務",
        "title_en": "A serial for the City of Kobe newsletter",
        "headcount": 1,  # reported: one slot (194 applications for it by 5 October)
        "deadline": date(2020, 10, 1),  # already closed when loaded
        "summary": "市の広報紙に毎月掲載する連載記事を、取材から執筆まで担当します。",
        "summary_en": "Research and write a monthly serial for the city's printed newsletter.",
        "duties": "<ul><li>連載の企画を担当者と決める</li><li>毎月1回の取材と執筆</li><li>校正への対応</li></ul>",
        "deliverables": "<ul><li>連載記事の原稿(月1本)</li></ul>",
        "requirements": "<ul><li>紙媒体での執筆・連載の実績</li><li>取材の経験</li></ul>",
        "hours_min": 2,
        "hours_max": 5,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約5か月(月1回の連載)",
        "pay_text": "1回30,000円(月1回)",  # demo value
        "pay_min": 30000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
    {
        "category": "pr-video-planning",
        "title": "神戸市施策PR動画の構成等企画業務",
        "title_en": "Planning videos that present the City of Kobe's policies",
        "headcount": 5,
        "deadline": date(2020, 10, 22),  # the one reported date; which task it was is not known
        "summary": "市の施策を紹介する約10分の動画の構成と台本を企画します。",
        "summary_en": "Plan the structure and scripts of ten-minute videos about the city's policies.",
        "duties": "<ul><li>担当課への聞き取りをもとに、動画の構成と台本を作る</li>"
        "<li>撮影・編集担当との打ち合わせ(オンライン)</li></ul>",
        "deliverables": "<ul><li>動画の構成案と台本(月9本程度)</li></ul>",
        "requirements": "<ul><li>動画の企画・構成・台本の実績</li></ul>",
        "hours_min": 10,
        "hours_max": 30,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約5か月",
        "pay_text": "月10万円(約10分の動画9本分)",  # reported
        "pay_min": 100000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.MONTH,
    },
    {
        "category": "event-photos",
        "title": "神戸市イベント等記録写真撮影業務",
        "title_en": "Photographing City of Kobe events",
        "headcount": 3,
        "deadline": date(2020, 10, 15),
        "summary": "市の行事やイベントを撮影し、記録写真として納品します。",
        "summary_en": "Photograph city events and deliver a selection of record photos.",
        "duties": "<ul><li>イベント当日の撮影(市内)</li><li>写真の選別と簡単な補正</li></ul>",
        "deliverables": "<ul><li>選別した写真データ(イベント1件ごと)</li></ul>",
        "requirements": "<ul><li>イベント撮影の実績</li><li>撮影機材をお持ちの方</li></ul>",
        "hours_min": 4,
        "hours_max": 10,
        "work_style": RolePage.WorkStyle.PARTLY_ON_SITE,
        "term": "1日(イベント1件ごと)",
        "pay_text": "1件20,000円(半日程度の撮影)",  # demo value
        "pay_min": 20000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PROJECT,
    },
    {
        "category": "event-video",
        "title": "神戸市イベント等記録動画撮影業務",
        "title_en": "Filming City of Kobe events",
        "headcount": 6,
        "deadline": date(2020, 10, 23),
        "summary": "市の行事やイベントを動画で記録し、短く編集して納品します。",
        "summary_en": "Film city events and edit short record videos.",
        "duties": "<ul><li>イベント当日の撮影(市内)</li><li>記録動画の編集(字幕を含む)</li></ul>",
        "deliverables": "<ul><li>編集済みの記録動画と撮影素材(イベント1件ごと)</li></ul>",
        "requirements": "<ul><li>イベント動画の撮影・編集の実績</li><li>撮影・録音機材をお持ちの方</li></ul>",
        "hours_min": 5,
        "hours_max": 15,
        "work_style": RolePage.WorkStyle.PARTLY_ON_SITE,
        "term": "1日〜約1か月(イベントごと)",
        "pay_text": "1件30,000〜50,000円(編集を含む)",  # demo value
        "pay_min": 30000,
        "pay_max": 50000,
        "pay_basis": RolePage.PayBasis.PROJECT,
    },
    {
        "category": "pr-photography",
        "title": "神戸市広報媒体用写真の撮影業務",
        "title_en": "Photography for City of Kobe publications",
        "headcount": 2,
        "deadline": date(2020, 10, 19),
        "summary": "広報紙やウェブサイト、ポスターに使う人物や街の写真を撮影します。",
        "summary_en": "Take photos of people and places for the newsletter, the website and posters.",
        "duties": "<ul><li>担当者と撮影内容を決め、市内で撮影する</li><li>写真の選別と補正</li></ul>",
        "deliverables": "<ul><li>補正済みの写真データ(撮影1件ごと)</li></ul>",
        "requirements": "<ul><li>広告・広報用写真の撮影実績</li><li>撮影機材をお持ちの方</li></ul>",
        "hours_min": 4,
        "hours_max": 10,
        "work_style": RolePage.WorkStyle.PARTLY_ON_SITE,
        "term": "1日〜約3か月(撮影ごと)",
        "pay_text": "1件30,000円(1日の撮影)",  # demo value
        "pay_min": 30000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PROJECT,
    },
    {
        "category": "sns-banner-design",
        "title": "神戸市SNS広告用バナーデザイン制作業務",
        "title_en": "Banner design for City of Kobe social media ads",
        "headcount": 5,  # reported
        "deadline": date(2020, 10, 10),
        "summary": "市のSNS広告に使うバナー画像を、媒体ごとの規定に合わせてデザインします。",
        "summary_en": "Design banner images for the city's social media ads, to each platform's specifications.",
        "duties": "<ul><li>担当者の依頼をもとにバナーをデザインする</li><li>修正への対応</li></ul>",
        "deliverables": "<ul><li>バナー画像(1点ごと、媒体別サイズ)</li></ul>",
        "requirements": "<ul><li>広告バナーのデザイン実績</li><li>デザインソフトをお持ちの方</li></ul>",
        "hours_min": 3,
        "hours_max": 10,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約3か月",
        "pay_text": "1点10,000円(月3〜5点程度)",  # demo value
        "pay_min": 10000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
    {
        "category": "video-from-existing-footage",
        "title": "神戸市の既存素材を活用した動画制作業務",
        "title_en": "Making videos from the City of Kobe's existing footage",
        "headcount": 5,
        "deadline": date(2020, 10, 25),
        "summary": "市が持つ写真・動画素材を編集して、SNSやウェブ向けの短い動画を制作します。",
        "summary_en": "Edit the city's existing photos and footage into short videos for social media and the web.",
        "duties": "<ul><li>素材の選定と構成</li><li>編集(字幕・音楽を含む)</li></ul>",
        "deliverables": "<ul><li>完成動画(1本ごと)</li></ul>",
        "requirements": "<ul><li>動画編集の実績</li><li>編集ソフトをお持ちの方</li></ul>",
        "hours_min": 5,
        "hours_max": 20,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約2か月",
        "pay_text": "1本20,000〜40,000円(長さにより異なる)",  # demo value
        "pay_min": 20000,
        "pay_max": 40000,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
]

# A smaller call from another municipality, for a site with more than one organisation.
# The reports give only Miki's result (21 applicants, 3 hired); everything else is a demo value.
MIKI_CALL: dict[str, Any] = {
    "slug": "miki-pr",
    "title": "三木市 広報の副業人材(デモ)",
    "title_en": "Miki City: side-job professionals for public relations (demo)",
    "department": "広報担当課",
    "summary": "三木市の魅力を発信する広報の仕事を、副業・兼業の専門人材3人にお願いします。"
    "オンラインで働け、写真撮影のみ市内で行います。",
    "summary_en": "Miki City is looking for three side-job professionals to help present the city. "
    "The work is done online, apart from photo shoots in the city.",
    "body": [
        (
            "paragraph",
            "<p>この募集はデモです。三木市の実際の募集は、応募21人・採用3人だったことのみ分かっています。"
            "業務の内容・報酬・日程はデモ用の値です。</p>",
        ),
    ],
    "eligibility": "<ul><li>広報に関する専門的なスキルのある方</li><li>年齢・居住地は問いません</li>"
    "<li>勤務先の副業・兼業に関する規定に反しないこと</li></ul>",
    "online_work": True,
    "contract_form": "業務委託",
    "pay_summary": "成果報酬(業務により異なる)",
    "term_summary": "約3か月",
    "selection_process": "<ol><li>書類選考</li><li>オンライン面談</li></ol>",
    "timeline": [],
    "contact": "三木市 広報担当課(デモ)",
    "contact_email": "miki-pr-demo@example.jp",
    "personal_data_notice": "<p>応募でお預かりする個人情報は、三木市がこの募集の選考と連絡のためだけに使い、"
    "保存期間の経過後に削除します。</p>",
    "blind_review": True,
}

# Demo values; deadlines are days after the loader runs, at 23:59 Japan time.
MIKI_ROLES: list[dict[str, Any]] = [
    {
        "category": "instagram-articles",
        "title": "三木市公式Instagram記事制作業務",
        "title_en": "Articles for Miki City's Instagram",
        "headcount": 1,
        "days_after": 14,
        "summary": "三木市の名所や行事を、写真と短い記事で発信します。",
        "summary_en": "Present Miki's sights and events in photos and short captions.",
        "duties": "<ul><li>月4記事程度の写真と記事の制作</li></ul>",
        "deliverables": "<ul><li>投稿用の写真と記事(1記事ごと)</li></ul>",
        "requirements": "<ul><li>Instagramの投稿制作の実績</li></ul>",
        "hours_min": 2,
        "hours_max": 5,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約3か月",
        "pay_text": "1記事5,000円(月4記事程度)",
        "pay_min": 5000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PIECE,
    },
    {
        "category": "pr-photography",
        "title": "三木市広報紙用写真の撮影業務",
        "title_en": "Photography for Miki City's newsletter",
        "headcount": 1,
        "days_after": 21,
        "summary": "広報紙の表紙や特集に使う写真を市内で撮影します。",
        "summary_en": "Take photos in Miki for the newsletter's cover and features.",
        "duties": "<ul><li>月1回程度の撮影(市内)</li><li>写真の選別と補正</li></ul>",
        "deliverables": "<ul><li>補正済みの写真データ(撮影1件ごと)</li></ul>",
        "requirements": "<ul><li>広報・広告用写真の撮影実績</li></ul>",
        "hours_min": 2,
        "hours_max": 8,
        "work_style": RolePage.WorkStyle.PARTLY_ON_SITE,
        "term": "約3か月",
        "pay_text": "1件25,000円",
        "pay_min": 25000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.PROJECT,
    },
    {
        "category": "pr-video-planning",
        "title": "三木市PR動画の構成企画業務",
        "title_en": "Planning Miki City's promotional videos",
        "headcount": 1,
        "days_after": 28,
        "summary": "市の魅力を伝える短い動画の構成と台本を企画します。",
        "summary_en": "Plan the structure and scripts of short videos about Miki.",
        "duties": "<ul><li>動画3本程度の構成案と台本の作成</li></ul>",
        "deliverables": "<ul><li>構成案と台本(1本ごと)</li></ul>",
        "requirements": "<ul><li>動画の企画・構成の実績</li></ul>",
        "hours_min": 3,
        "hours_max": 10,
        "work_style": RolePage.WorkStyle.ONLINE,
        "term": "約3か月",
        "pay_text": "月50,000円",
        "pay_min": 50000,
        "pay_max": None,
        "pay_basis": RolePage.PayBasis.MONTH,
    },
]

CALL_FIELDS = (
    "title",
    "title_en",
    "department",
    "summary",
    "summary_en",
    "body",
    "eligibility",
    "online_work",
    "contract_form",
    "pay_summary",
    "term_summary",
    "selection_process",
    "contact",
    "contact_email",
    "personal_data_notice",
    "blind_review",
)
ROLE_FIELDS = (
    "title",
    "title_en",
    "headcount",
    "summary",
    "summary_en",
    "duties",
    "deliverables",
    "requirements",
    "hours_min",
    "hours_max",
    "work_style",
    "term",
    "pay_text",
    "pay_min",
    "pay_max",
    "pay_basis",
)

# Page data that changes on every save and says nothing about the content.
_VOLATILE = {
    "latest_revision",
    "latest_revision_created_at",
    "live_revision",
    "last_published_at",
    "first_published_at",
    "has_unpublished_changes",
    "draft_title",
    "url_path",
}


def _deadline(day: date) -> datetime:
    """23:59 Japan time on ``day``."""
    return datetime.combine(day, DEADLINE_TIME, tzinfo=JST)


def _shift(now: datetime) -> timedelta:
    """How far the 2020 dates move so that ``DEMO_TODAY`` falls on ``now``'s day in Japan."""
    return now.astimezone(JST).date() - DEMO_TODAY


def _without_ids(data: Any) -> Any:
    """``data`` with StreamField block ids removed, which are new each time a stream is assigned."""
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    return data


def _content(page: Page) -> Any:
    """What a revision of ``page`` would hold, minus bookkeeping, for telling whether it changed."""
    data = {key: value for key, value in page.serializable_data().items() if key not in _VOLATILE}
    for field in page._meta.concrete_fields:
        if isinstance(field, StreamField) and isinstance(data.get(field.name), str):
            data[field.name] = json.loads(data[field.name])  # streams are serialised as JSON text
    return _without_ids(data)


def _save_page(parent: Page, page: Page, fields: dict[str, Any]) -> Page:
    """Create ``page`` under ``parent`` or update it with ``fields``; publish when new or changed.

    ``page`` is either an existing page (found by slug) or an unsaved instance.
    """
    if page.pk is None:
        for name, value in fields.items():
            setattr(page, name, value)
        page = parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    before = _content(page)
    for name, value in fields.items():
        setattr(page, name, value)
    if _content(page) != before or not page.live:
        page.save_revision().publish()
    return page


def ensure_organisation(spec: dict[str, str]) -> Organisation:
    """Create or update the organisation of ``spec``, found by slug (or by its unique name)."""
    organisation = (
        Organisation.objects.filter(slug=spec["slug"]).first()
        or Organisation.objects.filter(name=spec["name"]).first()
        or Organisation()
    )
    for name, value in spec.items():
        setattr(organisation, name, value)
    organisation.save()
    return organisation


def ensure_categories() -> dict[str, TaskCategory]:
    """Create or update the ten task categories of the 2020 call, keyed by slug."""
    categories = {}
    for order, spec in enumerate(CATEGORIES, start=1):
        category = (
            TaskCategory.objects.filter(slug=spec["slug"]).first()
            or TaskCategory.objects.filter(name=spec["name"]).first()
            or TaskCategory()
        )
        for name, value in spec.items():
            setattr(category, name, value)
        category.sort_order = order
        category.save()
        categories[spec["slug"]] = category
    return categories


def ensure_call_index(home: HomePage) -> CallIndexPage:
    """Create or update the site's one call index under the home page."""
    index = (
        CallIndexPage.objects.child_of(home).filter(slug=CALL_INDEX["slug"]).first()
        or CallIndexPage.objects.child_of(home).first()
        or CallIndexPage()
    )
    return _save_page(home, index, CALL_INDEX)


def ensure_call(
    city: CityPage,
    organisation: Organisation,
    spec: dict[str, Any],
    roles: list[dict[str, Any]],
    categories: dict[str, TaskCategory],
    *,
    shift: timedelta,
    now: datetime,
) -> CallPage:
    """Create or update one call and its roles.

    A role's deadline is its 2020 ``deadline`` moved by ``shift``, or ``days_after`` days
    after ``now``'s day; 23:59 Japan time in both cases. Roles with 2020 dates open on the
    day the call was announced (moved likewise).
    """
    call = CallPage.objects.child_of(city).filter(slug=spec["slug"]).first() or CallPage(slug=spec["slug"])
    fields = {name: spec[name] for name in CALL_FIELDS}
    fields["organisation"] = organisation
    fields["timeline"] = [
        (
            "step",
            {
                "label": step["label"],
                "label_en": step["label_en"],
                "starts_on": step["starts_on"] + shift,
                "ends_on": step["ends_on"] + shift if step["ends_on"] else None,
            },
        )
        for step in spec["timeline"]
    ]
    call = _save_page(city, call, fields)

    today = now.astimezone(JST).date()
    for role_spec in roles:
        category = categories[role_spec["category"]]
        if "deadline" in role_spec:
            closes_at = _deadline(role_spec["deadline"] + shift)
            opens_at = datetime.combine(CALL_OPENED + shift, time(0, 0), tzinfo=JST)
        else:
            closes_at = _deadline(today + timedelta(days=role_spec["days_after"]))
            opens_at = None
        slug = category.slug
        role = RolePage.objects.child_of(call).filter(slug=slug).first() or RolePage(slug=slug)
        fields = {name: role_spec[name] for name in ROLE_FIELDS}
        fields.update(category=category, opens_at=opens_at, closes_at=closes_at, rubric=category.rubric.raw_data)
        if role.pk is not None:
            moved = copy.copy(role)
            moved.opens_at, moved.closes_at = opens_at, closes_at
            if extension_refusal(moved):  # its shortlist is with the city: reloading keeps its dates
                fields.update(opens_at=role.opens_at, closes_at=role.closes_at)
        _save_page(call, role, fields)
    return call


def ensure_kobe_demo(*, now: datetime | None = None) -> CallPage:
    """Create or update the Kobe 2020 demo call and the smaller Miki call; return the Kobe call.

    Also makes sure the site content (home page), the call index and each city (its folder
    of calls, groups and workflow: ``recruitment.cities``) exist. ``now`` (default:
    the current time) decides where the deadlines fall: one Kobe role closed, one closing
    within 72 hours, the others 5 to 22 days ahead.
    """
    now = now or timezone.now()
    home = ensure_site_content()
    ensure_call_index(home)
    organisations = {spec["slug"]: ensure_organisation(spec) for spec in ORGANISATIONS}
    cities = {slug: city_ensure(organisation=organisation) for slug, organisation in organisations.items()}
    categories = ensure_categories()
    shift = _shift(now)
    kobe = ensure_call(cities["kobe"], organisations["kobe"], KOBE_CALL, KOBE_ROLES, categories, shift=shift, now=now)
    ensure_call(cities["miki"], organisations["miki"], MIKI_CALL, MIKI_ROLES, categories, shift=shift, now=now)
    return kobe


def demo_calls() -> list[CallPage]:
    """The demo calls as loaded, Kobe first (those that exist)."""
    calls = {call.slug: call for call in CallPage.objects.filter(slug__in=[KOBE_CALL["slug"], MIKI_CALL["slug"]])}
    return [calls[slug] for slug in (KOBE_CALL["slug"], MIKI_CALL["slug"]) if slug in calls]
