"""The built-in importers, registered through the same hook third-party plugins use."""

from __future__ import annotations

from collections.abc import Callable

from servicecoach.ingest.base import Importer
from servicecoach.plugins import hookimpl

__all__ = ["register_importers"]


@hookimpl
def register_importers(register: Callable[[Importer], None]) -> None:
    """Register every importer that ships with servicecoach."""
    from servicecoach.ingest.chatwoot import ChatwootImporter
    from servicecoach.ingest.email import EmailImporter
    from servicecoach.ingest.freshdesk import FreshdeskImporter
    from servicecoach.ingest.gorgias import GorgiasImporter
    from servicecoach.ingest.helpscout import HelpScoutImporter
    from servicecoach.ingest.intercom import IntercomImporter
    from servicecoach.ingest.jsonl import JsonlImporter
    from servicecoach.ingest.parquet import ParquetImporter
    from servicecoach.ingest.transcripts import (
        AwsCallAnalyticsImporter,
        AwsTranscribeImporter,
        DeepgramImporter,
        SrtImporter,
        WebVttImporter,
        WhisperImporter,
    )
    from servicecoach.ingest.twcs import TwcsImporter
    from servicecoach.ingest.zendesk import ZendeskImporter

    for importer in (
        JsonlImporter(),
        ParquetImporter(),
        TwcsImporter(),
        ZendeskImporter(),
        ChatwootImporter(),
        IntercomImporter(),
        HelpScoutImporter(),
        FreshdeskImporter(),
        GorgiasImporter(),
        EmailImporter(),
        WebVttImporter(),
        SrtImporter(),
        AwsTranscribeImporter(),
        AwsCallAnalyticsImporter(),
        DeepgramImporter(),
        WhisperImporter(),
    ):
        register(importer)
