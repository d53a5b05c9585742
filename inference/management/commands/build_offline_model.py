"""Build the untrained offline demo checkpoint, so the platform runs with no download."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser

from inference.offline_model import save_random_checkpoint


class Command(BaseCommand):
    help = "Write a randomly initialised WavLM audio-classification checkpoint (a demo, not a detector)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--size", choices=("tiny", "base-plus"), default="tiny")
        parser.add_argument("--seed", type=int, default=0)

    def handle(
        self, *args: Any, directory: Path, size: str, seed: int, **options: Any
    ) -> None:
        save_random_checkpoint(directory, size, seed)  # type: ignore[arg-type]
        self.stdout.write(
            self.style.WARNING(
                f"Wrote an UNTRAINED demo model to {directory}: it serves only "
                "while models/default is missing (`make model` builds the detector)"
            )
        )
