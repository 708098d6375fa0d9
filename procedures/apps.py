from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    """What schools are told to do after abuse appears online: report packs for the
    platforms, the letter to a parent, mentions of the school and what X costs (issue 18).

    It sits above moderation, publishers and consent: it reads and writes through their
    selectors and services, and nothing but settings, urls and the beat schedule imports it.
    """

    name = "procedures"
    label = "procedures"
    verbose_name = "Procedures after abuse online"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Over the X budget, the approving leader is asked before posting (issue 18).
        from moderation.approval_gates import approval_gate_register

        from .gates import x_budget_gate

        approval_gate_register(x_budget_gate)
