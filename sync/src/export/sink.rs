//! What every output format receives: tables, then rows of typed cells.
//!
//! A text cell borrows the row's text from SQLite where it can (only
//! pseudonyms are made), so a row costs no allocation per cell.

use std::borrow::Cow;

use crate::export::table::{Column, ExportTable};
use crate::export::ExportError;

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// No value.
    Null,
    /// A whole number.
    Integer(i64),
    /// Text.
    Text(Cow<'a, str>),
}

/// An output format, fed one table after the other and one row at a time.
pub trait TableSink {
    /// A table starts; `columns` are those kept (pseudonymisation drops some).
    fn begin_table(&mut self, table: ExportTable, columns: &[&Column]) -> Result<(), ExportError>;
    /// One row, a cell per column given to `begin_table`.
    fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError>;
    /// The table is complete.
    fn end_table(&mut self) -> Result<(), ExportError>;
    /// Every table is written: complete and flush the output.
    fn finish(self) -> Result<(), ExportError>;
}
