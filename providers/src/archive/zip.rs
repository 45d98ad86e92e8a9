//! ZIP container that lays out archives exactly as Go's `archive/zip` Writer
//! does for the calls terraform-provider-archive makes.
//!
//! Facts that matter for byte equality:
//!
//! * every regular entry is deflated (level 5) and followed by a data
//!   descriptor with signature, because Go writes the local header before it
//!   knows the sizes (flag bit 3; local CRC and size fields are zero);
//! * "version needed" is 20; "version made by" is 20 for `Create` (FAT
//!   creator) and 0x0314 (Unix creator, 2.0) once a mode has been set;
//! * `SetModTime(time.Time{})` stores the MS-DOS date computed from year 1,
//!   which wraps to 0x8A21 (time 0), and adds no extended-timestamp field
//!   because the stored `Modified` value is still the zero time;
//! * the UTF-8 flag (0x800) is set when the name holds any character outside
//!   0x20..=0x7D or a backslash: Go treats `~` and `\` as non-portable too;
//! * zip64 records appear only when sizes/offsets reach 0xFFFFFFFF or there
//!   are 65535 or more entries.

use super::flate::Compressor;
use crate::support::number::crc32;
use std::fmt;

const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
const END_SIG: u32 = 0x0605_4b50;
const ZIP64_END_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const DATA_DESCRIPTOR_SIG: u32 = 0x0807_4b50;

const VERSION_20: u16 = 20;
const VERSION_45: u16 = 45;
const CREATOR_UNIX: u16 = 3;

const METHOD_STORE: u16 = 0;
const METHOD_DEFLATE: u16 = 8;

const FLAG_DATA_DESCRIPTOR: u16 = 0x8;
const FLAG_UTF8: u16 = 0x800;

const U16_MAX: u64 = 0xffff;
const U32_MAX: u64 = 0xffff_ffff;

/// MS-DOS date Go derives from `time.Time{}` (January 1 of year 1): the year
/// offset from 1980 is negative and wraps when truncated to 16 bits.
const ZERO_TIME_DOS_DATE: u16 = {
    let v: i64 = 1 + (1 << 5) + ((1 - 1980) << 9);
    v as u16
};

const S_IFREG: u32 = 0o100000;
const MSDOS_READ_ONLY: u32 = 0x01;

/// Why Go would have refused an entry; see [`ZipWriter::try_finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// Entry names are limited to 65535 bytes by the format (Go: "zip:
    /// FileHeader.Name too long"). The entry was left out.
    NameTooLong(String),
    /// A name ending in `/` is a directory entry, which cannot hold data (Go:
    /// "zip: write to directory"). The entry was written without the data.
    DirectoryWithContent(String),
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NameTooLong(n) => {
                write!(f, "zip: FileHeader.Name too long ({} bytes)", n.len())
            }
            ZipError::DirectoryWithContent(n) => write!(f, "zip: write to directory {n:?}"),
        }
    }
}

impl std::error::Error for ZipError {}

/// What the central directory needs to know about an entry already written.
struct Entry {
    name: String,
    creator_version: u16,
    reader_version: u16,
    flags: u16,
    method: u16,
    dos_time: u16,
    dos_date: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    external_attrs: u32,
    offset: u64,
}

impl Entry {
    fn needs_zip64_sizes(&self) -> bool {
        self.compressed >= U32_MAX || self.uncompressed >= U32_MAX
    }
}

/// Builds a ZIP archive in memory, byte-identical to Go's `archive/zip`.
pub struct ZipWriter {
    out: Vec<u8>,
    entries: Vec<Entry>,
    /// Created on first use and reset per entry, like Go's pooled writers.
    compressor: Option<Box<Compressor>>,
    error: Option<ZipError>,
}

impl Default for ZipWriter {
    fn default() -> Self {
        ZipWriter::new()
    }
}

impl ZipWriter {
    /// An empty archive (as `zip.NewWriter`).
    pub fn new() -> ZipWriter {
        ZipWriter {
            out: Vec::new(),
            entries: Vec::new(),
            compressor: None,
            error: None,
        }
    }

