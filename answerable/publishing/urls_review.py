"""Signed-in pages for drafting, reviewing and publishing a meeting's summary.

Included under /meetings/<meeting_pk>/summary/ by the meetings URLconf.
"""

from django.urls import path

from answerable.publishing import views_review

app_name = "publication"
urlpatterns = [
    path("", views_review.publication_review, name="review"),
    path("draft/", views_review.publication_draft, name="draft"),
    path("submit/", views_review.publication_submit, name="submit"),
    path("publish/", views_review.publication_publish, name="publish"),
    path("minutes.docx", views_review.publication_docx, name="docx"),
    path("minutes.pdf", views_review.publication_pdf, name="pdf"),
]
