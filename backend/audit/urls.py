from django.urls import path

from . import apis

urlpatterns = [path("audit", apis.AuditEventListApi.as_view(), name="audit-events")]
