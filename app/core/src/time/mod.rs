//! Dates and times as people read them. Stored times are milliseconds since the Unix epoch, UTC;
//! a member reads them in the time zone and the language of their profile ([`Wallclock`]).

use serde::{Deserialize, Serialize};

pub mod zones;

#[cfg(feature = "server")]
mod zone_offsets;

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

    /// "May 25, 2018": how the public pages (and US English) write a date.
    pub fn long(self) -> String {
        Locale::EnUs.date(self)
    }

    fn month_name(self) -> &'static str {
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
        MONTHS.get(self.month as usize - 1).copied().unwrap_or("?")
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

/// How dates and times are written: as English is written in the United Kingdom ("25 May 2018,
/// 13:07") or in the United States ("May 25, 2018, 1:07 PM"). A member chooses it in their
/// profile; numbers and amounts of money are written alike in both ("£12,408.50").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en-GB")]
    EnGb,
    #[serde(rename = "en-US")]
    EnUs,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Self::EnGb, Self::EnUs];

    /// Its language tag, as stored and as the form sends it.
    pub fn tag(self) -> &'static str {
        match self {
            Self::EnGb => "en-GB",
            Self::EnUs => "en-US",
        }
    }

    /// How the profile's list names it.
    pub fn name(self) -> &'static str {
        match self {
            Self::EnGb => "English (United Kingdom)",
            Self::EnUs => "English (United States)",
        }
    }

    /// A tag from the list ("en-GB", in any case), or `None`.
    pub fn parse(tag: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The browser's choice from its `Accept-Language` header: US English for a first English
    /// language of the United States, UK English otherwise (its day-month order and 24-hour
    /// clock are what most of the world writes).
    pub fn from_accept_language(header: &str) -> Self {
        let first = header
            .split(',')
            .map(|part| part.split(';').next().unwrap_or("").trim())
            .find(|tag| {
                tag.len() >= 2 && tag.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("en"))
            });
        match first {
            Some(tag) if tag.eq_ignore_ascii_case("en-US") => Self::EnUs,
            _ => Self::EnGb,
        }
    }

    /// "25 May 2018" or "May 25, 2018".
    pub fn date(self, date: CalendarDate) -> String {
        match self {
            Self::EnGb => format!("{} {} {}", date.day, date.month_name(), date.year),
            Self::EnUs => format!("{} {}, {}", date.month_name(), date.day, date.year),
        }
    }

    /// A time of day from its minutes since midnight: "13:07" or "1:07 PM".
    pub fn time_of_day(self, minutes: u32) -> String {
        let (hour, minute) = (minutes / 60 % 24, minutes % 60);
        match self {
            Self::EnGb => format!("{hour:02}:{minute:02}"),
            Self::EnUs => {
                let half = if hour < 12 { "AM" } else { "PM" };
                let hour = match hour % 12 {
                    0 => 12,
                    other => other,
                };
                format!("{hour}:{minute:02} {half}")
            }
        }
    }
}

/// A member's clock: their time zone (by its IANA name), the offsets from UTC it has had and
/// will have around now, and the language dates are written in. The server reads the offsets
/// from its time zone database and sends them with the page, so the page writes a time the same
/// way on the server and in the browser without a time zone database of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallclock {
    pub zone: String,
    pub locale: Locale,
    /// From each moment (milliseconds since the epoch) on, the offset east of UTC in seconds and
    /// the zone's abbreviation then ("BST"); in order, the first from `i64::MIN`.
    offsets: Vec<(i64, i32, String)>,
}

impl Default for Wallclock {
    fn default() -> Self {
        Self::utc(Locale::default())
    }
}

impl Wallclock {
    /// UTC all year round.
    pub fn utc(locale: Locale) -> Self {
        Self {
            zone: "UTC".to_owned(),
            locale,
            offsets: vec![(i64::MIN, 0, "UTC".to_owned())],
        }
    }

    /// A zone's clock from its offsets, in order from each moment on (the first one also holds
    /// before its moment).
    pub fn from_offsets(zone: &str, locale: Locale, offsets: Vec<(i64, i32, String)>) -> Self {
        if offsets.is_empty() {
            return Self {
                zone: zone.to_owned(),
                ..Self::utc(locale)
            };
        }
        Self {
            zone: zone.to_owned(),
            locale,
            offsets,
        }
    }

    /// The same clock in another language.
    pub fn in_locale(self, locale: Locale) -> Self {
        Self { locale, ..self }
    }

    /// The offset east of UTC (seconds) and the abbreviation at a moment.
    fn offset_at(&self, millis: i64) -> (i32, &str) {
        let after = self.offsets.partition_point(|(from, _, _)| *from <= millis);
        let (_, seconds, abbreviation) = &self.offsets[after.saturating_sub(1)];
        (*seconds, abbreviation)
    }

    /// The date and the minutes since midnight a moment shows on this clock, and the zone's
    /// abbreviation then.
    pub fn local(&self, millis: i64) -> (CalendarDate, u32, &str) {
        let (seconds, abbreviation) = self.offset_at(millis);
        let local = millis.saturating_add(i64::from(seconds) * 1000);
        let minutes = (local.rem_euclid(86_400_000) / 60_000) as u32;
        (CalendarDate::from_millis(local), minutes, abbreviation)
    }

    /// The day it is at `now` in the member's zone: what "today", "this week" and "overdue"
    /// count from.
    pub fn today(&self, now: i64) -> CalendarDate {
        self.local(now).0
    }

