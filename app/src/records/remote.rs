//! How a record's page reaches the server: each kind of record saves one field, and reads itself
//! again, through its own server functions.

use std::future::Future;

use crm_core::error::AppError;
use crm_core::records::{EditableRecord, Saved};

/// A record whose page saves it field by field, and reloads it, through its server functions.
pub trait RecordApi: EditableRecord {
    /// Sends one field to the server; the answer is the record as now stored.
    fn save(
        id: String,
        field: Self::Field,
        value: String,
        base: String,
        version: i64,
    ) -> impl Future<Output = Result<Saved<Self>, AppError>>;

    /// Reads the record again (after a conflict, to show the other value).
    fn reload(id: String) -> impl Future<Output = Result<Saved<Self>, AppError>>;
}
