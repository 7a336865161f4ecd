"""The committee's deliberation stays with it until it decides: the history
of reviews not decided yet, recorded before reviews were sealed, is sealed
now (the project's move to "under review" too, when a review made it)."""

from django.db import migrations


def seal_undecided(apps, schema_editor):
    Review = apps.get_model("certification", "Review")
    ReviewCriterion = apps.get_model("certification", "ReviewCriterion")
    ChangeEntry = apps.get_model("assessment", "ChangeEntry")
    for review in Review.objects.filter(decisions__isnull=True):
        seal = f"review:{review.pk}"
        rows = list(ReviewCriterion.objects.filter(review=review).values_list("pk", flat=True))
        entries = ChangeEntry.objects.filter(project_id=review.project_id)
        entries.filter(model_label="certification.review", object_id=review.pk).update(sealed=seal)
        entries.filter(model_label="certification.reviewcriterion", object_id__in=rows).update(sealed=seal)
        if review.started_by_id:
            entries.filter(
                model_label="assessment.project", user_id=review.started_by_id, at__gte=review.started_at
            ).update(sealed=seal)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0006_imported_records"),
        ("assessment", "0007_change_sealed"),
    ]

    operations = [migrations.RunPython(seal_undecided, migrations.RunPython.noop)]
