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

    /// Writes a field, quoted when it holds a comma, a quote or a line end.
    /// Byte by byte: these are ASCII, and no byte of a multi-byte UTF-8
    /// character is ASCII, so the bytes can be searched without decoding.
    fn field(&mut self, text: &str) -> std::io::Result<()> {
        let bytes = text.as_bytes();
        if !bytes.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
            return self.out.write_all(bytes);
        }
        self.out.write_all(b"\"")?;
        for (i, part) in bytes.split(|&b| b == b'"').enumerate() {
            if i > 0 {
                self.out.write_all(b"\"\"")?;
            }
            self.out.write_all(part)?;
        }
        self.out.write_all(b"\"")
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

    fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One row as the sink writes it (the BOM and header row left out).
    fn row_text(cells: &[Cell]) -> String {
        let mut out = Vec::new();
        let mut sink = CsvSink::new(&mut out);
        let columns: Vec<&Column> = ExportTable::Attendance.columns().iter().take(cells.len()).collect();
        sink.begin_table(ExportTable::Attendance, &columns).expect("header");
        sink.write_row(cells).expect("row");
        sink.finish().expect("flush");
        let text = String::from_utf8(out).expect("UTF-8");
        let (_, row) = text.split_once("\r\n").expect("a header line");
        row.to_string()
    }

    fn text(value: &str) -> Cell<'_> {
        Cell::Text(value.into())
    }

    #[test]
    fn cells_are_quoted_only_for_commas_quotes_and_line_ends() {
        let row = row_text(&[
            text("plain"),
            text("a,b"),
            text("say \"hi\""),
            text("\""),
            text("line\r\nnext"),
            text("only\nlf"),
            text("only\rcr"),
            text(""),
            Cell::Null,
            text("=1+2"),
            text("+336"),
            text("-3"),
            text("@sum"),
        ]);
        assert_eq!(
            row,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\"line\r\nnext\",\"only\nlf\",\"only\rcr\",,,=1+2,+336,-3,@sum\r\n"
        );
    }

    #[test]
    fn arabic_and_accented_text_is_written_as_utf8_and_quoted_like_any_text() {
        let row = row_text(&[
            text("محمد"),
            text("Lefèvre, \"Zoé\""),
            text("العلي\n"),
            Cell::Integer(-42),
            Cell::Integer(i64::MIN),
            Cell::Null,
        ]);
        assert_eq!(
            row,
            "محمد,\"Lefèvre, \"\"Zoé\"\"\",\"العلي\n\",-42,-9223372036854775808,\r\n"
        );
    }
}
