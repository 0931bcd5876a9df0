from django.contrib import admin

from aula.projects.models import Partner, Project


class PartnerInline(admin.StackedInline):
    model = Partner
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PartnerInline]
