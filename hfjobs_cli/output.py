"""All terminal output: the only module that imports rich.

stdout carries data (tables, JSON, ids, log lines, results); stderr carries everything else
(hints, warnings, errors, spinners). On a terminal: colour, tables, spinners. Off a terminal:
no colour, no spinner, tab-separated untruncated columns. `--json` and `-q` never depend on it.

The output mode (`Mode`) is decided here: a command states its result once (`records`,
`record`, `details`, `changed`, `change`, `report`, `empty`) and the mode decides how it
shows. What a resource shows (its columns by name, with their styles and priorities, its
fields, its JSON) is declared in `hfjobs_cli.views` as `View` and `Column`; this module renders
those declarations and knows nothing of jobs.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from json.encoder import encode_basestring as _json_str
from typing import Any


class Mode(StrEnum):
    """How a command shows its result: a person's view, `--json`, or `-q` (ids only)."""

    HUMAN = "human"
    JSON = "json"
    QUIET = "quiet"


class Column(str):
    """A table column as a view declares it: its heading (the string itself), how a record
    becomes its cell, the cell's style, and how it gives way on a narrow terminal.

    `cell(record)` gives the text (without one, the record is a row of strings and the cell
    is at the column's position); `piped(record)` the text in a pipe's table when it differs
    (e.g. an RFC 3339 time rather than `5 minutes ago`); `style(record)` a rich style or None.
    `priority`: lower is kept longer when columns must go (None ranks by position, after every
    declared one). `flexible`: free text, cut with an ellipsis before whole columns go.
    """

    cell: Callable[[Any], str] | None
    piped: Callable[[Any], str] | None
    style: Callable[[Any], str | None] | None
    priority: int | None
    flexible: bool

    def __new__(
        cls,
        name: str,
        cell: Callable[[Any], str] | None = None,
        *,
        piped: Callable[[Any], str] | None = None,
        style: Callable[[Any], str | None] | None = None,
        priority: int | None = None,
        flexible: bool = False,
    ) -> Column:
        column = super().__new__(cls, name)
        column.cell = cell
        column.piped = piped
        column.style = style
        column.priority = priority
        column.flexible = flexible
        return column

    def text(self, record: Any, index: int, human: bool) -> str:
        """The cell of `record`, in a person's table when `human`, else in a pipe's."""
        if not human and self.piped is not None:
            return self.piped(record)
        return self.cell(record) if self.cell is not None else record[index]


def _heading(column: str) -> Column:
    return column if isinstance(column, Column) else Column(column)


def _id(record: Any) -> str:
    return record.id


def _raw(record: Any) -> Any:
    return record.raw


@dataclass(frozen=True)
class View:
    """How one kind of record shows in every mode: a table row of `columns` (human), its id
    (`-q`), its JSON (`--json`), and a titled block of fields (inspect)."""

    columns: tuple[Column, ...] = ()
    ident: Callable[[Any], str] = _id
    data: Callable[[Any], Any] = _raw
    title: Callable[[Any], str] | None = None
    fields: Callable[[Any], Sequence[tuple[str, str]]] | None = None

    def row(self, record: Any, *, human: bool = True) -> list[str]:
        return [c.text(record, i, human) for i, c in enumerate(self.columns)]

    def plus(self, *columns: Column) -> View:
        """This view with more columns at the end (e.g. `ps --wide`)."""
        return replace(self, columns=(*self.columns, *columns))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_control(text: str) -> str:
    """Make control characters from the server visible instead of letting them drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def escape_cell(text: str) -> str:
    """A table cell on one line: control characters, tabs and newlines shown as escapes, so a
    record stays one row with the same number of fields (a command may hold a newline)."""
    text = escape_control(text)
    if "\t" in text or "\n" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n")
    return text


def is_terminal(stream: Any) -> bool:
    """Whether rich would treat `stream` as a terminal, answered without importing rich (16 ms
    that a piped command, or a message on a piped stderr, does not need): TTY_COMPATIBLE=0/1
    and FORCE_COLOR decide first, then `isatty()`."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    force = os.environ.get("FORCE_COLOR")
    if force is not None:
        return force != ""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def is_interactive(stream: Any) -> bool:
    """Whether rich would animate on `stream`: TTY_INTERACTIVE=0/1, else a terminal that is
    not a dumb one."""
    forced = os.environ.get("TTY_INTERACTIVE")
    if forced in ("0", "1"):
        return forced == "1"
    dumb = os.environ.get("TERM", "").lower() in ("dumb", "unknown")
    return is_terminal(stream) and not dumb


