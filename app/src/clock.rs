//! Times as people read them. Stored times are milliseconds since the Unix epoch, UTC.

use crate::policy::model::PolicyDate;

/// `May 25, 2018 13:07 UTC`.
pub fn utc_time(millis: i64) -> String {
    let minutes_of_day = millis.rem_euclid(86_400_000) / 60_000;
    format!(
        "{} {:02}:{:02} UTC",
        PolicyDate::from_millis(millis).long(),
        minutes_of_day / 60,
        minutes_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc_with_the_month_in_words() {
        // 2018-05-25 13:07 UTC.
        let millis =
            PolicyDate::parse("2018-05-25").unwrap().start_millis() + (13 * 60 + 7) * 60_000;
        assert_eq!(utc_time(millis), "May 25, 2018 13:07 UTC");
    }
}
