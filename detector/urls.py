from django.urls import path

from detector import batch_views
from detector import views
from detector.modelcard import views as model_card_views
from detector.report import views as report_views
from detector.reviews import views as review_views

app_name = "detector"

urlpatterns = [
    path("audio/upload", views.UploadView.as_view(), name="upload"),
    path("audio/batch", batch_views.BatchUploadView.as_view(), name="batch-upload"),
    path(
        "audio/batch/<str:batch_id>",
        batch_views.BatchStatusView.as_view(),
        name="batch",
    ),
    path("audio/history", views.HistoryView.as_view(), name="history"),
    path("audio/status/<str:request_id>", views.StatusView.as_view(), name="status"),
    path(
        "audio/status/<str:request_id>/audio",
        views.RecordingView.as_view(),
        name="recording",
    ),
    path(
        "audio/status/<str:request_id>/label",
        review_views.LabelView.as_view(),
        name="label",
    ),
    path(
        "audio/status/<str:request_id>/labels",
        review_views.LabelHistoryView.as_view(),
        name="labels",
    ),
    path(
        "audio/status/<str:request_id>/report.json",
        report_views.ReportJsonView.as_view(),
        name="report-json",
    ),
    path(
        "audio/status/<str:request_id>/report.pdf",
        report_views.ReportPdfView.as_view(),
        name="report-pdf",
    ),
    path("health", views.HealthView.as_view(), name="health"),
    path("model", model_card_views.ModelCardView.as_view(), name="model"),
]
