from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformConfig(AppConfig):
    name = "reform"
    verbose_name = _("Reform core")

    def load_reference(self) -> dict[str, int]:
        from reform.reference import load_core_reference

        return load_core_reference()
