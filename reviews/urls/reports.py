"""Report addresses: the Reports page, downloads and progress of one review's report, bulk preparation."""

from django.urls import path

from ..views import reports

urlpatterns = [
    path("reports/", reports.reports_index, name="reports_index"),
    path("reports/cycles/<int:cycle_pk>/prepare/", reports.report_batch_create_view, name="report_batch_create"),
    path("reports/cycles/<int:cycle_pk>/final-reports.zip", reports.report_cycle_zip, name="report_cycle_zip"),
    path("reports/batches/<int:pk>/", reports.report_batch, name="report_batch"),
    path("reports/batches/<int:pk>/status/", reports.report_batch_status, name="report_batch_status"),
    path("reviews/<int:pk>/pdf/", reports.report_download, name="report_download"),
    path("reviews/<int:pk>/pdf/prepare/", reports.report_prepare, name="report_prepare"),
    path("reviews/<int:pk>/pdf/downloads.csv", reports.report_downloads_csv, name="report_downloads_csv"),
    path("reviews/<int:pk>/pdf/<int:render_pk>/", reports.report_version_download, name="report_version_download"),
    path("reviews/<int:pk>/pdf/<int:render_pk>/progress/", reports.report_progress, name="report_progress"),
    path("reviews/<int:pk>/pdf/<int:render_pk>/status/", reports.report_status, name="report_status"),
    path("reviews/<int:pk>/pdf/<int:render_pk>/retry/", reports.report_retry_view, name="report_retry"),
]
