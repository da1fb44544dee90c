from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformConfig(AppConfig):
    name = "reform"
    verbose_name = _("Reform core")

    def ready(self) -> None:
        from reform import (
            checks,  # noqa: F401 - registers the deployment checks
            figures,  # noqa: F401 - watches every connection's writes
        )

    def load_reference(self) -> dict[str, int]:
        from reform.reference import load_core_reference

        return load_core_reference()

    def data_checks(self) -> list:
        from reform.data_checks import core_data_checks

        return core_data_checks()
