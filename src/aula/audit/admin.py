"""The audit log in the admin: read only (entries are written by the actions they record)."""

from django.contrib import admin

from aula.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "project_id", "event_id", "target_type",
                    "target_id", "target_label")
    list_filter = ("action",)
    search_fields = ("action", "actor_name", "target_label")
    date_hierarchy = "at"
    list_select_related = False
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
