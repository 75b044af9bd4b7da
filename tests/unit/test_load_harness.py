"""The load harness's rules that need no server: what counts as an answer, conversation ids."""

from __future__ import annotations

import re

from bench.load import answer_problem, apologies, channel_of, conversation_id, failure
from bench.patients import patients
from channels.web.socketio_channel import SESSION_ID


def test_an_apology_is_a_failure_also_inside_a_merged_line_text():
    apology = sorted(apologies())[0]
    assert answer_problem(["An answer."]) is None
    assert answer_problem([]) == "no answer"
    assert answer_problem([apology]) == "apology (service unavailable)"
    assert answer_problem(["An answer.\n\n" + apology]) == "apology (service unavailable)"
    assert failure(200, [{"text": apology}]) == "apology (service unavailable)"
    assert failure(502, None) == "HTTP 502"


def test_each_channel_names_the_conversation_as_the_channel_does():
    patient = patients(1, run_id="unit")[0]
    assert conversation_id(patient, "rest") == patient.sender_id
    assert SESSION_ID.match(conversation_id(patient, "socketio"))  # the widget channel accepts it
    assert re.fullmatch(r"U[0-9a-f]{32}", conversation_id(patient, "line"))
    assert conversation_id(patient, "line") == conversation_id(patient, "line")  # read back later


def test_mixed_takes_the_channels_in_turn():
    assert [channel_of("mixed", i) for i in range(4)] == ["rest", "socketio", "line", "rest"]
    assert channel_of("line", 1) == "line"
