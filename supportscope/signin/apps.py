from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignInConfig(AppConfig):
    name = "supportscope.signin"
    label = "signin"
    verbose_name = _("Sign-in protection")
    default_auto_field = "django.db.models.BigAutoField"
