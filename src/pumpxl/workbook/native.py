"""XmR limits and signals as Excel's own formulas, for a workbook opened where pumpxl's
functions are absent (LibreOffice, Google Sheets, Excel without the add-in, xlwings Lite or
Server, whose function names differ).

The formulas reproduce :func:`pumpxl.xmr` per row of a block: the moving range, the phase's
central line (mean or median of its usable values), its dispersion (average or median moving
range, optionally screened), the natural process limits (clipped at natural bounds) and the
upper range limit, with exclusions, phases and a baseline of the first N values. They also
flag the signals of the rules Excel formulas can express (outlier, large jump, long run, short
run, two-of-three, trend) on the observed points in time order, so a missing value neither
breaks nor extends a run, as in :mod:`pumpxl.core.rules`. Anhoej's runs analysis is left to
the add-in (:attr:`NativeBlock.unsupported` says so).

Only functions Excel 2010 and LibreOffice 7 both know are used (SUMIFS, COUNTIFS, MEDIAN in
array formulas, SIGN, MID), so the same file computes the same numbers in each. Working
columns sit to the right of the block, hidden, each with a header that says what it holds.

Trended limits (``trend``, the same in every phase) are formulas too: the half-averages (or
least-squares) line per phase, the limits parallel to it. Over 400 lines because every one of
these formulas must match the engine cell for cell, so they are written side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pumpxl.core.rules import RuleSet
from pumpxl.core.vocabulary import RULE_LABELS, YES_WORDS, Direction, assess
from pumpxl.workbook.cells import column_letter

__all__ = ["Columns", "NativeBlock", "NativeCell", "NativeSpec", "native_block"]

#: The engine's constants as formula text: (E2, D4) per family and dispersion statistic
#: (:data:`pumpxl.core.limits.CONSTANTS`; ratios written as ratios so no digit is lost).
CONSTANT_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "wheeler": {"mean": ("2.66", "3.268"), "median": ("3.145", "3.865")},
    "sigma": {"mean": ("(3/1.128)", "3.267"), "median": ("(3/0.954)", "3.865")},
}
SCREEN_TEXT = "3.267"  # pumpxl.core.limits.SCREEN_FACTOR
YES_TEXT = "{" + ",".join(f'"{w}"' for w in YES_WORDS) + "}"  # the Exclude words


@dataclass(frozen=True)
class NativeSpec:
    """The conventions the formulas reproduce (the engine's keywords of the same names)."""

    rules: RuleSet
    direction: Direction = "neutral"
    centre: str = "mean"
    dispersion: str = "mean"
    constants: str = "wheeler"
    screen_mr: bool = False
    lower_bound: float | None = None
    upper_bound: float | None = None
    baseline: int | None = None
    #: trended limits in every phase: "half-averages" or "least-squares" (None: flat)
    trend: str | None = None


@dataclass(frozen=True)
class NativeCell:
    """One formula: 0-based row and column, the text, and whether it is an array formula
    (written with Ctrl+Shift+Enter semantics so MEDIAN(IF(...)) works in every engine)."""

    row: int
    col: int
    formula: str
    array: bool = False


@dataclass(frozen=True)
class NativeBlock:
    """The formulas of one block, the working columns' headers (column -> text), the column
    of the signal labels in words, and the active rules no formula expresses."""

    cells: list[NativeCell]
    headers: dict[int, str]
    label_col: int
    unsupported: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Columns:
    """Where the block's inputs and outputs sit (0-based columns). ``exclude`` builds the
    formula text of row ``r``'s exclude cell (1-based row), or is None without exclusions."""

    value: int
    phase: int
    mr: int
    cl: int
    unpl: int
    lnpl: int
    url: int
    helpers: int
    exclude: Callable[[int], str] | None = None


def _num(v: float) -> str:
    return format(float(v), ".17g")


def _trended(
    put: Callable[..., None],
    c: Callable[..., str],
    rng: Callable[[str], str],
    trend: str,
    t: int,
    first: int,
    count: str,
    in_phase: str,
) -> None:
    """One row's trended central line: the phase's line by half-averages (the averages of
    its first and second halves of usable values at their average times, an odd middle value
    in neither) or by least squares, at this row's period."""
    use = f"{rng('use')},1"
    put("t", str(t))
    put("lvl", f'IF({count}=0,"",AVERAGEIFS({rng("v")},{in_phase},{use}))')
    if trend == "half-averages":
        top_use = f"${_col(c('use'))}${first + 1}"
        top_ph = f"${_col(c('ph'))}${first + 1}"
        put("ur", f"IF({c('use')}=1,SUMIFS({top_use}:{c('use')},{top_ph}:{c('ph')},{c('ph')}),0)")
        half = f"INT({count}/2)"
        first_half = f'{in_phase},{use},{rng("ur")},"<="&{half}'
        second_half = f'{in_phase},{use},{rng("ur")},">"&({count}-{half})'
        for name, target, where in (
            ("ha1", "v", first_half), ("ht1", "t", first_half),
            ("ha2", "v", second_half), ("ht2", "t", second_half),
        ):  # fmt: skip
            put(name, f'IF({count}<4,"",AVERAGEIFS({rng(target)},{where}))')
        put("slope", f'IF({c("ha1")}="","",({c("ha2")}-{c("ha1")})/({c("ht2")}-{c("ht1")}))')
        put("cl", f'IF({c("slope")}="","",{c("ha1")}+{c("slope")}*({c("t")}-{c("ht1")}))')
        return
    put("tb", f'IF({count}=0,"",AVERAGEIFS({rng("t")},{in_phase},{use}))')
    mask = f"({rng('ph')}={c('ph')})*({rng('use')}=1)"
    dt = f"({rng('t')}-{c('tb')})"
    put(
        "slope",
        f'IF({count}<3,"",SUM(IF({mask},{dt}*({rng("v")}-{c("lvl")})))/SUM(IF({mask},{dt}^2)))',
        array=True,
    )
    put("cl", f'IF({c("slope")}="","",{c("lvl")}+{c("slope")}*({c("t")}-{c("tb")}))')


def _col(ref: str) -> str:
    """The column letters of a cell reference ("AE12" -> "AE")."""
    return "".join(ch for ch in ref if ch.isalpha())


def native_block(spec: NativeSpec, cols: Columns, first: int, n: int) -> NativeBlock:
    """The formulas for rows ``first`` .. ``first + n - 1`` (0-based) of a block whose values
    sit in ``cols.value`` (numbers; anything else is a missing period) and whose phase
    numbers sit in ``cols.phase`` (written by the caller)."""
    helper_names: list[tuple[str, str]] = [
        ("obs", "has a value (1/0)"),
        ("exc", "excluded (1/0)"),
    ]
    if spec.baseline is not None:
        helper_names.append(("rank", "value number in its phase"))
    helper_names += [("use", "value enters the limits"), ("mru", "moving range enters")]
    if spec.trend is not None:
        helper_names += [("t", "period number"), ("lvl", "mean of the phase's values")]
        if spec.trend == "half-averages":
            helper_names += [
                ("ur", "usable value number in its phase"),
                ("ha1", "first half's average"),
                ("ht1", "first half's average time"),
                ("ha2", "second half's average"),
                ("ht2", "second half's average time"),
            ]
        else:
            helper_names.append(("tb", "average time of the phase's values"))
        helper_names.append(("slope", "trend per period"))
    if spec.screen_mr:
        helper_names += [("m0", "average moving range before screening"), ("mrk", "kept")]
    helper_names += [
        ("disp", "dispersion (average or median moving range)"),
        ("un", "upper limit before bounds"),
        ("ln", "lower limit before bounds"),
    ]
    r = spec.rules
    unsupported = tuple(x for x in ("runs_anhoej",) if getattr(r, x))
    if r.on_centre != "break" and r.long_run:
        unsupported += ("long_run",)
    if r.outlier:
        helper_names.append(("out", "outlier (+1 above, -1 below)"))
    if r.mr_outlier:
        helper_names.append(("mro", "large jump (+1 up, -1 down)"))
    long_run = r.long_run if "long_run" not in unsupported else None
    if long_run:
        helper_names += [
            ("side", "side of the central line"),
            ("lk", "run key so far"),
            ("lr", "run length so far"),
            ("nk", "run key ahead"),
            ("rr", "run length ahead"),
            ("long", "long run (+1 above, -1 below)"),
        ]
    kw_rules = [
        (name, kw, frac)
        for name, kw, frac in (
            ("short_run", r.short_run, ("0.5", "halfway")),
            ("two_of_three", r.two_of_three, ("(2/3)", "two thirds")),
        )
        if kw
    ]
    if kw_rules:
        helper_names.append(("idx", "value number"))
    for name, _, (_, words) in kw_rules:
        helper_names += [
            (f"{name}_cu", f"beyond {words} above"),
            (f"{name}_cd", f"beyond {words} below"),
            (f"{name}_oku", "window ends here, above"),
            (f"{name}_okd", "window ends here, below"),
            (name, f"{RULE_LABELS[name][0]} (+1 above, -1 below)"),
        ]
    if r.trend:
        helper_names += [
            ("lx", "last value"),
            ("lp", "last value's phase"),
            ("st", "step from the last value"),
            ("lst", "last step"),
            ("ls", "steps so far"),
            ("nst", "next step"),
            ("rs", "steps ahead"),
            ("tl", "steps in this trend"),
            ("trend", "trend (+1 up, -1 down)"),
        ]
    helper_names.append(("label", "signal in words (without the add-in)"))

    col: dict[str, int] = {
        "v": cols.value,
        "ph": cols.phase,
        "mr": cols.mr,
        "cl": cols.cl,
        "unpl": cols.unpl,
        "lnpl": cols.lnpl,
        "url": cols.url,
    }
    headers: dict[int, str] = {}
    for k, (name, text) in enumerate(helper_names):
        col[name] = cols.helpers + k
        headers[cols.helpers + k] = text
    last = first + n - 1
    letter = {name: column_letter(c) for name, c in col.items()}

    def rng(name: str) -> str:
        return f"${letter[name]}${first + 1}:${letter[name]}${last + 1}"

    cells: list[NativeCell] = []
    e2, d4 = CONSTANT_TEXT[spec.constants][spec.dispersion]
    gt, lt = (">=", "<=") if r.on_limit == "outside" else (">", "<")

    for row in range(first, last + 1):
        R = row + 1  # Excel's row number

        def c(name: str, offset: int = 0, R: int = R) -> str:
            return f"{letter[name]}{R + offset}"

        has_prev, has_next = row > first, row < last

        def put(name: str, text: str, array: bool = False, row: int = row) -> None:
            cells.append(NativeCell(row, col[name], "=" + text, array))

        v, ph = c("v"), c("ph")
        put("obs", f"IF(ISNUMBER({v}),1,0)")
        if cols.exclude is None:
            put("exc", "0")
        else:
            put("exc", f"IF(OR(LOWER(TRIM({cols.exclude(R)}&\"\"))={YES_TEXT}),1,0)")
        window = ""
        if spec.baseline is not None:
            top = f"${letter['obs']}${first + 1}"
            ph_top = f"${letter['ph']}${first + 1}"
            put("rank", f'IF({c("obs")}=1,SUMIFS({top}:{c("obs")},{ph_top}:{ph},{ph}),"")')
            window = f",{c('rank')}<={spec.baseline}"
        put("use", f"IF(AND({c('obs')}=1,{c('exc')}=0{window}),1,0)")
        if has_prev:
            both = f'AND({c("obs")}=1,{c("obs", -1)}=1,{ph}={c("ph", -1)})'
            put("mr", f'IF({both},ABS({v}-{c("v", -1)}),"")')
            put(
                "mru",
                f"IF(AND(ISNUMBER({c('mr')}),{c('exc')}=0,{c('exc', -1)}=0{window}),1,0)",
            )
        else:
            put("mr", '""')
            put("mru", "0")
        in_phase = f"{rng('ph')},{ph}"
        count = f"COUNTIFS({in_phase},{rng('use')},1)"
        if spec.trend is not None:
            _trended(put, c, rng, spec.trend, row - first, first, count, in_phase)
        elif spec.centre == "mean":
            put("cl", f'IF({count}=0,"",SUMIFS({rng("v")},{in_phase},{rng("use")},1)/{count})')
        else:
            put(
                "cl",
                f'IF({count}=0,"",MEDIAN(IF(({rng("ph")}={ph})*({rng("use")}=1),{rng("v")})))',
                array=True,
            )
        kept = "mru"
        if spec.screen_mr:
            n_mr = f"COUNTIFS({in_phase},{rng('mru')},1)"
            put("m0", f'IF({n_mr}=0,"",SUMIFS({rng("mr")},{in_phase},{rng("mru")},1)/{n_mr})')
            put(
                "mrk",
                f'IF(AND({c("mru")}=1,{c("m0")}<>""),IF({c("mr")}<{SCREEN_TEXT}*{c("m0")},1,0),0)',
            )
            kept = "mrk"
        n_kept = f"COUNTIFS({in_phase},{rng(kept)},1)"
        if spec.dispersion == "mean":
            put(
                "disp",
                f'IF(OR({c("cl")}="",{n_kept}=0),"",SUMIFS({rng("mr")},{in_phase},{rng(kept)},1)/{n_kept})',
            )
        else:
            put(
                "disp",
                f'IF(OR({c("cl")}="",{n_kept}=0),"",'
                f'MEDIAN(IF(({rng("ph")}={ph})*({rng(kept)}=1),{rng("mr")})))',
                array=True,
            )
        cl, disp, un, ln = c("cl"), c("disp"), c("un"), c("ln")
        put("un", f'IF({disp}="","",{cl}+{e2}*{disp})')
        put("ln", f'IF({disp}="","",{cl}-{e2}*{disp})')
        upper = un if spec.upper_bound is None else f"MIN({un},{_num(spec.upper_bound)})"
        lower = ln if spec.lower_bound is None else f"MAX({ln},{_num(spec.lower_bound)})"
        put("unpl", f'IF({un}="","",{upper})')
        put("lnpl", f'IF({ln}="","",{lower})')
        put("url", f'IF({disp}="","",{d4}*{disp})')

        obs = c("obs")
        limits = f"AND({obs}=1,{un}<>\"\")"
        dev = f"({v}-{cl})"
        if r.outlier:
            put(
                "out",
                f"IF({limits},IF({dev}{gt}({un}-{cl}),1,IF({dev}{lt}-({cl}-{ln}),-1,0)),0)",
            )
        if r.mr_outlier:
            if has_prev:
                put(
                    "mro",
                    f'IF(AND(ISNUMBER({c("mr")}),{c("url")}<>""),IF({c("mr")}{gt}{c("url")},'
                    f'IF({v}>{c("v", -1)},1,-1),0),0)',
                )
            else:
                put("mro", "0")
        if long_run:
            put("side", f'IF(AND({obs}=1,{cl}<>""),SIGN({v}-{cl}),0)')
            key = f"{ph}*4+{c('side')}"
            side = c("side")
            if has_prev:
                put("lk", f"IF({obs}=1,{key},{c('lk', -1)})")
                put(
                    "lr",
                    f"IF({obs}=1,IF({side}=0,0,IF({key}={c('lk', -1)},{c('lr', -1)}+1,1)),"
                    f"{c('lr', -1)})",
                )
            else:
                put("lk", f'IF({obs}=1,{key},"")')
                put("lr", f"IF(AND({obs}=1,{side}<>0),1,0)")
            if has_next:
                put("nk", f"IF({obs}=1,{key},{c('nk', 1)})")
                put(
                    "rr",
                    f"IF({obs}=1,IF({side}=0,0,IF({key}={c('nk', 1)},{c('rr', 1)}+1,1)),"
                    f"{c('rr', 1)})",
                )
            else:
                put("nk", f'IF({obs}=1,{key},"")')
                put("rr", f"IF(AND({obs}=1,{side}<>0),1,0)")
            put(
                "long",
                f"IF(AND({obs}=1,{side}<>0,{c('lr')}+{c('rr')}-1>={long_run}),{side},0)",
            )
        if kw_rules:
            put("idx", f'IF({obs}=1,SUM(${letter["obs"]}${first + 1}:{obs}),"")')
        for name, (k, w), (frac, _) in kw_rules:
            idx, cu, cd = c("idx"), c(f"{name}_cu"), c(f"{name}_cd")
            put(f"{name}_cu", f"IF({limits},IF({dev}{gt}{frac}*({un}-{cl}),1,0),0)")
            put(f"{name}_cd", f"IF({limits},IF({dev}{lt}-{frac}*({cl}-{ln}),1,0),0)")
            back = f'{rng("idx")},">="&({idx}-{w - 1}),{rng("idx")},"<="&{idx}'
            same = f"COUNTIFS({back},{in_phase})={w}"
            for tag, cond in (("oku", "cu"), ("okd", "cd")):
                put(
                    f"{name}_{tag}",
                    f"IF({obs}=1,IF(AND({idx}>={w},{same},"
                    f"COUNTIFS({back},{rng(f'{name}_{cond}')},1)>={k}),1,0),0)",
                )
            ahead = f'{rng("idx")},">="&{idx},{rng("idx")},"<="&({idx}+{w - 1})'
            put(
                name,
                f"IF({obs}=1,IF(AND({cu}=1,COUNTIFS({ahead},{rng(f'{name}_oku')},1)>0),1,"
                f"IF(AND({cd}=1,COUNTIFS({ahead},{rng(f'{name}_okd')},1)>0),-1,0)),0)",
            )
        if r.trend:
            st = c("st")
            if has_prev:
                put("lx", f"IF({obs}=1,{v},{c('lx', -1)})")
                put("lp", f"IF({obs}=1,{ph},{c('lp', -1)})")
                put(
                    "st",
                    f'IF({obs}=1,IF(AND({c("lx", -1)}<>"",{c("lp", -1)}={ph}),'
                    f'SIGN({v}-{c("lx", -1)}),0),"")',
                )
                put("lst", f"IF({obs}=1,{st},{c('lst', -1)})")
                put(
                    "ls",
                    f"IF({obs}=1,IF({st}=0,0,IF({st}={c('lst', -1)},{c('ls', -1)}+1,1)),"
                    f"{c('ls', -1)})",
                )
            else:
                put("lx", f'IF({obs}=1,{v},"")')
                put("lp", f'IF({obs}=1,{ph},"")')
                put("st", f'IF({obs}=1,0,"")')
                put("lst", f'IF({obs}=1,{st},"")')
                put("ls", "0")
            if has_next:
                put("nst", f"IF({obs}=1,{st},{c('nst', 1)})")
                put(
                    "rs",
                    f"IF({obs}=1,IF({st}=0,0,IF({st}={c('nst', 1)},{c('rs', 1)}+1,1)),"
                    f"{c('rs', 1)})",
                )
                put(
                    "tl",
                    f"IF({obs}=1,IF({st}=0,0,{c('ls')}+{c('rs')}-1),{c('tl', 1)})",
                )
                nxt = f"{c('nst', 1)}"
                follow = (
                    f"IF(AND(ISNUMBER({nxt}),{nxt}<>0,{c('tl', 1)}>={r.trend - 1}),{nxt},0)"
                )
            else:
                put("nst", f'IF({obs}=1,{st},"")')
                put("rs", f"IF(AND({obs}=1,{st}<>0),1,0)")
                put("tl", f"IF(AND({obs}=1,{st}<>0),{c('ls')}+{c('rs')}-1,0)")
                follow = "0"
            put(
                "trend",
                f"IF({obs}=1,IF(AND({st}<>0,{c('tl')}>={r.trend - 1}),{st},{follow}),0)",
            )
        parts = []
        flag_of = {"outlier": "out", "mr_outlier": "mro", "long_run": "long"}
        for rule in r.active:
            if rule in unsupported:
                continue
            flag = c(flag_of.get(rule, rule))
            word = RULE_LABELS[rule][0]
            tags = []
            for sign, moved in ((1, "up"), (-1, "down")):
                meaning = assess(moved, spec.direction)  # type: ignore[arg-type]
                tags.append((sign, word if meaning == "neutral" else f"{word} ({meaning})"))
            (s1, t1), (s2, t2) = tags
            parts.append(f'IF({flag}={s1},"; {t1}",IF({flag}={s2},"; {t2}",""))')
        put("label", f"MID({'&'.join(parts) or chr(34) * 2},3,300)")

    return NativeBlock(cells, headers, col["label"], unsupported)
