"""Dataset exports over HTTP: `GET /datasets/{id}/europeana.zip` (streamed while it is built)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from erfgoed.graph.publication import EUROPEANA, Reason, refused

router = APIRouter()


@router.get(
    "/datasets/{dataset_id}/europeana.zip",
    summary="EDM records of a dataset for Europeana (zip)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}, 403: {}, 404: {}},
)
def europeana_zip(dataset_id: str, request: Request) -> StreamingResponse:
    """One EDM RDF/XML file per object that passes the EDM XSD and Europeana's rules, plus
    `export-report.json` listing those that did not. 403 when the dataset's licence does not
    allow Europeana, 404 for an unknown dataset."""
    from erfgoed.graph.edm import EdmBuilder
    from erfgoed.graph.edm_export import stream_zip

    state = request.app.state
    why = refused(state.store, state.config.base_uri, dataset_id, EUROPEANA)
    if why:
        raise HTTPException(404 if why.reason is Reason.NO_DATASET else 403, why.message)
    builder = EdmBuilder(state.store, state.config, dataset_id)
    return StreamingResponse(
        stream_zip(builder),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{dataset_id}-europeana.zip"'},
    )
