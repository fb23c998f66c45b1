"""A portfolio file from private storage, for users who may screen its call; every download is audited."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from applications.models import Attachment
from applications.screening import visibility
from applications.screening.audit import audit
from applications.screening.views.base import SAFE_CONTENT_TYPES, screening_view
from applications.teams import access
from cms.web.downloads import opened_or_404, private_file


@screening_view
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A portfolio file from private storage, for users who may screen its call; every download is audited.

    404 for a person the user declared they know (``visibility.candidacies_for``). The file is
    named as the candidacy it was opened from (``?candidacy=``) shows its person: the original
    name where that candidacy is named, else a neutral name with the candidate code.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("application"), pk=attachment_id)
    call = access.call_or_404(request.user, attachment.application.call_id)
    candidacies = list(visibility.candidacies_for(request.user, call).filter(application=attachment.application))
    if not candidacies:
        raise Http404
    opened_from = next((c for c in candidacies if str(c.pk) == request.GET.get("candidacy")), None)
    extension = SAFE_CONTENT_TYPES.get(attachment.content_type)
    filename = visibility.attachment_filename(request.user, call, attachment, opened_from, extension or "")
    handle = opened_or_404(attachment.file)
    audit(
        user=request.user,
        action="kobo.attachment.download",
        call=call,
        candidacy=opened_from,
        attachment_id=attachment.pk,
        reference=attachment.application.reference,
    )
    return private_file(
        handle, filename=filename, content_type=attachment.content_type if extension else "application/octet-stream"
    )
