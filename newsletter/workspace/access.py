"""Who may use the workspace: logged-in staff; everyone else is sent to its own login page."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.shortcuts import render

LOGIN_URL = "workspace:login"


def staff_only(view):
    """The view for logged-in staff; a logged-in non-staff user gets a plain 403 page."""

    @login_required(login_url=LOGIN_URL)
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return render(request, "workspace/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
