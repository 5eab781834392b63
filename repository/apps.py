from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class RepositoryConfig(AppConfig):
    name = "repository"
    verbose_name = _lazy("Weather data")
    default_auto_field = "django.db.models.BigAutoField"
