"""Small helpers every app's views share."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from answerable.core.files import CONTENT_TYPES, CSV, XLSX
from answerable.core.forms import VersionedForm
from answerable.core.models import EditConflict
from answerable.core.tables import csv_stream, xlsx_bytes


def form_add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def run_service(form: forms.Form, service: Any, **kwargs: Any) -> Any:
    """Call a service; return its result, or None after putting its errors on the form."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        form_add_service_error(form, error)
        return None


EditForm = TypeVar("EditForm", bound=VersionedForm)


def run_edit_service(
    form: EditForm, service: Any, *, redraw: Callable[[], EditForm], **kwargs: Any
) -> tuple[Any, EditForm]:
    """Call an edit service; return its result and the form to show.

    If someone else saved first, the form to show is `redraw()`, drawn from the saved row,
    carrying the refusal and the fields they changed, so the person can make theirs again.
    If they changed none of this form's fields (they saved another form of the same row,
    such as an action's lead while this one moves its target date), the change is made on
    the row as saved now: it replaces nothing the person has not seen. Other errors go on the
    submitted form, as run_service does.
    """
    retried = False
    while True:
        try:
            return service(**kwargs), form
        except EditConflict as conflict:
            fresh = redraw()
            fresh.conflict_show(conflict, submitted=form)
            if fresh.changed_elsewhere or retried:
                return None, fresh
            retried = True
            kwargs["expected_version"] = fresh.drawn_version
        except ValidationError as error:
            form_add_service_error(form, error)
            return None, form


def download_name(title: str, kind: str) -> str:
    """A file name for a download from a title people typed: letters, digits, spaces and
    `-_.()` only, at most 80 characters, so no title can break or add to the header."""
    kept = "".join(ch if ch.isalnum() or ch in " -_.()" else "-" for ch in title)
    return f"{' '.join(kept.split())[:80].strip() or 'download'}.{kind}"


def document_download(content: bytes, kind: str, filename: str) -> HttpResponse:
    """A document built in memory (minutes, a report) as an attachment, never sniffed."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file_download(file: Any, *, title: str, kind: str) -> FileResponse:
    """A stored upload as an attachment, named from its title, never sniffed as anything else."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=download_name(title, kind),
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class Rows(Protocol):
    """What Paginator reads of a list: its length and slices. The register's long lists page
    by key instead (core.keyset)."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: slice) -> Any: ...


def paginate(request: HttpRequest, items: Rows, per_page: int = 50) -> Page:
    """Return the requested page, falling back to the last page if the number is too high."""
    # The stubs ask for iteration and integer indexes too, which Paginator never uses.
    return Paginator(items, per_page).get_page(request.GET.get("page"))  # type: ignore[arg-type]


def pagination_params(request: HttpRequest, page: Page) -> dict[str, Any] | None:
    """govukPagination parameters for a page, keeping the other query-string filters."""
    if page.paginator.num_pages <= 1:
        return None
    query = request.GET.copy()

    def href(number: int | str) -> str:
        query["page"] = str(number)
        return "?" + urlencode(sorted(query.items()))

    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == page.number})
    params: dict[str, Any] = {"items": items}
    if page.has_previous():
        params["previous"] = {"href": href(page.previous_page_number())}
    if page.has_next():
        params["next"] = {"href": href(page.next_page_number())}
    return params


def post_data(request: HttpRequest) -> Any:
    """The submitted form, or None on GET. An empty POST is still a submission (unticked boxes,
    a confirmation button), where `request.POST or None` would leave the form unbound."""
    return request.POST if request.method == "POST" else None


def table_response(
    *,
    file_kind: str,
    filename: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> HttpResponse | StreamingHttpResponse:
    """A table as a CSV (streamed) or XLSX attachment, formula-safe either way."""
    response: HttpResponse | StreamingHttpResponse
    if file_kind == CSV:
        response = StreamingHttpResponse(
            csv_stream(headers, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            xlsx_bytes(headers, rows, sheet_title=sheet_title), content_type=CONTENT_TYPES[XLSX]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_download(
    *, file_kind: str, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse | StreamingHttpResponse:
    """A table as a CSV (streamed) or XLSX download named for today, formula-safe either way."""
    response = table_response(
        file_kind=file_kind,
        filename=f"{name}-{timezone.localdate():%Y-%m-%d}.{file_kind}",
        sheet_title=name.capitalize(),
        headers=headers,
        rows=rows,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def error_summary(
    messages: Sequence[object], *, count: int, more: str = "", shown: int = 10
) -> list[dict[str, str]]:
    """govukErrorSummary items for the first `shown` of `count` problems, each linking to its
    row (`#import-error-N`), then any `more` (formatted with `more=`, how many are left out)
    linking to the full list."""
    items = [
        {"text": str(message), "href": f"#import-error-{index}"}
        for index, message in enumerate(messages[:shown], start=1)
    ]
    if more and count > shown:
        items.append({"text": more.format(more=count - shown), "href": "#import-errors"})
    return items
