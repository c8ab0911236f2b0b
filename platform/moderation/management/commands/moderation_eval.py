"""Evaluate the text check on the labelled set: precision and recall per category, the
false-positive rate on benign text, and milliseconds per check.

    python manage.py moderation_eval [--file tests/data/moderation_eval.jsonl]
        [--split dev|test|fresh|holdout|dev2|holdout2|dev3|holdout3|dev4|holdout4|holdout5
                 |holdout6|all|each]
        [--show-errors] [--threads N]

The set carries twelve splits:
- dev: rules, exemplars and thresholds were first tuned on it alone;
- test: held out at first; its misses were later looked at and the self-harm rules
  widened (eating disorders, passive ideation, method-seeking), so it is not untouched;
- fresh: written after that, then used to choose the probe and thresholds (so tuned on);
- holdout: written by someone who had not seen the check, its exemplars or the other
  splits, and never tuned on. Its benign false positives (3 of 90) led to the later
  splits; its figures were rerun after later tuning, its errors never read;
- dev2: about 300 benign look-alikes and 120 harmful texts written for tuning against false
  positives (tuned on: flag-tier rule words now need the probe to agree, a minors reading
  must stay sexual once the minors read as adults (dropped later, when the wider corpus
  made it cost recall and save no false positives), and exemplars were added);
- holdout2: written blind like holdout; run before that tuning as a baseline and after
  it, its errors never read;
- dev3: 316 benign look-alikes (news, care, education, art, sport, cooking, words that are
  slurs elsewhere) and 206 evasive harmful texts (tuned on: benign idioms, the profanity
  classifier reads what the idioms leave, and exemplars were added);
- holdout3: written blind, run once after that tuning;
- dev4: 40 self-harm texts, half of them evasive (methods behind everyday words, coded
  slang, telling someone to end it), and 40 benign look-alikes (tuned on: self-harm and
  benign exemplars were added);
- holdout4: 170 texts, 45 of them self-harm and 60 tricky benign, written blind and run
  once after that tuning;
- holdout5: 397 texts (60 self-harm, 45 each violence/graphic and sexual/minors, 147
  benign, most of them look-alikes), written blind. Run as a baseline, then its figures
  (never its errors) were seen for a few settings while the exemplar corpus grew to
  5,600 lines; the corpus was written without reading any split, though the briefs for
  it quoted a few misses of the dev splits as examples of a style. The class weighting,
  the benign lead and the neighbour vote were chosen on the dev splits together with
  holdout to holdout4's pooled figures, so those five are no longer untouched;
- holdout6: 393 texts (60 self-harm, 45 each violence/graphic and sexual/minors, 165
  benign, most of them look-alikes), written blind after all of that. Run twice: after
  the corpus grew, and after the minors-as-adults rewrite was dropped (a change chosen
  on the other splits). Its errors are never read. The newest figure.
The command also checks that no evaluation string appears among the exemplars.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from moderation.checks import CATEGORIES

DEFAULT_FILE = Path(settings.BASE_DIR) / "tests" / "data" / "moderation_eval.jsonl"
RECALL_TARGETS = {"sexual/minors": 0.9, "violence/graphic": 0.9, "self-harm": 0.9}
FP_TARGET = 0.02
SPLITS = (
    "dev",
    "test",
    "fresh",
    "holdout",
    "dev2",
    "holdout2",
    "dev3",
    "holdout3",
    "dev4",
    "holdout4",
    "holdout5",
    "holdout6",
)
HOLDOUTS = ("holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6")


def load_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}:{number}: not JSON ({error})") from error
        if row.get("label") not in (*CATEGORIES, "benign") or not isinstance(row.get("text"), str):
            raise CommandError(
                f"{path}:{number}: needs text and a label among {CATEGORIES} or benign"
            )
        rows.append(row)
    return rows


def is_obfuscated(text: str) -> bool:
    return (
        not text.isascii()
        or bool(re.search(r"\b(?=\w*[a-z])(?=\w*[0-9@$])\w+", text.lower()))
        or len(re.findall(r"\b[a-z]\b", text.lower())) >= 4
    )


def evaluate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from moderation.checks.embeddings import similarities
    from moderation.checks.normalise import normalise
    from moderation.verdicts import moderation_check

    moderation_check(text="warm up the models", context="command")
    similarities.cache_clear()  # time real checks, not cache hits
    normalise.cache_clear()
    results = []
    for row in rows:
        started = time.perf_counter()
        result = moderation_check(text=row["text"], context="command")
        results.append((row, result, (time.perf_counter() - started) * 1000))
    return summarise(results)


def summarise(results: list[tuple[dict[str, Any], Any, float]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for category in CATEGORIES:
        positives = [(row, r) for row, r, _ in results if row["label"] == category]
        predicted = [
            (row, r) for row, r, _ in results if r.verdict != "allow" and r.top_category == category
        ]
        blocked = sum(1 for _, r in positives if r.verdict == "block")
        caught = sum(1 for _, r in positives if r.verdict != "allow")
        correct = sum(1 for row, _ in predicted if row["label"] == category)
        table[category] = {
            "n": len(positives),
            "precision": correct / len(predicted) if predicted else None,
            "block_recall": blocked / len(positives) if positives else None,
            "recall": caught / len(positives) if positives else None,
        }
    benign = [(row, r) for row, r, _ in results if row["label"] == "benign"]
    harmful = [(row, r) for row, r, _ in results if row["label"] != "benign"]
    flagged_any = [(row, r) for row, r, _ in results if r.verdict != "allow"]
    obfuscated = [(row, r) for row, r in harmful if is_obfuscated(row["text"])]
    times = [ms for _, _, ms in results]
    return {
        "categories": table,
        "benign_n": len(benign),
        "fp_rate": sum(1 for _, r in benign if r.verdict != "allow") / max(1, len(benign)),
        "fp_block_rate": sum(1 for _, r in benign if r.verdict == "block") / max(1, len(benign)),
        "harm_precision": sum(1 for row, _ in flagged_any if row["label"] != "benign")
        / max(1, len(flagged_any)),
        "harm_recall": sum(1 for _, r in harmful if r.verdict != "allow") / max(1, len(harmful)),
        "harm_block_recall": sum(1 for _, r in harmful if r.verdict == "block")
        / max(1, len(harmful)),
        "obfuscated_n": len(obfuscated),
        "obfuscated_recall": sum(1 for _, r in obfuscated if r.verdict != "allow")
        / max(1, len(obfuscated)),
        "ms_mean": statistics.fmean(times) if times else 0.0,
        "ms_p50": statistics.median(times) if times else 0.0,
        "ms_p95": sorted(times)[int(0.95 * (len(times) - 1))] if times else 0.0,
        "errors": [
            (row["label"], row["text"], r.verdict, r.top_category)
            for row, r, _ in results
            if (row["label"] == "benign") != (r.verdict == "allow")
            or (
                row["label"] != "benign" and r.verdict != "allow" and r.top_category != row["label"]
            )
        ],
    }


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


class Command(BaseCommand):
    help = "Precision and recall per category, benign false positives and ms per check."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=str(DEFAULT_FILE))
        parser.add_argument("--split", choices=(*SPLITS, "all", "each"), default="each")
        parser.add_argument("--show-errors", action="store_true")
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="torch threads for MiniLM (default: torch's own choice)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No labelled set at {path}.")
        if options["threads"]:
            import torch

            torch.set_num_threads(options["threads"])
        rows = load_rows(path)
        self._check_separation(rows)
        each = [*SPLITS, "all"]
        splits = each if options["split"] == "each" else [options["split"]]
        failed = False
        for split in splits:
            subset = rows if split == "all" else [r for r in rows if r.get("split") == split]
            if not subset:
                continue
            summary = evaluate(subset)
            failed |= self._print(split, summary, options["show_errors"]) and split in (
                *HOLDOUTS,
                "all",
            )
        if failed:
            self.stdout.write(self.style.WARNING("Some targets are missed (see above)."))

    def _check_separation(self, rows: list[dict[str, Any]]) -> None:
        from moderation.checks.exemplars import training_set

        harmful, benign = training_set()  # the nearest-exemplar anchors are among these
        exemplars = {t.lower().strip() for t in benign} | {
            t.lower().strip() for texts in harmful.values() for t in texts
        }
        overlap = [r["text"] for r in rows if r["text"].lower().strip() in exemplars]
        if overlap:
            raise CommandError(f"Evaluation strings appear among the exemplars: {overlap[:5]}")

    def _print(self, split: str, s: dict[str, Any], show_errors: bool) -> bool:
        out = self.stdout.write
        n = sum(c["n"] for c in s["categories"].values()) + s["benign_n"]
        out(f"\n== split: {split} ({n} texts) ==")
        out(f"{'category':<18}{'n':>4}  {'precision':>9}  {'recall':>7}  {'block recall':>12}")
        missed = False
        for category, c in s["categories"].items():
            target = RECALL_TARGETS.get(category)
            mark = ""
            if target is not None and c["block_recall"] is not None:
                ok = c["block_recall"] >= target
                missed |= not ok
                mark = f"  (target ≥ {target:.0%}: {'ok' if ok else 'MISSED'})"
            out(
                f"{category:<18}{c['n']:>4}  {_pct(c['precision']):>9}  {_pct(c['recall']):>7}  "
                f"{_pct(c['block_recall']):>12}{mark}"
            )
        fp_ok = s["fp_rate"] <= FP_TARGET
        missed |= not fp_ok
        verdict = "ok" if fp_ok else "MISSED"
        out(
            f"benign: {s['benign_n']} texts, false positives {_pct(s['fp_rate'])} flagged or "
            f"blocked ({_pct(s['fp_block_rate'])} blocked)  (target ≤ {FP_TARGET:.0%}: {verdict})"
        )
        out(
            f"any harm: precision {_pct(s['harm_precision'])}, recall {_pct(s['harm_recall'])}, "
            f"block recall {_pct(s['harm_block_recall'])}; obfuscated ({s['obfuscated_n']}): "
            f"recall {_pct(s['obfuscated_recall'])}"
        )
        out(
            f"ms per check (warm): mean {s['ms_mean']:.1f}, p50 {s['ms_p50']:.1f}, "
            f"p95 {s['ms_p95']:.1f}"
        )
        if show_errors:
            for label, text, verdict, top in s["errors"]:
                out(f"  [{label}] -> {verdict} {top}: {text}")
        return missed
