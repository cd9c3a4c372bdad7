from django.urls import path

from . import views

urlpatterns = [
    path("cpd/", views.event_list, name="cpd_event_list"),
    path("cpd/events/new/", views.event_create_view, name="cpd_event_create"),
    path("cpd/events/<int:pk>/", views.event_detail, name="cpd_event_detail"),
    path("cpd/events/<int:pk>/edit/", views.event_edit, name="cpd_event_edit"),
    path("cpd/events/<int:pk>/cancel/", views.event_cancel_view, name="cpd_event_cancel"),
    path("cpd/events/<int:pk>/sessions/new/", views.session_add_view, name="cpd_session_add"),
    path("cpd/sessions/<int:pk>/book/", views.session_book, name="cpd_session_book"),
    path("cpd/sessions/<int:pk>/workshops/new/", views.workshop_add_view, name="cpd_workshop_add"),
    path("cpd/sessions/<int:pk>/register/", views.session_register, name="cpd_session_register"),
    path("cpd/sessions/<int:pk>/register/open/", views.register_open_view, name="cpd_register_open"),
    path("cpd/sessions/<int:pk>/register/close/", views.register_close_view, name="cpd_register_close"),
    path("cpd/bookings/", views.my_bookings, name="cpd_my_bookings"),
    path("cpd/bookings/<int:pk>/", views.booking_detail, name="cpd_booking_detail"),
    path("cpd/bookings/<int:pk>/cancel/", views.booking_cancel_view, name="cpd_booking_cancel"),
    path("cpd/bookings/<int:pk>/substitute/", views.booking_substitute_view, name="cpd_booking_substitute"),
    path("cpd/bookings/<int:pk>/approve/", views.booking_approve_view, name="cpd_booking_approve"),
    path("cpd/bookings/<int:pk>/decline/", views.booking_decline_view, name="cpd_booking_decline"),
    path("cpd/bookings/<int:pk>/accept-offer/", views.offer_accept_view, name="cpd_offer_accept"),
    path("cpd/bookings/<int:pk>/decline-offer/", views.offer_decline_view, name="cpd_offer_decline"),
    path("cpd/approvals/", views.approvals, name="cpd_approvals"),
    path("cpd/schools/<int:school_id>/leader/", views.cpd_leader_edit, name="cpd_leader_edit"),
    path("cpd/settings/", views.cpd_settings_edit, name="cpd_settings"),
    path("cpd/certificates/", views.my_certificates_view, name="cpd_my_certificates"),
    path("cpd/certificates/<int:pk>/certificate.pdf", views.certificate_pdf_view, name="cpd_certificate_pdf"),
    path("cpd/certificates/verify/<str:code>/", views.certificate_verify, name="cpd_certificate_verify"),
    path("cpd/events/<int:pk>/certificates/", views.event_certificates_view, name="cpd_event_certificates"),
    path("cpd/invoices/", views.invoice_list, name="cpd_invoice_list"),
    path("cpd/invoices/<int:pk>/", views.invoice_detail, name="cpd_invoice_detail"),
    path("cpd/invoices/<int:pk>/issue/", views.invoice_issue_view, name="cpd_invoice_issue"),
    path("cpd/invoices/<int:pk>/invoice.csv", views.invoice_csv, name="cpd_invoice_csv"),
]

urlpatterns += [
    path("cpd/events/<int:pk>/evaluation/<slug:point>/", views.evaluation_answer, name="cpd_evaluation_answer"),
    path("cpd/events/<int:pk>/evaluation-link/", views.evaluation_link, name="cpd_evaluation_link"),
    path("cpd/events/<int:pk>/evaluations/", views.event_evaluations, name="cpd_event_evaluations"),
    path("cpd/events/<int:pk>/evaluations.csv", views.event_evaluations_csv, name="cpd_event_evaluations_csv"),
    path("cpd/evaluations/", views.programme_evaluations, name="cpd_evaluations"),
    path("cpd/evaluations/forms/", views.evaluation_forms, name="cpd_evaluation_forms"),
    path("cpd/evaluations/forms/<int:pk>/", views.evaluation_form_edit, name="cpd_evaluation_form"),
    path(
        "cpd/evaluations/questions/<int:pk>/remove/",
        views.evaluation_question_remove,
        name="cpd_evaluation_question_remove",
    ),
    path("cpd/evaluations/settings/", views.evaluation_settings_edit, name="cpd_evaluation_settings"),
]
