"""Messages without contact details: who may write, what the mail says (and does not), the blind thread, files.

Staff write about one candidacy; the applicant reads and answers from the manage link. Every
refusal leaves nothing behind: no message, no mail, no audit entry, no stored file.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.intake.tokens import hash_token
from applications.intake.uploads import check_upload
from applications.mail.outbox import outbox_send_pending
from applications.messaging.services import MessagingError, message_answer, message_send
from applications.models import Application, AuditEntry, Candidacy, CandidacyMessage, OutboxEmail
from cms.web import limits
from tests.applications.test_uploads import make_pdf, pdf_with_javascript

pytestmark = pytest.mark.django_db
S = Candidacy.Status
QUESTION = "ポートフォリオのリンクが開けませんでした。作品のPDFを送っていただけますか。"


def with_link(candidacy: Candidacy, token: str) -> str:
    """Give ``candidacy``'s application the manage link ``token``; the address of its thread page."""
    Application.objects.filter(pk=candidacy.application_id).update(manage_token_hash=hash_token(token))
    return reverse("applications:manage_messages", args=[token, candidacy.pk])


def traces() -> tuple[int, int, int]:
    """What a message leaves behind: messages, mail rows, audit entries about messages."""
    return (
        CandidacyMessage.objects.count(),
        OutboxEmail.objects.count(),
        AuditEntry.objects.filter(action__startswith="kobo.message").count(),
    )


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_the_calls_contractor_and_the_citys_approver_write_and_the_applicant_is_told_once_without_the_body(
    cities, django_capture_on_commit_callbacks
):
    person = cities.candidacy_x
    applicant = person.application.applicant
    with django_capture_on_commit_callbacks(execute=True):
        message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    for _ in range(2):  # a doubled sender sends nothing twice
        outbox_send_pending()
    notices = sent_to(applicant.email)
    assert len(notices) == 1
    notice = notices[0]
    assert "メッセージ" in notice.subject
    assert person.application.reference in notice.subject
    text = notice.body + notice.alternatives[0][0]
    assert QUESTION not in text
    assert "ポートフォリオ" not in text
    assert "/apply/manage/" in notice.body  # where to read it
    for secret in ("contractor_x@example.jp", applicant.phone, "contractor_x"):
        assert secret not in text  # nobody's contact details either way
    assert notice.extra_headers.get("Reply-To") is None

    # The city's approver writes too: one more notice, for that message only.
    with django_capture_on_commit_callbacks(execute=True):
        message_send(candidacy=person, by=cities.users["approver_x"], body="面接の前に一つ確認させてください。")
    outbox_send_pending()
    assert len(sent_to(applicant.email)) == 2
    audited = AuditEntry.objects.filter(action="kobo.message.send", candidacy=person)
    assert sorted(e.user.username for e in audited) == ["approver_x", "contractor_x"]


@pytest.mark.parametrize(
    ("who", "whose"),
    [
        ("contractor_none", "x"),  # a contractor with no assignment
        ("contractor_x", "y"),  # a contractor of another call (another city's)
        ("approver_y", "x"),  # another city's approver
        ("official_x", "x"),  # the city's official reads, does not write
        ("editor_x", "x"),  # editors write pages, not to applicants
        ("anonymous", "x"),
    ],
)
def test_who_may_not_write_is_refused_and_nothing_changes(cities, who, whose):
    person = cities.candidacy_x if whose == "x" else cities.candidacy_y
    user = cities.users[who] or AnonymousUser()
    before = traces()
    with pytest.raises(MessagingError):
        message_send(candidacy=person, by=user, body=QUESTION)
    assert traces() == before


def test_a_contractor_of_another_call_gets_404_from_the_send_address(client, cities):
    client.force_login(cities.users["contractor_x"])
    before = traces()
    response = client.post(reverse("messaging_send", args=[cities.candidacy_y.pk]), {"body": QUESTION})
    assert response.status_code == 404
    assert traces() == before


