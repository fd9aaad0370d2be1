"""Hardware flavors and their prices (api-reference §3.8): `client.hardware`."""

from __future__ import annotations

import builtins

from hfjobs_cli.api.errors import ResponseError
from hfjobs_cli.api.models import Flavor
from hfjobs_cli.api.resource import Resource, path

ROUTE = "/api/jobs/hardware"


class Hardware(Resource):
    """The `/api/jobs/hardware` route: no namespace, no token needed."""

    def list(self, *, quick: bool = False) -> builtins.list[Flavor]:
        """Flavors and prices; `quick`: one attempt with short timeouts (for optional extras)."""
        http = self.client.http
        if quick:
            response = http.request("GET", http.url(path(ROUTE)), timeout=(2.0, 3.0), attempts=1)
            data = http.json(response)
        else:
            data = self.client.get_json(path(ROUTE))
        if not isinstance(data, list):
            raise ResponseError(f"Unexpected answer from {ROUTE}: expected a list")
        return [
            Flavor.from_api(item) for item in data if isinstance(item, dict) and item.get("name")
        ]