    /// As Go's `Writer.Create(name)` followed by writing `content`: deflated,
    /// no mode, zero MS-DOS time and date, no extra fields.
    pub fn add_content(&mut self, name: &str, content: &[u8]) {
        self.add_entry(name, content, 0, 0, 0, 0);
    }

    /// As `FileInfoHeader` of a regular file with unix permission bits `mode`
    /// (e.g. `0o644`), `SetModTime(time.Time{})`, `CreateHeader`, then writing
    /// `content`.
    ///
    /// `mode & 0o7777` is used: setuid/setgid/sticky (0o4000/0o2000/0o1000)
    /// are kept, as Go keeps them for a file it has `os.Stat`ed. When
    /// emulating `fh.SetMode(os.FileMode(n))` for a numeric
    /// `output_file_mode`, pass `n & 0o777`: Go does not read those three
    /// bits from a plain number.
    pub fn add_file(&mut self, name: &str, content: &[u8], mode: u32) {
        let unix_mode = S_IFREG | (mode & 0o7777);
        let mut attrs = unix_mode << 16;
        if mode & 0o200 == 0 {
            attrs |= MSDOS_READ_ONLY;
        }
        self.add_entry(name, content, CREATOR_UNIX << 8, ZERO_TIME_DOS_DATE, 0, attrs);
    }

    fn add_entry(
        &mut self,
        name: &str,
        content: &[u8],
        creator: u16,
        dos_date: u16,
        dos_time: u16,
        external_attrs: u32,
    ) {
        if name.len() > U16_MAX as usize {
            self.error.get_or_insert(ZipError::NameTooLong(name.to_string()));
            return;
        }
        let mut flags = 0;
        if needs_utf8_flag(name) {
            flags |= FLAG_UTF8;
        }
        let is_dir = name.ends_with('/');
        let method = if is_dir {
            // Go stores directories so their recorded sizes are truly zero.
            METHOD_STORE
        } else {
            flags |= FLAG_DATA_DESCRIPTOR;
            METHOD_DEFLATE
        };
        let mut entry = Entry {
            name: name.to_string(),
            // Go keeps the creator (high byte) and forces version 2.0.
            creator_version: (creator & 0xff00) | VERSION_20,
            reader_version: VERSION_20,
            flags,
            method,
            dos_time,
            dos_date,
            crc: 0,
            compressed: 0,
            uncompressed: 0,
            external_attrs,
            offset: self.out.len() as u64,
        };
        self.write_local_header(&entry);

        if is_dir {
            if !content.is_empty() {
                self.error
                    .get_or_insert(ZipError::DirectoryWithContent(name.to_string()));
            }
            self.entries.push(entry);
            return;
        }

        let c = self.compressor.get_or_insert_with(|| Box::new(Compressor::new()));
        c.reset();
        c.write(content);
        let packed = c.finish();
        self.out.extend_from_slice(&packed);

        entry.crc = crc32(content);
        entry.compressed = packed.len() as u64;
        entry.uncompressed = content.len() as u64;
        let zip64 = entry.needs_zip64_sizes();
        if zip64 {
            entry.reader_version = VERSION_45;
        }
        put32(&mut self.out, DATA_DESCRIPTOR_SIG);
        put32(&mut self.out, entry.crc);
        if zip64 {
            put64(&mut self.out, entry.compressed);
            put64(&mut self.out, entry.uncompressed);
        } else {
            put32(&mut self.out, entry.compressed as u32);
            put32(&mut self.out, entry.uncompressed as u32);
        }
        self.entries.push(entry);
    }

    fn write_local_header(&mut self, e: &Entry) {
        let o = &mut self.out;
        put32(o, LOCAL_HEADER_SIG);
        put16(o, e.reader_version);
        put16(o, e.flags);
        put16(o, e.method);
        put16(o, e.dos_time);
        put16(o, e.dos_date);
        // CRC and sizes travel in the data descriptor (or are zero for
        // directories).
        put32(o, 0);
        put32(o, 0);
        put32(o, 0);
        put16(o, e.name.len() as u16);
        put16(o, 0);
        o.extend_from_slice(e.name.as_bytes());
    }

