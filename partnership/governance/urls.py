from django.urls import path

from .views import bodies, meetings, minutes, public, resources

urlpatterns = [
    path("boards/", bodies.body_list, name="governance_body_list"),
    path("boards/new/", bodies.body_new, name="governance_body_new"),
    path("boards/interests/", bodies.interests_declare, name="governance_interests"),
    path("boards/public-pages/", bodies.public_settings, name="governance_public_settings"),
    path("boards/<int:pk>/", bodies.body_detail, name="governance_body"),
    path("boards/<int:pk>/edit/", bodies.body_edit, name="governance_body_edit"),
    path("boards/<int:pk>/terms-of-reference/", bodies.body_terms_download, name="governance_terms_download"),
    path("boards/<int:pk>/members/new/", bodies.body_member_new, name="governance_member_new"),
    path("boards/<int:pk>/register/", bodies.body_register, name="governance_register"),
    path("boards/<int:pk>/meetings/new/", meetings.meeting_new, name="governance_meeting_new"),
    path("boards/<int:pk>/actions/<int:action_id>/close/", minutes.action_close_view, name="governance_action_close"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="governance_meeting"),
    path("meetings/<int:pk>/items/new/", meetings.item_new, name="governance_item_new"),
    path("meetings/<int:pk>/items/<int:item_id>/papers/new/", meetings.paper_new, name="governance_paper_new"),
    path("meetings/<int:pk>/items/<int:item_id>/edit/", meetings.item_edit, name="governance_item_edit"),
    path("meetings/<int:pk>/items/<int:item_id>/remove/", meetings.item_remove, name="governance_item_remove"),
    path("meetings/<int:pk>/papers/<int:paper_id>/edit/", meetings.paper_edit, name="governance_paper_edit"),
    path("meetings/<int:pk>/papers/<int:paper_id>/remove/", meetings.paper_remove_view, name="governance_paper_remove"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel_view, name="governance_meeting_cancel"),
    path(
        "meetings/<int:pk>/items/<int:item_id>/interests/new/",
        meetings.item_interest_new,
        name="governance_item_interest_new",
    ),
    path(
        "meetings/<int:pk>/items/<int:item_id>/my-interest/", meetings.own_interest_new, name="governance_own_interest"
    ),
    path("meetings/<int:pk>/publish/", meetings.meeting_publish_view, name="governance_meeting_publish"),
    path("meetings/<int:pk>/apologies/", meetings.apologies, name="governance_apologies"),
    path("meetings/<int:pk>/attendance/", meetings.attendance, name="governance_attendance"),
    path("meetings/<int:pk>/papers/<int:paper_id>/", meetings.paper_download, name="governance_paper_download"),
    path("meetings/<int:pk>/pack/", meetings.pack_new, name="governance_pack_new"),
    path("meetings/<int:pk>/pack/download/", meetings.pack_download, name="governance_pack_download"),
    path("meetings/<int:pk>/minutes/", minutes.minutes_page, name="governance_minutes"),
    path(
        "meetings/<int:pk>/minutes/items/<int:item_id>/",
        minutes.minutes_section_edit,
        name="governance_minutes_section",
    ),
    path("meetings/<int:pk>/items/<int:item_id>/decisions/new/", minutes.decision_new, name="governance_decision_new"),
    path("meetings/<int:pk>/actions/new/", minutes.action_new, name="governance_action_new"),
    path(
        "meetings/<int:pk>/approve/<int:minutes_id>/", minutes.minutes_approve_view, name="governance_minutes_approve"
    ),
    path("meetings/<int:pk>/minutes/circulate/", minutes.minutes_circulate_view, name="governance_minutes_circulate"),
    path("meetings/<int:pk>/minutes/amend/", minutes.minutes_amend_view, name="governance_minutes_amend"),
    path("meetings/<int:pk>/minutes/public/", minutes.minutes_public_view, name="governance_minutes_public"),
    path("resources/", resources.resource_list, name="governance_resources"),
    path("resources/new/", resources.resource_new, name="governance_resource_new"),
    path("resources/<int:pk>/versions/new/", resources.resource_version_new, name="governance_resource_version_new"),
    path("resources/<int:pk>/v<int:version>/", resources.resource_download, name="governance_resource_download"),
    path("public/resources/", resources.public_resources, name="public_resources"),
    path("public/", public.public_home, name="public_home"),
    path("public/bodies/", public.public_bodies_page, name="public_bodies"),
    path("public/areas/", public.public_areas_page, name="public_areas"),
    path("public/schools/", public.public_schools_page, name="public_schools"),
    path("public/minutes/", public.public_minutes_list, name="public_minutes_list"),
    path("public/minutes/<int:pk>/", public.public_minutes_page, name="public_minutes"),
]
