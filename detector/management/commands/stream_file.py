"""Stream a recording to the live stream socket and print each window as it arrives."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from detector.streaming.client import read_audio
from detector.streaming.client import stream_audio


class Command(BaseCommand):
    help = (
        "Stream FILE to /ws/v1/stream/ (docs/streaming.md) and print the windows, "
        "then the verdict."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--url", default="ws://127.0.0.1:8000")
        parser.add_argument(
            "--key",
            required=True,
            help="an API key (read+upload) or a JWT access token",
        )
        parser.add_argument(
            "--realtime",
            action="store_true",
            help="send at real time, as a live source would (default: as fast as "
            "the server allows, twice real time)",
        )
        parser.add_argument("--label", default="", help="the name shown in the history")

    def handle(
        self,
        *args: Any,
        file: Path,
        url: str,
        key: str,
        realtime: bool,
        label: str,
        **options: Any,
    ) -> None:
        audio = read_audio(file)
        last = stream_audio(
            url,
            key,
            audio,
            on_message=self.show,
            speed=1.0 if realtime else None,
            label=label or file.name,
        )
        if last.get("type") != "final":
            raise CommandError(
                last.get("message") or "the stream ended without a result"
            )

    def show(self, message: dict[str, Any], elapsed: float) -> None:
        kind = message["type"]
        if kind == "started":
            line = f"started {message['request_id']}"
        elif kind == "window":
            line = (
                f"{elapsed:7.2f} s  window {message['start']:6.1f}-{message['end']:6.1f} s"
                f"  score {message['score']:.3f}"
                f"  {'speech' if message['speech'] else 'no speech'}"
                f"{'  (provisional)' if message['provisional'] else ''}"
            )
        elif kind == "final":
            confidence = message["overall_confidence"]
            line = (
                f"final: {message['overall_assessment']}"
                + (f" ({confidence:.2f})" if confidence is not None else "")
                + f", {len(message['chunk_predictions'])} chunks"
            )
        else:
            line = f"{kind}: {message.get('code', '')} {message.get('message', '')}"
        self.stdout.write(line)
        self.stdout.flush()
