"""Call-transcript importers: WebVTT, SRT, AWS Transcribe (and Call Analytics), Deepgram, Whisper.

Each format module reduces its file to speaker segments; :mod:`.turns` merges them into
turns, and :mod:`.roles` assigns roles the same way for all of them. One file is one
call, and its file name (AWS: its job name) is the call's identity: re-importing a file
with the same name updates that call (:mod:`.calls`).
"""

from __future__ import annotations

from servicecoach.ingest.transcripts.aws import AwsTranscribeImporter
from servicecoach.ingest.transcripts.aws_analytics import AwsCallAnalyticsImporter
from servicecoach.ingest.transcripts.deepgram import DeepgramImporter
from servicecoach.ingest.transcripts.srt import SrtImporter
from servicecoach.ingest.transcripts.vtt import WebVttImporter
from servicecoach.ingest.transcripts.whisper import WhisperImporter

__all__ = [
    "AwsCallAnalyticsImporter",
    "AwsTranscribeImporter",
    "DeepgramImporter",
    "SrtImporter",
    "WebVttImporter",
    "WhisperImporter",
]
