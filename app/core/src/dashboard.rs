//! What the dashboard shows.

use serde::{Deserialize, Serialize};

use crate::opportunities::CurrencyPipeline;
use crate::tasks::Task;
use crate::time::CalendarDate;

/// The most tasks the dashboard lists; `/app/tasks` shows them all.
pub const WEEK_TASKS_MAX: usize = 20;

/// The workspace at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub people: i64,
    pub companies: i64,
    pub opportunities: i64,
    /// The open pipeline's value per stage, one chart per currency.
    pub pipeline: Vec<CurrencyPipeline>,
    pub open_tasks: i64,
    /// Open tasks due before today (the member's day).
    pub overdue_tasks: i64,
    /// The last day of this week (Sunday), in the member's zone.
    pub week_ends: CalendarDate,
    /// Open tasks due by `week_ends`, the soonest first, at most [`WEEK_TASKS_MAX`].
    pub week: Vec<Task>,
    /// More open tasks are due this week than `week` holds.
    pub more: bool,
}

/// "1 open task", "3 open tasks".
pub fn open_tasks_count(n: i64) -> String {
    if n == 1 {
        "1 open task".to_owned()
    } else {
        format!("{n} open tasks")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_in_the_singular_for_one() {
        assert_eq!(open_tasks_count(1), "1 open task");
        assert_eq!(open_tasks_count(12), "12 open tasks");
    }

    #[test]
    fn a_week_ends_on_its_sunday() {
        let day = |raw| CalendarDate::parse(raw).expect("date");
        // Monday 30 November 2026 to Sunday 6 December.
        assert_eq!(day("2026-11-30").end_of_week(), day("2026-12-06"));
        assert_eq!(day("2026-12-03").end_of_week(), day("2026-12-06"));
        assert_eq!(day("2026-12-06").end_of_week(), day("2026-12-06"));
        assert_eq!(day("2026-12-31").end_of_week(), day("2027-01-03"));
    }
}
