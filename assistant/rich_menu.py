"""The LINE rich menu: its definition and its image, per language, from the content files.

``content/line_menu.yml`` says what the six areas do; the image is drawn here with Pillow
from those labels and ``content/clinic.yml`` (name, hours, phone), in a Thai font from
Debian's ``fonts-thai-tlwg``: no image file is drawn by hand, so a clinic that edits its
settings re-runs ``python -m ops.line_rich_menu`` and gets matching menus.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from assistant.clinic import Clinic
from assistant.paths import CONTENT_DIR

MENU_FILE = CONTENT_DIR / "line_menu.yml"
WIDTH, HEIGHT = 2500, 1686
COLUMNS, ROWS = 3, 2
NAME_PREFIX = "uc-msc-assistant-"  # our menus, by name: the command replaces only these
# Thai fonts, in order of preference (fonts-thai-tlwg; the browser tests install it too).
FONT_DIRS = (Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/opentype/tlwg"))
FONT_FILES = ("Garuda-Bold.ttf", "Loma-Bold.ttf", "Garuda.ttf", "Loma.ttf", "Kinnari-Bold.ttf")
COLOURS = ("#0b6e69", "#c2410c", "#1d4ed8", "#7c3aed", "#374151", "#4b5563")


@dataclass(frozen=True)
class MenuArea:
    key: str
    label: str
    says: str
    payload: str


def menu_name(language: str) -> str:
    return f"{NAME_PREFIX}{language}"


def load_areas(language: str, path: Path = MENU_FILE) -> tuple[str, list[MenuArea]]:
    """The chat bar text and the six areas in ``language``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    areas = [
        MenuArea(a["key"], a["label"][language], a["says"][language], a["payload"] or "")
        for a in data["areas"]
    ]
    if len(areas) != COLUMNS * ROWS:
        raise ValueError(f"{path.name}: {COLUMNS * ROWS} areas expected, found {len(areas)}")
    return str(data["chat_bar"][language]), areas


def _bounds(index: int) -> dict[str, int]:
    width, height = WIDTH // COLUMNS, HEIGHT // ROWS
    column, row = index % COLUMNS, index // COLUMNS
    return {
        "x": column * width,
        "y": row * height,
        # The last column and row take the remainder, so the areas cover the image.
        "width": WIDTH - column * width if column == COLUMNS - 1 else width,
        "height": HEIGHT - row * height if row == ROWS - 1 else height,
    }


def menu_definition(language: str) -> dict[str, Any]:
    """The rich menu object the Messaging API takes (``POST /v2/bot/richmenu``)."""
    chat_bar, areas = load_areas(language)
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": menu_name(language),
        "chatBarText": chat_bar,
        "areas": [
            {
                "bounds": _bounds(index),
                "action": (
                    {"type": "postback", "data": area.payload, "displayText": area.says}
                    if area.payload
                    else {"type": "message", "text": area.says}
                ),
            }
            for index, area in enumerate(areas)
        ],
    }


def thai_font_path() -> Path:
    """A font that has Thai letters; a clear error when Debian's fonts-thai-tlwg is missing."""
    for directory in FONT_DIRS:
        for name in FONT_FILES:
            if (directory / name).exists():
                return directory / name
    raise FileNotFoundError(
        "No Thai font found: install Debian's fonts-thai-tlwg (sudo apt-get install fonts-thai-tlwg)"
    )


def _details(key: str, clinic: Clinic, language: str) -> Optional[str]:
    """The clinic's own details under an area's label."""
    if key == "clinic":
        return "\n".join([clinic.name[language], *clinic.describe(language).split(", ")])
    if key == "staff":
        return f"{clinic.phone}\nLINE {clinic.line_id}"
    return None


def _centred(
    draw: Any,
    box: dict[str, int],
    y: int,
    text: str,
    font_file: str,
    size: int,
    fill: str,
) -> int:
    """Draws each line of ``text`` centred in ``box`` from ``y``, each shrunk to fit the
    tile's width; returns the y below the last line."""
    from PIL import ImageFont

    for line in text.split("\n"):
        line_size = size
        while True:
            font = ImageFont.truetype(font_file, line_size)
            left, top, right, bottom = draw.textbbox((0, 0), line, font=font)
            if right - left <= box["width"] - 80 or line_size <= 24:
                break
            line_size -= 4
        x = box["x"] + (box["width"] - (right - left)) // 2 - left
        draw.text((x, y), line, font=font, fill=fill)
        y += size + 28
    return y


def menu_image(language: str, clinic: Clinic, font_path: Optional[Path] = None) -> bytes:
    """The menu image as PNG bytes: one coloured tile per area, its label, clinic details."""
    from PIL import Image, ImageDraw  # only this command draws: the servers never load it

    font_file = str(font_path or thai_font_path())
    _, areas = load_areas(language)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    for index, area in enumerate(areas):
        box = _bounds(index)
        draw.rectangle(
            (box["x"] + 8, box["y"] + 8, box["x"] + box["width"] - 8, box["y"] + box["height"] - 8),
            fill=COLOURS[index % len(COLOURS)],
        )
        details = _details(area.key, clinic, language)
        y = box["y"] + (box["height"] // 2) - (160 if details else 80)
        y = _centred(draw, box, y, area.label, font_file, 110, "white")
        if details:
            _centred(draw, box, y + 30, details, font_file, 52, "#f3f4f6")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
