from django.contrib import admin

from console.staff.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by the console, never edited."""

    list_display = ("at", "username", "action", "target", "address")
    list_filter = ("action",)
    search_fields = ("username", "target")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
