from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "pilots"
    verbose_name = _("Enterprises and pilots")

    def data_checks(self) -> list:
        from pilots.data_checks import pilot_data_checks

        return pilot_data_checks()

    def place_conflicts(self, record) -> list[str]:
        from pilots.data_checks import stranded_enterprises

        return stranded_enterprises(record)

    def ready(self) -> None:
        from pilots.imports.enterprises import register_enterprises

        register_enterprises()
