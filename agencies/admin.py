from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from agencies.models import (
    Agency,
    Cohort,
    Criterion,
    InstituteRole,
    Membership,
    MissionCategory,
    Standard,
    Step,
    UltimateOutcome,
)

admin.site.site_header = _("P.S.O. administration")
admin.site.site_title = _("P.S.O. administration")
admin.site.index_title = _("Catalogue, agencies and people")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


class InstituteRoleInline(admin.TabularInline):
    model = InstituteRole
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    inlines = [MembershipInline, InstituteRoleInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "kind", "province", "parent"]
    list_filter = ["kind", "province"]
    search_fields = ["code", "name_th", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "signed_on"]
    filter_horizontal = ["agencies"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name_th", "agency__code"]
    autocomplete_fields = ["agency"]
    list_select_related = ["user", "agency"]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name_th", "name_en", "provisional"]


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "part", "min_total_score", "min_criterion_level"]
    list_filter = ["part"]
    inlines = [CriterionInline]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["standard", "order", "code", "name_th", "provisional"]
    list_filter = ["standard", "provisional"]
    list_select_related = ["standard"]


@admin.register(UltimateOutcome)
class UltimateOutcomeAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name_th", "name_en"]


@admin.register(MissionCategory)
class MissionCategoryAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name_th", "default_budget"]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["number", "name_th", "name_en"]
