"""Build the default detector: material, cross-validation, calibration, model card.

``--card-only`` re-renders the model card of the checkpoint in ``--output``
from its build_info.json, without building anything.
"""

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Build the training material (neural TTS corpus + FSDD), cross-validate by "
        "held-out system, source and speaker, calibrate, and train the default "
        "WavLM detector into models/default (under an hour on two cores)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        data = Path(settings.BASE_DIR).parent / "shared" / "data"
        base = Path(settings.BASE_DIR)
        parser.add_argument("--neural", type=Path, default=data / "neural-tts")
        parser.add_argument("--fsdd", type=Path, default=data / "fsdd")
        parser.add_argument("--output", type=Path, default=base / "models" / "default")
        parser.add_argument(
            "--work-dir",
            type=Path,
            default=base / "artifacts" / "default-model",
            help="where the generated FSDD corpus goes (not committed)",
        )
        parser.add_argument("--folds", type=int, default=4)
        parser.add_argument("--steps", type=int, default=2_500, help="per fold model")
        parser.add_argument("--final-steps", type=int, default=2_500)
        parser.add_argument("--copies", type=int, default=3, help="per source file")
        parser.add_argument("--fsdd-utterances", type=int, default=60)
        parser.add_argument("--neural-limit", type=int, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--workers", type=int, default=2, help="CPU cores to use")
        parser.add_argument(
            "--selftest-clips",
            type=Path,
            default=base / "inference" / "selftest_clips",
            help="where to write the self-test clips",
        )
        parser.add_argument(
            "--no-selftest-clips", action="store_true", help="leave the clips alone"
        )
        parser.add_argument(
            "--cross-validate-only",
            action="store_true",
            help="print the grouped cross-validation table; write no checkpoint",
        )
        parser.add_argument(
            "--card-only",
            action="store_true",
            help="re-render README.md of --output from its build_info.json",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["card_only"]:
            from inference.training.model_card import write_model_card

            card = write_model_card(options["output"])
            self.stdout.write(self.style.SUCCESS(f"wrote {card}"))
            return
        from inference.training.build import BuildSpec
        from inference.training.build import build_default_model
        from inference.training.build import default_training
        from inference.training.material import MaterialSpec

        logging.getLogger("inference").setLevel(logging.INFO)
        spec = BuildSpec(
            material=MaterialSpec(
                neural_root=options["neural"],
                fsdd_source=options["fsdd"],
                work_dir=options["work_dir"],
                copies=options["copies"],
                fsdd_utterances_per_speaker=options["fsdd_utterances"],
                seed=options["seed"],
                workers=options["workers"],
                neural_limit=options["neural_limit"],
            ),
            output_dir=options["output"],
            clips_dir=None
            if options["no_selftest_clips"]
            else options["selftest_clips"],
            folds=options["folds"],
            train=default_training(options["seed"]),
            steps=options["steps"],
            final_steps=options["final_steps"],
            batch_size=settings.DETECTOR_BATCH_SIZE,
            cross_validate_only=options["cross_validate_only"],
        )
        info = build_default_model(spec, self._progress)
        cv = info["cross_validation"]
        summary = (
            f"pooled EER: unseen neural systems {_pooled(cv['systems'])}, "
            f"unseen FSDD speakers {_pooled(cv['speakers'])}"
        )
        if not spec.cross_validate_only:
            summary = (
                f"{spec.output_dir}: {summary}; built in "
                f"{info['build_seconds'] / 60:.1f} min"
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()


def _pooled(rows: list[dict[str, Any]]) -> str:
    pooled = [row["eer"] for row in rows if row["name"] == "pooled"]
    return f"{100 * pooled[0]:.2f} %" if pooled else "n/a"
