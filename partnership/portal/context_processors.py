from .navigation import navigation_for


def navigation(request) -> dict:
    if getattr(request, "partnership", None) is None:
        return {"nav_items": []}
    return {"nav_items": navigation_for(request)}
