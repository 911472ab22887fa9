//! A file's bytes as lines of text, whatever encoding wrote them, read as they stream (the file
//! is never held in memory whole).
//!
//! The encoding is chosen once, before the first line ([`detect`]): a byte-order mark says it
//! (UTF-8, UTF-16 little- or big-endian); UTF-16 without one shows itself by its zero bytes; then
//! a file that is valid UTF-8 throughout is UTF-8, and any other is Windows-1252, which every
//! byte decodes as (what Excel and Outlook write on Windows, accents included). A Windows-1252
//! file whose bytes are valid UTF-8 as well is read as UTF-8: that takes every accented letter
//! in it to be followed by one or two of the signs 0x80–0xBF (such as "Ã©" or "é€€"), and none
//! by a plain letter, which names and addresses do not have.

use std::io::{self, Read, Seek, SeekFrom};

use encoding_rs::{Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How much of the file is read at a time.
const CHUNK: usize = 64 * 1024;

/// The file's encoding: from its byte-order mark, its zero bytes, or whether it is valid UTF-8
/// throughout (read to the end for that, then rewound to the start).
pub fn detect<R: Read + Seek>(file: &mut R) -> io::Result<&'static Encoding> {
    file.seek(SeekFrom::Start(0))?;
    let mut head = vec![0; 4096];
    let read = read_full(file, &mut head)?;
    head.truncate(read);
    let found = match Encoding::for_bom(&head) {
        Some((encoding, _)) => encoding,
        None => match utf16_without_bom(&head) {
            Some(encoding) => encoding,
            None => {
                file.seek(SeekFrom::Start(0))?;
                if is_utf8(file)? { UTF_8 } else { WINDOWS_1252 }
            }
        },
    };
    file.seek(SeekFrom::Start(0))?;
    Ok(found)
}

/// UTF-16 with no byte-order mark: text in Latin letters has a zero byte in every other place
/// (odd places for little-endian, even for big-endian), which no UTF-8 or Windows-1252 text has.
fn utf16_without_bom(head: &[u8]) -> Option<&'static Encoding> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zero_even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 10 >= pairs * 3 && zero_even == 0 {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 3 && zero_odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Whether everything left to read is valid UTF-8 (a character split between two chunks is
/// carried into the next).
fn is_utf8(file: &mut impl Read) -> io::Result<bool> {
    let mut buffer = vec![0; CHUNK];
    let mut carried = 0;
    loop {
        let read = read_full(file, &mut buffer[carried..])?;
        let filled = carried + read;
        if filled == 0 {
            return Ok(true);
        }
        match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => carried = 0,
            // Cut off at the chunk's end: the rest of the character comes next.
            Err(error) if error.error_len().is_none() && read > 0 => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
        if read == 0 {
            return Ok(carried == 0);
        }
    }
}

