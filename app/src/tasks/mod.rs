//! Tasks: something to do, by a day, for a member, about a record (a person, a company, a lead or
//! an opportunity) or about nothing in particular. They are listed at `/app/tasks` and on the page
//! of the record they are about, where adding one and ticking it done go into its timeline.

pub mod api;
mod page;
mod pages;

pub use page::TaskPage;
pub use pages::{RecordTasks, TaskItem, TasksPage};
