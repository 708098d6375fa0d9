from django.urls import path

from . import apis

urlpatterns = [
    path("auth/csrf", apis.CsrfApi.as_view(), name="auth-csrf"),
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me", apis.MeApi.as_view(), name="auth-me"),
    path("auth/totp/setup", apis.TotpSetupApi.as_view(), name="auth-totp-setup"),
    path("auth/totp/confirm", apis.TotpConfirmApi.as_view(), name="auth-totp-confirm"),
    path("devices/current", apis.CurrentDeviceApi.as_view(), name="device-current"),
    path("schools/<int:school_id>/devices", apis.DeviceListApi.as_view(), name="devices"),
    path(
        "schools/<int:school_id>/memberships", apis.MembershipListApi.as_view(), name="memberships"
    ),
    path(
        "schools/<int:school_id>/memberships/<int:membership_id>/head-teacher",
        apis.MembershipHeadTeacherApi.as_view(),
        name="membership-head-teacher",
    ),
    path(
        "schools/<int:school_id>/memberships/<int:membership_id>/unlock",
        apis.MembershipSignInUnlockApi.as_view(),
        name="membership-unlock",
    ),
    path(
        "schools/<int:school_id>/devices/<int:device_id>/revoke",
        apis.DeviceRevokeApi.as_view(),
        name="device-revoke",
    ),
]