def test_another_applicants_manage_link_opens_no_thread_and_answers_nothing(client, cities):
    mine = cities.candidacy_x
    theirs = cities.candidacy_y
    message_send(candidacy=theirs, by=cities.users["approver_y"], body=QUESTION)
    with_link(mine, "my-own-link")
    with_link(theirs, "their-link")
    before = traces()
    wrong = reverse("applications:manage_messages", args=["my-own-link", theirs.pk])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"body": "横から返信"}).status_code == 404
    nobody = reverse("applications:manage_messages", args=["no-such-link", theirs.pk])
    assert client.post(nobody, {"body": "横から返信"}).status_code == 404
    assert traces() == before
    assert not CandidacyMessage.objects.filter(sender="applicant").exists()


def test_the_applicant_reads_and_answers_and_staff_hear_of_it_without_personal_data(
    client, cities, django_capture_on_commit_callbacks
):
    person = cities.candidacy_x
    applicant = person.application.applicant
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    url = with_link(person, "answer-link")

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert QUESTION in html
    assert "選考担当" in html
    assert "contractor_x" not in html
    assert page["Referrer-Policy"] == "strict-origin"
    assert CandidacyMessage.objects.get(sender="staff").read_at is not None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "失礼しました。こちらが作品です。"})
    assert response.status_code == 302
    assert "sent=1" in response["Location"]
    answer = CandidacyMessage.objects.get(sender="applicant")
    assert answer.body == "失礼しました。こちらが作品です。"
    assert AuditEntry.objects.filter(action="kobo.message.answer", candidacy=person, user=None).count() == 1
    outbox_send_pending()
    outbox_send_pending()
    told = sent_to("contractor_x@example.jp")
    assert len(told) == 1
    assert person.applicant_code in told[0].subject
    for personal in (applicant.family_name, applicant.email, applicant.phone, "こちらが作品です"):
        assert personal not in told[0].body
    assert sent_to("approver_x@example.jp") == []  # only those who wrote in the thread
    assert "返信を送りました" in client.get(response["Location"]).content.decode()


def test_the_blind_thread_names_no_one_and_hides_typed_contacts_until_shortlisting(client, cities):
    person = cities.candidacy_x
    applicant = person.application.applicant
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    message_answer(candidacy=person, body="電話でも説明できます: 090-1234-5678 / taro.kobe@example.jp")
    client.force_login(cities.users["contractor_x"])
    page = client.get(reverse("screening_candidacy", args=[person.pk])).content.decode()
    thread = page[page.index('id="messages-heading"') :]
    assert "応募者 Applicant" in thread
    assert applicant.family_name not in page
    assert "090-1234-5678" not in page
    assert "taro.kobe@example.jp" not in page
    assert "連絡先は非表示" in thread
    assert QUESTION in thread

    Candidacy.objects.filter(pk=person.pk).update(status=S.SHORTLISTED)
    page = client.get(reverse("screening_candidacy", args=[person.pk])).content.decode()
    thread = page[page.index('id="messages-heading"') :]
    assert f"{applicant.family_name} {applicant.given_name}" in thread
    assert "090-1234-5678" in thread


def test_an_answer_needs_a_question_first(client, cities):
    url = with_link(cities.candidacy_x, "no-question-link")
    before = traces()
    response = client.post(url, {"body": "こんにちは"})
    assert response.status_code == 200
    assert "返信するメッセージがありません" in response.content.decode()
    assert traces() == before


def test_a_hostile_file_is_refused_next_to_the_field_and_nothing_is_lost(client, cities, settings, tmp_path):
    person = cities.candidacy_x
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    url = with_link(person, "file-link")
    before = traces()
    typed = "作品のPDFを添付します。よろしくお願いします。"
    hostile = SimpleUploadedFile("works.pdf", pdf_with_javascript(), content_type="application/pdf")
    response = client.post(url, {"body": typed, "file": hostile})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_file-error"' in html  # the message sits next to the field, tied to it
    assert 'aria-describedby="id_file-hint id_file-error"' in html
    expected = str(_refusal(pdf_with_javascript()))
    assert expected in html
    assert typed in html  # what was typed is still there
    assert traces() == before


