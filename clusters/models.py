"""Industry clusters and reform guidance stations. The links to enterprises and pilots live here."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pilots.models import Enterprise, Pilot
from reform.models import Industry, Park, Region


class Cluster(models.Model):
    """An industry cluster (产业集群) in a county-level unit, with its member enterprises."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    county = models.ForeignKey(
        Region,
        verbose_name=_("county-level unit"),
        on_delete=models.PROTECT,
        related_name="clusters",
        limit_choices_to={"level": Region.Level.COUNTY},
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("theme industry"),
        on_delete=models.PROTECT,
        related_name="clusters",
    )
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Enterprise, verbose_name=_("members"), blank=True, related_name="clusters"
    )

    class Meta:
        ordering = ["county__code", "name"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:cluster_detail", args=[self.pk])


class GuidanceStation(models.Model):
    """A reform guidance station (产改指导站) in a park, looking after pilots there."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    park = models.ForeignKey(
        Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="stations"
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    pilots = models.ManyToManyField(
        Pilot, verbose_name=_("pilots looked after"), blank=True, related_name="stations"
    )

    class Meta:
        ordering = ["park__name", "name"]
        verbose_name = _("guidance station")
        verbose_name_plural = _("guidance stations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:station_detail", args=[self.pk])
