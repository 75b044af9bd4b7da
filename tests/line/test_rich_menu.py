"""The LINE rich menus: created through the Messaging API (the fake LINE API checks what
LINE would refuse), a Thai and an English menu with generated images, idempotent."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
import yaml
from PIL import Image

from assistant.paths import ROOT
from assistant.rich_menu import menu_definition
from harness.fake_line_api import FakeLineApi, rich_menu_problems

TOKEN = "rich-menu-token"


@pytest.fixture
def line_api():
    with FakeLineApi(token=TOKEN) as api:
        yield api


def make_menus(api: FakeLineApi) -> str:
    env = {**os.environ, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN, "LINE_API_BASE_URL": api.url}
    done = subprocess.run(
        [sys.executable, "-m", "ops.line_rich_menu"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_one_menu_per_language_with_its_image_and_thai_as_default(line_api):
    make_menus(line_api)
    assert line_api.rejected == []
    menus = {m["name"]: (menu_id, m) for menu_id, m in line_api.rich_menus.items()}
    assert set(menus) == {"uc-msc-assistant-th", "uc-msc-assistant-en"}
    assert line_api.default_rich_menu == menus["uc-msc-assistant-th"][0]
    for name, (_menu_id, menu) in menus.items():
        image = Image.open(io.BytesIO(menu["_image"]))
        assert (image.format, image.size) == ("PNG", (2500, 1686))
        assert len(menu["_image"]) <= 1024 * 1024
        # Every tile drawn: the image is not blank where each area is.
        for area in menu["areas"]:
            b = area["bounds"]
            tile = image.crop((b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]))
            assert len(set(tile.getdata())) > 2, (name, area)


def test_running_it_twice_leaves_one_menu_of_each_language(line_api):
    make_menus(line_api)
    first = set(line_api.rich_menus)
    make_menus(line_api)
    assert len(line_api.rich_menus) == 2 and not first & set(line_api.rich_menus)
    assert sorted(m["name"] for m in line_api.rich_menus.values()) == [
        "uc-msc-assistant-en",
        "uc-msc-assistant-th",
    ]


def test_a_menu_of_someone_else_is_left_alone(line_api):
    line_api.rich_menus["richmenu-clinic-own"] = {"name": "clinic campaign", "_image": b"x"}
    make_menus(line_api)
    assert "richmenu-clinic-own" in line_api.rich_menus


@pytest.mark.parametrize("language", ["th", "en"])
def test_areas_send_what_the_assistant_understands(language):
    menu = menu_definition(language)
    assert rich_menu_problems(menu) == []
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    postbacks = [a["action"] for a in menu["areas"] if a["action"]["type"] == "postback"]
    assert {p["data"].lstrip("/") for p in postbacks} <= intents
    assert "/booking_request" in [p["data"] for p in postbacks]
    switch = [a["action"]["text"] for a in menu["areas"] if a["action"]["type"] == "message"]
    assert switch == (["English"] if language == "th" else ["ภาษาไทย"])


def test_without_a_token_it_says_so(line_api):
    env = {**os.environ, "LINE_CHANNEL_ACCESS_TOKEN": "", "LINE_API_BASE_URL": line_api.url}
    done = subprocess.run(
        [sys.executable, "-m", "ops.line_rich_menu"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "LINE_CHANNEL_ACCESS_TOKEN" in done.stderr
    assert line_api.calls == []
