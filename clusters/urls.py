from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("", views.cluster_list, name="cluster_list"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("<int:pk>/members/add/", views.cluster_member_add, name="cluster_member_add"),
    path("<int:pk>/members/remove/", views.cluster_member_remove, name="cluster_member_remove"),
    path("<int:pk>/members.xlsx", views.cluster_member_export, name="cluster_member_export"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/new/", views.station_create, name="station_create"),
    path("stations/<int:pk>/", views.station_detail, name="station_detail"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:pk>/pilots/", views.station_pilot_assign, name="station_pilot_assign"),
    path("stations/<int:pk>/pilots.xlsx", views.station_pilot_export, name="station_pilot_export"),
    path("parks/", views.park_list, name="park_list"),
    path("parks/<int:pk>/", views.park_detail, name="park_detail"),
]
