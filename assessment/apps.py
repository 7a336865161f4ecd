from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Certification projects and assessment")

    def ready(self):
        from django.db.models.signals import post_delete, pre_delete
        from simple_history.signals import post_create_historical_record

        from assessment import frame, history, steps

        for definition in steps.STEPS:
            frame.register_step(definition)
        history.register_assessment_sources()
        post_create_historical_record.connect(history.record_change, dispatch_uid="pso-readable-history")
        project = self.get_model("Project")
        pre_delete.connect(
            history.project_deletion_started, sender=project, dispatch_uid="pso-history-deleting"
        )
        post_delete.connect(
            history.project_deletion_ended, sender=project, dispatch_uid="pso-history-deleted"
        )
        assessment_round = self.get_model("AssessmentRound")
        pre_delete.connect(
            history.round_deletion_started, sender=assessment_round, dispatch_uid="pso-history-round-deleting"
        )
        post_delete.connect(
            history.round_deletion_ended, sender=assessment_round, dispatch_uid="pso-history-round-deleted"
        )
        for name in ("Mission", "Indicator"):
            model = self.get_model(name)
            pre_delete.connect(
                history.row_deletion_started, sender=model, dispatch_uid=f"pso-history-{name}-deleting"
            )
            post_delete.connect(
                history.row_deletion_ended, sender=model, dispatch_uid=f"pso-history-{name}-deleted"
            )
