//! The dashboard's figures: how many people, companies and open tasks a workspace keeps, and the
//! open tasks due by the end of the week.

pub mod db;
