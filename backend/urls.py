from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .health import healthz
from .spa import spa_index

api: list[URLPattern | URLResolver] = [
    path("", include("backend.accounts.urls")),
    path("", include("backend.audit.urls")),
    path("", include("consent.urls")),
    path("", include("moderation.urls")),
    path("", include("moderation.comments.urls")),
    path("", include("publishers.urls")),
    path("", include("backend.operations.urls")),
    path("", include("procedures.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include(api)),
    path("", include("publishers.public_urls")),
    re_path(r"^(?!api/|admin/|static/|healthz).*$", spa_index, name="spa"),
]

# A lost database outside a view answers 503, not 500 (issue 16).
handler500 = "backend.common.middleware.server_error"

admin.site.site_header = "School post queue — administration"
if settings.DEBUG:
    admin.site.site_title = "School post queue (embedded)"
