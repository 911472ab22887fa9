//! Integration tests: the real router against fresh databases (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set: each database test is one test per backend, `..._sqlite` and
//! `..._postgres`, from `#[backend_test]`), plus the compiled binary's command line.

mod access;
mod accounts;
mod binary;
mod bulk;
mod bulk_jobs;
mod companies;
mod company_merges;
mod concurrency;
mod consent;
mod counts;
mod dashboard;
mod deletion;
mod demo;
mod duplicates;
mod exports;
mod faults;
mod health;
mod leads;
mod links;
mod malformed;
mod merges;
mod middleware;
mod notes;
mod opportunities;
mod pages;
mod paging;
mod people;
mod person_contacts;
mod phones;
mod policy;
mod roles;
mod search;
mod support;
mod tasks;
mod time_zones;
mod workspaces;
