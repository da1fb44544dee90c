from django.urls import path

from pilots import views

app_name = "pilots"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("", views.pilot_list, name="pilot_list"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
]

# The pilot's own plan (一企一策), edited from the pilot and guidance-station pages.
from pilots import plan_views  # noqa: E402

urlpatterns.append(
    path("<int:pk>/plan/", plan_views.pilot_plan_edit, name="pilot_plan_edit"),
)
