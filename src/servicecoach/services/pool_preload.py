"""Loaded once by the process ``analyze --workers`` forks its workers from, never elsewhere.

Importing this module loads the language model (py3langid: about 0.5 s of CPU, most of
it decompressing the model). Loaded here, before the workers fork, it is loaded once and
every worker starts with it; loaded by each worker's warm-up, each paid for it, and the
workers' start-ups competed for the two cores of a small machine (``LocalPool.start`` of
two workers: 0.60-0.63 s against 0.92-1.03 s, interleaved, 2026-12-05). The fork server
imports only modules, so the loading is this import's effect.
"""

from __future__ import annotations

from servicecoach.analysis.language import detect_language
from servicecoach.services.local_pool import warm_up_conversations

__all__: list[str] = []

for _conversation in warm_up_conversations():
    detect_language(_conversation)  # the model is kept (cached) for the process
