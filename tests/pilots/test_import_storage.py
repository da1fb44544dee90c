"""An import's files removed from the storage behind the site's back: a clear page, no 500,
nothing half-done. And where the files are: in the database, not on this server's disk."""

import io

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from pilots.imports.apply import _undo_path
from pilots.models import Enterprise, ImportBatch, Pilot
from reform.models import StoredFile
from tests.builders import next_credit_code
from tests.pilots.import_files import row, use_test_settings, xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    use_test_settings(settings, tmp_path / "media")


def client_for(user, language="zh-hans") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def upload(client) -> ImportBatch:
    rows = [
        row(name="甲企业", credit_code=next_credit_code()),
        row(name="乙企业", credit_code="123", employee_count="很多"),
    ]
    upload = io.BytesIO(xlsx(rows))
    upload.name = "东海县名单.xlsx"
    response = client.post(reverse("pilots:import_upload"), {"file": upload})
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def test_the_upload_and_its_preview_are_kept_in_the_database_not_on_disk(
    users, plan_year, tmp_path
):
    batch = upload(client_for(users["county"]))
    names = set(StoredFile.objects.values_list("name", flat=True))
    assert names == {batch.original.name, batch.plan.name}
    assert not (tmp_path / "media").exists()


def test_the_import_page_says_the_preview_is_gone_and_offers_a_new_upload(users, plan_year):
    client = client_for(users["county"])
    batch = upload(client)
    default_storage.delete(batch.plan.name)
    response = client.get(batch.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "这次上传的预览已不在本站的文件存储中" in page
    assert "无法保存，也没有作任何更改" in page
    assert reverse("pilots:import_upload") in page
    assert 'id="confirm-import"' not in page
    english = client_for(users["county"], "en").get(batch.get_absolute_url()).content.decode()
    assert "The preview of this upload is no longer in the site's file store" in english


def test_confirming_an_import_whose_preview_is_gone_changes_nothing(users, plan_year):
    client = client_for(users["county"])
    batch = upload(client)
    default_storage.delete(batch.plan.name)
    response = client.post(reverse("pilots:import_confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "无法保存。没有任何更改" in response.content.decode()
    assert not Enterprise.objects.exists() and not Pilot.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_downloading_a_vanished_upload_answers_a_404_page_that_says_so(users, plan_year):
    client = client_for(users["county"])
    batch = upload(client)
    default_storage.delete(batch.original.name)
    response = client.get(reverse("pilots:import_original", args=[batch.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "此文件已无法取得" in page
    assert "文件 东海县名单.xlsx 已不在本站的文件存储中" in page
    assert 'class="topbar"' in page  # the site's layout
    assert f'href="{batch.get_absolute_url()}"' in page  # and a way back to the import
    english = client_for(users["county"], "en").get(
        reverse("pilots:import_original", args=[batch.pk])
    )
    assert english.status_code == 404
    assert "The file 东海县名单.xlsx is no longer in the site's file store." in (
        english.content.decode()
    )


@pytest.mark.parametrize("gone", ["original", "plan"])
def test_the_error_workbook_of_a_vanished_file_answers_a_404_page(users, plan_year, gone):
    client = client_for(users["county"])
    batch = upload(client)
    assert batch.error_count == 2
    assert client.get(reverse("pilots:import_errors", args=[batch.pk])).status_code == 200
    default_storage.delete(getattr(batch, gone).name)
    response = client.get(reverse("pilots:import_errors", args=[batch.pk]))
    assert response.status_code == 404
    assert "文件 东海县名单-错误数.xlsx 已不在本站的文件存储中" in response.content.decode()


def test_an_import_whose_undo_log_is_gone_says_it_cannot_be_undone_and_stays(users, plan_year):
    client = client_for(users["county"])
    batch = upload(client)
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Enterprise.objects.filter(name="甲企业").count() == 1
    default_storage.delete(_undo_path(batch))
    response = client.post(reverse("pilots:import_undo", args=[batch.pk]), follow=True)
    assert "记录这次导入所作更改的文件已不在本站的文件存储中" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Enterprise.objects.filter(name="甲企业").count() == 1
    assert Pilot.objects.count() == 1


def test_an_applied_import_whose_preview_is_gone_still_shows_its_figures(users, plan_year):
    client = client_for(users["county"])
    batch = upload(client)
    client.post(reverse("pilots:import_confirm", args=[batch.pk]))
    default_storage.delete(batch.plan.name)
    response = client.get(batch.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "无法列出它的各行和错误" in page
    assert '<span class="count" id="count-created">1</span>' in page
    assert 'id="undo-import"' in page
