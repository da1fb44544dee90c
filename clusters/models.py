"""Industry clusters and reform guidance stations. The links to enterprises and pilots live here."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
        Enterprise,
        verbose_name=_("members"),
        blank=True,
        related_name="clusters",
        through="ClusterMembership",
    )

    class Meta:
        ordering = ["county__code", "name"]
        verbose_name = _("industry cluster")
        verbose_name_plural = _("industry clusters")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clusters:cluster_detail", args=[self.pk])


class ClusterMembership(models.Model):
    """An enterprise's membership of a cluster: who added it and when, with history."""

    cluster = models.ForeignKey(
        Cluster, verbose_name=_("cluster"), on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="cluster_memberships",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cluster", "enterprise__name"]
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "enterprise"], name="one_membership_per_cluster_enterprise"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} · {self.enterprise}"


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
