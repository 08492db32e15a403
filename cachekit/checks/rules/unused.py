"""``hashed-file-unused``: the key hashes a file no install in the job reads.

Such a file makes the cache miss whenever it changes, for nothing. Only for ``actions/cache``
keys the user wrote (a setup action's key is the action's choice), and only when cachekit sees
every command of the job; files under ``.github/`` (the workflow itself) are a deliberate way
to invalidate and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Code
from ..model import CheckFinding
from ..rule import CacheFacts, CheckContext, cache_rule, finding


@cache_rule("unused", Code.HASHED_FILE_UNUSED)
def hashed_unused(ctx: CheckContext, cache: CacheFacts) -> Iterator[CheckFinding]:
    info = ctx.job_installs(cache.job)
    if cache.ecosystem != "python" or cache.setup_action or info.opaque or not info.installs:
        return
    read = {f.path for i in info.installs for f in i.files}
    for path in sorted(cache.hashed):
        if path in read or path.startswith(".github/"):
            continue
        yield finding(
            Code.HASHED_FILE_UNUSED,
            f"the key hashes {path}, which no install in the job reads: the cache misses "
            "whenever it changes, for nothing",
            at=cache.at,
            job=cache.job,
        )
