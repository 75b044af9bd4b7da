"""Forms: the list's filters and the staff actions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from console.staff.nlu_export import domain_intents

YES_NO = [("", _("any")), ("yes", _("yes")), ("no", _("no"))]
CHANNELS = [("", _("any")), ("socketio", _("web")), ("line", "LINE"), ("rest", "REST")]
LANGUAGES = [("", _("any")), ("th", _("Thai")), ("en", _("English"))]


class ConversationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search messages"), required=False, max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    handed_off = forms.ChoiceField(label=_("Handed off"), choices=YES_NO, required=False)
    safety = forms.ChoiceField(label=_("Safety"), choices=YES_NO, required=False)
    fallback = forms.ChoiceField(label=_("Fallback"), choices=YES_NO, required=False)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _intent_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in domain_intents()]


class FlagForm(forms.Form):
    user_event_id = forms.IntegerField(widget=forms.HiddenInput)
    corrected_intent = forms.ChoiceField(label=_("Correct intent"), choices=_intent_choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the patient"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    days = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days"))],
    )

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=int(data.get("days") or 30) - 1)
        if start > end:
            start, end = end, start
        return start, min(end, start + dt.timedelta(days=366))
