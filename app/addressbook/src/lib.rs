//! What address books and spreadsheets exchange, read and written, for the import and the exports.
//!
//! - [`text`]: a file's bytes as lines of text, whatever encoding wrote them (UTF-8 with or
//!   without a byte-order mark, UTF-16 as Excel's "Unicode text", Windows-1252), streamed.
//! - [`csv`]: rows of cells, the delimiter (`,` `;` or tab) detected from the header, quoted
//!   fields holding delimiters and line breaks; a malformed row is that row's error.
//! - [`columns`]: a column's field recognised from its header (the column sets of Google
//!   Contacts, Outlook and Apple, and the plain names people type), and a row read into a
//!   [`Contact`] through the member's mapping.
//! - [`vcard`]: cards of vCard 2.1 (quoted-printable, `CHARSET=`, bare types), 3.0 (`item1.`
//!   groups with their labels, `TYPE=` lists) and 4.0 (`tel:` URIs), folded lines, photos skipped.
//! - [`write`]: contacts written as CSV (UTF-8 with a byte-order mark, for Excel) and vCard 4.0.
//!
//! Nothing here decides what a valid e-mail address or phone number is, or touches a database:
//! the import checks each [`Contact`] with the product's own rules. A reader reports a row it
//! cannot read as a [`Rejected`] with its line and reason, and goes on with the next.

pub mod columns;
pub mod contact;
pub mod csv;
pub mod text;
pub mod vcard;
pub mod write;

pub use contact::{Contact, Kind, PostalAddress, Rejected, Typed};
