from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from clusters.models import Cluster, GuidanceStation


@login_required
def cluster_list(request):
    clusters = Cluster.objects.select_related("county", "industry").annotate(
        member_count=Count("members")
    )
    return render(request, "clusters/cluster_list.html", {"clusters": clusters})


@login_required
def cluster_detail(request, pk: int):
    cluster = get_object_or_404(Cluster.objects.select_related("county", "industry"), pk=pk)
    return render(request, "clusters/cluster_detail.html", {"cluster": cluster})


@login_required
def station_detail(request, pk: int):
    station = get_object_or_404(GuidanceStation.objects.select_related("park"), pk=pk)
    return render(request, "clusters/station_detail.html", {"station": station})
