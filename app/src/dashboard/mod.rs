//! The workspace's home page, `/app`, and its dashboard: how many people, companies and open
//! tasks the workspace keeps, and the open tasks due by the end of this week (the overdue ones
//! first).

pub mod api;
mod home;
mod pages;

pub use home::AppHomePage;
