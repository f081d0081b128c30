//! Day-precision dates: parsing `YYYY-MM-DD` and refusing the future.

use chrono::NaiveDate;

use super::DomainError;

/// Parses a `YYYY-MM-DD` calendar date (a real one: no February 30th).
pub fn parse_date(s: &str) -> Result<NaiveDate, DomainError> {
    let t = s.trim();
    let ok_shape = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !ok_shape {
        return Err(DomainError::invalid(format!(
            "\"{s}\" is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14"
        )));
    }
    // The shape is checked, so the digits convert directly (much faster than strftime
    // parsing, which matters when loading millions of rows).
    let b = t.as_bytes();
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let year = i32::try_from(num(0..4)).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, num(5..7), num(8..10)).ok_or_else(|| {
        DomainError::invalid(format!(
            "\"{s}\" is not a real calendar date; check the month and day"
        ))
    })
}

/// Parses a date for something that already happened: `today` or earlier. Besides
/// `YYYY-MM-DD` it reads `today`, `yesterday`, `Nd` (N days ago: `3d`) and a weekday
/// name (`tuesday`, `tue`: the most recent one, today included).
pub fn parse_past_date(s: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let d = match relative_date(s, today) {
        Some(d) => d?,
        None => parse_date(s).map_err(|e| {
            if e.to_string().contains("real calendar date") {
                return e;
            }
            DomainError::invalid(format!(
                "\"{}\" is not a date; write YYYY-MM-DD, today, yesterday, 3d (days ago) or a weekday",
                s.trim()
            ))
        })?,
    };
    not_in_future(d, today)
}

/// `today`, `yesterday`, `Nd`, a weekday: `None` when `s` is none of them.
fn relative_date(s: &str, today: NaiveDate) -> Option<Result<NaiveDate, DomainError>> {
    use chrono::{Datelike, Days, Weekday};
    let t = s.trim().to_lowercase();
    let back = |n: u64| {
        today.checked_sub_days(Days::new(n)).ok_or_else(|| {
            DomainError::invalid(format!("{n} days ago is before any calendar ties knows"))
        })
    };
    match t.as_str() {
        "today" => return Some(Ok(today)),
        "yesterday" => return Some(back(1)),
        _ => {}
    }
    if let Some(n) = t
        .strip_suffix('d')
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Some(match n.parse::<u64>() {
            Ok(n) if n <= 36_500 => back(n),
            _ => Err(DomainError::invalid(format!(
                "\"{}\" is too long ago; give at most 36500d, or a date",
                s.trim()
            ))),
        });
    }
    let day = [
        (Weekday::Mon, "monday"),
        (Weekday::Tue, "tuesday"),
        (Weekday::Wed, "wednesday"),
        (Weekday::Thu, "thursday"),
        (Weekday::Fri, "friday"),
        (Weekday::Sat, "saturday"),
        (Weekday::Sun, "sunday"),
    ]
    .into_iter()
    .find(|(_, name)| t.len() >= 3 && name.starts_with(t.as_str()))?
    .0;
    let ago = (7 + today.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
    Some(back(u64::from(ago)))
}

/// Refuses a date after `today`.
pub fn not_in_future(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    if d > today {
        return Err(DomainError::invalid(format!(
            "{d} is in the future (today is {today}); record things once they have happened"
        )));
    }
    Ok(d)
}

/// Whole days from `earlier` to `later` (negative when `earlier` is after `later`).
pub fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(
            d("2026-03-14"),
            NaiveDate::from_ymd_opt(2026, 3, 14).unwrap()
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-03-14",
            "2026/03/14",
            "",
            "2026-3-14",
            "yesterday",
            "2026-03-14x",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(
            d(" 2024-02-29 "),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }

    #[test]
    fn future_is_refused() {
        let today = d("2026-11-24");
        assert!(parse_past_date("2026-11-24", today).is_ok());
        assert!(parse_past_date("2026-11-25", today).is_err());
        assert_eq!(days_between(d("2026-11-20"), today), 4);
    }

    #[test]
    fn past_dates_read_words_too() {
        // 2026-11-24 is a Tuesday.
        let today = d("2026-11-24");
        let p = |s: &str| parse_past_date(s, today).map(|x| x.to_string());
        assert_eq!(p("today").unwrap(), "2026-11-24");
        assert_eq!(p(" Yesterday ").unwrap(), "2026-11-23");
        assert_eq!(p("3d").unwrap(), "2026-11-21");
        assert_eq!(p("0d").unwrap(), "2026-11-24");
        assert_eq!(p("tuesday").unwrap(), "2026-11-24");
        assert_eq!(p("mon").unwrap(), "2026-11-23");
        assert_eq!(p("Wed").unwrap(), "2026-11-18");
        assert_eq!(p("2026-11-01").unwrap(), "2026-11-01");
        assert!(p("2026-12-01").unwrap_err().to_string().contains("future"));
        assert!(p("tomorrow").unwrap_err().to_string().contains("yesterday"));
        assert!(p("we").is_err(), "two letters are not a weekday");
        assert!(p("99999999d").is_err());
    }
}
