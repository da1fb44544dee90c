from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "promotion"
    verbose_name = _("Cases and media reports")

    def ready(self):
        # The pilot page lives in pilots, which may not import promotion: pilots offers a panel
        # hook and promotion fills it with the pilot's cases and media reports.
        from pilots.panels import PilotPanel, register_pilot_panel
        from promotion.imports.kind import register_media_reports
        from promotion.panels import pilot_promotion_context

        register_media_reports()  # the Excel import of reports (pilots.imports.kinds)

        register_pilot_panel(
            PilotPanel(
                key="promotion",
                order=40,
                template="promotion/partials/pilot_panel.html",
                context=pilot_promotion_context,
            )
        )
