from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("", views.cluster_list, name="cluster_list"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
]
