from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "partnership.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .receivers import record_session_at_sign_in

        user_logged_in.connect(record_session_at_sign_in, dispatch_uid="accounts.record_session_at_sign_in")
