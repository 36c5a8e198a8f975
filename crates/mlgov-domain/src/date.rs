//! Partial dates (year, year-month or full date) and inclusive intervals between them.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A calendar date known to the precision a source gives: `2016`, `2016-10` or `2016-10-24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    /// Year (1000–2999).
    pub year: i32,
    /// Month 1–12, when known.
    pub month: Option<u8>,
    /// Day 1–31, when known (only with a month).
    pub day: Option<u8>,
}

/// Why a text is not a partial date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {0:?}")]
pub struct DateError(pub String);

impl PartialDate {
    /// A year-only date.
    pub fn year(year: i32) -> Self {
        PartialDate { year, month: None, day: None }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking month lengths (leap years included).
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let err = || DateError(s.to_string());
        let parts: Vec<&str> = s.split('-').collect();
        if parts.is_empty() || parts.len() > 3 || parts[0].len() != 4 {
            return Err(err());
        }
        let year: i32 = parts[0].parse().map_err(|_| err())?;
        if !(1000..=2999).contains(&year) || !parts[0].bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let mut d = PartialDate::year(year);
        if let Some(m) = parts.get(1) {
            if m.len() != 2 || !m.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let m: u8 = m.parse().map_err(|_| err())?;
            if !(1..=12).contains(&m) {
                return Err(err());
            }
            d.month = Some(m);
        }
        if let Some(day) = parts.get(2) {
            if day.len() != 2 || !day.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let day: u8 = day.parse().map_err(|_| err())?;
            if day < 1 || day > days_in_month(year, d.month.unwrap_or(1)) {
                return Err(err());
            }
            d.day = Some(day);
        }
        Ok(d)
    }

    /// The first day this date can denote, as (year, month, day).
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date can denote, as (year, month, day).
    pub fn last_day(&self) -> (i32, u8, u8) {
        let m = self.month.unwrap_or(12);
        (self.year, m, self.day.unwrap_or_else(|| days_in_month(self.year, m)))
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, DateError> {
        PartialDate::parse(&s)
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

/// Why an interval is invalid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("end {to} is before start {from}")]
pub struct IntervalError {
    /// The start as written.
    pub from: PartialDate,
    /// The end as written.
    pub to: PartialDate,
}

/// An inclusive interval of partial dates; either end may be open (unknown start, still ongoing).
///
/// `from = 2006, to = None` is "2006-" in the papers' tables. Both ends are inclusive at their own
/// precision: `2006–2015` covers every day from 2006-01-01 to 2015-12-31.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// Start, if known.
    pub from: Option<PartialDate>,
    /// End, if the statement stopped holding.
    pub to: Option<PartialDate>,
}

impl Interval {
    /// Builds an interval, rejecting an end before the start.
    pub fn new(from: Option<PartialDate>, to: Option<PartialDate>) -> Result<Self, IntervalError> {
        if let (Some(f), Some(t)) = (from, to)
            && t.last_day() < f.first_day()
        {
            return Err(IntervalError { from: f, to: t });
        }
        Ok(Interval { from, to })
    }

    /// An interval covering exactly one year.
    pub fn year(y: i32) -> Self {
        Interval { from: Some(PartialDate::year(y)), to: Some(PartialDate::year(y)) }
    }

    /// Whether neither end is known.
    pub fn is_undated(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether two intervals share at least one day (open ends extend without limit).
    pub fn overlaps(&self, other: &Interval) -> bool {
        let starts_before_other_ends = match (self.from, other.to) {
            (Some(f), Some(t)) => f.first_day() <= t.last_day(),
            _ => true,
        };
        let other_starts_before_self_ends = match (other.from, self.to) {
            (Some(f), Some(t)) => f.first_day() <= t.last_day(),
            _ => true,
        };
        starts_before_other_ends && other_starts_before_self_ends
    }

    /// Whether the interval covers any day of `year`.
    pub fn contains_year(&self, year: i32) -> bool {
        self.overlaps(&Interval::year(year))
    }

    /// Whether the interval has a known start and covers a day of `year`: the rule for "in force
    /// that year" wherever an undated statement must not be placed in a year.
    pub fn dated_in(&self, year: i32) -> bool {
        self.from.is_some() && self.contains_year(year)
    }

    /// First year covered, if the start is known.
    pub fn start_year(&self) -> Option<i32> {
        self.from.map(|d| d.year)
    }

    /// Last year covered, if the end is known.
    pub fn end_year(&self) -> Option<i32> {
        self.to.map(|d| d.year)
    }

    /// The interval as the papers print it: `1989–2015`, `2006–`, `–2001`, `2017`.
    pub fn display(&self) -> String {
        match (self.from, self.to) {
            (Some(f), Some(t)) if f == t => f.to_string(),
            (Some(f), Some(t)) => format!("{f}–{t}"),
            (Some(f), None) => format!("{f}–"),
            (None, Some(t)) => format!("–{t}"),
            (None, None) => "undated".to_string(),
        }
    }
}

impl PartialOrd for Interval {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Interval {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |i: &Interval| (i.from.map(|d| d.first_day()), i.to.map(|d| d.last_day()));
        key(self).cmp(&key(other))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
/// Date Algorithms", 2013, `days_from_civil`); O(1). The one home of calendar arithmetic (recorded
/// times, HTTP dates, Parquet dates).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`] (same reference): (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Formats Unix seconds as ISO 8601 UTC (`2026-11-22T10:00:00Z`) with [`civil_from_days`]. The
/// one formatter of recorded times (audit log, sessions, change sets).
pub fn iso_time(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_precisions_and_rejects_garbage() {
        assert_eq!(PartialDate::parse("2016").unwrap().to_string(), "2016");
        assert_eq!(PartialDate::parse("2016-10").unwrap().to_string(), "2016-10");
        assert_eq!(PartialDate::parse("2016-10-24").unwrap().to_string(), "2016-10-24");
        assert!(PartialDate::parse("2016-02-29").unwrap().day == Some(29));
        assert!(PartialDate::parse("2015-02-29").is_err());
        for bad in ["16", "2016-13", "2016-1", "20x6", "2016-10-32", "", "2016-10-24-1"] {
            assert!(PartialDate::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn interval_order_and_overlap() {
        let y = |v| Some(PartialDate::year(v));
        assert!(Interval::new(y(2010), y(2009)).is_err());
        assert!(Interval::new(y(2010), y(2010)).is_ok());
        let a = Interval::new(y(1999), y(2006)).unwrap();
        let b = Interval::new(y(2006), None).unwrap();
        let c = Interval::new(y(2007), None).unwrap();
        assert!(a.overlaps(&b));
        assert!(!a.overlaps(&c));
        assert!(Interval::default().overlaps(&a));
        assert!(b.contains_year(2030));
        assert!(!c.contains_year(2006));
        assert_eq!(a.display(), "1999–2006");
        assert_eq!(b.display(), "2006–");
    }
}