    /// The archive's bytes (central directory and end record written, as Go's
    /// `Close`), or the first entry Go would have refused.
    pub fn try_finish(self) -> Result<Vec<u8>, ZipError> {
        match self.finish_inner() {
            (bytes, None) => Ok(bytes),
            (_, Some(e)) => Err(e),
        }
    }

    fn finish_inner(self) -> (Vec<u8>, Option<ZipError>) {
        let ZipWriter {
            mut out,
            entries,
            error,
            ..
        } = self;
        let start = out.len() as u64;
        for e in &entries {
            let o = &mut out;
            put32(o, CENTRAL_HEADER_SIG);
            put16(o, e.creator_version);
            put16(o, e.reader_version);
            put16(o, e.flags);
            put16(o, e.method);
            put16(o, e.dos_time);
            put16(o, e.dos_date);
            put32(o, e.crc);
            let zip64 = e.needs_zip64_sizes() || e.offset >= U32_MAX;
            if zip64 {
                put32(o, U32_MAX as u32);
                put32(o, U32_MAX as u32);
            } else {
                put32(o, e.compressed as u32);
                put32(o, e.uncompressed as u32);
            }
            put16(o, e.name.len() as u16);
            put16(o, if zip64 { 28 } else { 0 });
            put16(o, 0); // comment length
            put16(o, 0); // disk number start
            put16(o, 0); // internal attributes
            put32(o, e.external_attrs);
            put32(o, e.offset.min(U32_MAX) as u32);
            o.extend_from_slice(e.name.as_bytes());
            if zip64 {
                put16(o, 0x0001);
                put16(o, 24);
                put64(o, e.uncompressed);
                put64(o, e.compressed);
                put64(o, e.offset);
            }
        }
        let end = out.len() as u64;
        let mut records = entries.len() as u64;
        let mut size = end - start;
        let mut offset = start;

        if records >= U16_MAX || size >= U32_MAX || offset >= U32_MAX {
            put32(&mut out, ZIP64_END_SIG);
            put64(&mut out, 44); // record size excluding signature and this field
            put16(&mut out, VERSION_45);
            put16(&mut out, VERSION_45);
            put32(&mut out, 0);
            put32(&mut out, 0);
            put64(&mut out, records);
            put64(&mut out, records);
            put64(&mut out, size);
            put64(&mut out, offset);
            put32(&mut out, ZIP64_LOCATOR_SIG);
            put32(&mut out, 0);
            put64(&mut out, end);
            put32(&mut out, 1);
            records = U16_MAX;
            size = U32_MAX;
            offset = U32_MAX;
        }

        put32(&mut out, END_SIG);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, records as u16);
        put16(&mut out, records as u16);
        put32(&mut out, size as u32);
        put32(&mut out, offset as u32);
        put16(&mut out, 0); // comment length
        (out, error)
    }
}

/// Go sets the UTF-8 flag only when a name is not safely readable as CP-437 /
/// ASCII: control characters, anything above 0x7D (so also `~`), or `\`,
/// which some Asian code pages remap. A `&str` is always valid UTF-8, so
/// Go's validity check always passes.
fn needs_utf8_flag(name: &str) -> bool {
    name.chars()
        .any(|c| (c as u32) < 0x20 || (c as u32) > 0x7d || c == '\\')
}

fn put16(o: &mut Vec<u8>, v: u16) {
    o.extend_from_slice(&v.to_le_bytes());
}

fn put32(o: &mut Vec<u8>, v: u32) {
    o.extend_from_slice(&v.to_le_bytes());
}

fn put64(o: &mut Vec<u8>, v: u64) {
    o.extend_from_slice(&v.to_le_bytes());
}

// ---------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by ZIP.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_time_date() {
        assert_eq!(ZERO_TIME_DOS_DATE, 0x8a21);
    }

    #[test]
    fn utf8_flag_rule() {
        assert!(!needs_utf8_flag("dir/file-1_2.txt"));
        assert!(needs_utf8_flag("a~b"));
        assert!(needs_utf8_flag("a\\b"));
        assert!(needs_utf8_flag("naïve"));
    }
}
