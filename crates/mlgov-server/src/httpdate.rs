//! HTTP dates (RFC 9110 §5.6.7): `Last-Modified` written as IMF-fixdate, `If-Modified-Since`
//! read in the three forms recipients must accept; whole seconds, UTC, no dependency.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Whole seconds since the Unix epoch (0 before it).
pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn format(t: SystemTime) -> String {
    let secs = unix_seconds(t);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Reads an HTTP date (IMF-fixdate, RFC 850 or asctime); `None` when it is none of them (an
/// invalid `If-Modified-Since` is ignored, RFC 9110 §13.1.3).
pub fn parse(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let words: Vec<&str> = s.split_whitespace().collect();
    let (day, month, year, time) = match words.as_slice() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [_, d, mo, y, t, "GMT"] => (d.parse::<u32>().ok()?, *mo, y.parse::<i64>().ok()?, *t),
        // Sunday, 06-Nov-94 08:49:37 GMT
        [_, dmy, t, "GMT"] => {
            let mut it = dmy.split('-');
            let d = it.next()?.parse::<u32>().ok()?;
            let mo = it.next()?;
            let y = it.next()?.parse::<i64>().ok()?;
            (
                d,
                mo,
                if y < 50 {
                    2000 + y
                } else if y < 100 {
                    1900 + y
                } else {
                    y
                },
                *t,
            )
        }
        // Sun Nov  6 08:49:37 1994
        [_, mo, d, t, y] => (d.parse::<u32>().ok()?, *mo, y.parse::<i64>().ok()?, *t),
        _ => return None,
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let hms: Vec<u64> = time.split(':').map(|x| x.parse::<u64>().ok()).collect::<Option<_>>()?;
    let [h, mi, se] = hms.as_slice() else { return None };
    // Four-digit years only: a larger one overflowed the time arithmetic (a panic, also in release).
    if !(1..=31).contains(&day) || *h > 23 || *mi > 59 || *se > 60 || !(1970..=9999).contains(&year)
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(UNIX_EPOCH + Duration::from_secs(days as u64 * 86_400 + h * 3600 + mi * 60 + se))
}

use mlgov_domain::date::{civil_from_days, days_from_civil};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_reads_the_rfc_examples() {
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(format(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse(s), Some(t), "{s}");
        }
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("Sun, 06 Nov 1994 25:49:37 GMT"), None);
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(format(leap), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(parse(&format(leap)), Some(leap));
    }

    /// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::server::if_modified_since`): an
    /// `If-Modified-Since` with a twelve-digit year panicked the request.
    #[test]
    fn years_beyond_four_digits_are_not_dates() {
        for s in [
            "Sun, 01 Jan 292277026597 00:00:00 GMT",
            "Sun, 01 Jan 9223372036854775807 00:00:00 GMT",
            "Sunday, 01-Jan-99999 00:00:00 GMT",
            "Sun Jan  1 00:00:00 10000",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
        assert!(parse("Fri, 31 Dec 9999 23:59:59 GMT").is_some());
    }
}
