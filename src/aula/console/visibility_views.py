"""Console pages: the pictures the public sees (Interreg visibility). The project's logo set
(owners and editors: ``projects.services.set_logo_set``) and an event's image
(``events.services.set_image``), each on the record; removing asks first."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aula.console.confirm import ask_first
from aula.console.models import Role
from aula.console.permissions import allows, event_for, project_for
from aula.core import images
from aula.core.errors import ActionRefused
from aula.core.fields import TranslatedTextFormField
from aula.core.forms import apply_errors
from aula.events import services as events
from aula.projects import services as projects


class PictureForm(forms.Form):
    picture = forms.FileField(
        label=gettext_lazy("Picture"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT}),
    )
    alt = TranslatedTextFormField(
        label=gettext_lazy("What the picture shows (for people who cannot see it)"),
        max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture"].help_text = images.accepted_text()

    def clean_picture(self):
        upload = self.cleaned_data["picture"]
        if upload:
            images.check(upload)
        return upload or None


def _save(request, form, save, done: str) -> bool:
    if not form.is_valid():
        return False
    try:
        save(upload=form.cleaned_data["picture"], alt=form.cleaned_data["alt"])
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, done)
    return True


@login_required
def project_visibility(request, project):
    project, role = project_for(request.user, project)
    can_edit = allows(role, Role.EDITOR)
    form = PictureForm(initial={"alt": project.logo_set_alt})
    if request.method == "POST":
        project, role = project_for(request.user, project.slug, Role.EDITOR)
        form = PictureForm(request.POST, request.FILES)

        def save(**kwargs):
            projects.set_logo_set(project, actor=request.user, via="console", **kwargs)

        if _save(request, form, save, _("The logo set is saved.")):
            return redirect("console:visibility", project=project.slug)
    return render(request, "console/visibility/project.html", {
        "project": project, "role": role, "can_edit": can_edit, "form": form,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def project_logo_remove(request, project):
    project, _role = project_for(request.user, project, Role.EDITOR)
    back = reverse("console:visibility", kwargs={"project": project.slug})
    asked = ask_first(request, what=_("the project's logo set"), consequences=[
        _("Public pages, e-mails and documents no longer show it: Interreg visibility rules "
          "require it.")], back=back)
    if asked:
        return asked
    try:
        projects.remove_logo_set(project, actor=request.user, via="console")
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The logo set is removed."))
    return redirect(back)


@login_required
def event_image(request, event_id):
    event, role = event_for(request.user, event_id)
    can_edit = allows(role, Role.EDITOR)
    form = PictureForm(initial={"alt": event.image_alt})
    if request.method == "POST":
        event, role = event_for(request.user, event_id, Role.EDITOR)
        form = PictureForm(request.POST, request.FILES)

        def save(**kwargs):
            events.set_image(event, actor=request.user, **kwargs)

        if _save(request, form, save, _("The image is saved.")):
            return redirect("console:event_image", event_id=event.pk)
    return render(request, "console/visibility/event.html", {
        "event": event, "project": event.project, "role": role, "can_edit": can_edit,
        "form": form,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def event_image_remove(request, event_id):
    event, _role = event_for(request.user, event_id, Role.EDITOR)
    back = reverse("console:event_image", kwargs={"event_id": event.pk})
    asked = ask_first(request, what=_("the event's image"), back=back)
    if asked:
        return asked
    try:
        events.remove_image(event, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The image is removed."))
    return redirect(back)
