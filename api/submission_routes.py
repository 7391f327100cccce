"""Routes of submissions.py: the API (`/datasets/{id}/submissions`, Bearer token) and the UI pages
(upload form, status with progress, then the report). An institution token only reaches its own
datasets; an admin's reaches all."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from erfgoed.api import auth
from erfgoed.api.state import shared
from erfgoed.api.submissions import Job, Submissions
from erfgoed.api.ui import page
from erfgoed.api.uploads import receive
from erfgoed.config import check_dataset_id
from erfgoed.errors import UserError

router = APIRouter(tags=["submissions"])


def submissions(request: Request) -> Submissions:
    state = request.app.state
    return shared(request, "submissions", lambda: Submissions(state.store, state.config))


def _allowed(request: Request, dataset_id: str, *, browser: bool = False) -> auth.User:
    try:
        check_dataset_id(dataset_id)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from None
    user = auth.current_user(request)
    if user is None:
        if browser:
            raise auth.LoginRequired(request.url.path)
        raise HTTPException(401, "send your institution token: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    if not user.may_submit(dataset_id):
        raise HTTPException(403, f"this token may not submit to dataset '{dataset_id}'")
    return user


async def _accept(request: Request, dataset_id: str, user: auth.User) -> Job:
    subs = submissions(request)
    job_id = subs.new_id()
    folder = subs.root / dataset_id
    upload = await receive(request, lambda name: folder / f"{job_id}-{name}", subs.limit_bytes)
    try:
        auth.check_csrf(request, user, upload.fields.get("csrf"))
        mapping = subs.mapping_for(dataset_id, upload.fields.get("mapping", "").strip())
    except (HTTPException, UserError) as exc:
        upload.path.unlink(missing_ok=True)
        if isinstance(exc, UserError):
            raise HTTPException(400, str(exc)) from None
        raise
    return subs.submit(Job(job_id, dataset_id, upload.filename, str(upload.path), upload.size, mapping,
                           user.name))


@router.post("/datasets/{dataset_id}/submissions", status_code=202,
             summary="Submit a file (multipart field 'file'; optional 'mapping') for background ingest")
async def api_submit(request: Request, dataset_id: str) -> JSONResponse:
    user = _allowed(request, dataset_id)
    job = await _accept(request, dataset_id, user)
    where = f"/datasets/{dataset_id}/submissions/{job.id}"
    return JSONResponse(job.public(), status_code=202, headers={"Location": where})


@router.get("/datasets/{dataset_id}/submissions", summary="A dataset's submissions, newest first")
def api_list(request: Request, dataset_id: str) -> list[dict]:
    _allowed(request, dataset_id)
    return [j.public() for j in submissions(request).listing(dataset_id)]


@router.get("/datasets/{dataset_id}/submissions/{job_id}", summary="One submission: status, progress, counts")
def api_job(request: Request, dataset_id: str, job_id: str) -> dict:
    _allowed(request, dataset_id)
    job = submissions(request).get(dataset_id, job_id)
    if job is None:
        raise HTTPException(404, f"no submission '{job_id}' for dataset '{dataset_id}'")
    return job.public()


# -- the UI --------------------------------------------------------------------------------------------
@router.get("/ui/datasets/{dataset_id}/submissions", response_class=HTMLResponse, include_in_schema=False)
def ui_form(request: Request, dataset_id: str) -> Response:
    _allowed(request, dataset_id, browser=True)
    from erfgoed.mappings.engine import available_mappings

    subs = submissions(request)
    try:
        default = subs.mapping_for(dataset_id)
    except UserError:
        default = ""
    return page(request, "submit.html", dataset=dataset_id, jobs=subs.listing(dataset_id),
                mappings=available_mappings(), default_mapping=default,
                max_mb=request.app.state.config["ingest.max_file_mb"])


@router.post("/ui/datasets/{dataset_id}/submissions", include_in_schema=False)
async def ui_submit(request: Request, dataset_id: str) -> Response:
    user = _allowed(request, dataset_id, browser=True)
    job = await _accept(request, dataset_id, user)
    return RedirectResponse(f"/ui/datasets/{dataset_id}/submissions/{job.id}", status_code=303)


@router.get("/ui/datasets/{dataset_id}/submissions/{job_id}", response_class=HTMLResponse,
            include_in_schema=False)
def ui_job(request: Request, dataset_id: str, job_id: str) -> Response:
    _allowed(request, dataset_id, browser=True)
    job = submissions(request).get(dataset_id, job_id)
    if job is None:
        raise HTTPException(404, f"no submission '{job_id}' for dataset '{dataset_id}'")
    return page(request, "submission.html", job=job, dataset=dataset_id)
