"""The outbox's admin with its one action, which is on the record (``services``)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aula.console import services
from aula.core.errors import ActionRefused
from aula.messaging.admin import OutboxMessageAdmin
from aula.messaging.models import OutboxMessage


@admin.register(OutboxMessage)
class RecordedOutboxMessageAdmin(OutboxMessageAdmin):
    actions = ["requeue"]

    def has_requeue_permission(self, request):
        return request.user.has_perm("messaging.change_outboxmessage")

    @admin.action(description=_("Try failed e-mails again"), permissions=["requeue"])
    def requeue(self, request, queryset):
        ids = queryset.values_list("pk", flat=True)
        try:
            count = services.requeue_failed_emails(ids, actor=request.user)
        except ActionRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
