//! A zone's offsets from UTC read from the time zone database the server bundles (jiff's copy
//! of the IANA database, so every machine reads the same one), kept per zone once read.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Locale, Wallclock, zones};

/// How far around now a clock carries its zone's offsets: far enough back for every time this
/// CRM has stored, and forward for the dates its pages show. Outside it, the nearest offset.
const YEARS_BACK: i64 = 15;
const YEARS_ON: i64 = 5;
const YEAR_MS: i64 = 365 * 86_400_000;

type Offsets = Arc<Vec<(i64, i32, String)>>;

/// Offsets read, by zone and by the year they were read around (a long-running server reads a
/// zone again each year).
static READ: LazyLock<Mutex<HashMap<(&'static str, i64), Offsets>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

impl Wallclock {
    /// The clock of a listed zone (an older name reads as its listed one) around `now`, or UTC
    /// for a zone that is not listed or not set.
    pub fn for_zone(zone: Option<&str>, locale: Locale, now: i64) -> Self {
        let Some(zone) = zone.and_then(zones::listed) else {
            return Self::utc(locale);
        };
        let year = now.div_euclid(YEAR_MS);
        let cached = READ
            .lock()
            .ok()
            .and_then(|read| read.get(&(zone, year)).cloned());
        let offsets = match cached {
            Some(offsets) => offsets,
            None => {
                let Some(offsets) = read_offsets(zone, now) else {
                    tracing::warn!(zone, "a listed time zone is not in the bundled database");
                    return Self::utc(locale);
                };
                let offsets = Arc::new(offsets);
                if let Ok(mut read) = READ.lock() {
                    read.insert((zone, year), Arc::clone(&offsets));
                }
                offsets
            }
        };
        Self::from_offsets(zone, locale, offsets.as_ref().clone())
    }
}

/// The zone's offset from `YEARS_BACK` before `now`, then each change until `YEARS_ON` after.
fn read_offsets(zone: &str, now: i64) -> Option<Vec<(i64, i32, String)>> {
    let tz = TimeZone::get(zone).ok()?;
    let start = Timestamp::from_millisecond(now - YEARS_BACK * YEAR_MS).ok()?;
    let end = Timestamp::from_millisecond(now + YEARS_ON * YEAR_MS).ok()?;
    let first = tz.to_offset_info(start);
    let mut offsets = vec![(
        i64::MIN,
        first.offset().seconds(),
        first.abbreviation().to_owned(),
    )];
    for transition in tz.following(start) {
        if transition.timestamp() > end {
            break;
        }
        offsets.push((
            transition.timestamp().as_millisecond(),
            transition.offset().seconds(),
            transition.abbreviation().to_owned(),
        ));
    }
    Some(offsets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::CalendarDate;

    fn at(date: &str, hour: i64, minute: i64) -> i64 {
        CalendarDate::parse(date).unwrap().start_millis() + (hour * 60 + minute) * 60_000
    }

    #[test]
    fn the_bundled_database_knows_every_listed_zone() {
        let now = at("2026-12-07", 12, 0);
        for zone in zones::TIME_ZONES {
            assert!(
                read_offsets(zone, now).is_some(),
                "{zone} is not in the database"
            );
        }
    }

    #[test]
    fn a_zones_clock_follows_its_summer_time_both_ways() {
        let now = at("2026-12-07", 12, 0);
        let london = Wallclock::for_zone(Some("Europe/London"), Locale::EnGb, now);
        assert_eq!(
            london.time(at("2026-07-01", 12, 0)),
            "1 July 2026, 13:00 BST"
        );
        assert_eq!(
            london.time(at("2026-12-01", 12, 0)),
            "1 December 2026, 12:00 GMT"
        );
        // Ten years ago and three years on, in their own seasons.
        assert_eq!(
            london.time(at("2016-07-01", 12, 0)),
            "1 July 2016, 13:00 BST"
        );
        assert_eq!(
            london.time(at("2029-07-01", 12, 0)),
            "1 July 2029, 13:00 BST"
        );
        let sydney = Wallclock::for_zone(Some("Australia/Sydney"), Locale::EnGb, now);
        assert_eq!(
            sydney.time(at("2026-12-07", 12, 0)),
            "7 December 2026, 23:00 AEDT"
        );
        assert_eq!(
            sydney.today(at("2026-12-07", 14, 0)).to_string(),
            "2026-12-08"
        );
        let new_york = Wallclock::for_zone(Some("America/New_York"), Locale::EnUs, now);
        assert_eq!(
            new_york.time(at("2026-12-07", 3, 0)),
            "December 6, 2026, 10:00 PM EST"
        );
        let kathmandu = Wallclock::for_zone(Some("Asia/Kathmandu"), Locale::EnGb, now);
        assert_eq!(
            kathmandu.time(at("2026-12-07", 12, 0)),
            "7 December 2026, 17:45 +0545"
        );
    }

    #[test]
    fn an_older_name_reads_as_its_zone_and_an_unknown_one_as_utc() {
        let now = at("2026-12-07", 12, 0);
        let calcutta = Wallclock::for_zone(Some("Asia/Calcutta"), Locale::EnGb, now);
        assert_eq!(calcutta.zone, "Asia/Kolkata");
        assert_eq!(calcutta.time(now), "7 December 2026, 17:30 IST");
        assert_eq!(
            Wallclock::for_zone(Some("Mars/Base"), Locale::EnGb, now).zone,
            "UTC"
        );
        assert_eq!(
            Wallclock::for_zone(None, Locale::EnUs, now),
            Wallclock::utc(Locale::EnUs)
        );
    }
}
