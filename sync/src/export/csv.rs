//! CSV as Excel and LibreOffice open it: UTF-8 with a byte order mark (so
//! Arabic and accented names are read as UTF-8), a header row, CRLF line
//! ends and RFC 4180 quoting.

use std::io::Write;

use crate::export::sink::{Cell, TableSink};
use crate::export::table::{Column, ExportTable};
use crate::export::ExportError;

/// Writes one table as CSV.
#[derive(Debug)]
pub struct CsvSink<W: Write> {
    out: W,
    tables: usize,
}

impl<W: Write> CsvSink<W> {
    /// A sink writing to `out` (buffer it: rows are written field by field).
    pub fn new(out: W) -> Self {
        Self { out, tables: 0 }
    }

    fn field(&mut self, text: &str) -> std::io::Result<()> {
        if text.contains([',', '"', '\r', '\n']) {
            self.out.write_all(b"\"")?;
            self.out.write_all(text.replace('"', "\"\"").as_bytes())?;
            self.out.write_all(b"\"")
        } else {
            self.out.write_all(text.as_bytes())
        }
    }
}

impl<W: Write> TableSink for CsvSink<W> {
    fn begin_table(&mut self, _table: ExportTable, columns: &[&Column]) -> Result<(), ExportError> {
        self.tables += 1;
        if self.tables > 1 {
            return Err(ExportError::Invalid(
                "a CSV file holds one table: export the tables one by one, or use xlsx or json for all".into(),
            ));
        }
        self.out.write_all("\u{feff}".as_bytes())?;
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            self.field(column.name)?;
        }
        self.out.write_all(b"\r\n")?;
        Ok(())
    }

    fn write_row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            match cell {
                Cell::Null => {}
                Cell::Integer(n) => write!(self.out, "{n}")?,
                Cell::Text(text) => self.field(text)?,
            }
        }
        self.out.write_all(b"\r\n")?;
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), ExportError> {
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.out.flush()?;
        Ok(())
    }
}