def configure_streams() -> None:
    """Make the standard streams independent of the platform's legacy encodings.

    stdout and stderr cannot fail on a character: UTF-8 where they are not a console (pipes,
    files, CI logs, Git Bash; Windows would pick cp1252 there), and on a console what it cannot
    show is replaced. stdin, when it is not a console (`--env-file -`, a job file), is read as
    UTF-8 too. Called once, before anything is read or written."""
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # not a text stream (pythonw, a test's stand-in)
            continue
        try:
            console = stream.isatty()
        except (OSError, ValueError):
            console = False
        try:
            if stream is sys.stdin:
                if not console:
                    reconfigure(encoding="utf-8")
            elif console:
                reconfigure(errors="replace")
            else:
                reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError, LookupError):
            pass


def indented_json(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, byte for byte, two to three times
    faster for decoded JSON: the standard library's encoder runs in Python (its C encoder
    cannot indent) and yields every token. Values decoded JSON does not hold (keys that are
    not strings, NaN, other types) are left to `json.dumps`."""
    try:
        return _indented(value, "\n")
    except (_NotJson, TypeError):
        return json.dumps(value, indent=2, ensure_ascii=False)


class _NotJson(Exception):
    pass


def _indented(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        return (
            "{"
            + inner
            + ("," + inner).join(
                [
                    _json_str(k) + ": " + (_json_str(v) if type(v) is str else _indented(v, inner))
                    for k, v in value.items()
                ]
            )
            + newline
            + "}"
        )
    if kind is list:
        if not value:
            return "[]"
        inner = newline + "  "
        return (
            "["
            + inner
            + ("," + inner).join(
                [_json_str(v) if type(v) is str else _indented(v, inner) for v in value]
            )
            + newline
            + "]"
        )
    if kind is str:
        return _json_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and value - value == 0:  # finite: NaN and infinities are json.dumps's
        return float.__repr__(value)
    raise _NotJson


class Output:
    def __init__(self, mode: str = Mode.HUMAN):
        self.mode = mode
        self.no_trunc = False  # --no-trunc: terminal tables show every column whole
        self._out = None
        self._err = None

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        self._mode = Mode(value)

    # -- consoles ----------------------------------------------------------------------
    @property
    def out(self):
        if self._out is None:
            from rich.console import Console

            self._out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
        return self._out

    @property
    def err(self):
        if self._err is None:
            from rich.console import Console

            self._err = Console(file=sys.stderr, highlight=False, soft_wrap=True)
        return self._err

    def table_width(self) -> int:
        """The terminal's width: COLUMNS, else the terminal's own size, else rich's guess.

        Not rich's width alone: rich answers 80 for every TERM=dumb terminal, whatever its size.
        """
        import shutil

        fallback = self.out.width
        return shutil.get_terminal_size((fallback, 25)).columns or fallback

    @property
    def stdout_is_terminal(self) -> bool:
        return self._out.is_terminal if self._out is not None else is_terminal(sys.stdout)

    @property
    def err_is_terminal(self) -> bool:
        return self._err.is_terminal if self._err is not None else is_terminal(sys.stderr)

    @property
    def logs_to_stderr(self) -> bool:
        """Where a followed job's log goes: stderr when stdout carries the result for a script
        (`--json`, `-q`), stdout for a person."""
        return self.mode is not Mode.HUMAN

    @property
    def interactive(self) -> bool:
        """True when a person watches stderr: spinners and live tables are shown."""
        return self._err.is_interactive if self._err is not None else is_interactive(sys.stderr)

    # -- data on stdout ----------------------------------------------------------------
    def json(self, value: Any) -> None:
        sys.stdout.write(indented_json(value) + "\n")
        sys.stdout.flush()

    def json_pages(self, pages: Iterable[Sequence[Any]]) -> int:
        """The items of `pages` as one indented JSON array (byte for byte `json.dumps` of
        them all, `indent=2`), written a page at a time; returns how many.

        Memory stays at one page, however long the list.
        """
        count = 0
        write = sys.stdout.write
        for page in pages:
            if not page:
                continue
            text = indented_json(page)  # "[\n  ...\n]"
            write(("[\n  " if not count else ",\n  ") + text[4:-2])
            count += len(page)
        write("\n]\n" if count else "[]\n")
        sys.stdout.flush()
        return count

    def ids(self, ids: Iterable[str]) -> None:
        for ident in ids:
            sys.stdout.write(f"{ident}\n")
        sys.stdout.flush()

    def line(self, text: str = "") -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def write_log_lines(self, lines: Sequence[str]) -> None:
        """Log lines unchanged, one write per batch (a million lines stay fast)."""
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
            sys.stdout.flush()

    def result(self, text: str) -> None:
        """The outcome of a state change, e.g. `✓ Job 6650... cancelled`."""
        mark = self._symbol("✓", "OK")
        if self.stdout_is_terminal:
            self.out.print(f"[green]{mark}[/green] {_markup_escape(text)}")
        else:
            self.line(f"{mark} {text}")

    # -- one result, in every mode: the command says what happened, the mode how it shows --
    def records(
        self, view: View, records: Iterable[Any], *, empty: str = "", empty_hint: str = ""
    ) -> None:
        """A list of records: a table (human), one JSON array (`--json`), ids (`-q`).

        With no record, a person reads `empty` (and `empty_hint`) on stderr, not a bare header.
        """
        records = list(records)
        if self.mode is Mode.JSON:
            self.json([view.data(record) for record in records])
        elif self.mode is Mode.QUIET:
            self.ids(view.ident(record) for record in records)
        elif not records and empty:
            self.info(empty)
            if empty_hint:
                self.hint(empty_hint)
        else:
            self.table(view.columns, records)

    def record(self, view: View, record: Any) -> None:
        """One record in full: its fields under its title (human), its JSON object, its id."""
        if self.mode is Mode.JSON:
            self.json(view.data(record))
        elif self.mode is Mode.QUIET:
            self.ids([view.ident(record)])
        else:
            assert view.title is not None and view.fields is not None
            self.fields(view.title(record), view.fields(record))

    def details(self, view: View, records: Iterable[Any]) -> None:
        """Records in full (inspect), each shown as it comes; `--json`: one array at the end."""
        if self.mode is Mode.JSON:
            self.json([view.data(record) for record in records])
            return
        for record in records:
            self.record(view, record)

    def report(self, data: Any, show: Callable[[], None]) -> None:
        """A result of its own shape (a summary, a status, a preview): `data` as JSON with
        `--json`; otherwise `show()` draws it for a person."""
        if self.mode is Mode.JSON:
            self.json(data)
        else:
            show()

    def empty(self) -> None:
        """No result at all: `[]` with --json (a script always gets its array); nothing for a
        person, who reads why on stderr."""
        if self.mode is Mode.JSON:
            self.json([])

    def changed(
        self,
        view: View,
        records: Iterable[Any],
        text: Callable[[Any], str | None],
        *,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """What a change did to each record, shown as each is done: `✓ <text>` (human, then
        `then(record)` for more), its id (`-q`), or one JSON array of the objects (`--json`).

        A record whose `text` is None was left alone (the reason said on stderr already): its
        object is in the JSON, and nothing else shows it.
        """
        if self.mode is Mode.JSON:
            self.json([view.data(record) for record in records])
            return
        for record in records:
            self._changed(view, record, text, then)

    def change(
        self,
        view: View,
        record: Any,
        text: Callable[[Any], str | None],
        *,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """One changed record, as `changed` shows each; `--json` prints its object alone."""
        if self.mode is Mode.JSON:
            self.json(view.data(record))
        else:
            self._changed(view, record, text, then)

    def _changed(self, view: View, record: Any, text, then) -> None:
        said = text(record)
        if said is None:
            return
        if self.mode is Mode.QUIET:
            self.ids([view.ident(record)])
            return
        self.result(said)
        if then is not None:
            then(record)

    def table(
        self,
        columns: Sequence[str],
        records: Iterable[Any],
        *,
        human: bool | None = None,
        stderr: bool = False,
    ) -> None:
        """Records as a table: a rich table on a terminal; tab-separated plain rows (header
        first) elsewhere. Each record is cut into cells by the columns (see `Column`).

        `human` (times relative ...) defaults to whether the table goes to a terminal.
        `stderr=True` shows it to the person (e.g. what a bulk action will touch), not the pipe.
        """
        headings = [_heading(c) for c in columns]
        terminal = self.err_is_terminal if stderr else self.stdout_is_terminal
        records = list(records)
        cells = _cells(headings, records, terminal if human is None else human)
        if not terminal:
            stream = sys.stderr if stderr else sys.stdout
            lines = ["\t".join(headings)] + ["\t".join(row) for row in cells]
            stream.write("\n".join(lines) + "\n")
            stream.flush()
            return
        console = self.err if stderr else self.out
        hidden: list[str] = []
        styles = _styles(headings, records)
        console.print(self._render(headings, cells, styles, hidden=hidden))
        if hidden and not stderr:
            self.hint(f"Hidden at this width: {', '.join(hidden)} (--no-trunc shows every column)")

    def render_table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        styles: Sequence[Sequence[str | None]] | None = None,
    ):
        """The terminal table of rows of cells (`styles`: a style or None per cell)."""
        cells = [[escape_cell(cell) for cell in row] for row in rows]
        return self._render([_heading(c) for c in columns], cells, styles or [])

    def render_records(
        self,
        columns: Sequence[str],
        records: Iterable[Any],
        *,
        human: bool = True,
        row_styles: Sequence[str | None] | None = None,
    ):
        """The terminal table of `records` (see `table`), for a live region to show.

        `row_styles` gives a whole row a style (e.g. dims the rows of ended jobs), in place of
        the columns' own."""
        headings = [_heading(c) for c in columns]
        records = list(records)
        cells = _cells(headings, records, human)
        if row_styles is None:
            styles = _styles(headings, records)
        else:
            styles = [[style] * len(headings) for style in row_styles]
        return self._render(headings, cells, styles)

    def _render(self, columns, rows, styles, *, hidden: list[str] | None = None):
        """The table for a terminal, as one rich Text, fitted to its width by priority.

        The first column (the id) is never cut nor dropped, nor are the columns of priority 1
        (a stage); free text (a `flexible` column) shrinks with an ellipsis but stays readable; the least important columns are dropped first when even that does not fit
        (their names are appended to `hidden`). `no_trunc` shows everything. Built as text
        with style spans, not a rich Table, so that 10,000 rows draw in a fraction of a second.
        """
        from rich.cells import cell_len, set_cell_size
        from rich.text import Span, Text

        widths = _column_widths(columns, rows, self.table_width(), no_trunc=self.no_trunc)
        kept = [i for i, width in enumerate(widths) if width]
        if hidden is not None:
            hidden.extend(columns[i] for i, width in enumerate(widths) if not width)

        def fit(cell: str, width: int) -> str:
            if cell_len(cell) > width:
                return set_cell_size(cell, max(width - 1, 0)) + "…"
            return set_cell_size(cell, width)

        header = "  ".join(fit(columns[i], widths[i]) for i in kept)
        parts = [header.rstrip(), "\n"]
        spans = [Span(0, len(parts[0]), "bold")]
        offset = len(parts[0]) + 1
        for r, row in enumerate(rows):
            cells = [fit(row[i], widths[i]) for i in kept if i < len(row)]
            row_styles = styles[r] if r < len(styles) else ()
            for c, i in enumerate(kept):
                style = row_styles[i] if i < len(row_styles) else None
                if style and c < len(cells):
                    start = offset + sum(len(x) for x in cells[:c]) + 2 * c
                    spans.append(Span(start, start + len(cells[c].rstrip()), style))
            line = "  ".join(cells).rstrip()
            parts += [line, "\n"]
            offset += len(line) + 1
        return Text("".join(parts[:-1]), spans=spans, no_wrap=True, overflow="ignore")

    def fields(self, title: str, fields: Sequence[tuple[str, str]], *, subtitle: str = "") -> None:
        """A readable key/value block (inspect); plain `key: value` lines off a terminal."""
        rows = [(k, escape_control(v)) for k, v in fields]
        if not self.stdout_is_terminal:
            self.line(title)
            width = max((len(k) for k, _ in rows), default=0)
            for key, value in rows:
                self.line(f"  {key.ljust(width)}  {value}")
            return
        from rich.panel import Panel
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for key, value in rows:
            grid.add_row(key, _markup_escape(value))
        self.out.print(Panel(grid, title=_markup_escape(title), subtitle=subtitle, expand=False))

    # -- messages on stderr ------------------------------------------------------------
    def hint(self, text: str) -> None:
        if self.mode is Mode.QUIET:
            return
        self._message("Hint", "dim", text)

    def note(self, text: str | Callable[[], str]) -> None:
        """Information that goes with the human result (what is being done): none with --json
        or -q. A function is called only when the note shows (it may cost a request)."""
        if self.mode is Mode.HUMAN:
            self.info(text if isinstance(text, str) else text())

    def tip(self, text: str) -> None:
        """A hint that goes with the human result (what to run next): none with --json or -q."""
        if self.mode is Mode.HUMAN:
            self._message("Hint", "dim", text)

    def info(self, text: str) -> None:
        if self.mode is Mode.QUIET:
            return
        self.err.print(_markup_escape(text)) if self.err_is_terminal else self._raw_err(text)

    def warn(self, text: str) -> None:
        self._message("Warning", "yellow", text)

    def error(self, text: str) -> None:
        self._message("Error", "bold red", text)

    def _message(self, label: str, style: str, text: str) -> None:
        if self.err_is_terminal:
            self.err.print(f"[{style}]{label}:[/{style}] {_markup_escape(text)}")
        else:
            self._raw_err(f"{label}: {text}")

    @staticmethod
    def _raw_err(text: str) -> None:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    @contextlib.contextmanager
    def status(self, text: str) -> Iterator[Any]:
        """A spinner on stderr while a person watches; nothing in pipes and CI."""
        if not self.interactive:
            yield _NoStatus()
            return
        with self.err.status(_markup_escape(text)) as spinner:
            yield _Status(spinner)

    def live(self):
        """A live region on stderr for refreshing tables (ps -w, wait, stats -f)."""
        from rich.live import Live

        return Live(console=self.err, auto_refresh=False, transient=False)

    def _symbol(self, fancy: str, plain: str) -> str:
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        try:
            fancy.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            return plain
        return fancy

    # -- tables that grow or redraw (wait, stats -f) ------------------------------------
    def table_line(self, cells: Sequence[str]) -> None:
        """One tab-separated row on stdout, for a table printed as it grows (off a terminal)."""
        self.line("\t".join(escape_cell(cell) for cell in cells))

    @contextlib.contextmanager
    def live_table(self, *, transient: bool = False) -> Iterator[Any]:
        """A table redrawn in place on stderr while a person watches; a no-op elsewhere,
        and with -q.

        Yields an object with `update(columns, records, *, row_styles=None, note="", extra=())`.
        A transient table is erased when the block ends (the caller prints the final result).
        """
        if not self.interactive or self.mode is Mode.QUIET:
            yield _NoLiveTable()
            return
        from rich.live import Live

        with Live(console=self.err, auto_refresh=False, transient=transient) as live:
            yield _LiveTable(self, live)

    def sparkline(self, values: Sequence[float], *, top: float = 100.0) -> str:
        """`sparkline()` with block characters, or ASCII where stderr cannot encode them."""
        encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
        try:
            SPARK_BLOCKS.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            return sparkline(values, top=top, chars=SPARK_ASCII)
        return sparkline(values, top=top)


