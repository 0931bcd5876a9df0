"""Organisers' admin for registration: the same rules as the console, through the same
functions, each audited with the admin user as actor (``via="admin"``).

* Privacy notices somebody accepted are read-only: no edit, no delete (write a new version).
* A question somebody answered is not deleted, and its kind does not change.
* Registration options are saved through ``setup.save_options``.
* Registrations: what needs the capacity counter (status, sessions, places) is read-only here;
  it changes through ``services`` (the cancel and promote actions). The registrant's details
  are corrected through ``services.update_details``; nothing is deleted (erase instead).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aula.core.errors import ActionRefused
from aula.registrations import services, setup
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)

VIA = "admin"


class _NoBulkDelete:
    """No "delete selected" action: every deletion goes through the rule of its model."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(RegistrationOptions)
class RegistrationOptionsAdmin(admin.ModelAdmin):
    list_display = ["event", "waiting_list", "promotion", "double_opt_in", "hold_hours",
                    "join_opens_minutes_before"]
    list_select_related = ["event"]

    def save_model(self, request, obj, form, change):
        setup.save_options(obj, actor=request.user, via=VIA)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(_NoBulkDelete, admin.ModelAdmin):
    list_display = ["__str__", "project", "event", "version", "created_at"]
    list_filter = ["project"]
    list_select_related = ["project", "event"]

    def has_change_permission(self, request, obj=None):
        # Accepted: shown read-only. A changed text is a new version (add one).
        if obj is not None and setup.notice_accepted(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and setup.notice_accepted(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            setup.save_privacy_notice(obj, actor=request.user, via=VIA)
        except ActionRefused as refusal:  # accepted while the form was open
            raise PermissionDenied(refusal.message) from None

    def delete_model(self, request, obj):
        try:
            setup.delete_privacy_notice(obj, actor=request.user, via=VIA)
        except ActionRefused as refusal:
            raise PermissionDenied(refusal.message) from None


class QuestionAdminForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["event", "kind", "label", "help", "choices", "required", "order"]

    def clean_kind(self):
        kind = self.cleaned_data.get("kind")
        setup.check_kind_change(self.instance, kind)
        return kind


@admin.register(Question)
class QuestionAdmin(_NoBulkDelete, admin.ModelAdmin):
    form = QuestionAdminForm
    list_display = ["__str__", "event", "kind", "required", "order"]
    list_filter = ["kind", "required"]
    list_select_related = ["event"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and setup.answers_to(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        setup.save_question(obj, actor=request.user, via=VIA)

    def delete_model(self, request, obj):
        try:
            setup.delete_question(obj, actor=request.user, via=VIA)
        except ActionRefused as refusal:
            raise PermissionDenied(refusal.message) from None


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    fields = ["block"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(_NoBulkDelete, admin.ModelAdmin):
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
        # Only the details a registrant may correct themselves are editable; the rest (status,
        # places, timestamps, consents, the address) changes through the services only.
        return [
            field.name for field in self.model._meta.fields
            if field.name != "token"
            and (field.name not in services.EDITABLE_FIELDS or (obj and obj.anonymised_at))
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # erase (anonymise) instead, so counts stay right

    def save_model(self, request, obj, form, change):
        current = Registration.objects.select_related("event").get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data
                   if name in services.EDITABLE_FIELDS}
        if not changes:
            return
        try:
            services.update_details(current, changes, actor=request.user, via=VIA)
        except (ValidationError, ActionRefused) as error:
            raise PermissionDenied(str(error)) from None

    @admin.action(description=_("Cancel the selected registrations"))
    def cancel_registrations(self, request, queryset):
        done = 0
        for registration in queryset.select_related("event"):
            try:
                services.cancel(registration, actor=request.user, via=VIA)
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
                services.promote(registration, actor=request.user, via=VIA)
            except services.RegistrationError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, ngettext(
            "%(count)d registrant promoted.", "%(count)d registrants promoted.", done
        ) % {"count": done}, messages.SUCCESS)
