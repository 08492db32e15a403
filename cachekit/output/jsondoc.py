"""The JSON output of every command: the result encoded, under a versioned ``schema`` name.

``{"schema": "cachekit.check/1", ...}``: the name says which document it is, the number its
version. The version changes only when a key is removed or changes meaning (a new key keeps it),
and the JSON Schema of each version ships in ``docs/schemas/``.
"""

from __future__ import annotations

import json
from typing import Any

from ..encoding import encode
from .registry import RenderOptions

__all__ = ["document", "dumps", "render"]


def document(result: object, schema: str) -> dict[str, Any]:
    """``result`` as a JSON object whose first key is ``schema``."""
    data = encode(result)
    if not isinstance(data, dict):
        raise TypeError(f"a {type(result).__name__} is not a JSON object")
    return {"schema": schema, **data}


def dumps(data: object) -> str:
    """The one way cachekit writes JSON: indented, keys in the order given."""
    return json.dumps(data, indent=2)


def render(result: object, options: RenderOptions) -> str:
    """The ``json`` renderer of every kind: the document, plus any ``extra`` keys."""
    return dumps({**document(result, options.schema), **encode(dict(options.extra))})
