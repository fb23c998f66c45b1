"""Blocks for recruitment content: screening rubric criteria and the call's timeline."""

from wagtail import blocks


class CriterionBlock(blocks.StructBlock):
    """One screening criterion: scored 1 to ``max_score``, counted with ``weight`` in the aggregate."""

    name = blocks.CharBlock(label="評価項目 Criterion")
    name_en = blocks.CharBlock(required=False, label="英語名 English name")
    description = blocks.TextBlock(required=False, label="評価の目安 What to look for")
    weight = blocks.DecimalBlock(min_value=0, max_digits=4, decimal_places=2, default=1, label="重み Weight")
    max_score = blocks.IntegerBlock(min_value=1, max_value=10, default=5, label="満点 Maximum score")

    class Meta:
        icon = "tick"


RUBRIC_BLOCKS = [("criterion", CriterionBlock())]


class TimelineStepBlock(blocks.StructBlock):
    """A dated step of the selection: call, screening, interviews, start of work."""

    label = blocks.CharBlock(label="段階 Step", help_text="例: 募集期間、書類選考、オンライン面談、業務開始")
    label_en = blocks.CharBlock(required=False, label="英語 English")
    starts_on = blocks.DateBlock(label="開始日 From")
    ends_on = blocks.DateBlock(required=False, label="終了日 To")

    class Meta:
        icon = "date"


#: What rich-text fields of calls and roles allow.
RICH_FEATURES = ["bold", "link", "ol", "ul"]
