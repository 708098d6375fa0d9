from django.urls import path

from . import apis

urlpatterns = [
    path("operations/status", apis.BackgroundStatusApi.as_view(), name="operations-status")
]
