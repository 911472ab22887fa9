//! `/app/duplicates`, "Possible duplicates": the pairs of people and of companies in the
//! workspace that share an e-mail address, a phone number, a name and company, or a web domain,
//! each with links to both. Above people and companies, whose records it pairs.

pub mod api;
mod page;

pub use page::DuplicatesPage;
