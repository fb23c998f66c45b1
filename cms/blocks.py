"""StreamField blocks shared by content pages and calls."""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; the level keeps the page outline correct (h2 under the page's h1)."""

    text = blocks.CharBlock(label="見出し Heading")
    level = blocks.ChoiceBlock(choices=[("h2", "h2"), ("h3", "h3"), ("h4", "h4")], default="h2", label="レベル Level")

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    """An image with required alternative text (JIS X 8341-3: non-text content)."""

    image = ImageChooserBlock(label="画像 Image")
    alt = blocks.CharBlock(
        label="代替テキスト Alt text",
        help_text="画像の内容を文章で説明してください。装飾だけの画像なら「装飾」と入力。",
    )
    caption = blocks.CharBlock(required=False, label="キャプション Caption")

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class FAQBlock(blocks.StructBlock):
    """A question and its answer, shown as a disclosure that works without JavaScript."""

    question = blocks.CharBlock(label="質問 Question")
    answer = blocks.RichTextBlock(features=["bold", "link", "ol", "ul"], label="回答 Answer")

    class Meta:
        icon = "help"
        template = "cms/blocks/faq.html"


class BodyBlock(blocks.StreamBlock):
    """The body of content pages and calls: paragraphs, headings, images, tables, FAQ."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=["bold", "link", "ol", "ul", "document-link"], label="段落 Paragraph")
    image = ImageBlock()
    table = TableBlock(label="表 Table")
    faq = FAQBlock()
