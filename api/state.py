"""What an app makes on first use and keeps in `app.state` (the term network, auth, submissions).

Made once, even when the first two requests arrive together: two term networks would each hold an
index (one goes stale after an import), two Submissions two job queues and workers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")
_making = threading.RLock()  # one for every app: making these objects is quick and happens once


def shared(request: Request, name: str, make: Callable[[], T]) -> T:
    """`request.app.state.<name>`, made by `make()` the first time it is asked for."""
    state = request.app.state
    found = getattr(state, name, None)
    if found is None:
        with _making:  # checked again inside: another request may have made it meanwhile
            found = getattr(state, name, None)
            if found is None:
                found = make()
                setattr(state, name, found)
    return found
