//! XLSX: one sheet per table, a bold header row, numbers as number cells and
//! dates as ISO text (exactly as recorded, time zone included, so nothing is
//! shifted by the reader's locale).
//!
//! The workbook runs in rust_xlsxwriter's constant-memory mode: each row is
//! flushed to a temporary file as it is written. An XLSX file is a zip whose
//! directory comes last, so the finished workbook is assembled in a temporary
//! file and then copied to the output.

use std::io::{Seek, SeekFrom, Write};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::export::sink::{Cell, TableSink};
use crate::export::table::{Column, ExportTable};
use crate::export::ExportError;

/// The most rows a sheet holds (Excel's limit, header included).
const MAX_ROWS: u32 = 1_048_576;

/// Writes tables as the sheets of one workbook.
pub struct XlsxSink<W: Write> {
    out: W,
    workbook: Workbook,
    sheet: Option<usize>,
    sheets: usize,
    row: u32,
    table: Option<ExportTable>,
}

impl<W: Write> std::fmt::Debug for XlsxSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxSink")
            .field("sheets", &self.sheets)
            .field("row", &self.row)
            .finish_non_exhaustive()
    }
}

impl<W: Write> XlsxSink<W> {
    /// A sink that writes the finished workbook to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            workbook: Workbook::new(),
            sheet: None,
            sheets: 0,
            row: 0,
            table: None,
        }
    }
}

fn xlsx(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

impl<W: Write> TableSink for XlsxSink<W> {
    fn begin_table(&mut self, table: ExportTable, columns: &[&Column]) -> Result<(), ExportError> {
        let bold = Format::new().set_bold();
        let sheet = self.workbook.add_worksheet_with_constant_memory();
        sheet.set_name(table.as_str()).map_err(xlsx)?;
        for (col, column) in columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, column.name, &bold)
                .map_err(xlsx)?;
        }
        self.sheet = Some(self.sheets);
        self.sheets += 1;
        self.row = 1;
        self.table = Some(table);
        Ok(())
    }

    fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if self.row >= MAX_ROWS {
            return Err(ExportError::Invalid(format!(
                "the {} sheet would exceed the {MAX_ROWS} rows of an XLSX sheet; narrow the filters or export CSV",
                self.table.map(|t| t.as_str()).unwrap_or("current")
            )));
        }
        let index = self
            .sheet
            .ok_or_else(|| ExportError::Xlsx("a row came before its table".into()))?;
        let sheet = self.workbook.worksheet_from_index(index).map_err(xlsx)?;
        for (col, cell) in cells.iter().enumerate() {
            match cell {
                Cell::Null => {}
                // Counts and years: far below 2^53, exact as f64.
                Cell::Integer(n) => {
                    sheet.write_number(self.row, col as u16, *n as f64).map_err(xlsx)?;
                }
                Cell::Text(text) => {
                    sheet.write_string(self.row, col as u16, &**text).map_err(xlsx)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), ExportError> {
        Ok(())
    }

    fn finish(mut self) -> Result<(), ExportError> {
        if self.sheets == 0 {
            // A workbook needs a sheet; an `all` export always has five.
            self.workbook.add_worksheet();
        }
        let mut file = tempfile::tempfile()?;
        self.workbook.save_to_writer(&mut file).map_err(xlsx)?;
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut file, &mut self.out)?;
        self.out.flush()?;
        Ok(())
    }
}
