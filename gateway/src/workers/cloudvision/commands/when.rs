//! The times `get-active-events` takes, parsed strictly: how long ago
//! (`30m`, `1h`, `7d`, `2w`), `now`, or an ISO 8601 time (`2026-12-01T08:00:00Z`,
//! with an offset, or a date alone, taken as midnight UTC); and written
//! back as RFC 3339 for the resource APIs.

/// Why a typed time was not taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Neither a duration nor an ISO 8601 time.
    #[error(
        "`{0}` is not a time: give how long ago (`30m`, `1h`, `7d`, `2w`), `now`, or an ISO 8601 time \
         (`2026-12-01T08:00:00Z`, `2026-12-01`)"
    )]
    Unreadable(String),
    /// The window ends before it starts.
    #[error("the end ({end}) is before the start ({start})")]
    Backwards {
        /// The start as typed.
        start: String,
        /// The end as typed.
        end: String,
    },
}

/// Seconds since the epoch `typed` means at `now` (seconds since the epoch).
pub fn parse(typed: &str, now: i64) -> Result<i64, TimeError> {
    let text = typed.trim();
    let bad = || TimeError::Unreadable(typed.to_owned());
    if text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(ago) = relative(text.trim_start_matches('-')) {
        return ago.map(|seconds| now - seconds).ok_or_else(bad);
    }
    absolute(text).ok_or_else(bad)
}

/// `Some(Some(seconds))` for a duration (`7d`), `Some(None)` for one that
/// overflows, `None` for what is no duration.
fn relative(text: &str) -> Option<Option<i64>> {
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let per = match unit.to_ascii_lowercase() {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    Some(digits.parse::<i64>().ok().and_then(|n| n.checked_mul(per)))
}

/// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.frac]]` with `Z` or `±HH:MM`.
fn absolute(text: &str) -> Option<i64> {
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (year, month, day) = (
        number(parts.next()?)?,
        number(parts.next()?)?,
        number(parts.next()?)?,
    );
    if parts.next().is_some()
        || date.len() != 10
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in(year, month)
    {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
            (clock, 0)
        } else {
            let at = time.rfind(['+', '-'])?;
            let (clock, zone) = time.split_at(at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':')?;
            let (h, m) = (number(h)?, number(m)?);
            if h > 23 || m > 59 {
                return None;
            }
            (clock, sign * (h * 3_600 + m * 60))
        };
        let clock = clock.split_once('.').map_or(clock, |(whole, fraction)| {
            if fraction.bytes().all(|b| b.is_ascii_digit()) && !fraction.is_empty() {
                whole
            } else {
                "x"
            }
        });
        let mut fields = clock.split(':');
        let (h, m) = (number(fields.next()?)?, number(fields.next()?)?);
        let s = fields.next().map_or(Some(0), number)?;
        if fields.next().is_some() || h > 23 || m > 59 || s > 60 {
            return None;
        }
        seconds += h * 3_600 + m * 60 + s - offset;
    }
    Some(seconds)
}

fn days_in(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `seconds` since the epoch as RFC 3339 in UTC: `2026-12-03T08:45:00Z`.
pub fn rfc3339(seconds: i64) -> String {
    let minute = crate::workers::toolkit::render::utc_minute(seconds * 1000);
    // `2026-12-03 08:45 UTC` → `2026-12-03T08:45:SSZ`.
    let (date, rest) = minute.split_once(' ').unwrap_or((&minute, ""));
    let hm = rest.trim_end_matches(" UTC");
    format!("{date}T{hm}:{:02}Z", seconds.rem_euclid(60))
}

/// A window from `start` to `end` (none: now), as typed, at `now`.
pub fn window(start: &str, end: Option<&str>, now: i64) -> Result<(i64, i64), TimeError> {
    let from = parse(start, now)?;
    let to = end.map_or(Ok(now), |end| parse(end, now))?;
    if to < from {
        return Err(TimeError::Backwards {
            start: start.to_owned(),
            end: end.unwrap_or("now").to_owned(),
        });
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_265_900; // 2026-12-03 02:45 UTC

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(parse("1h", NOW), Ok(NOW - 3_600));
        assert_eq!(parse("7d", NOW), Ok(NOW - 604_800));
        assert_eq!(parse("-30m", NOW), Ok(NOW - 1_800));
        assert_eq!(parse("2W", NOW), Ok(NOW - 1_209_600));
        assert_eq!(parse("now", NOW), Ok(NOW));
    }

    #[test]
    fn iso_times_and_dates_are_read_in_utc_or_their_offset() {
        assert_eq!(parse("2026-12-03T02:45:00Z", NOW), Ok(NOW));
        assert_eq!(parse("2026-12-03T02:45Z", NOW), Ok(NOW));
        assert_eq!(parse("2026-12-03T03:45:00.250+01:00", NOW), Ok(NOW));
        assert_eq!(parse("2026-12-03", NOW), Ok(NOW - 9_900));
        assert_eq!(parse("2000-02-29", NOW), Ok(951_782_400));
        assert_eq!(rfc3339(NOW + 7), "2026-12-03T02:45:07Z");
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_it_takes() {
        for bad in [
            "yesterday",
            "1y",
            "h",
            "2026-13-01",
            "2026-02-30",
            "2026-12-03T25:00:00Z",
            "12d3",
            "2026-12-03T01:00:00",
            "99999999999999999999d",
        ] {
            let refused = parse(bad, NOW).unwrap_err();
            assert_eq!(refused, TimeError::Unreadable(bad.to_owned()), "{bad}");
        }
        assert!(parse("x", NOW).unwrap_err().to_string().contains("`7d`"));
        assert_eq!(
            window("1h", Some("2h"), NOW),
            Err(TimeError::Backwards {
                start: "1h".to_owned(),
                end: "2h".to_owned()
            })
        );
        assert_eq!(window("1d", None, NOW), Ok((NOW - 86_400, NOW)));
    }
}