def _refusal(content: bytes) -> str:
    from django.core.exceptions import ValidationError

    try:
        check_upload(SimpleUploadedFile("works.pdf", content))
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError("the file passed")


def test_a_checked_file_is_stored_privately_and_only_those_who_see_the_candidacy_download_it(client, cities):
    person = cities.candidacy_x
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    url = with_link(person, "good-file-link")
    pdf = make_pdf()
    response = client.post(
        url,
        {"body": "作品です。", "file": SimpleUploadedFile("神戸太郎の作品.pdf", pdf, content_type="application/pdf")},
    )
    assert response.status_code == 302
    answer = CandidacyMessage.objects.get(sender="applicant")
    assert answer.file_name == "神戸太郎の作品.pdf"
    assert "神戸太郎" not in answer.file.name  # stored under a generated name
    download = reverse("messaging_answer_file", args=[answer.pk])

    client.force_login(cities.users["contractor_x"])
    got = client.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == pdf
    assert "神戸太郎" not in got["Content-Disposition"]  # blind: a neutral name with the candidate code
    assert person.applicant_code in got["Content-Disposition"]
    assert AuditEntry.objects.filter(action="kobo.message.file", candidacy=person).count() == 1

    for outsider in ("approver_y", "contractor_none", "contractor_y_member_x"):
        client.force_login(cities.users[outsider])
        expected = 200 if outsider == "contractor_y_member_x" else 404  # Y's contractor is an approver of X
        assert client.get(download).status_code == expected
    client.logout()
    assert client.get(download).status_code == 302  # to the login


def test_answers_from_one_link_are_rate_limited(client, cities, monkeypatch):
    person = cities.candidacy_x
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    url = with_link(person, "busy-link")
    monkeypatch.setitem(limits.RATES, "message", limits.Rate(visitor="1/h", address="10/h"))
    assert client.post(url, {"body": "一通目"}).status_code == 302
    assert client.post(url, {"body": "二通目"}).status_code == 429
    assert CandidacyMessage.objects.filter(sender="applicant").count() == 1


def test_a_withdrawn_or_erased_application_is_written_to_no_more(cities):
    person = cities.candidacy_x
    Candidacy.objects.filter(pk=person.pk).update(status=S.WITHDRAWN)
    person.refresh_from_db()
    with pytest.raises(MessagingError):
        message_send(candidacy=person, by=cities.users["approver_x"], body=QUESTION)
    assert traces() == (0, 0, 0)


def test_erasing_the_application_erases_its_messages_and_their_files(cities):
    from applications.privacy.retention import application_erase

    person = cities.candidacy_x
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    upload = check_upload(SimpleUploadedFile("works.pdf", make_pdf()))
    answer = message_answer(candidacy=person, body="作品です。神戸太郎", upload=upload)
    storage, name = answer.file.storage, answer.file.name
    assert storage.exists(name)
    application_erase(application=person.application)
    assert not storage.exists(name)
    assert not CandidacyMessage.objects.filter(body__contains="神戸太郎").exists()
    assert not CandidacyMessage.objects.exclude(file="").exists()
    assert not CandidacyMessage.objects.exclude(file_name="").exists()


def test_an_answer_whose_writers_left_is_told_to_everyone_who_may_write(cities, django_capture_on_commit_callbacks):
    from applications.models import Assignment

    person = cities.candidacy_x
    message_send(candidacy=person, by=cities.users["contractor_x"], body=QUESTION)
    Assignment.objects.filter(user=cities.users["contractor_x"]).delete()  # the contract ended
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_answer(candidacy=person, body="お返事が遅くなりました。")
    outbox_send_pending()
    told = sorted(m.to[0] for m in mail.outbox if "返信がありました" in m.subject)
    assert told == ["approver_x@example.jp", "contractor_y_member_x@example.jp"]  # X's approvers, not the leaver
