"""Score a protocol-described corpus as the workers would and print EER, AUC, P/R."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser


class Command(BaseCommand):
    help = (
        "Evaluate a detector checkpoint on an ASVspoof-style protocol: EER (ASVspoof "
        "reference), threshold at EER, ROC AUC, precision/recall, overall and per "
        "attack."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "protocol", type=Path, help="speaker file_id - attack label"
        )
        parser.add_argument(
            "--audio-dir",
            type=Path,
            help="audio folder (default: <protocol dir>/<ext>)",
        )
        parser.add_argument("--ext", default="flac", help="audio file extension")
        parser.add_argument(
            "--model", default=settings.DETECTOR_MODEL, help="checkpoint dir or hub id"
        )
        parser.add_argument("--revision", default=settings.DETECTOR_MODEL_REVISION)
        parser.add_argument("--scores", type=Path, help="score file to write")
        parser.add_argument(
            "--write-thresholds",
            action="store_true",
            help="store the derived thresholds beside the checkpoint",
        )
        parser.add_argument(
            "--max-false-alarm",
            type=float,
            default=0.01,
            help="bona fide share the fake threshold may flag (default 0.01)",
        )
        parser.add_argument(
            "--baseline-train",
            type=Path,
            help="also fit and report the MFCC+LR baseline on this training protocol",
        )
        parser.add_argument("--baseline-audio-dir", type=Path)
        parser.add_argument("--threads", type=int, default=4, help="decoder threads")

    def handle(self, *args: Any, **options: Any) -> None:

        from detector.verdict import applicable_policy
        from inference.model import load_detector
        from inference.model import pick_device
        from inference.training import baseline
        from inference.training import evaluate
        from inference.training.protocol import ProtocolError
        from inference.training.protocol import read_protocol

        protocol: Path = options["protocol"]
        extension: str = options["ext"]
        decode = evaluate.DecodeSettings.from_settings()
        try:
            entries = read_protocol(protocol)
        except (OSError, ProtocolError) as error:
            raise CommandError(str(error)) from error
        audio_dir = options["audio_dir"] or protocol.parent / extension
        corpus = evaluate.decode_corpus(
            entries, audio_dir, extension, decode, options["threads"]
        )
        for entry, reason in corpus.skipped:
            self.stderr.write(f"skipped {entry.file_id}: {reason}")
        if not corpus.entries:
            raise CommandError(f"no file of {protocol} could be scored")
        detector = load_detector(
            options["model"],
            options["revision"],
            pick_device(settings.DETECTOR_DEVICE),
            settings.DETECTOR_BATCH_SIZE,
            scoring_path=settings.DETECTOR_SCORING_PATH,
        )
        policy = applicable_policy(detector.thresholds)
        result = evaluate.evaluate_corpus(detector, corpus, policy)
        name = f"{detector.identity.name} {detector.identity.version}"
        self.stdout.write(f"{name} on {protocol} ({len(corpus.entries)} files)")
        self.stdout.write(evaluate.format_report(result.summaries, policy))
        scores = options["scores"] or (
            Path(settings.BASE_DIR)
            / "artifacts"
            / "evaluation"
            / f"{protocol.stem}.scores.txt"
        )
        evaluate.write_scores(scores, result.entries, result.scores)
        self.stdout.write(f"scores: {scores}")
        derived = evaluate.derive_thresholds(
            result.entries, result.scores, options["max_false_alarm"]
        )
        self.stdout.write(
            f"derived thresholds: likely_fake {derived.likely_fake_threshold:.6f} "
            f"(EER), fake {derived.fake_threshold:.6f} "
            f"(<= {100 * options['max_false_alarm']:g} % bona fide flagged)"
        )
        if options["write_thresholds"]:
            directory = Path(options["model"])
            if not directory.is_dir():
                raise CommandError(
                    "--write-thresholds needs a local checkpoint directory"
                )
            path = evaluate.write_thresholds(directory, derived, str(protocol))
            self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
        if options["baseline_train"]:
            train_protocol: Path = options["baseline_train"]
            train = evaluate.decode_corpus(
                read_protocol(train_protocol),
                options["baseline_audio_dir"] or train_protocol.parent / extension,
                extension,
                decode,
                options["threads"],
            )
            model = baseline.train_baseline(
                train.chunks, [e.is_spoof for e in train.entries]
            )
            reference = evaluate.evaluate_corpus(model, corpus, policy)
            self.stdout.write("MFCC + logistic regression baseline:")
            self.stdout.write(evaluate.format_report(reference.summaries, policy))
