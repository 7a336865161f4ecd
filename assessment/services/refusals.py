"""What the services of steps 1–6 refuse (``pso_site.lib.refusals``)."""

from pso_site.lib.refusals import Refusal


class RuleViolation(Refusal):
    """Input that breaks a rule of docs/domain.md §2, found under the lock."""

    def __init__(self, problems: list[str]):
        super().__init__(*problems)

    @property
    def problems(self) -> list[str]:
        return self.messages


class RoundNotEditable(Refusal):
    """The round cannot change (not the latest, or the project is not a draft)."""
