"""The site's standing content: home page, settings and standard pages, as code.

Run by ``load_site_content`` (``make run``) and by tests. Idempotent: pages are
found by slug and updated, never duplicated.
"""

from __future__ import annotations

from typing import Any

from wagtail.models import Page, Site

from .models import ContentPage, HomePage, SiteSettings

HOME = {
    "title": "神戸市 広報分野の副業人材 募集ポータル",
    "title_en": "Side-job professionals for public relations: call portal",
    "intro": "自治体の仕事を、あなたの専門性で。オンラインで働ける副業・兼業の募集を掲載しています。"
    "募集ごとに業務内容・人数・締切が異なります。締切までに応募を完了してください。",
    "intro_en": "Bring your professional skills to municipal work. We publish calls for side-job "
    "professionals who work online. Each role has its own duties, headcount and deadline; "
    "applications must be completed before the deadline.",
}

PAGES: list[dict[str, Any]] = [
    {
        "slug": "about",
        "title": "このサイトについて",
        "title_en": "About this site",
        "intro": "自治体が副業・兼業の専門人材を公募し、応募・選考を行うためのサイトです。",
        "intro_en": "Municipalities use this site to call for side-job professionals and to run the selection.",
        "body": [
            ("heading", {"text": "応募の流れ", "level": "h2"}),
            (
                "paragraph",
                "<ol><li>募集と業務を選ぶ</li><li>応募フォームに入力(途中保存できます)</li>"
                "<li>受付番号をメールで受け取る</li><li>書類選考・オンライン面談</li></ol>",
            ),
        ],
        "body_en": [
            ("heading", {"text": "How applying works", "level": "h2"}),
            (
                "paragraph",
                "<ol><li>Choose a call and its roles</li><li>Fill in the form (you can save a draft)</li>"
                "<li>Receive your reference number by email</li>"
                "<li>Document screening and an online interview</li></ol>",
            ),
        ],
    },
    {
        "slug": "privacy",
        "title": "個人情報の取扱い",
        "title_en": "Personal data",
        "intro": "応募で預かる個人情報は、選考と連絡のためだけに使い、次の期間が過ぎたら自動で削除または匿名化します。",
        "intro_en": "Personal data given in an application is used only for selection and contact, "
        "and is deleted or anonymised automatically when the periods below end.",
        "body": [
            (
                "paragraph",
                "<p>各募集の個人情報の取扱いは、応募フォームで募集ごとに示し、同意をいただきます。"
                "選考を受託した事業者は、担当する募集の応募情報のみを閲覧できます。閲覧と出力はすべて記録されます。</p>",
            ),
            ("heading", {"text": "保存する期間", "level": "h2"}),
            (
                "paragraph",
                "<ul>"
                "<li>途中保存した応募(下書き): 選んだ業務の締切まで(最長30日)。過ぎたものは毎日削除します。"
                "下書きの添付ファイルは、1日操作がなければ削除します(もう一度添付してください)。</li>"
                "<li>選考のために作成した資料(PDF・CSV): 作成から30日で削除します。作成者と日時の記録は残ります。</li>"
                "<li>応募: 募集の最後の業務の採否が決まってから、募集ごとに定める保存期間(定めがなければ365日)の後に、"
                "氏名・ふりがな・メールアドレス・電話番号・郵便番号・市区町村・回答と自由記述・選考のメモとコメントを匿名化し、"
                "添付ファイルを削除します。都道府県、選考の状況と点数は、個人を特定できない統計として残します。</li>"
                "</ul>",
            ),
            ("heading", {"text": "ご自身で削除する", "level": "h2"}),
            (
                "paragraph",
                "<p>受付メールのリンクから、選考の決定前であれば、いつでも応募を取り下げて個人情報を削除できます"
                "(すぐに匿名化し、添付ファイルを削除します。作成済みの選考資料は30日以内に削除されます)。"
                "決定後のご依頼は市の承認者に届き、市からメールでお返事します。"
                "受付メールのリンクは、最後の採否の決定(または取り下げ)から30日後まで使えます。その後も、"
                "「応募内容の確認リンクの再送」(/apply/manage/)から、応募に使ったメールアドレスに新しいリンク"
                "(7日間有効)を送れます。</p>",
            ),
            ("heading", {"text": "お送りするメール", "level": "h2"}),
            (
                "paragraph",
                "<p>メールアドレスの確認コード(応募の送信前に、入力したアドレスに送ります)、"
                "受付、途中保存のリンク、締切の72時間前と24時間前のお知らせ(メールアドレスを入力した下書きのみ)、"
                "書類選考の結果、締切から一定の日数(定めがなければ21日)が過ぎても結果が出ていない場合の選考中のお知らせ、"
                "採否の結果をお送りします。</p>",
            ),
        ],
        "body_en": [
            (
                "paragraph",
                "<p>Each call states its own notice in the application form and asks for consent. "
                "Screening contractors see only the calls assigned to them; every view and export is logged.</p>",
            ),
            ("heading", {"text": "How long we keep it", "level": "h2"}),
            (
                "paragraph",
                "<ul>"
                "<li>Saved drafts: until the roles you chose close (30 days at most); expired drafts are deleted "
                "every day. A draft's attached files are deleted after a day without use (attach them again).</li>"
                "<li>Documents made for the selection (PDF, CSV): deleted 30 days after they were made; "
                "the record of who made them and when stays.</li>"
                "<li>Applications: once the last role of the call has been decided, after the call's "
                "retention period (365 days unless the call states otherwise), names, kana, email, phone, "
                "postal code, city, answers and free text, and screeners' notes and comments are anonymised "
                "and attached files deleted. The prefecture, statuses and scores remain as anonymous "
                "statistics.</li>"
                "</ul>",
            ),
            ("heading", {"text": "Erasing your data yourself", "level": "h2"}),
            (
                "paragraph",
                "<p>Before a decision, the link in your confirmation email lets you withdraw and erase your data "
                "at once (anonymised immediately, files deleted; selection documents already made are deleted "
                "within 30 days). "
                "After a decision, your request goes to the city's approvers, who answer you by email. "
                "The link in the confirmation email works until 30 days after the last decision (or withdrawal); "
                "after that, ask for a new link (valid 7 days) at /apply/manage/: it is sent to the address you "
                "applied with.</p>",
            ),
            ("heading", {"text": "Emails we send", "level": "h2"}),
            (
                "paragraph",
                "<p>The confirmation code for your email address (sent to it before you send the application), "
                "the receipt, the link to a saved draft, reminders 72 and 24 hours before the deadline (only for "
                "drafts with an email address), the result of the document screening, a notice that we are still "
                "reviewing when a role has been closed for a set number of days (21 unless the call states otherwise) "
                "without a result, and the final result.</p>",
            ),
        ],
    },
    {
        "slug": "accessibility",
        "title": "ウェブアクセシビリティ方針",
        "title_en": "Accessibility policy",
        "intro": "このサイトは JIS X 8341-3:2016 の適合レベル AA に準拠することを目標としています。",
        "intro_en": "This site aims to conform to JIS X 8341-3:2016 level AA.",
        "body": [
            (
                "paragraph",
                "<p>すべての公開ページと応募フォームの各ステップを、自動試験(axe)で毎回検査しています。"
                "お気づきの点は、ページ下部の問い合わせ先までお知らせください。</p>",
            ),
        ],
        "body_en": [
            (
                "paragraph",
                "<p>Every public page and every step of the application form is checked "
                "automatically (axe) on each change. Please tell us of any problem through the contact below.</p>",
            ),
        ],
    },
]


