//! People: the persons a workspace keeps, with their contact details, tags, owner, the lawful
//! basis on which they are held and their marketing permission; a searchable list, and a page
//! per person with editing in place and an activity timeline.

pub mod api;
mod contacts_pages;
#[cfg(feature = "ssr")]
pub mod export;
mod pages;

pub use pages::{NewPersonPage, PeopleListPage, PersonPage};