FLEX_MIN = 10  # a free-text column is not cut below this many characters while others can go


def _cells(columns: Sequence[Column], records: Sequence[Any], human: bool) -> list[list[str]]:
    """Each record's cells, on one line each (see `escape_cell`)."""
    return [
        [escape_cell(column.text(record, i, human)) for i, column in enumerate(columns)]
        for record in records
    ]


def _styles(columns: Sequence[Column], records: Sequence[Any]) -> list[list[str | None]]:
    styled = [(i, c.style) for i, c in enumerate(columns) if c.style is not None]
    if not styled:
        return []
    rows: list[list[str | None]] = []
    for record in records:
        row: list[str | None] = [None] * len(columns)
        for i, style in styled:
            row[i] = style(record)
        rows.append(row)
    return rows


def _priority(index: int, column: Column) -> float:
    """How much a column matters when the terminal is narrow: lower is kept longer. The first
    column of every table (the id, a flavor's name, a setting's key) is never cut nor dropped;
    then the declared priorities; columns without one rank by position, after these."""
    if index == 0:
        return 0
    return column.priority if column.priority is not None else 10 + index


def _column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], total: int, *, no_trunc: bool = False
) -> list[int]:
    """The width of each column, 0 for a column dropped because the terminal is too narrow.

    Fixed columns (ids, stages, times) are whole or absent. Flexible columns shrink first,
    the least important first, down to FLEX_MIN; then columns are dropped, least important
    first (never the first column nor one of priority 1); room freed by a drop goes back, most important first.
    """
    widest = [
        max([len(name), *(len(row[i]) for row in rows if i < len(row))])
        for i, name in enumerate(columns)
    ]
    if no_trunc:
        return widest
    flexible = {i for i, column in enumerate(columns) if i and column.flexible}
    wanted = [min(w, 60) if i in flexible else w for i, w in enumerate(widest)]
    kept = list(range(len(columns)))

    def needed(widths: Sequence[int], keep: Sequence[int]) -> int:
        return sum(widths[i] for i in keep) + 2 * (len(keep) - 1)

    if needed(wanted, kept) <= total:
        return wanted
    least = [min(w, max(FLEX_MIN, len(columns[i]))) if i in flexible else w
             for i, w in enumerate(wanted)]  # fmt: skip
    order = sorted(range(len(columns)), key=lambda i: (_priority(i, columns[i]), i), reverse=True)
    widths = list(wanted)
    # First the free text gives way, the least important column first, down to its floor.
    for i in order:
        excess = needed(widths, kept) - total
        if excess <= 0:
            break
        if i in flexible:
            widths[i] = max(least[i], widths[i] - excess)
    # Then whole columns go, least important first; the first column and priority 1 stay.
    for i in order:
        if needed(widths, kept) <= total:
            break
        if _priority(i, columns[i]) > 1:
            kept.remove(i)
            widths[i] = 0
    # Room freed by a drop goes back to the shrunk columns, the more important first.
    room = total - needed(widths, kept)
    for i in sorted(kept, key=lambda i: (_priority(i, columns[i]), i)):
        if room <= 0:
            break
        extra = min(room, wanted[i] - widths[i])
        widths[i] += extra
        room -= extra
    return widths


