"""People belong to a project.

Each existing person goes to the project of the events they appear on. Someone on the events of
several projects stays with the first of them (lowest id) and is copied for every other one, the
agenda roles of that project's events pointing at the copy (the photo file is shared, not
duplicated). Someone on no event goes to the first project (lowest id): an organiser of that
project may find them; without any project they stay without one, attachable nowhere until the
admin gives them a project.
"""

import django.db.models.deletion
from django.db import migrations, models

COPIED_FIELDS = ("name", "job_title", "organisation", "bio", "photo")


def assign_people(apps, schema_editor):
    Person = apps.get_model("events", "Person")
    ItemRole = apps.get_model("events", "ItemRole")
    Project = apps.get_model("projects", "Project")
    first_project = Project.objects.order_by("pk").values_list("pk", flat=True).first()
    projects_of: dict[int, set[int]] = {}
    for person_id, project_id in ItemRole.objects.values_list(
        "person_id", "item__block__event__project_id"
    ).distinct():
        projects_of.setdefault(person_id, set()).add(project_id)
    for person in Person.objects.order_by("pk"):
        projects = sorted(projects_of.get(person.pk, ()))
        if not projects:
            if first_project is not None:
                Person.objects.filter(pk=person.pk).update(project_id=first_project)
            continue
        Person.objects.filter(pk=person.pk).update(project_id=projects[0])
        for project_id in projects[1:]:
            copy = Person.objects.create(
                project_id=project_id,
                **{field: getattr(person, field) for field in COPIED_FIELDS},
            )
            ItemRole.objects.filter(
                person_id=person.pk, item__block__event__project_id=project_id
            ).update(person_id=copy.pk)


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0002_lifecycle"),
        ("projects", "0002_partner_local_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="project",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="people",
                to="projects.project", verbose_name="project",
            ),
        ),
        migrations.RunPython(assign_people, migrations.RunPython.noop),
    ]
