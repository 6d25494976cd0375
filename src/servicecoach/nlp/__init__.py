"""Language helpers for analysers.

Sentence spans (``sentences``), fast phrase matching (``phrases``), word helpers
(``words``), sentence embeddings (``embeddings``: all-MiniLM-L6-v2, int8, ONNX Runtime)
and the trained heads over them (``heads``; see ``servicecoach/model_files/README.md``).
"""
