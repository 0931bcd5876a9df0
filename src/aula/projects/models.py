"""A cooperation project and its partner organisations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from aula.core.fields import RenderedMarkdownField, Translatable, TranslatedTextField
from aula.core.images import partner_logo_path, project_logo_path
from aula.core.text import single_line
from aula.projects.origins import validate_origins


class Project(Translatable, models.Model):
    name = models.CharField(
        _("short name"), max_length=100, validators=[single_line], help_text=_("e.g. ECoC-SME")
    )
    full_title = TranslatedTextField(_("full title"), max_length=400)
    code = models.CharField(
        _("project code"), max_length=32, unique=True, validators=[single_line],
        help_text=_("The programme's reference, e.g. PGI06047."),
    )
    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    programme = models.CharField(
        _("funding programme"), max_length=120, validators=[single_line],
        help_text=_("e.g. Interreg Europe"),
    )
    website = models.URLField(_("website"), blank=True)
    description = TranslatedTextField(_("description"), multiline=True, max_length=10000)
    description_html = RenderedMarkdownField(source="description")
    primary_language = models.CharField(
        _("primary language"), max_length=8, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Shown where a text has no translation in the visitor's language."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # The programme's logo set with the EU emblem (Interreg visibility rules): placed at the top
    # of public pages, e-mails and documents. Raster only (``core.images``), random name.
    logo_set = models.ImageField(
        _("logo set"), upload_to=project_logo_path, blank=True, max_length=200, editable=False
    )
    logo_set_alt = TranslatedTextField(_("logo set description (alt text)"), max_length=300)
    # The partner websites that may show the project's registration forms in a frame (CSP
    # frame-ancestors of the embed pages; none: no site may). Stored as ``projects.origins``
    # normalises them.
    embed_origins = models.JSONField(
        _("sites that may embed the registration forms"), default=list, blank=True,
        validators=[validate_origins],
    )
    # Retention of registrants' personal data (registrations.retention decides the dates): the
    # programme's audit period by default, which the owner states as they know it; a shorter
    # period only by the owner's explicit choice (projects.services.set_retention).
    last_payment_year = models.PositiveSmallIntegerField(
        _("year of the last payment to the project"), null=True, blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The audit period runs five years from 31 December of this year."),
    )
    audit_period_ends_on = models.DateField(
        _("the audit period ends on"), null=True, blank=True,
        help_text=_("When the programme has told you the date; it then takes precedence."),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("shorter period: months after each event's end"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Leave empty to keep personal data for the whole audit period."),
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="project_ends_after_start",
                violation_error_message=_("The project cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def content_language(self) -> str:
        return self.primary_language


class Partner(Translatable, models.Model):
    class Role(models.TextChoices):
        LEAD_PARTNER = "lead", _("Lead partner")
        PARTNER = "partner", _("Partner")
        ADVISORY = "advisory", _("Advisory partner")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project")
    )
    organisation = models.CharField(_("organisation"), max_length=200, validators=[single_line])
    local_names = TranslatedTextField(
        _("name in other languages"), max_length=200,
        help_text=_("e.g. Municipiul Timișoara in Romanian; where empty, the name above is used."),
    )
    city = models.CharField(_("city"), max_length=100, validators=[single_line])
    country = CountryField(_("country"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTNER)
    ecoc_year = models.PositiveSmallIntegerField(
        _("European Capital of Culture year"), null=True, blank=True,
        validators=[MinValueValidator(1985), MaxValueValidator(2100)],
        help_text=_("When the partner's city is or was a European Capital of Culture."),
    )
    ecoc_note = TranslatedTextField(
        _("note on the Capital of Culture year"), max_length=200,
        help_text=_("e.g. originally 2021"),
    )
    website = models.URLField(_("website"), blank=True)
    # The partner's own logo, beside its name on the public pages (raster only: core.images).
    logo = models.ImageField(
        _("logo"), upload_to=partner_logo_path, blank=True, max_length=200, editable=False
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(role="lead"),
                name="one_lead_partner_per_project",
                violation_error_message=_("A project has one lead partner."),
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="partner_organisation_unique_in_project",
                violation_error_message=_("This organisation is already a partner."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}, {self.city}"

    def name_in(self, language: str) -> str:
        """The organisation's name as written in ``language``, else its own name: never
        another language's (no fallback to the project's language, unlike other texts)."""
        return (self.local_names or {}).get(language) or self.organisation
