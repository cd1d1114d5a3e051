"""Menu links from the admin to the staff pages beside it: the blog form snippets and the outbox."""

from django.contrib import admin
from django.urls import reverse

_app_list = admin.site.get_app_list


def tool(name: str, url_name: str) -> dict:
    url = reverse(url_name)
    return {
        "name": name,
        "object_name": url_name.split(":")[-1].title(),
        "admin_url": url,
        "add_url": None,
        "view_only": True,
        "perms": {"view": True},
    }


def get_app_list(request, app_label=None) -> list[dict]:
    apps = _app_list(request, app_label)
    if app_label is None and request.user.is_active and request.user.is_staff:
        tools = [tool("Subscribe form for your blog", "newsletter:embed")]
        if request.user.has_perm("newsletter.view_outbox"):
            tools.append(tool("Outbox (emails kept here without a provider)", "newsletter:outbox"))
        apps.append(
            {
                "name": "Practice tools",
                "app_label": "tools",
                "app_url": tools[0]["admin_url"],
                "has_module_perms": True,
                "models": tools,
            }
        )
    return apps


admin.site.get_app_list = get_app_list