class _Status:
    def __init__(self, spinner: Any):
        self._spinner = spinner

    def update(self, text: str) -> None:
        self._spinner.update(_markup_escape(text))


class _NoStatus:
    def update(self, text: str) -> None:
        pass


def _markup_escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class _LiveTable:
    def __init__(self, output: Output, live: Any):
        self._output = output
        self._live = live

    def update(
        self,
        columns: Sequence[str],
        records: Iterable[Any],
        *,
        row_styles: Sequence[str | None] | None = None,
        note: str = "",
        extra: Sequence[tuple[Sequence[str], Iterable[Any]]] = (),
    ) -> None:
        """Redraw: the table, then each `(columns, records)` table of `extra`, then the note."""
        from rich.console import Group
        from rich.text import Text

        output = self._output
        parts: list[Any] = [output.render_records(columns, records, row_styles=row_styles)]
        for cols, body in extra:
            parts += [Text(""), output.render_records(cols, body)]
        if note:
            parts.append(Text(escape_control(note), style="dim"))
        self._live.update(Group(*parts), refresh=True)


class _NoLiveTable:
    def update(self, columns, records, *, row_styles=None, note: str = "", extra=()) -> None:
        pass


SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_ASCII = "_.-~=+*#"


def sparkline(values: Sequence[float], *, top: float = 100.0, chars: str = SPARK_BLOCKS) -> str:
    """A trend in one line: each value scaled from 0 to `top` (or the largest value, if above).

    An absolute scale, not min-to-max: a flat 3 % reads low and a flat 97 % reads high.
    """
    if not values:
        return ""
    ceiling = max(top, *values)
    if ceiling <= 0:
        return chars[0] * len(values)
    last = len(chars) - 1
    return "".join(chars[max(0, min(last, round(last * v / ceiling)))] for v in values)
