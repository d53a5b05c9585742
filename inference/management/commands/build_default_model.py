"""Build the default detector: corpus, training, evaluation, thresholds, model card."""

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Build a labelled corpus (FSDD speakers vs TTS and vocoders) and train the "
        "default WavLM detector into models/default (about 25 minutes on two cores)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        base = Path(settings.BASE_DIR)
        parser.add_argument(
            "source",
            nargs="?",
            type=Path,
            default=base.parent / "shared" / "data" / "fsdd",
            help="folder of human speech WAVs (default: ../shared/data/fsdd)",
        )
        parser.add_argument("--output", type=Path, default=base / "models" / "default")
        parser.add_argument(
            "--work-dir",
            type=Path,
            default=base / "artifacts" / "default-model",
            help="where the generated corpus goes (not committed)",
        )
        parser.add_argument(
            "--eval-speakers", nargs="+", default=["lucas"], help="held-out speakers"
        )
        parser.add_argument("--utterances-per-speaker", type=int, default=160)
        parser.add_argument("--epochs", type=int, default=12)
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--learning-rate", type=float, default=1e-3)
        parser.add_argument("--label-smoothing", type=float, default=0.1)
        parser.add_argument(
            "--speed-perturbation",
            type=float,
            default=0.2,
            help="random resampling of training crops, +- this fraction",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--workers", type=int, default=2, help="CPU cores to use")
        parser.add_argument(
            "--selftest-clips",
            type=Path,
            default=Path(settings.BASE_DIR) / "inference" / "selftest_clips",
            help="where to write the self-test clips",
        )
        parser.add_argument(
            "--no-selftest-clips", action="store_true", help="leave the clips alone"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from inference.training.build import BuildSpec
        from inference.training.build import build_default_model
        from inference.training.train import TrainConfig

        logging.getLogger("inference").setLevel(logging.INFO)
        spec = BuildSpec(
            source=options["source"],
            output_dir=options["output"],
            work_dir=options["work_dir"],
            clips_dir=None
            if options["no_selftest_clips"]
            else options["selftest_clips"],
            eval_speakers=tuple(options["eval_speakers"]),
            utterances_per_speaker=options["utterances_per_speaker"],
            train=TrainConfig(
                epochs=options["epochs"],
                batch_size=options["batch_size"],
                learning_rate=options["learning_rate"],
                seed=options["seed"],
                label_smoothing=options["label_smoothing"],
                speed_perturbation=options["speed_perturbation"],
            ),
            workers=options["workers"],
            batch_size=settings.DETECTOR_BATCH_SIZE,
            optimize=settings.DETECTOR_CPU_OPTIMIZE,
        )
        info = build_default_model(spec, self._progress)
        overall, baseline = info["held_out"][0], info["baseline"][0]
        self.stdout.write(
            self.style.SUCCESS(
                f"{spec.output_dir}: held-out EER {100 * overall['eer']:.2f} % "
                f"(baseline {100 * baseline['eer']:.2f} %), "
                f"built in {info['build_seconds'] / 60:.1f} min"
            )
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()
