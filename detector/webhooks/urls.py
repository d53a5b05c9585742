from django.urls import path

from detector.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks", views.EndpointListView.as_view(), name="endpoints"),
    path("webhooks/<uuid:pk>", views.EndpointDetailView.as_view(), name="endpoint"),
    path("webhooks/<uuid:pk>/secret", views.SecretView.as_view(), name="secret"),
    path(
        "webhooks/<uuid:pk>/rotate-secret",
        views.RotateSecretView.as_view(),
        name="rotate-secret",
    ),
    path("webhooks/<uuid:pk>/test", views.TestEventView.as_view(), name="test"),
    path(
        "webhooks/<uuid:pk>/deliveries",
        views.DeliveryListView.as_view(),
        name="deliveries",
    ),
]
