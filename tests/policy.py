"""The access policy, written down: for every URL pattern of the app, what
each kind of person gets from a GET on the objects of a submitted project
of agency A, and what differs in the project's other states (``BY_STATE``);
tests/test_policy.py checks it against the app and checks that no URL
pattern is left out.

Personas: anon (not signed in), head, editor, viewer (of agency A), outsider
(editor of agency B), committee, conflicted (a committee member who is also
a member of agency A), auditor, admin (the standards administrator).

Outcomes: 200, "login" (redirect to sign in), 302 (another redirect), 404,
405 (GET not allowed: the URL only takes POST)."""

PERSONAS = ("anon", "head", "editor", "viewer", "outsider", "committee", "conflicted", "auditor", "admin")


def row(anon, head, editor, viewer, outsider, committee, conflicted, auditor, admin):
    return dict(
        zip(
            PERSONAS,
            (anon, head, editor, viewer, outsider, committee, conflicted, auditor, admin),
            strict=True,
        )
    )


# A project page: the agency's members read it; the institute reads a submitted project.
READ = row("login", 200, 200, 200, 404, 200, 200, 200, 404)
# The same, for a download that answers an outsider or anonymous visitor with a 404.
READ_FILE = row(404, 200, 200, 200, 404, 200, 200, 200, 404)
# Only POST (Django's own views answer a GET with 405 or, for the language, a redirect).
POST_ONLY = row(405, 405, 405, 405, 405, 405, 405, 405, 405)
# Only POST, for signed-in people: anonymous visitors are sent to sign in first.
POST_ONLY_SIGNED_IN = row("login", 405, 405, 405, 405, 405, 405, 405, 405)
# Readers of the project are sent on (to the latest round).
READ_REDIRECT = row("login", 302, 302, 302, 404, 302, 302, 302, 404)

# Agency pages for its members only (the institute has no business in them).
MEMBERS = row("login", 200, 200, 200, 404, 404, 200, 404, 404)
# What the agency submitted, as the institute reads it (the agency reads its project).
AS_SUBMITTED = row("login", 404, 404, 404, 404, 200, 404, 200, 404)
# Pages any signed-in person opens.
SIGNED_IN = row("login", 200, 200, 200, 200, 200, 200, 200, 200)
# Public pages.
PUBLIC = row(200, 200, 200, 200, 200, 200, 200, 200, 200)
# The committee's own pages.
COMMITTEE = row("login", 404, 404, 404, 404, 200, 200, 404, 404)
AUDITORS = row("login", 404, 404, 404, 404, 404, 404, 200, 404)
# A submitted project is read-only for the agency: its edit forms send the
# editors back to the project with a message (302), others get a 404.
LOCKED_EDIT = row("login", 302, 302, 404, 404, 404, 404, 404, 404)
# The upgrade planner: the agency's people and the committee (an auditor only reads the project).
PLANNERS = row("login", 200, 200, 200, 404, 200, 200, 404, 404)

