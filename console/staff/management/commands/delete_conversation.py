"""Deletes one person's conversations on request (by conversation id, or found by text)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from console.staff.conversation_index import refresh_index
from console.staff.deletion import delete_conversations
from console.staff.models import Conversation


class Command(BaseCommand):
    help = (
        "Deletes conversations from the tracker store and the console (audited). Give conversation "
        "ids (a LINE user id, a web session id), or --matching a phone number, email, ... they wrote."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("sender_ids", nargs="*", help="conversation ids (Rasa sender_id)")
        parser.add_argument(
            "--matching", help="also every conversation whose messages contain this text"
        )
        parser.add_argument(
            "--by", default="", help="who asked for / carried out the deletion (for the audit log)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only list what would be deleted"
        )

    def handle(
        self, sender_ids: list[str], matching: str, by: str, dry_run: bool, **options
    ) -> None:
        senders = set(sender_ids)
        if matching:
            refresh_index()
            senders |= set(
                Conversation.objects.filter(search_text__icontains=matching).values_list(
                    "sender_id", flat=True
                )
            )
        if not senders:
            raise CommandError("No conversation given or found.")
        for sender in sorted(senders):
            self.stdout.write(f"  {sender}")
        if dry_run:
            self.stdout.write(f"Would delete {len(senders)} conversations.")
            return
        deleted = delete_conversations(
            senders, "deleted on the person's request", username=f"delete_conversation {by}".strip()
        )
        self.stdout.write(f"Deleted {len(senders)} conversations ({deleted} events).")
