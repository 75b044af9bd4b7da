"""What we could not answer: grouped patient messages, and a group as a new question's file."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from assistant.language import LANGUAGES
from console.staff import audit, unanswered
from console.staff.conversation_index import refresh_index
from console.staff.forms import PeriodForm
from console.staff.models import AuditEntry
from console.staff.roles import REVIEWER, role_required, sees_personal_data


class ExportForm(PeriodForm):
    language = forms.ChoiceField(choices=[(code, code) for code in LANGUAGES])
    group = forms.IntegerField(min_value=1)


@role_required(REVIEWER)
def unanswered_page(request: HttpRequest) -> HttpResponse:
    refresh_index()
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    by_language = unanswered.top_groups(start, end, sees_personal_data(request.user))
    query = request.GET.copy()
    query.pop("language", None)
    query.pop("group", None)
    return render(
        request,
        "staff/unanswered.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "by_language": [
                (language, groups, total) for language, (groups, total) in by_language.items()
            ],
            "query": query.urlencode(),
        },
    )


@role_required(REVIEWER)
def export_question(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404("No such group.")
    start, end = form.period()
    language, key = form.cleaned_data["language"], form.cleaned_data["group"]
    found = unanswered.find_group(start, end, language, key)
    if found is None:
        raise Http404("No such group: the messages may have been deleted.")
    audit.record(
        AuditEntry.Action.EXPORT,
        f"new-question-{language}-{key}.yml",
        f"{len(found.messages)} messages, masked",
        request=request,
    )
    response = HttpResponse(
        unanswered.question_file(found, timezone.localdate()),
        content_type="application/x-yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="new-question-{language}-{key}.yml"'
    return response
