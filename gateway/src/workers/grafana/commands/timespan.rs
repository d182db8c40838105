//! `timespan=`: how far back a panel looks, ending now, as Grafana's `from`
//! takes it. Grafana's own spans (`6h`, `7d`, `1M`) are taken as typed; ISO
//! 8601 durations (`PT6H`, `P1DT12H`, `P1M`) are converted, since Grafana's
//! relative times know no ISO: the months and years as one span, the rest
//! in the smallest unit typed (`P1DT12H` is `36h`).

/// Grafana's span units, in order of size: seconds to years.
const GRAFANA_UNITS: &str = "smhdwMy";
/// The largest number of a span: what the Integration's schema allows (six digits).
const MAX_NUMBER: u64 = 999_999;

/// The relative `from` of `typed` (`now-36h`, `now-1M-1d`), or `None` when
/// it is neither a Grafana span nor an ISO 8601 duration of whole units.
pub fn from_of(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if let Some(span) = grafana_span(typed) {
        return Some(format!("now-{span}"));
    }
    let spans = iso_spans(&typed.to_ascii_uppercase())?;
    Some(format!("now-{}", spans.join("-")))
}

/// `6h` as typed, if it is one Grafana span.
fn grafana_span(typed: &str) -> Option<&str> {
    let unit = typed.chars().last()?;
    let number = &typed[..typed.len() - unit.len_utf8()];
    let valid = GRAFANA_UNITS.contains(unit)
        && !number.is_empty()
        && !number.starts_with('0')
        && number.len() <= 6
        && number.chars().all(|c| c.is_ascii_digit());
    valid.then_some(typed)
}

/// The spans of an ISO 8601 duration (`P1Y2M3W4DT5H6M7S`, any part left
/// out): the calendar part (`14M`, or `1y` for whole years) then the fixed
/// part in the smallest unit typed; `None` when it is not one, or is zero.
fn iso_spans(iso: &str) -> Option<Vec<String>> {
    let rest = iso.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut date_parts = parts(date, &['Y', 'M', 'W', 'D'])?;
    let time_parts = match time {
        Some(time) => parts(time, &['H', 'M', 'S'])?,
        None => Vec::new(),
    };
    if date_parts.is_empty() && time_parts.is_empty() {
        return None;
    }
    let value = |list: &[(char, u64)], unit: char| list.iter().find(|(u, _)| *u == unit).map(|(_, n)| *n);
    let (years, months) = (value(&date_parts, 'Y'), value(&date_parts, 'M'));
    date_parts.retain(|(unit, _)| !matches!(unit, 'Y' | 'M'));
    let mut spans = Vec::new();
    match (years, months) {
        (Some(years), None) if years > 0 => spans.push(format!("{years}y")),
        (years, months) => {
            let months = years
                .unwrap_or(0)
                .checked_mul(12)?
                .checked_add(months.unwrap_or(0))?;
            if months > 0 {
                spans.push(format!("{months}M"));
            }
        }
    }
    // Weeks and days, then hours, minutes, seconds: each in seconds, and the
    // smallest typed unit ('m' for the time part's minutes).
    let fixed: Vec<(char, u64)> = date_parts
        .iter()
        .map(|(unit, n)| (if *unit == 'W' { 'w' } else { 'd' }, *n))
        .chain(time_parts.iter().map(|(unit, n)| (unit.to_ascii_lowercase(), *n)))
        .collect();
    if let Some((unit, _)) = fixed.last() {
        let seconds = fixed.iter().try_fold(0u64, |sum, (unit, n)| {
            sum.checked_add(n.checked_mul(seconds_of(*unit))?)
        })?;
        let count = seconds / seconds_of(*unit);
        if count > 0 {
            spans.push(format!("{count}{unit}"));
        }
    }
    (!spans.is_empty()).then_some(spans)
}

/// `1D12` … as (unit, number) pairs in the order `units` allows, each unit
/// at most once; `None` when anything else is there.
fn parts(text: &str, units: &[char]) -> Option<Vec<(char, u64)>> {
    let mut found = Vec::new();
    let mut number = String::new();
    let mut allowed = units;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let at = allowed.iter().position(|unit| *unit == c)?;
        let n: u64 = number.parse().ok().filter(|n| *n <= MAX_NUMBER)?;
        found.push((c, n));
        number.clear();
        allowed = &allowed[at + 1..];
    }
    number.is_empty().then_some(found)
}

fn seconds_of(unit: char) -> u64 {
    match unit {
        'w' => 7 * 86_400,
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::from_of;

    #[test]
    fn grafana_spans_are_taken_as_typed() {
        for (typed, from) in [
            ("6h", "now-6h"),
            ("7d", "now-7d"),
            ("1M", "now-1M"),
            ("30m", "now-30m"),
            ("2y", "now-2y"),
        ] {
            assert_eq!(from_of(typed).as_deref(), Some(from), "{typed}");
        }
    }

    #[test]
    fn iso_durations_become_grafana_spans() {
        for (typed, from) in [
            ("PT6H", "now-6h"),
            ("P7D", "now-7d"),
            ("P1DT12H", "now-36h"),
            ("P1M", "now-1M"),
            ("P1Y", "now-1y"),
            ("P1Y6M", "now-18M"),
            ("P2W", "now-2w"),
            ("PT1H30M", "now-90m"),
            ("P1M1D", "now-1M-1d"),
            ("pt15m", "now-15m"),
        ] {
            assert_eq!(from_of(typed).as_deref(), Some(from), "{typed}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for typed in [
            "", "6", "h", "06h", "6x", "1234567h", "P", "PT", "P0D", "PT0.5H", "P1H", "PT1D", "P1D1Y",
            "P1DT", "-6h", "now-6h",
        ] {
            assert_eq!(from_of(typed), None, "{typed:?}");
        }
    }
}
