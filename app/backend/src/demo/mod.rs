//! Request a Demo on the server: the signed time stamp that keeps bots out, and the service that
//! turns a request into a lead in the vendor's workspace and an e-mail to the sales inbox.

pub mod service;
pub mod stamp;
