"""Fine-tune an audio-classification checkpoint on a protocol-described corpus."""

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Fine-tune any audio-classification checkpoint (directory or hub id) on an "
        "ASVspoof-style corpus, with a checkpoint and a validation EER per epoch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", help="checkpoint directory or hub id")
        parser.add_argument("output", type=Path, help="where checkpoints go")
        parser.add_argument("--train-protocol", type=Path, required=True)
        parser.add_argument(
            "--train-audio-dir", type=Path, help="default: <protocol dir>/<ext>"
        )
        parser.add_argument("--val-protocol", type=Path)
        parser.add_argument("--val-audio-dir", type=Path)
        parser.add_argument("--ext", default="flac", help="audio file extension")
        parser.add_argument("--revision", default=None)
        parser.add_argument(
            "--new-head",
            action="store_true",
            help="replace the classifier with a fresh bonafide/spoof head",
        )
        parser.add_argument(
            "--resume", action="store_true", help="continue from the last epoch-N"
        )
        parser.add_argument("--epochs", type=int, default=5)
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--learning-rate", type=float, default=3e-5)
        parser.add_argument("--crop-seconds", type=float, default=4.0)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--max-steps-per-epoch", type=int)
        parser.add_argument("--num-workers", type=int, default=0, help="data loaders")
        parser.add_argument(
            "--device", default=settings.DETECTOR_DEVICE, help="default: cuda:0 if any"
        )
        parser.add_argument(
            "--preload", action="store_true", help="read all training audio first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from inference.training.finetune import FinetuneSpec
        from inference.training.finetune import finetune
        from inference.training.train import TrainConfig

        logging.getLogger("inference").setLevel(logging.INFO)
        train_protocol: Path = options["train_protocol"]
        spec = FinetuneSpec(
            model=options["model"],
            output_dir=options["output"],
            train_protocol=train_protocol,
            train_audio_dir=options["train_audio_dir"]
            or train_protocol.parent / options["ext"],
            extension=options["ext"],
            val_protocol=options["val_protocol"],
            val_audio_dir=options["val_audio_dir"],
            revision=options["revision"],
            new_head=options["new_head"],
            resume=options["resume"],
            device=options["device"],
            preload=options["preload"],
            train=TrainConfig(
                epochs=options["epochs"],
                batch_size=options["batch_size"],
                learning_rate=options["learning_rate"],
                crop_seconds=options["crop_seconds"],
                seed=options["seed"],
                max_steps_per_epoch=options["max_steps_per_epoch"],
                num_workers=options["num_workers"],
            ),
        )
        history = finetune(spec, self._progress)
        self.stdout.write(
            self.style.SUCCESS(f"{len(history)} epochs in {spec.output_dir}")
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
