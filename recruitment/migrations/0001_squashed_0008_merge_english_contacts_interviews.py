from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import modelsearch.index
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

import cms.page_cache


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("recruitment", "0001_initial"),
        ("recruitment", "0002_callpage_shortlist_factor"),
        ("recruitment", "0002_cities_and_teams"),
        ("recruitment", "0003_call_notice_and_retention_periods"),
        ("recruitment", "0004_merge_cities_and_screening_fields"),
        ("recruitment", "0005_organisation_prefecture_and_call_results"),
        ("recruitment", "0006_search_readings"),
        ("recruitment", "0007_callpage_contractor_runs_interviews"),
        ("recruitment", "0007_english_versions"),
        ("recruitment", "0007_organisation_contact_and_sender"),
        ("recruitment", "0007_role_interview_rubric"),
        ("recruitment", "0008_merge_english_contacts_interviews"),
    ]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="CallIndexPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True,
                        help_text="英語版サイトで表示するタイトル。空欄なら日本語のタイトルを表示します。",
                        max_length=255,
                        verbose_name="英語タイトル English title",
                    ),
                ),
                ("intro", models.TextField(blank=True, verbose_name="導入文 Introduction")),
                ("intro_en", models.TextField(blank=True, verbose_name="英語の導入文 English introduction")),
            ],
            options={
                "verbose_name": "募集一覧 Call index",
            },
            bases=(cms.page_cache.PublicCacheMixin, "wagtailcore.page"),
        ),
        migrations.CreateModel(
            name="TaskCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="名称 Name")),
                ("name_en", models.CharField(blank=True, max_length=100, verbose_name="英語名 English name")),
                ("slug", models.SlugField(unique=True)),
                ("description", models.TextField(blank=True, verbose_name="説明 Description")),
                ("description_en", models.TextField(blank=True, verbose_name="英語の説明 English description")),
                (
                    "rubric",
                    wagtail.fields.StreamField(
                        [("criterion", 5)],
                        blank=True,
                        block_lookup={
                            0: ("wagtail.blocks.CharBlock", (), {"label": "評価項目 Criterion"}),
                            1: ("wagtail.blocks.CharBlock", (), {"label": "英語名 English name", "required": False}),
                            2: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {"label": "評価の目安 What to look for", "required": False},
                            ),
                            3: (
                                "wagtail.blocks.DecimalBlock",
                                (),
                                {
                                    "decimal_places": 2,
                                    "default": 1,
                                    "label": "重み Weight",
                                    "max_digits": 4,
                                    "min_value": 0,
                                },
                            ),
                            4: (
                                "wagtail.blocks.IntegerBlock",
                                (),
                                {"default": 5, "label": "満点 Maximum score", "max_value": 10, "min_value": 1},
                            ),
                            5: (
                                "wagtail.blocks.StructBlock",
                                [[("name", 0), ("name_en", 1), ("description", 2), ("weight", 3), ("max_score", 4)]],
                                {},
                            ),
                        },
                        help_text="新しい業務はこの評価基準で始まります(業務ごとに変更できます)。",
                        verbose_name="標準の評価基準 Default rubric",
                    ),
                ),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="表示順 Order")),
                ("search_reading", models.TextField(blank=True, default="", editable=False)),
            ],
            options={
                "verbose_name": "業務カテゴリ Task category",
                "verbose_name_plural": "業務カテゴリ Task categories",
                "ordering": ["sort_order", "name"],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(help_text="例: 神戸市", max_length=100, unique=True, verbose_name="名称 Name"),
                ),
                (
                    "name_en",
                    models.CharField(
                        blank=True, help_text="e.g. City of Kobe", max_length=100, verbose_name="英語名 English name"
                    ),
                ),
                ("slug", models.SlugField(unique=True)),
                ("url", models.URLField(blank=True, verbose_name="ウェブサイト Website")),
                (
                    "reference_prefix",
                    models.CharField(
                        default="KOBO",
                        help_text="応募の受付番号の先頭に付く英大文字 (例: KOBE → KOBE-7K3M9Q)",
                        max_length=8,
                        verbose_name="受付番号の接頭辞 Reference prefix",
                    ),
                ),
                (
                    "contact",
                    models.TextField(
                        blank=True,
                        help_text="担当部署・電話番号など、応募者と受託事業者への連絡先。",
                        verbose_name="連絡先 Contact",
                    ),
                ),
                (
                    "contact_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="連絡先メール Contact email"),
                ),
                (
                    "contact_department",
                    models.CharField(
                        blank=True,
                        help_text="例: 企画調整局 広報戦略部",
                        max_length=200,
                        verbose_name="担当部署 Contact department",
                    ),
                ),
                (
                    "contact_phone",
                    models.CharField(
                        blank=True, help_text="例: 078-000-0000", max_length=30, verbose_name="電話番号 Contact phone"
                    ),
                ),
                (
                    "contact_hours",
                    models.CharField(
                        blank=True,
                        help_text="例: 平日 9:00〜17:00",
                        max_length=100,
                        verbose_name="受付時間 Contact hours",
                    ),
                ),
                (
                    "mail_sender_name",
                    models.CharField(
                        blank=True,
                        help_text="応募者へのメールの差出人として表示する名前。空欄なら団体名。 Empty: the organisation's name.",
                        max_length=100,
                        verbose_name="メールの差出人名 Mail sender name",
                    ),
                ),
                (
                    "reply_to_email",
                    models.EmailField(
                        blank=True,
                        help_text="応募者がメールに返信したときの宛先。空欄なら連絡先メール。 Empty: the contact email.",
                        max_length=254,
                        verbose_name="返信先メール Reply-To",
                    ),
                ),
                (
                    "prefecture",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("01", "01 北海道"),
                            ("02", "02 青森県"),
                            ("03", "03 岩手県"),
                            ("04", "04 宮城県"),
                            ("05", "05 秋田県"),
                            ("06", "06 山形県"),
                            ("07", "07 福島県"),
                            ("08", "08 茨城県"),
                            ("09", "09 栃木県"),
                            ("10", "10 群馬県"),
                            ("11", "11 埼玉県"),
                            ("12", "12 千葉県"),
                            ("13", "13 東京都"),
                            ("14", "14 神奈川県"),
                            ("15", "15 新潟県"),
                            ("16", "16 富山県"),
                            ("17", "17 石川県"),
                            ("18", "18 福井県"),
                            ("19", "19 山梨県"),
                            ("20", "20 長野県"),
                            ("21", "21 岐阜県"),
                            ("22", "22 静岡県"),
                            ("23", "23 愛知県"),
                            ("24", "24 三重県"),
                            ("25", "25 滋賀県"),
                            ("26", "26 京都府"),
                            ("27", "27 大阪府"),
                            ("28", "28 兵庫県"),
                            ("29", "29 奈良県"),
                            ("30", "30 和歌山県"),
                            ("31", "31 鳥取県"),
                            ("32", "32 島根県"),
                            ("33", "33 岡山県"),
                            ("34", "34 広島県"),
                            ("35", "35 山口県"),
                            ("36", "36 徳島県"),
                            ("37", "37 香川県"),
                            ("38", "38 愛媛県"),
                            ("39", "39 高知県"),
                            ("40", "40 福岡県"),
                            ("41", "41 佐賀県"),
                            ("42", "42 長崎県"),
                            ("43", "43 熊本県"),
                            ("44", "44 大分県"),
                            ("45", "45 宮崎県"),
                            ("46", "46 鹿児島県"),
                            ("47", "47 沖縄県"),
                        ],
                        help_text="例: 28 兵庫県",
                        max_length=2,
                        verbose_name="都道府県 Prefecture",
                    ),
                ),
                (
                    "approvers_group",
                    models.OneToOneField(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="auth.group",
                    ),
                ),
                (
                    "editors_group",
                    models.OneToOneField(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="auth.group",
                    ),
                ),
            ],
            options={
                "verbose_name": "団体 Organisation",
                "verbose_name_plural": "団体 Organisations",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="CityPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True,
                        help_text="英語版サイトで表示するタイトル。空欄なら日本語のタイトルを表示します。",
                        max_length=255,
                        verbose_name="英語タイトル English title",
                    ),
                ),
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="city_page",
                        to="recruitment.organisation",
                        verbose_name="団体 Organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "団体の募集 City's calls",
            },
            bases=("wagtailcore.page",),
        ),
        migrations.CreateModel(
            name="CallPage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True,
                        help_text="英語版サイトで表示するタイトル。空欄なら日本語のタイトルを表示します。",
                        max_length=255,
                        verbose_name="英語タイトル English title",
                    ),
                ),
                ("department", models.CharField(blank=True, max_length=200, verbose_name="担当部署 Department")),
                (
                    "department_en",
                    models.CharField(blank=True, max_length=200, verbose_name="英語の担当部署 English department"),
                ),
                (
                    "summary",
                    models.TextField(help_text="一覧と検索結果に表示する2〜3文の紹介。", verbose_name="概要 Summary"),
                ),
                ("summary_en", models.TextField(blank=True, verbose_name="英語の概要 English summary")),
                (
                    "body",
                    wagtail.fields.StreamField(
                        [("heading", 2), ("paragraph", 3), ("image", 7), ("table", 8), ("faq", 11)],
                        blank=True,
                        block_lookup={
                            0: ("wagtail.blocks.CharBlock", (), {"label": "見出し Heading"}),
                            1: (
                                "wagtail.blocks.ChoiceBlock",
                                [],
                                {"choices": [("h2", "h2"), ("h3", "h3"), ("h4", "h4")], "label": "レベル Level"},
                            ),
                            2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                            3: (
                                "wagtail.blocks.RichTextBlock",
                                (),
                                {"features": ["bold", "link", "ol", "ul", "document-link"], "label": "段落 Paragraph"},
                            ),
                            4: ("wagtail.images.blocks.ImageChooserBlock", (), {"label": "画像 Image"}),
                            5: (
                                "wagtail.blocks.CharBlock",
                                (),
                                {
                                    "help_text": "画像の内容を文章で説明してください。装飾だけの画像なら「装飾」と入力。",
                                    "label": "代替テキスト Alt text",
                                },
                            ),
                            6: ("wagtail.blocks.CharBlock", (), {"label": "キャプション Caption", "required": False}),
                            7: ("wagtail.blocks.StructBlock", [[("image", 4), ("alt", 5), ("caption", 6)]], {}),
                            8: ("wagtail.contrib.table_block.blocks.TableBlock", (), {"label": "表 Table"}),
                            9: ("wagtail.blocks.CharBlock", (), {"label": "質問 Question"}),
                            10: (
                                "wagtail.blocks.RichTextBlock",
                                (),
                                {"features": ["bold", "link", "ol", "ul"], "label": "回答 Answer"},
                            ),
                            11: ("wagtail.blocks.StructBlock", [[("question", 9), ("answer", 10)]], {}),
                        },
                        verbose_name="本文 Body",
                    ),
                ),
                (
                    "body_en",
                    wagtail.fields.StreamField(
                        [("heading", 2), ("paragraph", 3), ("image", 7), ("table", 8), ("faq", 11)],
                        blank=True,
                        block_lookup={
                            0: ("wagtail.blocks.CharBlock", (), {"label": "見出し Heading"}),
                            1: (
                                "wagtail.blocks.ChoiceBlock",
                                [],
                                {"choices": [("h2", "h2"), ("h3", "h3"), ("h4", "h4")], "label": "レベル Level"},
                            ),
                            2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                            3: (
                                "wagtail.blocks.RichTextBlock",
                                (),
                                {"features": ["bold", "link", "ol", "ul", "document-link"], "label": "段落 Paragraph"},
                            ),
                            4: ("wagtail.images.blocks.ImageChooserBlock", (), {"label": "画像 Image"}),
                            5: (
                                "wagtail.blocks.CharBlock",
                                (),
                                {
                                    "help_text": "画像の内容を文章で説明してください。装飾だけの画像なら「装飾」と入力。",
                                    "label": "代替テキスト Alt text",
                                },
                            ),
                            6: ("wagtail.blocks.CharBlock", (), {"label": "キャプション Caption", "required": False}),
                            7: ("wagtail.blocks.StructBlock", [[("image", 4), ("alt", 5), ("caption", 6)]], {}),
                            8: ("wagtail.contrib.table_block.blocks.TableBlock", (), {"label": "表 Table"}),
                            9: ("wagtail.blocks.CharBlock", (), {"label": "質問 Question"}),
                            10: (
                                "wagtail.blocks.RichTextBlock",
                                (),
                                {"features": ["bold", "link", "ol", "ul"], "label": "回答 Answer"},
                            ),
                            11: ("wagtail.blocks.StructBlock", [[("question", 9), ("answer", 10)]], {}),
                        },
                        help_text="本文(よくある質問を含む)の英語版。空欄なら英語版サイトは日本語の本文を表示します。",
                        verbose_name="英語の本文 English body",
                    ),
                ),
                ("eligibility", wagtail.fields.RichTextField(blank=True, verbose_name="応募資格 Eligibility")),
                (
                    "eligibility_en",
                    wagtail.fields.RichTextField(blank=True, verbose_name="英語の応募資格 English eligibility"),
                ),
                ("online_work", models.BooleanField(default=True, verbose_name="オンラインで業務 Work online")),
                (
                    "contract_form",
                    models.CharField(default="業務委託", max_length=100, verbose_name="契約形態 Contract"),
                ),
                (
                    "contract_form_en",
                    models.CharField(
                        blank=True,
                        help_text="e.g. Service contract",
                        max_length=100,
                        verbose_name="英語の契約形態 English contract",
                    ),
                ),
                (
                    "pay_summary",
                    models.CharField(
                        blank=True,
                        help_text="例: 成果報酬 月1万〜10万円(業務により異なる)",
                        max_length=200,
                        verbose_name="報酬 Pay",
                    ),
                ),
                ("pay_summary_en", models.CharField(blank=True, max_length=200, verbose_name="英語の報酬 English pay")),
                (
                    "term_summary",
                    models.CharField(
                        blank=True, help_text="例: 1日〜約5か月", max_length=200, verbose_name="契約期間 Term"
                    ),
                ),
                (
                    "term_summary_en",
                    models.CharField(blank=True, max_length=200, verbose_name="英語の契約期間 English term"),
                ),
                ("selection_process", wagtail.fields.RichTextField(blank=True, verbose_name="選考方法 Selection")),
                (
                    "selection_process_en",
                    wagtail.fields.RichTextField(blank=True, verbose_name="英語の選考方法 English selection"),
                ),
                (
                    "timeline",
                    wagtail.fields.StreamField(
                        [("step", 4)],
                        blank=True,
                        block_lookup={
                            0: (
                                "wagtail.blocks.CharBlock",
                                (),
                                {"help_text": "例: 募集期間、書類選考、オンライン面談、業務開始", "label": "段階 Step"},
                            ),
                            1: ("wagtail.blocks.CharBlock", (), {"label": "英語 English", "required": False}),
                            2: ("wagtail.blocks.DateBlock", (), {"label": "開始日 From"}),
                            3: ("wagtail.blocks.DateBlock", (), {"label": "終了日 To", "required": False}),
                            4: (
                                "wagtail.blocks.StructBlock",
                                [[("label", 0), ("label_en", 1), ("starts_on", 2), ("ends_on", 3)]],
                                {},
                            ),
                        },
                        verbose_name="選考スケジュール Timeline",
                    ),
                ),
                ("contact", models.TextField(blank=True, verbose_name="問い合わせ先 Contact")),
                ("contact_en", models.TextField(blank=True, verbose_name="英語の問い合わせ先 English contact")),
                (
                    "contact_email",
                    models.EmailField(blank=True, max_length=254, verbose_name="問い合わせメール Contact email"),
                ),
                (
                    "personal_data_notice",
                    wagtail.fields.RichTextField(
                        help_text="応募フォームで表示し、同意を得る文面。変更すると版が上がります。",
                        verbose_name="個人情報の取扱い Personal-data notice",
                    ),
                ),
                (
                    "personal_data_notice_en",
                    wagtail.fields.RichTextField(
                        blank=True,
                        help_text="英語で応募する人に表示し、同意を得る文面。空欄なら日本語の文面を表示します。変更すると版が上がります。",
                        verbose_name="英語の個人情報の取扱い English personal-data notice",
                    ),
                ),
                (
                    "personal_data_notice_version",
                    models.PositiveIntegerField(default=1, editable=False, verbose_name="通知の版 Notice version"),
                ),
                (
                    "english_fallback",
                    models.CharField(
                        choices=[
                            (
                                "notice",
                                "日本語の文面に「英語版はありません。日本語の文面が正式です」と添える Notice + Japanese",
                            ),
                            ("plain", "日本語の文面をそのまま表示する Japanese text as it is"),
                        ],
                        default="notice",
                        help_text="英語版サイトで、英語の欄が空欄の項目をどう表示するか。空の項目は表示しません。 How the English site shows a text with no English version (never an empty section).",
                        max_length=10,
                        verbose_name="英語版がない項目 Untranslated texts",
                    ),
                ),
                (
                    "blind_review",
                    models.BooleanField(
                        default=True,
                        help_text="審査者に氏名・連絡先を見せない(候補に残るまで)。",
                        verbose_name="匿名審査 Blind review",
                    ),
                ),
                (
                    "shortlist_factor",
                    models.DecimalField(
                        decimal_places=1,
                        default=Decimal("2"),
                        help_text="業務ごとに「募集人数 × 倍率」人まで候補に残せます。 Up to headcount × factor per role.",
                        max_digits=3,
                        validators=[
                            django.core.validators.MinValueValidator(
                                Decimal("1"), "倍率は1以上にしてください。 The factor must be at least 1."
                            )
                        ],
                        verbose_name="候補の倍率 Shortlist factor",
                    ),
                ),
                (
                    "contractor_runs_interviews",
                    models.BooleanField(
                        default=False,
                        help_text="オンにすると、この募集に割り当てられた受託事業者も面接の日程を公開・締切できます(通常は市の承認者)。 The assigned contractor may open and close interview rounds too.",
                        verbose_name="受託事業者が面接を運営 Contractor runs interviews",
                    ),
                ),
                (
                    "still_reviewing_days",
                    models.PositiveSmallIntegerField(
                        default=21,
                        help_text="締切からこの日数が過ぎても書類選考の結果が出ていない業務の応募者に、選考中であることを知らせます。",
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="選考中のお知らせ(日) Still-reviewing notice (days)",
                    ),
                ),
                (
                    "retention_days",
                    models.PositiveSmallIntegerField(
                        default=365,
                        help_text="最後の業務の採否決定からこの日数が過ぎると、応募者の氏名・連絡先・自由記述を匿名化し、添付ファイルを削除します。",
                        validators=[django.core.validators.MinValueValidator(30)],
                        verbose_name="個人情報の保存期間(日) Retention (days)",
                    ),
                ),
                (
                    "results_published",
                    models.BooleanField(
                        default=False,
                        help_text="応募者数・倍率・採用者数を公開ページとオープンデータで公開します(5未満の数は伏せます)。",
                        verbose_name="応募状況・選考結果を公開 Publish results",
                    ),
                ),
                (
                    "results_note",
                    models.TextField(
                        blank=True,
                        help_text="公開ページの数字の上に表示する短い説明。",
                        verbose_name="結果のお知らせ Results note",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calls",
                        to="recruitment.organisation",
                        verbose_name="団体 Organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "募集 Call",
            },
            bases=(cms.page_cache.PublicCacheMixin, "wagtailcore.page"),
        ),
        migrations.CreateModel(
            name="RolePage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to=settings.WAGTAIL_PAGE_MODEL,
                    ),
                ),
                (
                    "title_en",
                    models.CharField(
                        blank=True,
                        help_text="英語版サイトで表示するタイトル。空欄なら日本語のタイトルを表示します。",
                        max_length=255,
                        verbose_name="英語タイトル English title",
                    ),
                ),
                (
                    "headcount",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[
                            django.core.validators.MinValueValidator(
                                1, "募集人数は1人以上にしてください。 Headcount must be at least 1."
                            )
                        ],
                        verbose_name="募集人数 Headcount",
                    ),
                ),
                (
                    "opens_at",
                    models.DateTimeField(
                        blank=True, help_text="空欄なら公開と同時に受付開始。", null=True, verbose_name="受付開始 Opens"
                    ),
                ),
                (
                    "closes_at",
                    models.DateTimeField(
                        db_index=True,
                        help_text="日本時間。この時刻までに応募を完了したものだけを受け付けます。",
                        verbose_name="締切 Deadline",
                    ),
                ),
                ("summary", models.TextField(blank=True, verbose_name="概要 Summary")),
                ("summary_en", models.TextField(blank=True, verbose_name="英語の概要 English summary")),
                ("duties", wagtail.fields.RichTextField(verbose_name="業務内容 Duties")),
                ("duties_en", wagtail.fields.RichTextField(blank=True, verbose_name="英語の業務内容 English duties")),
                ("deliverables", wagtail.fields.RichTextField(blank=True, verbose_name="成果物 Deliverables")),
                (
                    "deliverables_en",
                    wagtail.fields.RichTextField(blank=True, verbose_name="英語の成果物 English deliverables"),
                ),
                (
                    "requirements",
                    wagtail.fields.RichTextField(blank=True, verbose_name="求めるスキル・経験 Requirements"),
                ),
                (
                    "requirements_en",
                    wagtail.fields.RichTextField(
                        blank=True, verbose_name="英語の求めるスキル・経験 English requirements"
                    ),
                ),
                (
                    "hours_min",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="週の稼働時間(下限) Hours/week from"
                    ),
                ),
                (
                    "hours_max",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="週の稼働時間(上限) Hours/week to"
                    ),
                ),
                (
                    "work_style",
                    models.CharField(
                        choices=[("online", "Online"), ("partly_on_site", "Partly on site")],
                        default="online",
                        max_length=20,
                        verbose_name="働き方 Work style",
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        blank=True, help_text="例: 2020年11月〜2021年3月", max_length=100, verbose_name="契約期間 Term"
                    ),
                ),
                ("term_en", models.CharField(blank=True, max_length=100, verbose_name="英語の契約期間 English term")),
                (
                    "pay_text",
                    models.CharField(
                        help_text="例: 1記事6,000円(月6記事程度)", max_length=200, verbose_name="報酬 Pay"
                    ),
                ),
                (
                    "pay_text_en",
                    models.CharField(
                        blank=True,
                        help_text="e.g. ¥6,000 per article (about 6 a month)",
                        max_length=200,
                        verbose_name="英語の報酬 English pay",
                    ),
                ),
                (
                    "pay_min",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="報酬の下限(円) Pay from (yen)"),
                ),
                (
                    "pay_max",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="報酬の上限(円) Pay to (yen)"),
                ),
                (
                    "pay_basis",
                    models.CharField(
                        blank=True,
                        choices=[("month", "per month"), ("piece", "per piece"), ("project", "per project")],
                        max_length=10,
                        verbose_name="報酬の単位 Pay basis",
                    ),
                ),
                (
                    "rubric",
                    wagtail.fields.StreamField(
                        [("criterion", 5)],
                        blank=True,
                        block_lookup={
                            0: ("wagtail.blocks.CharBlock", (), {"label": "評価項目 Criterion"}),
                            1: ("wagtail.blocks.CharBlock", (), {"label": "英語名 English name", "required": False}),
                            2: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {"label": "評価の目安 What to look for", "required": False},
                            ),
                            3: (
                                "wagtail.blocks.DecimalBlock",
                                (),
                                {
                                    "decimal_places": 2,
                                    "default": 1,
                                    "label": "重み Weight",
                                    "max_digits": 4,
                                    "min_value": 0,
                                },
                            ),
                            4: (
                                "wagtail.blocks.IntegerBlock",
                                (),
                                {"default": 5, "label": "満点 Maximum score", "max_value": 10, "min_value": 1},
                            ),
                            5: (
                                "wagtail.blocks.StructBlock",
                                [[("name", 0), ("name_en", 1), ("description", 2), ("weight", 3), ("max_score", 4)]],
                                {},
                            ),
                        },
                        help_text="空欄で保存すると業務カテゴリの標準の評価基準が入ります。",
                        verbose_name="評価基準 Rubric",
                    ),
                ),
                (
                    "interview_rubric",
                    wagtail.fields.StreamField(
                        [("criterion", 5)],
                        blank=True,
                        block_lookup={
                            0: ("wagtail.blocks.CharBlock", (), {"label": "評価項目 Criterion"}),
                            1: ("wagtail.blocks.CharBlock", (), {"label": "英語名 English name", "required": False}),
                            2: (
                                "wagtail.blocks.TextBlock",
                                (),
                                {"label": "評価の目安 What to look for", "required": False},
                            ),
                            3: (
                                "wagtail.blocks.DecimalBlock",
                                (),
                                {
                                    "decimal_places": 2,
                                    "default": 1,
                                    "label": "重み Weight",
                                    "max_digits": 4,
                                    "min_value": 0,
                                },
                            ),
                            4: (
                                "wagtail.blocks.IntegerBlock",
                                (),
                                {"default": 5, "label": "満点 Maximum score", "max_value": 10, "min_value": 1},
                            ),
                            5: (
                                "wagtail.blocks.StructBlock",
                                [[("name", 0), ("name_en", 1), ("description", 2), ("weight", 3), ("max_score", 4)]],
                                {},
                            ),
                        },
                        help_text="面接で使う評価項目。空欄なら標準の項目(意欲、コミュニケーション、業務の理解、実行力)で評価します。",
                        verbose_name="面接の評価基準 Interview rubric",
                    ),
                ),
                ("search_reading", models.TextField(blank=True, default="", editable=False)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="roles",
                        to="recruitment.taskcategory",
                        verbose_name="業務カテゴリ Category",
                    ),
                ),
            ],
            options={
                "verbose_name": "業務 Role",
                "indexes": [models.Index(fields=["category", "closes_at"], name="recruitment_categor_be2fe7_idx")],
            },
            bases=(cms.page_cache.PublicCacheMixin, "wagtailcore.page"),
        ),
    ]
