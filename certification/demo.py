"""The demo's institute: a signatory that says it is one, and the default
seal (no upload)."""

from certification.institute import institute_profile_set
from certification.models import InstituteProfile

DEMO_SIGNATORY = "นายตัวอย่าง สาธิต"
DEMO_POSITION = "ผู้อำนวยการสถาบันรับรองมาตรฐาน P.S.O. (ตัวอย่าง)"


def demo_institute_seed() -> InstituteProfile:
    """Idempotent: a second run changes nothing and records no history. A
    seal the institute uploaded is kept."""
    return institute_profile_set(
        name_th=InstituteProfile.DEFAULT_NAME,
        signatory_name=DEMO_SIGNATORY,
        signatory_position=DEMO_POSITION,
    )
