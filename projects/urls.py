from django.urls import path

from . import report_views, views, workflow_views

app_name = "projects"

report = "<slug:slug>/reports/<int:pk>/"

urlpatterns = [
    path("", views.index, name="index"),
    # Programme officers' queue and submitters' own reports.
    path("review/", workflow_views.review_queue, name="review_queue"),
    path("mine/", workflow_views.my_reports, name="mine"),
    # A competition's programme page, its report and the table's exports.
    path("programme/<slug:slug>/", views.competition, name="competition"),
    path("programme/<slug:slug>/report/", report_views.report_html, name="report"),
    path("programme/<slug:slug>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("programme/<slug:slug>/report.docx", report_views.report_docx, name="report_docx"),
    path("programme/<slug:slug>/projects.csv", report_views.table_csv, name="table_csv"),
    path("programme/<slug:slug>/projects.xlsx", report_views.table_xlsx, name="table_xlsx"),
    # A project and its status reports.
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/reports/new/", workflow_views.report_create, name="report_create"),
    path(report, workflow_views.report_detail, name="report_detail"),
    path(report + "edit/", workflow_views.report_edit, name="report_edit"),
    path(report + "submit/", workflow_views.report_submit, name="report_submit"),
    path(report + "review/", workflow_views.report_review, name="report_review"),
    path(report + "attachments/", workflow_views.attachment_add, name="attachment_add"),
    path(report + "attachments/<int:attachment_pk>/", workflow_views.attachment_download,
         name="attachment_download"),
    path(report + "attachments/<int:attachment_pk>/remove/", workflow_views.attachment_remove,
         name="attachment_remove"),
]

# Project slugs that would shadow the fixed paths above.
RESERVED_SLUGS = {"review", "mine", "programme"}
