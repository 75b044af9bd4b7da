"""The staff console in the scaled topology: its tables on PostgreSQL, Rasa's API through
nginx, conversations served by either Rasa instance."""

from __future__ import annotations

import psycopg2
import pytest
from sqlalchemy.engine import make_url

from harness.assistant_client import AssistantClient
from tests.console.staff_session import (
    STAFF_PASSWORD,
    StaffSession,
    create_staff_user,
    handoff_round_trip,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def nurse(scaled) -> StaffSession:
    create_staff_user(scaled.env, "nurse", "clinician")
    session = StaffSession(scaled.stack.console_url)
    session.sign_in("nurse", STAFF_PASSWORD)
    return session


def test_console_tables_are_on_postgresql(scaled, nurse):
    url = make_url(scaled.env["CONSOLE_DATABASE_URL"])
    assert url.get_backend_name() == "postgresql"
    with psycopg2.connect(
        host=url.host, port=url.port or 5432, user=url.username, dbname=url.database
    ) as db:
        with db.cursor() as cursor:
            cursor.execute("SELECT username FROM auth_user")
            assert ("nurse",) in cursor.fetchall()


def test_handoff_reply_and_hand_back_through_nginx(scaled, nurse):
    handoff_round_trip(AssistantClient(scaled.url, scaled.stack.token), nurse, scaled.stack.token)
