from django.urls import path

from console.staff.views import (
    analytics,
    auth,
    bookings,
    conversations,
    handoff,
    review,
    unanswered,
)

app_name = "staff"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.RateLimitedLoginView.as_view(), name="login"),
    path("conversations/", conversations.conversation_list, name="conversations"),
    path("conversations/<int:pk>/", conversations.conversation_detail, name="conversation"),
    path("conversations/<int:pk>/claim/", handoff.claim, name="claim"),
    path("conversations/<int:pk>/reply/", handoff.reply, name="reply"),
    path("conversations/<int:pk>/hand-back/", handoff.hand_back, name="hand_back"),
    path("conversations/<int:pk>/reviewed/", review.mark_reviewed, name="mark_reviewed"),
    path("conversations/<int:pk>/note/", review.add_note, name="add_note"),
    path("conversations/<int:pk>/flag/", review.flag, name="flag"),
    path("conversations/<int:pk>/delete/", review.delete_conversation, name="delete"),
    path("queue/", handoff.queue, name="queue"),
    path("bookings/", bookings.booking_list, name="bookings"),
    path("bookings/<int:pk>/act/", bookings.booking_act, name="booking_act"),
    path("analytics/", analytics.analytics, name="analytics"),
    path("analytics/unanswered/", unanswered.unanswered_page, name="unanswered"),
    path(
        "analytics/unanswered/new-question.yml",
        unanswered.export_question,
        name="export_question",
    ),
    path("export/flagged-nlu.yml", review.export_nlu, name="export_nlu"),
    path("audit/", review.audit_log, name="audit"),
]
