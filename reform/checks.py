"""System checks of the deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.files, deploy=True)
def check_file_storage(app_configs, **kwargs):
    """Files on one server's disk are lost to every other app server and to the database
    backup: production keeps them in the database or in object storage."""
    if settings.FILE_STORAGE != "local":
        return []
    return [
        Warning(
            "FILE_STORAGE=local keeps uploaded files on this server's disk only.",
            hint=(
                "Set FILE_STORAGE=database (or s3) and run `manage.py move_files_to_storage` "
                "to move the files already under MEDIA_ROOT."
            ),
            id="reform.W001",
        )
    ]
