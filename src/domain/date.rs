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

/// Parses a date for something that already happened: `today` or earlier.
pub fn parse_past_date(s: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let d = parse_date(s)?;
    not_in_future(d, today)
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
}
