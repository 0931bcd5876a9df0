"""Organisers' admin for registration. Registrations themselves are read-only here: every change
of a place goes through ``services`` (cancel, promote), which keeps the capacity counters right."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aula.registrations import services
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)


@admin.register(RegistrationOptions)
class RegistrationOptionsAdmin(admin.ModelAdmin):
    list_display = ["event", "waiting_list", "promotion", "double_opt_in", "hold_hours",
                    "join_opens_minutes_before"]
    list_select_related = ["event"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "event", "version", "created_at"]
    list_filter = ["project"]
    list_select_related = ["project", "event"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "kind", "required", "order"]
    list_filter = ["kind", "required"]
    list_select_related = ["event"]


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    fields = ["block"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "event", "status", "organisation", "organisation_type", "country",
        "created_at", "join_count",
    ]
    list_filter = ["status", "organisation_type", "event"]
    search_fields = ["email", "family_name", "first_name", "organisation"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [SessionChoiceInline]
    actions = ["cancel_registrations", "promote_registrations"]
    exclude = ["token"]  # the registrant's key: not for anyone else's eyes

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erase (anonymise) instead, so counts stay right

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset.select_related("event"):
            try:
                services.cancel(registration)
            except services.RegistrationError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, ngettext(
            "%(count)d registration cancelled.", "%(count)d registrations cancelled.", done
        ) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Give the selected waiting registrants a place"))
    def promote_registrations(self, request, queryset):
        done = 0
        for registration in queryset.select_related("event").order_by("waiting_since", "id"):
            try:
                services.promote(registration)
            except services.RegistrationError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, ngettext(
            "%(count)d registrant promoted.", "%(count)d registrants promoted.", done
        ) % {"count": done}, messages.SUCCESS)