POLICY = {
    "home": SIGNED_IN,
    "catalogue": SIGNED_IN,
    "login": PUBLIC,
    "logout": POST_ONLY,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
    "set_language": row(302, 302, 302, 302, 302, 302, 302, 302, 302),
    "verify": row(404, 404, 404, 404, 404, 404, 404, 404, 404),  # no such certificate
    "session_status": SIGNED_IN,
    "health": PUBLIC,
    "health_live": PUBLIC,
    "security_txt": PUBLIC,
    "guide_home": PUBLIC,
    "guide": PUBLIC,
    "verify_lookup": PUBLIC,
    "verify_document": PUBLIC,
    "institute_certificate": PUBLIC,
    "assessment:project_create": row("login", 200, 200, 404, 404, 404, 404, 404, 404),
    "assessment:project": READ,
    "assessment:history": READ,
    "assessment:step": READ,
    "assessment:results": READ,
    "assessment:results_workbook": READ,
    "assessment:results_csv": READ,
    "assessment:round_current": READ_REDIRECT,
    "assessment:round_start": POST_ONLY_SIGNED_IN,
    "assessment:round": READ,
    "assessment:round_discard": POST_ONLY_SIGNED_IN,
    "assessment:carried_confirm": POST_ONLY_SIGNED_IN,
    "assessment:workbook": READ,
    "assessment:workbook_upload": POST_ONLY_SIGNED_IN,
    "assessment:workbook_apply": POST_ONLY_SIGNED_IN,
    "assessment:cell": READ,
    "assessment:evidence": READ,
    "plans:step": READ,
    "plans:plan_create": LOCKED_EDIT,
    "plans:plan_edit": READ,
    "plans:plan_delete": POST_ONLY_SIGNED_IN,
    "plans:activity_create": LOCKED_EDIT,
    "plans:activity": READ,
    "plans:activity_edit": READ,
    "plans:activity_delete": POST_ONLY_SIGNED_IN,
    "plans:activity_evidence": READ,
    "plans:timeline": READ,
    "plans:planner": PLANNERS,
    "plans:planner_json": PLANNERS,
    "plans:workbook": READ,
    "plans:csv": READ,
    "certification:step9": READ,
    "certification:submit": POST_ONLY_SIGNED_IN,
    "certification:renew": POST_ONLY_SIGNED_IN,
    "certification:submitted": AS_SUBMITTED,
    "certification:archive": READ,
    "certification:committee_view": READ,
    "certification:certificate": row("login", 404, 404, 404, 404, 404, 404, 404, 404),  # not certified
    "certification:certificate_pdf": row("login", 404, 404, 404, 404, 404, 404, 404, 404),
    "certification:dossier": READ_FILE,
    "certification:draft_prepare": POST_ONLY,
    "certification:dossier_issued": READ_FILE,
    "certification:dossier_retry": POST_ONLY,
    "certification:committee_queue": COMMITTEE,
    "certification:review": row("login", 404, 404, 404, 404, 200, 404, 404, 404),
    "certification:revoke": POST_ONLY_SIGNED_IN,
    "certification:audit": AUDITORS,
    "certification:dashboard": row("login", 404, 404, 404, 404, 200, 200, 404, 200),
    "agencies:members": MEMBERS,
    "agencies:member_change": POST_ONLY_SIGNED_IN,
    "agencies:invitation_withdraw": POST_ONLY_SIGNED_IN,
    "agencies:first_head": row("login", 404, 404, 404, 404, 404, 404, 404, 200),
    "agencies:agency_create": row("login", 404, 404, 404, 404, 404, 404, 404, 200),
    "agencies:invitation_answer": POST_ONLY_SIGNED_IN,
    "agencies:invitation_resend": POST_ONLY_SIGNED_IN,
    # An e-mailed invitation link that does not exist (or no longer works).
    "agencies:invitation_welcome": row(404, 404, 404, 404, 404, 404, 404, 404, 404),
    # The same with no link's secret in the session.
    "agencies:invitation_join": row(404, 404, 404, 404, 404, 404, 404, 404, 404),
    "agencies:invitation_confirm": POST_ONLY_SIGNED_IN,
    "agencies:people_history": row("login", 404, 404, 404, 404, 404, 404, 404, 200),
    # Everyone's own two-step sign-in (tests/agencies/test_two_factor.py checks who must have it).
    "agencies:notifications": SIGNED_IN,
    "agencies:notifications_read": POST_ONLY_SIGNED_IN,
    "agencies:two_factor": SIGNED_IN,
    "agencies:two_factor_setup": SIGNED_IN,
    # Nothing to verify once verified (or for staff without an authenticator): on to the home page.
    "agencies:two_factor_verify": row("login", 302, 302, 302, 302, 302, 302, 302, 302),
    "agencies:recovery_codes": POST_ONLY_SIGNED_IN,
    "agencies:two_factor_remove": POST_ONLY_SIGNED_IN,
    # Development e-mail (EMAIL_URL=outbox:), the superuser's only; with any other
    # backend, as in the tests, it does not exist (tests/pso_site/test_outbox.py).
    "outbox": row(404, 404, 404, 404, 404, 404, 404, 404, 404),
    "outbox_mail": row(404, 404, 404, 404, 404, 404, 404, 404, 404),
    "outbox_html": row(404, 404, 404, 404, 404, 404, 404, 404, 404),
}


# The other states of the project. What differs from the submitted project
# above, by rule:
STATES = ("draft", "submitted", "under_review", "changes_requested", "certified", "not_certified", "revoked")


def _institute(outcomes: dict, value) -> dict:
    """``outcomes`` with the committee's and the auditors' answers replaced
    (the conflicted committee member reads as a member of the agency)."""
    return {**outcomes, "committee": value, "auditor": value}


_READERS = {name for name, outcomes in POLICY.items() if outcomes in (READ, READ_FILE, READ_REDIRECT)}
# Dossiers as issued (the institute's download is the latest issued one, whatever the agency edits).
_ISSUED = {"certification:dossier", "certification:dossier_issued"}
# Agency members may add plans and activities while the project may change.
_EDIT = row("login", 200, 200, 404, 404, 404, 404, 404, 404)
_NOBODY = row(404, 404, 404, 404, 404, 404, 404, 404, 404)
# A certificate (valid or revoked) is read by the project's readers and verified by anyone.
_CERTIFICATE = row("login", 200, 200, 200, 404, 200, 200, 200, 404)

BY_STATE = {
    # The institute reads a project only once it is submitted; nothing is issued yet.
    "draft": {
        **{name: _institute(POLICY[name], 404) for name in _READERS},
        "certification:review": _institute(POLICY["certification:review"], 404),
        "certification:submitted": _institute(POLICY["certification:submitted"], 404),
        "certification:dossier_issued": _NOBODY,
        "plans:plan_create": _EDIT,
        "plans:activity_create": _EDIT,
        "plans:planner": _institute(PLANNERS, 404),
        "plans:planner_json": _institute(PLANNERS, 404),
    },
    "submitted": {},
    "under_review": {},
    # While the agency revises, the institute is sent to the version it submitted.
    "changes_requested": {
        **{name: _institute(POLICY[name], 302) for name in _READERS - _ISSUED},
        "certification:certificate": _institute(POLICY["certification:certificate"], 302),
        "certification:certificate_pdf": _institute(POLICY["certification:certificate_pdf"], 302),
        "certification:review": {**POLICY["certification:review"], "committee": 302},
        "plans:plan_create": _EDIT,
        "plans:activity_create": _EDIT,
        "plans:planner": {**PLANNERS, "committee": 302},
        "plans:planner_json": {**PLANNERS, "committee": 302},
    },
    "certified": {
        "certification:certificate": _CERTIFICATE,
        "certification:certificate_pdf": _CERTIFICATE,
        "verify": PUBLIC,
    },
    "not_certified": {},
    # A revoked certificate still shows, saying it is revoked.
    "revoked": {
        "certification:certificate": _CERTIFICATE,
        "certification:certificate_pdf": _CERTIFICATE,
        "verify": PUBLIC,
    },
}


def expected(name: str, state: str) -> dict:
    return BY_STATE[state].get(name, POLICY[name])
