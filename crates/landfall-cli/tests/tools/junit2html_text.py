"""Renders a JUnit XML report with junit2html, as its command line does,
and prints the text a reader of the HTML page sees."""

import html.parser
import pathlib
import sys
import tempfile

from junit2htmlreport import runner


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


with tempfile.TemporaryDirectory() as out:
    page = pathlib.Path(out) / "report.html"
    runner.run([sys.argv[1], str(page)])
    parser = Text()
    parser.feed(page.read_text())
print("".join(parser.parts))
