from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = "Schools, users and devices"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from .hooks import sign_in_failed

        # Every failed sign-in is audited (issue 16), the admin's and the API's alike.
        user_login_failed.connect(sign_in_failed, dispatch_uid="accounts.sign_in_failed")
