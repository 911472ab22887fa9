//! Tasks: something to do, by a day, for a member, about a person or about nothing in particular.
//! They are listed at `/app/tasks` and on the page of the person they are about, where adding one
//! and ticking it done go into the person's timeline.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod model;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use model::TaskId;
pub use pages::{PersonTasks, TaskItem, TasksPage};
