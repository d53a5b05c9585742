from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the schema extensions of the authentication classes.
        from accounts import schema  # noqa: F401
