from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies import services
from agencies.models import (
    AccessEvent,
    Agency,
    Cohort,
    Criterion,
    InstituteRole,
    Invitation,
    Membership,
    MissionCategory,
    Standard,
    Step,
    UltimateOutcome,
)

admin.site.site_header = _("P.S.O. administration")
admin.site.site_title = _("P.S.O. administration")
admin.site.index_title = _("Catalogue, agencies and people")


class NotOnOneselfMixin:
    """Roles are given by someone else: nobody edits their own memberships
    or institute roles here, not even a superuser."""

    def _own(self, request, obj) -> bool:
        user_id = getattr(obj, "user_id", getattr(obj, "pk", None)) if obj is not None else None
        return user_id is not None and user_id == request.user.pk

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and not self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and not self._own(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not self._own(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """A person's roles, shown on their page; given and taken on the role's
    own admin pages, which go through the services (``RoleAdmin``)."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    model = Membership


class InstituteRoleInline(ReadOnlyInline):
    model = InstituteRole


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People are managed by the site's superuser only."""

    inlines = [MembershipInline, InstituteRoleInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


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


class OthersOnlyForm(forms.ModelForm):
    """The admin form of a role: refuses a role for the person saving it,
    and taking an agency's last head away."""

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if user is not None and self.request_user is not None and user.pk == self.request_user.pk:
            raise forms.ValidationError(_("Nobody gives themselves a role: another person must do it."))
        role = cleaned.get("role")
        if (
            isinstance(self.instance, Membership)
            and self.instance.pk
            and role != Membership.Role.HEAD
            and services.is_last_head(Membership.objects.get(pk=self.instance.pk))
        ):
            raise forms.ValidationError(_("The agency needs at least one head."))
        return cleaned


class RoleAdmin(NotOnOneselfMixin, SimpleHistoryAdmin):
    """Only a superuser manages roles here (the standards administrator reads
    them), and never their own. Every grant, change and removal goes through
    the services of ``agencies.services``, as everywhere else: a standards
    administrator gets its admin group, and an agency keeps a head."""

    form = OthersOnlyForm
    # Who holds a role never changes: remove it and give another.
    fixed_on_change = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        return self.fixed_on_change if obj is not None else ()

    def delete_queryset(self, request, queryset):
        for role in queryset:
            try:
                self.delete_model(request, role)
            except services.RoleRefused as refusal:
                self.message_user(request, f"{role}: {refusal.message}", messages.ERROR)


@admin.register(Membership)
class MembershipAdmin(RoleAdmin):
    list_display = ["user", "agency", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "agency__name_th", "agency__code"]
    autocomplete_fields = ["agency"]
    list_select_related = ["user", "agency"]
    fixed_on_change = ("user", "agency")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and services.is_last_head(obj):
            return False  # the agency needs at least one head
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.membership_set(agency=obj.agency, user=obj.user, role=obj.role, by=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.membership_delete(membership_id=obj.pk, by=request.user)


@admin.register(InstituteRole)
class InstituteRoleAdmin(RoleAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    list_select_related = ["user"]
    fixed_on_change = ("user", "role")

    def save_model(self, request, obj, form, change):
        if not change:
            saved = services.institute_role_grant(user=obj.user, role=obj.role, by=request.user)
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.institute_role_revoke(user=obj.user, role=obj.role, by=request.user)


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["username", "agency", "role", "status", "invited_by", "confirmed_by", "created_at"]
    list_filter = ["status", "role", "needs_confirmation"]
    list_select_related = ["agency", "invited_by", "confirmed_by"]
    actions = ["confirm"]

    @admin.action(description=_("Confirm the selected first heads' invitations"))
    def confirm(self, request, queryset):
        """The site's superuser may be the second person who confirms a first head."""
        for invitation in queryset.filter(needs_confirmation=True, confirmed_at__isnull=True):
            try:
                services.invitation_confirm(invitation_id=invitation.pk, by=request.user)
            except (services.RoleRefused, Http404) as refusal:
                self.message_user(
                    request, f"{invitation}: {getattr(refusal, 'message', refusal)}", messages.ERROR
                )
            else:
                self.message_user(request, _("Confirmed: %(invitation)s") % {"invitation": invitation})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log: read only, filterable, exportable as CSV."""

    list_display = ["at", "username", "action", "subject", "ip"]
    list_filter = ["action"]
    search_fields = ["username", "subject", "path"]
    date_hierarchy = "at"
    actions = ["export_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Export the selected events as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        from pso_site.lib.dates import format_datetime
        from pso_site.lib.xlsx import csv_response

        headers = [_("When"), _("Username"), _("Action"), _("What"), _("Address"), _("From")]
        rows = (
            [format_datetime(e.at), e.username, e.get_action_display(), e.subject, e.path, e.ip]
            for e in queryset
        )
        return csv_response(headers, rows, "pso-access-log.csv")
