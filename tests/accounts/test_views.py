from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories import WorldFactory
from worlds.models import Visibility

pytestmark = pytest.mark.django_db


def test_it_signs_up_and_logs_the_new_user_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "bea",
            "email": "bea@example.com",
            "password1": "tide pools at dawn",
            "password2": "tide pools at dawn",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="bea").exists()
    assert client.get("/").context["user"].username == "bea"


def test_signup_explains_mismatched_passwords(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "bea", "password1": "tide pools at dawn", "password2": "something else"},
    )
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(username="bea").exists()


def test_it_logs_in_and_out(client, creator):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_the_profile_lists_public_worlds_to_visitors(client, creator):
    WorldFactory(owner=creator, title="Open Sea", visibility=Visibility.PUBLIC)
    WorldFactory(owner=creator, title="Diary", visibility=Visibility.PRIVATE)
    page = client.get("/u/alice/").content.decode()
    assert "Open Sea" in page and "Diary" not in page


def test_the_profile_lists_every_world_to_its_owner(creator_client, creator):
    WorldFactory(owner=creator, title="Diary", visibility=Visibility.PRIVATE)
    assert "Diary" in creator_client.get("/u/alice/").content.decode()


def test_an_unknown_profile_is_a_404(client):
    assert client.get("/u/nobody/").status_code == 404
