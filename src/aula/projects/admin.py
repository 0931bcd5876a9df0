"""Admin for projects and their partner organisations, and ``AuditedAdmin``: every save and
delete made in the admin writes its audit entry, in the admin's own transaction."""

from collections.abc import Callable
from typing import NamedTuple

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from aula.core.translation import CONTENT_LANGUAGES
from aula.projects import services
from aula.projects.models import Partner, Project

VIA = "admin"


def translated_search(field: str) -> list[str]:
    """Admin search_fields for a TranslatedTextField: each language's text, so the search
    compares decoded text (SQLite stores non-ASCII JSON escaped) and ignores the keys."""
    return [f"{field}__{lang}" for lang in CONTENT_LANGUAGES]


def lead_constraint_message():
    for constraint in Partner._meta.constraints:
        if constraint.name == "one_lead_partner_per_project":
            return constraint.violation_error_message
    return _("A project has one lead partner.")


# Addresses typed without a scheme are https (Django 6's default; no deprecation warning now).
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class Recorder(NamedTuple):
    """How the record of a model is written: its audited fields (``snapshot``), a save
    (``saved(actor, obj, before)``, ``before`` None for a new one) and a delete
    (``deleted(actor, obj)``, before it happens). The domain apps provide them."""

    snapshot: Callable
    saved: Callable
    deleted: Callable


class AuditedAdmin:
    """For a ModelAdmin: its saves and deletes, and those of its inlines, write audit entries
    through ``recorders`` (model → ``Recorder``) in the admin's transaction (the admin runs the
    add, change and delete pages in one; a bulk delete gets one here)."""

    recorders: dict[type, Recorder] = {}

    def _stored(self, obj):
        return type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None

    def save_model(self, request, obj, form, change):
        recorder = self.recorders[type(obj)]
        stored = self._stored(obj) if change else None
        before = recorder.snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)
        recorder.saved(request.user, obj, before)

    def delete_model(self, request, obj):
        self.recorders[type(obj)].deleted(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.recorders[type(obj)].deleted(request.user, obj)
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        recorder = self.recorders.get(formset.model)
        if recorder is None:
            return super().save_formset(request, form, formset, change)
        pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        stored = {obj.pk: obj for obj in formset.model._default_manager.filter(pk__in=pks)}
        for f in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(f) and f.instance.pk in stored:
                recorder.deleted(request.user, stored[f.instance.pk])
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            recorder.saved(request.user, obj, None)
        for obj, _fields in formset.changed_objects:
            recorder.saved(request.user, obj, recorder.snapshot(stored[obj.pk]))


PROJECT_RECORDERS = {
    model: Recorder(
        services.snapshot,
        lambda actor, obj, before: services.record_saved(actor, obj, before, via=VIA),
        lambda actor, obj: services.record_deleted(actor, obj, via=VIA),
    )
    for model in (Project, Partner)
}


class PartnerFormSet(BaseInlineFormSet):
    """A project's partners: one lead partner among them.

    The database allows one lead partner per project; the per-form checks cannot see the other
    forms (nor, for the inline, the project), so the formset counts them itself.
    """

    def kept_forms(self):
        for form in self.forms:
            if not getattr(form, "cleaned_data", None):
                continue  # an empty extra form
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        leads = [
            form for form in self.kept_forms()
            if form.cleaned_data.get("role") == Partner.Role.LEAD_PARTNER
        ]
        if len(leads) > 1:
            raise ValidationError(lead_constraint_message(), code="lead_partner")

    def save(self, commit=True):
        if commit:
            # Handing the lead role from one partner to another in one save: free it first,
            # whatever order the rows are written in (the admin's transaction keeps it whole).
            losing = [
                form.instance.pk for form in self.initial_forms
                if form.initial.get("role") == Partner.Role.LEAD_PARTNER
                and (
                    (self.can_delete and self._should_delete_form(form))
                    or form.cleaned_data.get("role") != Partner.Role.LEAD_PARTNER
                )
            ]
            if losing:
                Partner.objects.filter(pk__in=losing).update(role=Partner.Role.PARTNER)
        return super().save(commit)


class PartnerInline(admin.StackedInline):
    model = Partner
    formset = PartnerFormSet
    extra = 0
    formfield_overrides = URL_OVERRIDES
    fields = [
        ("organisation", "role", "order"),
        ("city", "country"),
        "website",
        ("ecoc_year", "ecoc_note"),
    ]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin, admin.ModelAdmin):
    recorders = PROJECT_RECORDERS
    list_display = [
        "name", "code", "programme", "primary_language", "starts_on", "ends_on", "partner_count",
    ]
    list_filter = ["programme", "primary_language"]
    search_fields = [
        "name", "code", "programme", "partners__organisation", *translated_search("full_title"),
    ]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerInline]
    formfield_overrides = URL_OVERRIDES
    fieldsets = [
        (None, {"fields": [("name", "code"), "slug", "full_title", "programme", "website"]}),
        (_("Languages and dates"), {
            "fields": ["primary_language", ("starts_on", "ends_on")],
        }),
        (_("Description"), {"fields": ["description"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_partners=Count("partners"))

    @admin.display(description=_("partners"), ordering="number_of_partners")
    def partner_count(self, project):
        return project.number_of_partners


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin, admin.ModelAdmin):
    recorders = PROJECT_RECORDERS
    list_display = ["organisation", "city", "country", "project", "role", "ecoc_year"]
    list_filter = ["role", "project", "country"]
    list_select_related = ["project"]
    search_fields = ["organisation", "city", "project__name", "project__code"]
    autocomplete_fields = ["project"]
    formfield_overrides = URL_OVERRIDES
    fields = [
        "project", ("organisation", "role", "order"), ("city", "country"), "website",
        ("ecoc_year", "ecoc_note"),
    ]

