//! Accounts on the server: the member table, passwords (Argon2, hashed off the async threads),
//! sessions in the database and the middleware that loads them, single-use tokens stored hashed,
//! and the services behind sign-up, verification, log in and out, and password reset.

pub mod db;
pub mod http;
pub mod password;
pub mod service;
pub mod session;
pub mod tokens;