    /// A moment as the member reads it: "25 May 2018, 14:07 BST" or "May 25, 2018, 2:07 PM EDT".
    pub fn time(&self, millis: i64) -> String {
        let (date, minutes, abbreviation) = self.local(millis);
        format!(
            "{}, {} {abbreviation}",
            self.locale.date(date),
            self.locale.time_of_day(minutes)
        )
    }

    /// A date in the member's language: "25 May 2018".
    pub fn date(&self, date: CalendarDate) -> String {
        self.locale.date(date)
    }

    /// What a time element's `datetime` attribute holds for a moment: ISO 8601 in UTC.
    pub fn machine(millis: i64) -> String {
        let minutes = millis.rem_euclid(86_400_000) / 60_000;
        format!(
            "{}T{:02}:{:02}Z",
            CalendarDate::from_millis(millis),
            minutes / 60,
            minutes % 60
        )
    }
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

    fn at(date: &str, hour: i64, minute: i64) -> i64 {
        CalendarDate::parse(date).unwrap().start_millis() + (hour * 60 + minute) * 60_000
    }

    #[test]
    fn each_language_writes_dates_and_times_its_own_way() {
        let date = CalendarDate::parse("2018-05-25").unwrap();
        assert_eq!(Locale::EnGb.date(date), "25 May 2018");
        assert_eq!(Locale::EnUs.date(date), "May 25, 2018");
        assert_eq!(Locale::EnGb.time_of_day(13 * 60 + 7), "13:07");
        assert_eq!(Locale::EnUs.time_of_day(13 * 60 + 7), "1:07 PM");
        assert_eq!(Locale::EnUs.time_of_day(7), "12:07 AM");
        assert_eq!(Locale::EnUs.time_of_day(12 * 60), "12:00 PM");
        assert_eq!(Locale::EnGb.time_of_day(0), "00:00");
    }

    #[test]
    fn a_language_is_read_from_its_tag_or_from_the_browsers_languages() {
        assert_eq!(Locale::parse("en-GB"), Some(Locale::EnGb));
        assert_eq!(Locale::parse("en-us"), Some(Locale::EnUs));
        assert_eq!(Locale::parse("de"), None);
        assert_eq!(Locale::parse(""), None);
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9"), Locale::EnUs);
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,en-US;q=0.8"),
            Locale::EnUs
        );
        assert_eq!(Locale::from_accept_language("en-GB,en;q=0.9"), Locale::EnGb);
        assert_eq!(Locale::from_accept_language("de-CH"), Locale::EnGb);
        assert_eq!(Locale::from_accept_language(""), Locale::EnGb);
        // Stored and sent as its tag.
        assert_eq!(serde_json::to_string(&Locale::EnUs).unwrap(), "\"en-US\"");
    }

    #[test]
    fn a_clock_shows_each_moment_with_the_offset_of_its_season() {
        // London: GMT until 2018-03-25 01:00 UTC, then BST until 2018-10-28 01:00 UTC.
        let london = Wallclock::from_offsets(
            "Europe/London",
            Locale::EnGb,
            vec![
                (i64::MIN, 0, "GMT".to_owned()),
                (at("2018-03-25", 1, 0), 3600, "BST".to_owned()),
                (at("2018-10-28", 1, 0), 0, "GMT".to_owned()),
            ],
        );
        assert_eq!(
            london.time(at("2018-05-25", 13, 7)),
            "25 May 2018, 14:07 BST"
        );
        assert_eq!(
            london.time(at("2018-01-10", 13, 7)),
            "10 January 2018, 13:07 GMT"
        );
        assert_eq!(
            london.time(at("2018-12-01", 23, 30)),
            "1 December 2018, 23:30 GMT"
        );
        // The change itself: the last minute of GMT, then the first of BST.
        assert_eq!(
            london.time(at("2018-03-25", 0, 59)),
            "25 March 2018, 00:59 GMT"
        );
        assert_eq!(
            london.time(at("2018-03-25", 1, 0)),
            "25 March 2018, 02:00 BST"
        );
        // Late evening UTC is already tomorrow in BST.
        assert_eq!(
            london.today(at("2018-05-25", 23, 30)).to_string(),
            "2018-05-26"
        );
        let us = london.clone().in_locale(Locale::EnUs);
        assert_eq!(
            us.time(at("2018-05-25", 13, 7)),
            "May 25, 2018, 2:07 PM BST"
        );
    }

    #[test]
    fn a_clock_west_of_utc_is_still_yesterday_and_utc_is_the_default() {
        let new_york = Wallclock::from_offsets(
            "America/New_York",
            Locale::EnUs,
            vec![(i64::MIN, -4 * 3600, "EDT".to_owned())],
        );
        assert_eq!(
            new_york.today(at("2026-07-01", 2, 0)).to_string(),
            "2026-06-30"
        );
        assert_eq!(
            new_york.time(at("2026-07-01", 2, 0)),
            "June 30, 2026, 10:00 PM EDT"
        );
        let utc = Wallclock::default();
        assert_eq!(utc.zone, "UTC");
        assert_eq!(utc.time(at("2026-07-01", 2, 0)), "1 July 2026, 02:00 UTC");
        assert_eq!(
            Wallclock::machine(at("2026-07-01", 2, 5)),
            "2026-07-01T02:05Z"
        );
        // No offsets at all reads as UTC rather than failing.
        assert_eq!(
            Wallclock::from_offsets("Nowhere/Else", Locale::EnGb, Vec::new()).time(0),
            "1 January 1970, 00:00 UTC"
        );
    }
}
