"""Which SIPRI 5-year periods a recipient's data let the Periods page compare.

The page offers every 5-year window inside the recipient's years (newest first) and, like
SIPRI's fact sheets, starts on the latest whole period and the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.shares import Period
from analysis.vocab import parse_period, period_label

PERIOD_YEARS = 5


def period_windows(span: Period | None, width: int = PERIOD_YEARS) -> list[str]:
    """Every ``width``-year window inside ``span`` as a period label, newest first.

    Args:
        span: First and last year of the data (None when there are none).
        width: Years per window (SIPRI uses 5).

    Returns:
        Labels such as ``["2019-23", "2018-22", ...]``; empty when the data span fewer than
        ``width`` years.
    """
    if span is None:
        return []
    first, last = int(span[0]), int(span[1])
    return [period_label(s, s + width - 1) for s in range(last - width + 1, first - 1, -1)]


def default_pair(windows: Sequence[str], width: int = PERIOD_YEARS) -> tuple[str, str] | None:
    """The two periods shown first: the latest whole period and the one before it.

    The same pair as ``shares.latest_complete_periods(rows, 2)`` over the years the windows
    came from. Data too short for two whole periods (5-9 years) compare the oldest window with
    the newest; a single window gives the same label twice (nothing to compare).

    Args:
        windows: ``period_windows(...)`` (consecutive windows, newest first).
        width: Years per window.

    Returns:
        ``(earlier, later)`` labels; None when there is no window.
    """
    if not windows:
        return None
    # windows[width] ends the year before windows[0] starts: the previous whole period.
    earlier = windows[width] if len(windows) > width else windows[-1]
    return earlier, windows[0]


def requested_period(windows: Sequence[str], text: str | None, default: str) -> str:
    """The window a URL value names, else ``default``.

    Any spelling ``parse_period`` reads is accepted ("2009-13", "2009-2013", "2009–13"); a
    value that is not a period, or a period that is not one of the windows (outside the data,
    or not 5 years long), falls back to ``default``.
    """
    if not text:
        return default
    try:
        label = period_label(*parse_period(text))
    except ValueError:
        return default
    return label if label in windows else default


def compared_periods(label_a: str, label_b: str) -> tuple[Period, Period] | None:
    """The two chosen periods as year pairs, or None when both name the same period.

    Raises:
        ValueError: for a label that is not a period.
    """
    period_a, period_b = parse_period(label_a), parse_period(label_b)
    if period_a == period_b:
        return None
    return period_a, period_b


# The story's pair (FACTS.md: Russia's share of India's imports, 76% then 36%).
STORY_PAIR: tuple[Period, Period] = ((2009, 2013), (2019, 2023))


def anchor_years(span: Period | None, width: int = PERIOD_YEARS) -> list[int]:
    """The years a latest period can end in: every year with a whole period before it.

    Returns:
        Years newest first (``span``'s last year first); empty when the data span fewer than
        ``width`` years.
    """
    if span is None:
        return []
    return list(range(int(span[1]), int(span[0]) + width - 2, -1))


def tiled_periods(anchor: int, span: Period | None, width: int = PERIOD_YEARS) -> list[str]:
    """SIPRI periods tiled back from ``anchor``: 2023 gives 2019-23, 2014-18, 2009-13, ...

    Only whole periods inside ``span`` are given (a period is never partly outside the data).

    Args:
        anchor: Last year of the latest period.
        span: First and last year of the data (None when there are none).
        width: Years per period.

    Returns:
        Labels newest first; empty when ``anchor`` is outside the data or leaves no whole
        period.
    """
    if span is None or not int(span[0]) <= anchor <= int(span[1]):
        return []
    ends = range(anchor, int(span[0]) + width - 2, -width)
    return [period_label(end - width + 1, end) for end in ends]


def tiled_pair(periods: Sequence[str]) -> tuple[str, str] | None:
    """The pair shown first among tiled periods: the one before the latest, and the latest
    (the same label twice when there is one period; None for none)."""
    if not periods:
        return None
    return (periods[1] if len(periods) > 1 else periods[0]), periods[0]


def requested_anchor(
    span: Period | None, text: str | None, later: str | None = None, width: int = PERIOD_YEARS
) -> int | None:
    """The anchor a URL asks for: its ``end`` value, else the end of its later period
    (so that a link naming two periods keeps working), else the data's last year.

    Values outside ``anchor_years(span)`` fall back the same way. None without data.
    """
    years = anchor_years(span, width)
    if not years:
        return None
    candidates: list[int] = []
    if text:
        try:
            candidates.append(int(str(text).strip()))
        except ValueError:
            pass
    if later:
        try:
            candidates.append(parse_period(later)[1])
        except ValueError:
            pass
    return next((year for year in candidates if year in years), years[0])


def story_pair_available(span: Period | None) -> bool:
    """Whether the data cover both periods of the story's pair (2009-13 and 2019-23)."""
    if span is None:
        return False
    return int(span[0]) <= STORY_PAIR[0][0] and int(span[1]) >= STORY_PAIR[1][1]
