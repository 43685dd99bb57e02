//! JSON: one table is an array of objects, one object per line; `all` is an
//! object whose keys are the table names and whose values are such arrays.
//! Numbers are JSON numbers, missing values `null`, dates ISO strings.

use std::io::Write;

use crate::export::sink::{Cell, TableSink};
use crate::export::table::{Column, ExportTable};
use crate::export::ExportError;

/// Writes tables as JSON.
#[derive(Debug)]
pub struct JsonSink<W: Write> {
    out: W,
    several: bool,
    tables: usize,
    names: Vec<&'static str>,
    rows: u64,
}

impl<W: Write> JsonSink<W> {
    /// A sink writing to `out`; `several` wraps the arrays in an object keyed by table.
    pub fn new(out: W, several: bool) -> Self {
        Self {
            out,
            several,
            tables: 0,
            names: Vec::new(),
            rows: 0,
        }
    }
}

impl<W: Write> TableSink for JsonSink<W> {
    fn begin_table(&mut self, table: ExportTable, columns: &[&Column]) -> Result<(), ExportError> {
        if self.several {
            self.out.write_all(if self.tables == 0 { b"{" } else { b"," })?;
            serde_json::to_writer(&mut self.out, table.as_str())?;
            self.out.write_all(b":")?;
        }
        self.tables += 1;
        self.rows = 0;
        self.names = columns.iter().map(|c| c.name).collect();
        self.out.write_all(b"[")?;
        Ok(())
    }

    fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        self.out.write_all(if self.rows == 0 { b"\n{" } else { b",\n{" })?;
        self.rows += 1;
        for (i, (name, cell)) in self.names.iter().zip(cells).enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, name)?;
            self.out.write_all(b":")?;
            match cell {
                Cell::Null => self.out.write_all(b"null")?,
                Cell::Integer(n) => write!(self.out, "{n}")?,
                Cell::Text(text) => serde_json::to_writer(&mut self.out, text)?,
            }
        }
        self.out.write_all(b"}")?;
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), ExportError> {
        self.out.write_all(if self.rows == 0 { b"]" } else { b"\n]" })?;
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        if self.several {
            self.out.write_all(if self.tables == 0 { b"{}" } else { b"}" })?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()?;
        Ok(())
    }
}
