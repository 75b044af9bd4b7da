"""pytest-django for the staff console only: the rest of the suite never touches Django.

The tracker store is a second test database holding Rasa's ``events`` table, created
once per session with the same columns Rasa's SQLTrackerStore has.
"""

from __future__ import annotations

import os

import pytest

# Configured here rather than in pytest.ini, so only tests/console loads Django.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.console.settings")
import django  # noqa: E402

from tests.console.fake_rasa import FakeRasa  # noqa: E402
from tests.trained_model import require_trained_model  # noqa: E402

django.setup()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connections

    from console.staff.models import TrackerEvent

    connection = connections["tracker"]
    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"refusing to create tables in {name}"
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(TrackerEvent)
    yield


@pytest.fixture
def fake_rasa(settings):
    """A fake Rasa HTTP API the console talks to (records what staff send)."""
    fake = FakeRasa()
    settings.RASA_URL = fake.url
    settings.RASA_API_TOKEN = "the-token"
    yield fake
    fake.close()


@pytest.fixture
def users(db):
    """One account per role, plus one without a role."""
    from django.contrib.auth.models import Group, User

    made = {}
    for role in ("reviewer", "clinician", "admin", "nobody"):
        user = User.objects.create_user(role, password=f"{role}-password-123")
        if role != "nobody":
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        made[role] = user
    return made


@pytest.fixture
def client_as(client, users):
    """``client_as("reviewer")``: the test client signed in with that role."""

    def sign_in(role: str):
        client.force_login(users[role])
        return client

    return sign_in


# ---- the real thing: action server, Rasa and the console as `make run` starts them ----------

ARTIFACTS_DIR = "test-artifacts"


@pytest.fixture(scope="session")
def console_stack(tmp_path_factory):
    """Action server, Rasa (temporary SQLite tracker store) and the console on free ports."""
    import uuid

    from assistant.paths import ROOT
    from ops.stack import free_port, make_stack, private_overrides
    from tests.console.staff_session import create_staff_user

    require_trained_model()
    data = tmp_path_factory.mktemp("console-stack")
    running = make_stack(
        {
            **private_overrides(f"sqlite:///{data / 'tracker.db'}"),
            "CONSOLE_PORT": str(free_port()),
            "TRACKER_STORE_DIALECT": "sqlite",
            "CONSOLE_DATABASE_URL": f"sqlite:///{data / 'console.db'}",
            "CONSOLE_SECRET_KEY": uuid.uuid4().hex,
            "CONSOLE_QUEUE_REFRESH_SECONDS": "2",
            "STAFF_WEBHOOK_URL": "",
            "LINE_CHANNEL_SECRET": "",
        },
        log_dir=ROOT / ARTIFACTS_DIR / "logs" / "console",
    )
    running.env["CONSOLE_RASA_URL"] = running.rasa_url
    try:
        running.start(("actions", "rasa", "console"))
        for name, role in (("nurse", "clinician"), ("reviewer1", "reviewer")):
            create_staff_user(running.env, name, role)
        yield running
    finally:
        running.stop()
