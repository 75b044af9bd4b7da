"""Charts for a chosen period."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from console.staff import charts
from console.staff.analytics import Period, figures
from console.staff.conversation_events import CHANNEL_NAMES
from console.staff.conversation_index import refresh_index
from console.staff.forms import PeriodForm
from console.staff.roles import REVIEWER, role_required

WEEKDAY_NAMES = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


@role_required(REVIEWER)
def analytics(request: HttpRequest) -> HttpResponse:
    refresh_index()
    form = PeriodForm(request.GET or None)
    period = Period(*form.period())
    found = figures(period)
    by_channel = {CHANNEL_NAMES.get(name, name): days for name, days in found.by_channel.items()}
    return render(
        request,
        "staff/analytics.html",
        {
            "form": form,
            "figures": found,
            "by_language": charts.stacked_bars(
                found.by_language, period.days, _("Patient messages per day by language")
            ),
            "by_channel": charts.stacked_bars(
                by_channel, period.days, _("Patient messages per day by channel")
            ),
            "safety": charts.stacked_bars(
                found.safety_by_day, period.days, _("Safety events per day")
            ),
            "topics": charts.horizontal_bars(found.top_topics, _("Top topics")),
            "questions": charts.horizontal_bars(
                found.top_questions, _("Top specific questions answered")
            ),
            "weekdays": [
                (WEEKDAY_NAMES[day], minutes, answered)
                for day, minutes, answered in found.first_reply
            ],
        },
    )
