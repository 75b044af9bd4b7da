"""``python -m ops.line_rich_menu``: creates the LINE rich menus (Thai and English).

Idempotent: the menus this command made before (found by name, ``uc-msc-assistant-th`` /
``-en``) are deleted, then one menu per language is created with its generated image
(``assistant/rich_menu.py``), and the default language's menu becomes every user's
default. The LINE channel links a user to the other language's menu when they switch
language. Needs ``LINE_CHANNEL_ACCESS_TOKEN`` (and ``LINE_API_BASE_URL`` for a fake).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from assistant.clinic import clinic
from assistant.language import LANGUAGES, default_rules
from assistant.rich_menu import NAME_PREFIX, menu_definition, menu_image
from assistant.settings import Settings
from line_api.client import LineApiError, LineClient


async def replace_menus(client: LineClient, default_language: str) -> dict[str, str]:
    """Deletes our old menus, creates one per language; returns language -> menu id."""
    for menu in await client.rich_menus():
        if str(menu.get("name", "")).startswith(NAME_PREFIX):
            await client.delete_rich_menu(str(menu["richMenuId"]))
    created = {}
    for language in LANGUAGES:
        menu_id = await client.create_rich_menu(menu_definition(language))
        await client.upload_rich_menu_image(menu_id, menu_image(language, clinic()))
        created[language] = menu_id
    await client.set_default_rich_menu(created[default_language])
    return created


async def main_async() -> int:
    env = Settings.load().env
    if not env["LINE_CHANNEL_ACCESS_TOKEN"]:
        print("LINE_CHANNEL_ACCESS_TOKEN is not set.", file=sys.stderr)
        return 2
    async with LineClient(env["LINE_CHANNEL_ACCESS_TOKEN"], env["LINE_API_BASE_URL"]) as client:
        try:
            created = await replace_menus(client, default_rules().default)
        except LineApiError as error:
            print(f"LINE refused: {error}", file=sys.stderr)
            return 1
    for language, menu_id in created.items():
        print(f"rich menu {language}: {menu_id}")
    return 0


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.exit(asyncio.run(main_async()))


if __name__ == "__main__":
    main()
