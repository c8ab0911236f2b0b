"""python manage.py bench_clips [--seconds 20] [--resolution 720p] [--device cuda]
[--renders N] [--json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Render a 20 s 720p directed clip and print render speed (x real time), encoding "
        "share, file size and bitrate, the A/V offset, and the extrapolation to 180 s."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--seconds", type=float, default=20.0)
        parser.add_argument("--resolution", default="720p")
        parser.add_argument("--device", default="cpu", help="cpu or cuda")
        parser.add_argument("--keep", default="", help="a folder to keep the MP4 in")
        parser.add_argument("--segments", type=int, default=0, help="batched segments (GPU)")
        parser.add_argument("--renders", type=int, default=1, help="clips in a row")
        parser.add_argument("--json", action="store_true", help="print JSON only")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        from worlds.clips.bench import run_bench
        from worlds.engine import world_model

        model = world_model(options["resolution"], purpose="clips", device=options["device"])
        figures = run_bench(
            seconds=options["seconds"],
            resolution=options["resolution"],
            device=options["device"],
            model=model,
            keep=options["keep"],
            segments=options["segments"] or None,
            renders=options["renders"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        rows = [
            (
                "clip",
                f"{figures['clip_seconds']} s at {figures['resolution']}, 30 fps "
                f"({figures['device']}, {figures['codec']}, {figures['segments']} segment(s), "
                f"render_scale {figures['render_scale']})",
            ),
            ("render time", f"{figures['wall_seconds']} s"),
            ("speed", f"{figures['speed_x_realtime']}x real time"),
            *(
                [("each render", ", ".join(f"{x}x" for x in figures["speed_x_realtime_each"]))]
                if len(figures["speed_x_realtime_each"]) > 1
                else []
            ),
            (
                "encoding",
                f"{figures['encode_seconds']} s busy = "
                f"{figures['encode_share']:.0%} of wall time (own thread)",
            ),
            ("file", f"{figures['file_bytes'] / 1e6:.2f} MB, {figures['bitrate_kbps']} kbit/s"),
            (
                "A/V offset",
                f"{figures['av_offset_ms_worst']} ms worst over "
                f"{len(figures['av_offsets'])} thunderclaps "
                "(onset vs flash + speed-of-sound delay)",
            ),
            (
                "180 s clip",
                f"~{figures['extrapolated_180s']['wall_seconds']} s to render, "
                f"~{figures['extrapolated_180s']['file_megabytes']} MB",
            ),
        ]
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name.ljust(width)}  {value}")
        self.stdout.write(json.dumps(figures))
