from reform.scopes import scope_for


def navigation(request) -> dict:
    """What the navigation bar needs: the user's scope (for which links to show)."""
    return {"scope": scope_for(getattr(request, "user", None))}
