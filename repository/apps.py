from django.apps import AppConfig


class RepositoryConfig(AppConfig):
    name = "repository"
    verbose_name = "気象データ (Weather data)"
    default_auto_field = "django.db.models.BigAutoField"
