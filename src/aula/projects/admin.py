"""Admin for projects and their partner organisations."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from aula.core.translation import CONTENT_LANGUAGES
from aula.projects.models import Partner, Project


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
class ProjectAdmin(admin.ModelAdmin):
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
class PartnerAdmin(admin.ModelAdmin):
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

