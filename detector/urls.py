from django.urls import path

from detector import views

app_name = "detector"

urlpatterns = [
    path("audio/upload", views.UploadView.as_view(), name="upload"),
    path("audio/history", views.HistoryView.as_view(), name="history"),
    path("audio/status/<str:request_id>", views.StatusView.as_view(), name="status"),
    path(
        "audio/status/<str:request_id>/audio",
        views.RecordingView.as_view(),
        name="recording",
    ),
    path("health", views.HealthView.as_view(), name="health"),
]
