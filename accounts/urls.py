from django.urls import path

from accounts import api_key_views
from accounts import views

app_name = "accounts"

urlpatterns = [
    path("register", views.RegisterView.as_view(), name="register"),
    path("login", views.LoginView.as_view(), name="login"),
    path("token/refresh", views.RefreshView.as_view(), name="token-refresh"),
    path("logout", views.LogoutView.as_view(), name="logout"),
    path("me", views.MeView.as_view(), name="me"),
    path("api-keys", api_key_views.ApiKeyListView.as_view(), name="api-keys"),
    path(
        "api-keys/<str:prefix>",
        api_key_views.ApiKeyDetailView.as_view(),
        name="api-key",
    ),
]
