//! The privacy policy's versions in the database (append-only), and members' acceptances.

pub mod db;
