"""The outbox in the admin, read-only. It is registered by ``aula.console.admin``, which adds
the one action (trying failed e-mails again): an organiser action must be on the record, and
messaging may not import the audit log."""

from django.contrib import admin

from aula.messaging.models import OutboxAttachment


class OutboxAttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "mimetype", "size"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by the application, never by hand."""

    list_display = [
        "created_at", "recipient", "subject", "kind", "language", "status", "attempts",
        "next_attempt_at", "sent_at",
    ]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient", "subject", "message_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [OutboxAttachmentInline]
    fields = [
        "recipient", "reply_to", "subject", "kind", "language", "event", "registration_id",
        "message_id", "status", "attempts", "next_attempt_at", "lease_expires_at", "last_error",
        "created_at", "sent_at", "text_body", "html_body",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name and match.url_name.endswith("changelist"):
            return qs.defer("text_body", "html_body")  # the list shows no bodies
        return qs

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
