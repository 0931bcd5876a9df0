"""Console pages: accounts."""

from django.urls import path

from aula.console import accounts

urlpatterns = [
    path("login/code/", accounts.two_factor_login, name="two_factor_login"),
    path("password/reset/", accounts.password_reset, name="password_reset"),
    path("password/reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/", accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password/reset/done/", accounts.password_reset_complete, name="password_reset_complete"),
    path("account/", accounts.account, name="account"),
    path("account/two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/off/", accounts.two_factor_disable, name="two_factor_disable"),
    path("account/recovery-codes/", accounts.recovery_codes, name="recovery_codes"),
    path("p/<slug:project>/members/", accounts.members, name="members"),
    path(
        "p/<slug:project>/members/two-factor/", accounts.member_two_factor,
        name="member_two_factor",
    ),
    path("p/<slug:project>/members/add/", accounts.member_add, name="member_add"),
    path("p/<slug:project>/members/invite/", accounts.member_invite, name="member_invite"),
    path(
        "p/<slug:project>/members/<int:member_id>/role/", accounts.member_role,
        name="member_role",
    ),
    path(
        "p/<slug:project>/members/<int:member_id>/personal-data/", accounts.member_personal_data,
        name="member_personal_data",
    ),
    path(
        "p/<slug:project>/members/<int:member_id>/remove/", accounts.member_remove,
        name="member_remove",
    ),
]