/// Reads until `buffer` is full or the file ends; how many bytes it read.
fn read_full(file: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// The lines of a file decoded from its encoding, each without its line end (`\n`, `\r\n`, and
/// the `\r\r\n` some exporters write), counted from 1. A byte the encoding cannot decode becomes
/// U+FFFD rather than an error; a byte-order mark is dropped.
pub struct Lines<R> {
    file: R,
    decoder: Decoder,
    raw: Vec<u8>,
    text: String,
    /// Where the next line starts in `text`.
    at: usize,
    ended: bool,
    number: usize,
}

impl<R: Read> Lines<R> {
    pub fn new(file: R, encoding: &'static Encoding) -> Self {
        Self {
            file,
            decoder: encoding.new_decoder_with_bom_removal(),
            raw: vec![0; CHUNK],
            text: String::new(),
            at: 0,
            ended: false,
            number: 0,
        }
    }

    /// The number of the line last read (0 before the first).
    pub fn number(&self) -> usize {
        self.number
    }

    /// The next line into `line` (replacing what it held), or `false` at the end of the file.
    pub fn next_line(&mut self, line: &mut String) -> io::Result<bool> {
        line.clear();
        loop {
            if let Some(end) = self.text[self.at..].find('\n') {
                let taken = &self.text[self.at..self.at + end];
                line.push_str(taken.trim_end_matches('\r'));
                self.at += end + 1;
                self.number += 1;
                return Ok(true);
            }
            if self.ended {
                if self.at < self.text.len() {
                    line.push_str(self.text[self.at..].trim_end_matches('\r'));
                    self.at = self.text.len();
                    self.number += 1;
                    return Ok(true);
                }
                return Ok(false);
            }
            self.fill()?;
        }
    }

    /// Decodes the next chunk of the file after what is left of the text.
    fn fill(&mut self) -> io::Result<()> {
        self.text.drain(..self.at);
        self.at = 0;
        let read = read_full(&mut self.file, &mut self.raw)?;
        let last = read == 0;
        let mut input = &self.raw[..read];
        loop {
            let room = self
                .decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16);
            self.text.reserve(room);
            let (result, used, _) = self.decoder.decode_to_string(input, &mut self.text, last);
            input = &input[used..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
        self.ended = last;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn lines_of(bytes: &[u8]) -> (&'static str, Vec<String>) {
        let mut file = Cursor::new(bytes.to_vec());
        let encoding = detect(&mut file).expect("in memory");
        let mut lines = Lines::new(file, encoding);
        let mut all = Vec::new();
        let mut line = String::new();
        while lines.next_line(&mut line).expect("in memory") {
            all.push(line.clone());
        }
        assert_eq!(lines.number(), all.len());
        (encoding.name(), all)
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    }

    #[test]
    fn utf8_with_a_byte_order_mark_loses_the_mark() {
        let (name, lines) = lines_of("\u{feff}Name\r\nZoë\r\n".as_bytes());
        assert_eq!(name, "UTF-8");
        assert_eq!(lines, ["Name", "Zoë"]);
    }

    #[test]
    fn utf16_is_read_with_or_without_its_mark_either_way_round() {
        for big_endian in [false, true] {
            for bom in [false, true] {
                let (name, lines) = lines_of(&utf16(
                    "Name\tE-mail\r\nZoë\tzoe@example.com\r\n",
                    big_endian,
                    bom,
                ));
                assert_eq!(name, if big_endian { "UTF-16BE" } else { "UTF-16LE" });
                assert_eq!(
                    lines,
                    ["Name\tE-mail", "Zoë\tzoe@example.com"],
                    "{big_endian} {bom}"
                );
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_read_as_windows_1252() {
        // "Zoë Müller" and "€" as Excel on Windows writes them.
        let (name, lines) = lines_of(b"Zo\xeb M\xfcller\n\x80 5\n");
        assert_eq!(name, "windows-1252");
        assert_eq!(lines, ["Zoë Müller", "€ 5"]);
    }

    #[test]
    fn a_file_whose_only_accent_is_past_the_first_chunk_is_still_windows_1252() {
        let mut bytes = "a,b\n".repeat(40_000).into_bytes();
        bytes.extend_from_slice(b"Jos\xe9,x\n");
        let (name, lines) = lines_of(&bytes);
        assert_eq!(name, "windows-1252");
        assert_eq!(lines.last().map(String::as_str), Some("José,x"));
    }

    #[test]
    fn a_character_split_between_chunks_is_utf8_still() {
        // Put a two-byte "é" across the first chunk's end.
        let mut text = "x".repeat(CHUNK - 1);
        text.push_str("é\nend");
        let (name, lines) = lines_of(text.as_bytes());
        assert_eq!(name, "UTF-8");
        assert!(lines[0].ends_with('é'));
        assert_eq!(lines[1], "end");
    }

    #[test]
    fn every_kind_of_line_end_ends_a_line_and_a_last_line_needs_none() {
        let (_, lines) = lines_of(b"one\r\ntwo\nthree\r\r\nfour");
        assert_eq!(lines, ["one", "two", "three", "four"]);
        let (_, none) = lines_of(b"");
        assert!(none.is_empty());
    }
}
