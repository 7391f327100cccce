"""Objects an app makes on first use (api/state.py) are made once, also under concurrent first requests."""

import threading
from types import SimpleNamespace

from erfgoed.api.state import shared


def test_two_first_requests_at_once_get_one_object():
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace()))
    made, start, results = [], threading.Barrier(8), []

    def make():
        made.append(object())
        threading.Event().wait(0.2)  # a slow build: the others ask meanwhile
        return made[-1]

    def ask():
        start.wait()
        results.append(shared(request, "network", make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1
    assert all(r is made[0] for r in results) and request.app.state.network is made[0]