def ensure_home_page() -> HomePage:
    """Return the site's HomePage, replacing Wagtail's placeholder welcome page on first run."""
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if home is None:
        placeholder = Page.objects.filter(depth=2, slug="home").exclude(content_type__model="homepage").first()
        if placeholder:
            placeholder.slug = "home-placeholder"
            placeholder.save()
        home = root.add_child(instance=HomePage(title=HOME["title"], slug="home"))
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Kōbo")
        else:
            site.root_page = home
            site.save()
        if placeholder:
            placeholder.delete()
    for field in ("title", "title_en", "intro", "intro_en"):
        setattr(home, field, HOME[field])
    home.save_revision().publish()
    return home


def ensure_site_content() -> HomePage:
    """Create or update the home page, the site settings and the standard content pages."""
    home = ensure_home_page()
    pages = {}
    for spec in PAGES:
        page = ContentPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if page is None:
            page = home.add_child(instance=ContentPage(title=spec["title"], slug=spec["slug"]))
        for field in ("title", "title_en", "intro", "intro_en", "body", "body_en"):
            setattr(page, field, spec[field])
        page.save_revision().publish()
        pages[spec["slug"]] = page

    site = Site.objects.get(is_default_site=True)
    settings = SiteSettings.for_site(site)
    settings.site_name = "Kōbo 公募"
    settings.site_name_en = "Kōbo"
    settings.organisation = "神戸市 企画調整局 広報戦略部(デモ)"
    settings.contact_email = "kobo-demo@example.jp"
    settings.contact_phone = "078-000-0000"
    settings.contact_hours = "平日 9:00〜17:00"
    settings.footer_links = [
        ("link", {"label": page.title, "label_en": page.title_en, "page": page, "url": ""}) for page in pages.values()
    ]
    settings.save()
    return home
