"""The website chat widget in a real browser against the real assistant."""

from __future__ import annotations

import re

import pytest

from assistant.content import load_content
from harness.assistant_client import topics, wait_until
from tests.web.chat_page import ChatPage
from tests.web.conftest import PHONE, screenshot

pytestmark = pytest.mark.e2e

THAI = re.compile("[\u0e00-\u0e7f]")
XSS = "<img src=x onerror=alert(1)>"


def is_thai(text: str) -> bool:
    return bool(THAI.search(text))


def last_user_event(assistant, sender: str) -> dict:
    return assistant.user_events(sender)[-1]


def channel_metadata(event: dict) -> dict:
    """What the channel put into a user event's metadata (Rasa adds its model ids)."""
    return {
        k: v
        for k, v in (event.get("metadata") or {}).items()
        if k not in ("model_id", "assistant_id")
    }


def test_english_question_gets_english_answer_with_disclaimer(open_chat, assistant):
    chat = open_chat("en")
    replies = chat.ask("What is stem cell therapy?")
    assert replies and not any(is_thai(r["text"]) for r in replies)
    disclaimers = [r for r in replies if "cc-disclaimer" in r["classes"]]
    assert len(disclaimers) == 1 and disclaimers[0] is replies[-1]
    assert disclaimers[0]["who"] == "Important"
    # the disclaimer looks different from the answer: smaller type
    sizes = chat.page.eval_on_selector_all(
        ".cc-bot", "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert sizes[-1] < sizes[0]
    # the page language reached the tracker as message metadata; the answer is the topic asked
    sender = chat.session_id()
    assert channel_metadata(last_user_event(assistant, sender)) == {"language": "en"}
    assert last_user_event(assistant, sender)["input_channel"] == "socketio"
    assert set(topics(assistant.bot_events(sender))) == {"therapy.what_is"}
    assert chat.page.get_by_role("button", name="Is it proven?").is_visible()
    screenshot(chat, "desktop-en")
    chat.page.eval_on_selector(".cc-log", "log => { log.scrollTop = log.scrollHeight; }")
    screenshot(chat, "desktop-en-disclaimer")
    assert not chat.errors


def test_thai_question_gets_thai_answer(open_chat, assistant):
    chat = open_chat("th")
    assert chat.page.text_content(".cc-title") == "ผู้ช่วยตอบคำถามของคลินิก"
    assert chat.page.get_attribute("#cc-input", "placeholder") == "พิมพ์คำถามของคุณ…"
    replies = chat.ask("สเต็มเซลล์จากสายสะดือคืออะไรคะ")
    assert replies and all(is_thai(r["text"]) for r in replies)
    assert "cc-disclaimer" in replies[-1]["classes"] and replies[-1]["who"] == "ข้อควรทราบ"
    sender = chat.session_id()
    assert channel_metadata(last_user_event(assistant, sender)) == {"language": "th"}
    screenshot(chat, "desktop-th")


def test_page_language_is_the_initial_language(open_chat, assistant):
    """A message without letters is answered in the page's language."""
    chat = open_chat("th")
    replies = chat.ask("👍")
    assert replies and all(is_thai(r["text"]) for r in replies)
    slots = [
        e
        for e in assistant.tracker(chat.session_id())["events"]
        if e["event"] == "slot" and e["name"] == "language"
    ]
    assert slots[-1]["value"] == "th"


def test_quick_reply_gets_follow_up_answer(open_chat, assistant):
    chat = open_chat("en")
    chat.ask("What is stem cell therapy?")
    replies = chat.click_quick_reply("Is it proven?")
    assert replies and not any(is_thai(r["text"]) for r in replies)
    texts = [m["text"] for m in chat.messages(".cc-user")]
    assert texts[-1] == "Is it proven?"  # the title is shown, the payload sent
    assert topics(assistant.bot_events(chat.session_id()))[-1] == "therapy.evidence"
    # the old buttons are gone, the new answer's buttons are there
    assert chat.page.locator(".cc-quick").count() == 1


def test_a_specific_answer_first_and_more_about_this_one_tap_away(open_chat, assistant):
    content = load_content()
    pain = content.questions["therapy.procedure.pain"]
    chat = open_chat("en")
    replies = chat.ask(pain.examples["en"][0])
    assert replies[0]["text"] == pain.messages["en"][0]
    more = chat.click_quick_reply(content.topic_labels["chat.more"]["en"])
    overview = list(content.knowledge["therapy.procedure"].messages["en"])
    assert [r["text"] for r in more[: len(overview)]] == overview
    assert topics(assistant.bot_events(chat.session_id()))[-1] == "therapy.procedure"
    assert not chat.errors


def test_reload_keeps_history_and_new_conversation_starts_empty(open_chat, assistant):
    chat = open_chat("en")
    chat.ask("How much does it cost?")
    before = chat.messages()
    first_session = chat.session_id()
    chat.page.reload()
    chat.wait_connected()  # the chat was open: it opens again
    assert chat.messages() == before  # read back from the tracker store
    assert chat.session_id() == first_session
    assert "cost" not in chat.page.evaluate(
        "JSON.stringify(localStorage)"
    )  # the browser keeps only the id
    # the server still knows this socket belongs to the same conversation
    chat.ask("Is it safe?")
    assert len(assistant.user_events(first_session)) == 2

    chat.page.get_by_role("button", name="New conversation").click()
    assert chat.messages() == []
    assert chat.page.is_visible(".cc-welcome")
    wait_until(lambda: chat.session_id() not in (None, first_session))
    chat.page.reload()
    chat.wait_connected()
    assert chat.messages() == []
    replies = chat.ask("What is stem cell therapy?")
    assert replies[-1]["who"] == "Important"
    assert (
        "cc-disclaimer-full" in chat.messages()[-1]["classes"]
    )  # a new conversation: full disclaimer
    assert len(assistant.user_events(first_session)) == 2


def test_handoff_status_and_staff_reply_appear(open_chat, assistant):
    chat = open_chat("en", PHONE)
    assert not chat.page.is_visible(".cc-status")
    chat.ask("I want to talk to a human")
    status = chat.page.locator(".cc-status")
    assert status.is_visible() and "clinic staff" in status.text_content()
    sender = chat.session_id()
    assert any(e["event"] == "pause" for e in assistant.tracker(sender)["events"])

    shown = len(chat.replies())
    staff_text = f"Hello, this is nurse Ploy. See https://example.org/uc-msc {XSS} for details."
    assistant.append_events(
        sender,
        [
            {
                "event": "bot",
                "text": staff_text,
                "metadata": {
                    "staff": True,
                    "staff_user": "ploy",
                    "topic": "handoff.staff_reply",
                    "language": "en",
                },
            }
        ],
        output_channel="socketio",
    )
    chat.wait_for_replies(shown + 1, timeout_ms=10_000)
    staff = chat.messages(".cc-staff")
    assert [(m["classes"], m["who"]) for m in staff] == [("cc-msg cc-staff", "Clinic staff")]
    # screen readers hear that the link opens a new tab; otherwise the text is as sent
    assert staff[0]["text"] == staff_text.replace("uc-msc ", "uc-msc (opens in a new tab) ")
    link = chat.page.locator(".cc-staff a")
    assert link.get_attribute("href") == "https://example.org/uc-msc"
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert chat.page.locator(".cc-log img").count() == 0
    assert status.is_visible()
    # the staff user name is for the console, not for the patient's page
    assert "ploy" not in chat.page.evaluate("localStorage.getItem('clinicChat.v1')")
    screenshot(chat, "phone-en-handoff")
    # the status survives a reload
    chat.page.reload()
    chat.wait_connected()
    assert chat.page.locator(".cc-status").is_visible()
    assert not chat.dialogs

    # the patient closes the page; staff answer; the patient comes back and reads it
    context = chat.page.context
    chat.page.close()
    assistant.append_events(
        sender,
        [
            {
                "event": "bot",
                "text": "We can call you tomorrow at 10:00.",
                "metadata": {
                    "staff": True,
                    "staff_user": "ploy",
                    "topic": "handoff.staff_reply",
                    "language": "en",
                },
            }
        ],
        output_channel="socketio",
    )
    back = ChatPage(context.new_page(), chat.web_url)
    back.goto("en")
    back.wait_connected()
    assert [m["text"] for m in back.messages(".cc-staff")][
        -1
    ] == "We can call you tomorrow at 10:00."
    assert back.page.locator(".cc-status").is_visible()
    # staff hand back (resume): the status goes away at the next visit
    assistant.append_events(sender, [{"event": "resume", "metadata": {"staff_user": "ploy"}}])
    shown_before = back.messages()
    back.page.reload()
    back.wait_connected()
    assert back.messages() == shown_before
    assert not back.page.locator(".cc-status").is_visible()


def test_html_in_a_message_is_shown_as_text_and_runs_nothing(open_chat, assistant):
    chat = open_chat("en")
    chat.ask(XSS)
    assert chat.messages(".cc-user")[-1]["text"] == XSS
    assert chat.page.locator(".cc-log img").count() == 0
    chat.page.wait_for_timeout(500)
    assert chat.dialogs == [] and chat.errors == []
    assert last_user_event(assistant, chat.session_id())["text"] == XSS


@pytest.mark.parametrize("language", ["en", "th"])
def test_phone_layout_and_keyboard(open_chat, language):
    chat = open_chat(language, PHONE)
    page = chat.page
    # keyboard only: close with Escape, reopen from the launcher, type, send with Enter
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.className") == "cc-launcher"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "cc-input"
    page.keyboard.type("What is stem cell therapy?" if language == "en" else "สเต็มเซลล์คืออะไรคะ")
    before = len(chat.replies())
    page.keyboard.press("Enter")
    chat.wait_for_replies(before + 1)
    chat.wait_quiet()
    # a long answer is read from its start: the question is still in view
    assert page.evaluate("""() => {
        const log = document.querySelector('.cc-log').getBoundingClientRect();
        const question = [...document.querySelectorAll('.cc-user')].pop().getBoundingClientRect();
        return question.top >= log.top - 1 && question.bottom <= log.bottom;
    }""")
    # the open chat fills the phone screen, nothing sticks out sideways
    box = page.locator(".cc-panel").bounding_box()
    assert box["x"] == 0 and box["width"] == PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    widths = page.eval_on_selector_all(
        ".cc-msg", "ns => ns.map(n => n.getBoundingClientRect().right)"
    )
    assert max(widths) <= PHONE["width"]
    # labelled for screen readers
    assert page.get_attribute(".cc-log", "role") == "log"
    assert page.locator("label[for=cc-input]").count() == 1
    assert page.get_attribute(".cc-close", "aria-label")
    assert page.get_attribute(".cc-panel", "role") == "dialog"
    screenshot(chat, f"phone-{language}")
