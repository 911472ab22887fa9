//! Consent on the server: the ledger that records every decision (append-only), the service that
//! records a choice or a Global Privacy Control signal, and the middleware that enforces the
//! visitor's choice on every response.

pub mod http;
pub mod ledger;
pub mod service;
