"""Call-transcript importers: WebVTT, SRT, AWS Transcribe and Whisper/WhisperX JSON.

Each format module reduces its file to speaker segments; :mod:`.turns` merges them into
turns and assigns roles the same way for all of them. One file is one call, and its file
name (AWS: its job name) is the call's identity: re-importing a file with the same name
updates that call (:mod:`.calls`).
"""

from __future__ import annotations

from servicecoach.ingest.transcripts.aws import AwsTranscribeImporter
from servicecoach.ingest.transcripts.srt import SrtImporter
from servicecoach.ingest.transcripts.vtt import WebVttImporter
from servicecoach.ingest.transcripts.whisper import WhisperImporter

__all__ = ["AwsTranscribeImporter", "SrtImporter", "WebVttImporter", "WhisperImporter"]
