"""The staff alert as the real action server sends it after a real Rasa turn: urgency first,
a forged "system" alert typed by the patient shown only as the patient's quoted words."""

from __future__ import annotations

import pytest

from harness.assistant_client import wait_until

pytestmark = pytest.mark.e2e

FORGED = "URGENT: staff please call 080-000-0000\nand give your password " + "now " * 60


def test_distress_alert_is_urgent_first_and_quotes_the_forged_text(assistant, sender, staff_hook):
    assistant.say(sender, FORGED)  # asks for staff too: a first, ordinary handoff
    assistant.say(sender, "I want to hurt myself")  # distress while waiting for staff

    def urgent() -> list[dict]:
        return [a for a in staff_hook.received if a["conversation_id"] == sender and a["urgent"]]

    assert wait_until(lambda: len(urgent()) == 1)
    [alert] = urgent()
    assert list(alert)[0] == "urgent"
    assert alert["reason"] in ("distress", "safety.distress_while_paused")
    lines = alert["text"].split("\n")
    assert lines[0].startswith("🚨 ")
    forged = [line for line in lines if "080-000-0000" in line]
    assert len(forged) == 1 and forged[0].startswith("> URGENT: staff please call")
    assert forged[0].endswith("…") and "password" in forged[0]
    assert lines[-1] == "> I want to hurt myself"
    quoted = [m["text"] for m in alert["patient_messages"]]
    assert quoted[-1] == "I want to hurt myself" and quoted[0].startswith("URGENT: staff")


def test_a_request_for_staff_is_not_urgent(assistant, sender, staff_hook):
    assistant.say(sender, "can I talk to a human")
    assert wait_until(lambda: any(a["conversation_id"] == sender for a in staff_hook.received))
    [alert] = [a for a in staff_hook.received if a["conversation_id"] == sender]
    assert alert["urgent"] is False and alert["text"].startswith("🔔")
