//! Opportunities on the server: their queries and services, the workspace's pipeline of stages,
//! and the figures of the board.

pub mod db;
pub mod service;
