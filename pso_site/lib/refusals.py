"""Domain refusals: a rule said no, under the project's lock or before it,
and nothing was written.

Every refusal of the apps (a role, a rule of steps 3–5, a round that cannot
change, a request that is not ready, a decision, a renewal, a workbook, a
locked project) is a ``Refusal`` carrying the messages the person reads, in
their language. A view that has a better answer (the form again, with what
was typed) catches its own kind; any other reaches one place,
``pso_site.middleware.RefusalMiddleware``, which shows the messages on the
page the request came from, or on ``redirect_to`` when the refusal names
one. So no refusal ever becomes a server error."""


class Refusal(Exception):
    #: Where the person reads the refusal; None: the page the request was for.
    redirect_to: str | None = None

    def __init__(self, *messages: object) -> None:
        self.messages = [str(message) for message in messages]
        super().__init__("\n".join(self.messages))

    @property
    def message(self) -> str:
        return self.messages[0] if self.messages else ""
