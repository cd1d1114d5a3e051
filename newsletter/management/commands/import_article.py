import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletter import articles
from newsletter.models import Audience


class Command(BaseCommand):
    help = "Turn an article (.txt, .md or .html) into a draft sequence; nothing is sent."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--audience", help="Audience slug (default: the practice's default).")
        parser.add_argument("--emails", type=int, help="Exact number of emails to make.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, path, audience, emails, **options):
        try:
            data = _read(Path(path))
            imported = articles.import_article(
                data, audience=_audience(audience), emails=emails, name_hint=Path(path).stem
            )
        except articles.ArticleError as error:
            raise CommandError(str(error), returncode=1) from None
        for warning in imported.warnings + imported.tone:
            self.stderr.write(warning)
        self.stdout.write(_json(imported) if options["json"] else _summary(imported))


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise articles.ArticleError(f"No file at {path}.")
    with path.open("rb") as handle:
        return handle.read(articles.MAX_BYTES + 1)


def _audience(slug: str | None) -> Audience:
    if not slug:
        return Audience.default()
    audience = Audience.objects.filter(slug=slug).first()
    if audience is None:
        raise articles.ArticleError(f"No audience with the slug {slug!r}.")
    return audience


def _json(imported: articles.Imported) -> str:
    return json.dumps(imported.as_json(), indent=2, ensure_ascii=False)


def _summary(imported: articles.Imported) -> str:
    sequence = imported.sequence
    lines = [
        f"Draft sequence {sequence.slug!r} (id {sequence.pk}) with {len(imported.steps)} emails:"
    ]
    for row in imported.as_json()["steps"]:
        wait = f"{row['delay_days']} days later" if row["position"] > 1 else "at once"
        lines.append(f"  {row['position']}. {row['subject']} ({row['words']} words, {wait})")
    if imported.signature:
        lines.append(f"Signature from the author bio: {imported.signature}")
    return "\n".join(lines)
