from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemonstrationConfig(AppConfig):
    name = "demonstration"
    verbose_name = _("Demonstration-unit selection")

    def ready(self):
        # The pilot page (pilots, a lower layer) shows what a pilot took part in through a hook
        # it offers; this app fills it with the pilot's applications and namings.
        from demonstration.panels import pairing_panel, selection_panel
        from pilots.panels import register_pilot_panel

        register_pilot_panel(selection_panel())
        register_pilot_panel(pairing_panel())
