//! Duplicates: `/app/duplicates`, "Possible duplicates", the pairs of people and of companies in
//! the workspace that share an e-mail address, a phone number, a name and company, or a web
//! domain, each with links to both; and `/app/people/merge` and `/app/companies/merge`, where two
//! become one, with its undo. Above people and companies, whose records it pairs and merges.

pub mod api;
mod merge;
mod page;
#[cfg(feature = "ssr")]
pub mod posts;

pub use merge::{MergeCompaniesPage, MergePeoplePage};
pub use page::DuplicatesPage;
