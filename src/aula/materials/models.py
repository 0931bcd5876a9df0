"""Seminar materials: documents (slides, papers, pictures: ``materials.filetypes``) and links
to recordings, shown on the public page once published."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from aula.core.fields import Translatable, TranslatedTextField
from aula.events.models import Event
from aula.materials import filetypes


def material_path(instance, filename: str) -> str:
    # The stored name never comes from the uploader: a random name under the event's folder,
    # with the extension the service chose from the file's content.
    extension = PurePath(filename).suffix.lower()
    if not extension[1:].isalnum():
        extension = ".bin"
    return f"materials/{instance.event_id}/{uuid.uuid4().hex}{extension}"


class Material(Translatable, models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        LINK = "link", _("Link to a recording")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="materials", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = TranslatedTextField(_("title"), max_length=300, blank=False)
    file = models.FileField(_("file"), upload_to=material_path, blank=True, max_length=200)
    filename = models.CharField(
        _("file name"), max_length=150, blank=True,
        help_text=_("The name the file is downloaded under."),
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    url = models.URLField(_("address of the recording"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Listed on the event's public page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="document") & ~models.Q(file="") & models.Q(url=""))
                | (models.Q(kind="link") & models.Q(file="") & ~models.Q(url="")),
                name="material_document_has_file_link_has_url",
                violation_error_message=_("A document has a file; a link has an address."),
            ),
        ]
        indexes = [models.Index(fields=["event", "published", "order"])]

    def __str__(self) -> str:
        return self.text("title", self.content_language()).text or self.filename or self.url

    def content_language(self) -> str:
        event = self.event if Material.event.is_cached(self) else None
        return event.primary_language if event else super().content_language()

    @property
    def is_document(self) -> bool:
        return self.kind == self.Kind.DOCUMENT

    @property
    def file_type(self) -> filetypes.FileType:
        return filetypes.for_filename(self.filename or self.file.name)

    def clean(self):
        if self.kind == self.Kind.LINK and self.url and not self.url.lower().startswith(
            ("https://", "http://")
        ):
            raise ValidationError({"url": _("Give an address starting with https://.")})
