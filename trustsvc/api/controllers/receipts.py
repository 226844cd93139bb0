"""Signed scan receipts and the public keys that verify them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_409_CONFLICT, HTTP_503_SERVICE_UNAVAILABLE

from trustsvc.api.errors import PROBLEM_RESPONSE, ProblemError, not_found, scan_failed
from trustsvc.api.params import PathKey
from trustsvc.api.state import services
from trustsvc.auth.principal import Scope
from trustsvc.receipts.keys import KeyFileError
from trustsvc.receipts.meta import server_json_meta
from trustsvc.receipts.service import ScanNotReceiptable
from trustsvc.receipts.sign import JWKS_PATH
from trustsvc.store.repositories import SCAN_RUNNING

JWKS_MEDIA_TYPE = "application/jwk-set+json"  # RFC 7517 section 8.5.1


class ReceiptsController(Controller):
    """Receipts are signed on request from the stored scan; the keys are public."""

    tags = ["receipts"]  # noqa: RUF012 - Litestar reads a plain class attribute
    opt = {"scope": Scope.READ}  # noqa: RUF012 - Litestar reads a plain class attribute

    @get(
        "/v1/scans/{scan_id:str}/receipt",
        operation_id="GetScanReceipt",
        summary="A scan's signed receipt",
        description=(
            "The receipt of a completed scan: endpoint, time, policy, score, grade, verdict, "
            "confidence, digests of the tool set, certificate and auth metadata observed, and "
            "each probe's outcomes, signed with Ed25519 as a detached JWS over its RFC 8785 "
            "canonical form (verify with the keys at " + JWKS_PATH + "). With "
            "`format=server-json` it comes wrapped as a server.json `_meta` fragment under "
            "`io.modelcontextprotocol.registry/security-scan`."
        ),
        responses={
            400: PROBLEM_RESPONSE,
            404: PROBLEM_RESPONSE,
            409: PROBLEM_RESPONSE,
            503: PROBLEM_RESPONSE,
        },
    )
    async def get_receipt(
        self,
        state: State,
        scan_id: PathKey,
        output: Annotated[
            Literal["receipt", "server-json"],
            QueryParameter(
                name="format", description="The receipt, or a server.json _meta fragment."
            ),
        ] = "receipt",
    ) -> dict[str, Any]:
        """Sign the stored scan's receipt now."""
        try:
            receipt = await services(state).receipts.receipt(scan_id)
        except ScanNotReceiptable as exc:
            if exc.status == SCAN_RUNNING:
                raise ProblemError(
                    HTTP_409_CONFLICT,
                    "scan-running",
                    "Scan still running",
                    f"scan {scan_id} has no result yet; ask again when it completes",
                ) from None
            raise scan_failed(scan_id, exc.error) from None
        except KeyFileError as exc:
            raise _signing_unavailable(exc) from None
        if receipt is None:
            raise not_found(f"scan {scan_id}")
        return server_json_meta(receipt) if output == "server-json" else receipt

    @get(
        JWKS_PATH,
        operation_id="GetSigningKeys",
        summary="The public keys that verify receipts (JWKS)",
        description=(
            "Every Ed25519 key this service signs or signed receipts with, as a JSON Web Key "
            "Set (RFC 7517), with `created_at`, `retired_at` and `expires_at`: rotation keeps "
            "old keys here so receipts signed before it verify until their key expires."
        ),
        media_type=JWKS_MEDIA_TYPE,
        responses={503: PROBLEM_RESPONSE},
    )
    async def get_signing_keys(self, state: State) -> Response[dict[str, Any]]:
        """The key set; the first key is generated on first use."""
        try:
            body = services(state).receipts.jwks()
        except KeyFileError as exc:
            raise _signing_unavailable(exc) from None
        return Response(body, media_type=JWKS_MEDIA_TYPE, headers={"Cache-Control": "max-age=300"})


def _signing_unavailable(exc: KeyFileError) -> ProblemError:
    """503 naming the set-up fault; the key file's content is never part of the message."""
    return ProblemError(
        HTTP_503_SERVICE_UNAVAILABLE, "signing-unavailable", "Receipt signing unavailable", str(exc)
    )
