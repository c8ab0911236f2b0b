from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.forms import SignupForm
from accounts.models import User
from worlds.clips.selectors import clip_list_for_profile
from worlds.selectors import world_list_for_profile


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(request.GET.get("next") or "home")
    return render(request, "accounts/signup.html", {"form": form})


def profile(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_object_or_404(User, username=username, is_active=True)
    worlds = world_list_for_profile(owner=owner, viewer=request.user)
    clips = clip_list_for_profile(owner=owner, viewer=request.user)
    context = {"owner": owner, "worlds": worlds, "clips": clips}
    return render(request, "accounts/profile.html", context)
