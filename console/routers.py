"""Reads of Rasa's tracker store go to the ``tracker`` database; everything else is ours."""

from __future__ import annotations

from typing import Any, Optional

TRACKER = "tracker"


def is_tracker_model(model: Any) -> bool:
    return getattr(model._meta, "db_table", None) == "events" and model._meta.app_label == "staff"


class TrackerStoreRouter:
    """Rasa owns the tracker store's schema: never migrate it, only read (and delete) there."""

    def db_for_read(self, model: Any, **hints: Any) -> Optional[str]:
        return TRACKER if is_tracker_model(model) else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> Optional[bool]:
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: Optional[str] = None, **hints: Any
    ) -> bool:
        return db != TRACKER
