//! Dates and times as people read them. Stored times are milliseconds since the Unix epoch, UTC.

use serde::{Deserialize, Serialize};

/// A calendar date, `YYYY-MM-DD`, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CalendarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CalendarDate {
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Self { year, month, day })
    }

    /// Days since 1970-01-01 (the civil-from-days algorithm).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Midnight UTC of this date, in milliseconds since the Unix epoch.
    pub fn start_millis(self) -> i64 {
        self.days_since_epoch() * 86_400_000
    }

    /// The UTC date of a moment given in milliseconds since the Unix epoch.
    pub fn from_millis(millis: i64) -> Self {
        let z = millis.div_euclid(86_400_000) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// The last day (Sunday) of the week, Monday to Sunday, this date is in.
    pub fn end_of_week(self) -> Self {
        let days = self.days_since_epoch();
        // 1970-01-01 was a Thursday: day 0 is weekday 3, counting from Monday as 0.
        let weekday = (days + 3).rem_euclid(7);
        Self::from_millis((days + 6 - weekday) * 86_400_000)
    }

    /// "May 25, 2018".
    pub fn long(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = MONTHS.get(self.month as usize - 1).copied().unwrap_or("?");
        format!("{month} {}, {}", self.day, self.year)
    }
}

impl std::fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `May 25, 2018 13:07 UTC`.
pub fn utc_time(millis: i64) -> String {
    let minutes_of_day = millis.rem_euclid(86_400_000) / 60_000;
    format!(
        "{} {:02}:{:02} UTC",
        CalendarDate::from_millis(millis).long(),
        minutes_of_day / 60,
        minutes_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_convert_to_and_from_epoch_milliseconds() {
        let date = CalendarDate::parse("2018-05-25").expect("valid");
        assert_eq!(date.start_millis(), 1_527_206_400_000);
        assert_eq!(
            CalendarDate::from_millis(1_527_206_400_000 + 86_399_999),
            date
        );
        assert_eq!(CalendarDate::from_millis(0).to_string(), "1970-01-01");
        assert_eq!(
            CalendarDate::parse("2024-02-29")
                .map(|d| d.to_string())
                .as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(CalendarDate::parse("2023-02-29"), None);
        assert_eq!(CalendarDate::parse("2023-13-01"), None);
        assert_eq!(CalendarDate::parse("yesterday"), None);
    }

    #[test]
    fn times_are_written_in_utc_with_the_month_in_words() {
        // 2018-05-25 13:07 UTC.
        let millis =
            CalendarDate::parse("2018-05-25").unwrap().start_millis() + (13 * 60 + 7) * 60_000;
        assert_eq!(utc_time(millis), "May 25, 2018 13:07 UTC");
    }
}
