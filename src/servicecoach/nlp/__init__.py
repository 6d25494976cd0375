"""Language helpers for analysers: sentence spans and fast phrase matching."""
