from django.urls import path

from .views import after_review, annual_report, categories, grants, self_evaluation, support

urlpatterns = [
    path("improvement/", after_review.improvement_index, name="improvement_index"),
    path("improvement/reviews/<int:review_pk>/champion/", after_review.champion_name, name="improvement_champion"),
    path("improvement/plans/<int:pk>/", after_review.plan_detail, name="improvement_plan"),
    path("improvement/plans/<int:pk>/actions/add/", after_review.action_add, name="improvement_action_add"),
    path("improvement/actions/<int:pk>/", after_review.action_edit, name="improvement_action_edit"),
    path("improvement/plans/<int:pk>/impact-visit/", after_review.impact_visit, name="improvement_impact_visit"),
    path("improvement/categories/", categories.categories_index, name="improvement_categories"),
    path("improvement/categories/new/", categories.category_new, name="improvement_category_new"),
    path(
        "improvement/categories/schools/<int:school_pk>/",
        categories.school_category,
        name="improvement_school_category",
    ),
    path(
        "improvement/categories/schools/<int:school_pk>/propose/",
        categories.category_propose,
        name="improvement_category_propose",
    ),
    path(
        "improvement/categories/proposals/<int:pk>/confirm/",
        categories.category_confirm,
        name="improvement_category_confirm",
    ),
    path("improvement/leaders/", support.leader_directory, name="improvement_leaders"),
    path("improvement/leaders/new/", support.leader_new, name="improvement_leader_new"),
    path("improvement/leaders/<int:pk>/", support.leader_detail, name="improvement_leader"),
    path("improvement/support/", support.support_list, name="improvement_support_list"),
    path("improvement/support/new/", support.support_new, name="improvement_support_new"),
    path("improvement/support/<int:pk>/", support.support_detail, name="improvement_support"),
    path("improvement/support/<int:pk>/agree/", support.support_agree_page, name="improvement_support_agree"),
    path("improvement/support/<int:pk>/visits/new/", support.support_visit_new, name="improvement_support_visit"),
    path("improvement/support/<int:pk>/evaluate/", support.support_evaluate_page, name="improvement_support_evaluate"),
    path("improvement/support/<int:pk>/midpoint/", support.support_midpoint_page, name="improvement_support_midpoint"),
    path("improvement/support/balance/", support.support_balance_page, name="improvement_support_balance"),
    path("improvement/grants/", grants.grant_list, name="improvement_grants"),
    path("improvement/grants/new/", grants.grant_new, name="improvement_grant_new"),
    path("improvement/grants/<int:pk>/", grants.grant_detail, name="improvement_grant"),
    path("improvement/grants/<int:pk>/edit/", grants.grant_edit, name="improvement_grant_edit"),
    path("improvement/grants/<int:pk>/report/", grants.grant_report_page, name="improvement_grant_report"),
    path("improvement/self-evaluation/", self_evaluation.self_evaluation, name="improvement_self_evaluation"),
    path(
        "improvement/self-evaluation/<int:year>/",
        self_evaluation.self_evaluation_year,
        name="improvement_self_evaluation_year",
    ),
    path("improvement/annual-report/", annual_report.annual_report_current, name="improvement_annual_report_current"),
    path("improvement/annual-report/<int:year>/", annual_report.annual_report_page, name="improvement_annual_report"),
    path(
        "improvement/annual-report/<int:year>/pdf/",
        annual_report.annual_report_download,
        name="improvement_annual_report_pdf",
    ),
]
