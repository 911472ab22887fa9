//! Companies: the organisations a workspace deals with, with their web domain, phone, address,
//! tags and owner, and the people who work there (those whose company is the company's name); a
//! searchable list, and a page per company with editing in place and an activity timeline.

pub mod api;
mod pages;

pub use pages::{CompaniesListPage, CompanyPage, NewCompanyPage};
