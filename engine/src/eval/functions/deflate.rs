//! DEFLATE as Terraform's `base64gzip` writes it: Go's compressor at its default level (lazy
//! matching over hash chains, then per block the smallest of a stored, a fixed-code and a
//! dynamic-code block, with Go's length-limited Huffman codes).
//!
//! A general-purpose compressor makes a valid stream of other bytes: the text is the same after
//! decompression, but a plan would show a change for a value Terraform computed, and a
//! `source_code_hash` would never match. So the choices here are the ones Go makes, step for
//! step; `tests/oracle` holds Terraform's own answers for long and repetitive texts.

const WINDOW_BITS: usize = 15;
const WINDOW: usize = 1 << WINDOW_BITS;
const WINDOW_MASK: usize = WINDOW - 1;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
/// The shortest length a match token encodes (DEFLATE's, below Go's shortest match).
const BASE_MATCH: usize = 3;
const HASH_BITS: u32 = 17;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MUL: u32 = 0x1e35_a7bd;
const MAX_HASH_OFFSET: usize = 1 << 24;
const MAX_BLOCK_TOKENS: usize = 1 << 14;
const MAX_STORED_BLOCK: usize = 65_535;
/// Go's default level (6): a match this long makes the chain search stop; the search follows
/// at most `CHAIN` links; a pending match this long is not tried to be bettered.
const NICE: usize = 128;
const CHAIN: usize = 128;
const LAZY: usize = 16;

const LITERAL_CODES: usize = 286;
const OFFSET_CODES: usize = 30;
const CODEGEN_CODES: usize = 19;
const END_OF_BLOCK: usize = 256;
const LENGTH_CODES_START: usize = 257;
const CODEGEN_ORDER: [usize; CODEGEN_CODES] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
/// Match lengths less three, where each length code starts.
const LENGTH_BASE: [u16; 29] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Distances less one, where each distance code starts.
const OFFSET_BASE: [u32; OFFSET_CODES] = [
    0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144,
    8192, 12288, 16384, 24576,
];
const OFFSET_EXTRA: [u8; OFFSET_CODES] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];

/// The DEFLATE stream Go writes for `data` written at once and then flushed: the data's blocks
/// (none is final) and the sync marker (an empty stored block). The caller ends the stream.
pub(super) fn flushed(data: &[u8]) -> Vec<u8> {
    let mut c = Compressor::new();
    let mut rest = data;
    while !rest.is_empty() {
        c.deflate();
        let n = c.fill(rest);
        rest = &rest[n..];
    }
    c.sync = true;
    c.deflate();
    c.out.stored_header(0, false);
    c.out.align();
    c.out.bytes
}

/// What the compressor emits: a byte, or a back-reference (length less three, distance less
/// one).
#[derive(Clone, Copy)]
enum Token {
    Literal(u8),
    Match { length: u16, offset: u32 },
}

struct Compressor {
    window: Vec<u8>,
    window_end: usize,
    index: usize,
    /// Where the bytes of the pending block start in the window, `None` once they have been
    /// shifted out (the block can then not be stored).
    block_start: Option<usize>,
    hash_head: Vec<u32>,
    hash_prev: Vec<u32>,
    /// Added to every position kept in the hash tables, so that zero means "none".
    hash_offset: usize,
    chain_head: isize,
    max_insert_index: usize,
    length: usize,
    offset: usize,
    byte_available: bool,
    sync: bool,
    tokens: Vec<Token>,
    out: Bits,
}

fn hash4(b: &[u8]) -> usize {
    let word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (word.wrapping_mul(HASH_MUL) >> (32 - HASH_BITS)) as usize
}

fn match_len(a: &[u8], b: &[u8], max: usize) -> usize {
    a[..max].iter().zip(b).position(|(x, y)| x != y).unwrap_or(max)
}

impl Compressor {
    fn new() -> Self {
        Compressor {
            window: vec![0; 2 * WINDOW],
            window_end: 0,
            index: 0,
            block_start: Some(0),
            hash_head: vec![0; HASH_SIZE],
            hash_prev: vec![0; WINDOW],
            hash_offset: 1,
            chain_head: -1,
            max_insert_index: 0,
            length: MIN_MATCH - 1,
            offset: 0,
            byte_available: false,
            sync: false,
            tokens: Vec::with_capacity(MAX_BLOCK_TOKENS + 1),
            out: Bits::default(),
        }
    }

    /// Copies as much of `b` as the window takes, sliding the window by half first when the
    /// compressor has come near its end.
    fn fill(&mut self, b: &[u8]) -> usize {
        if self.index >= 2 * WINDOW - (MIN_MATCH + MAX_MATCH) {
            self.window.copy_within(WINDOW..2 * WINDOW, 0);
            self.index -= WINDOW;
            self.window_end -= WINDOW;
            self.block_start = self.block_start.and_then(|start| start.checked_sub(WINDOW));
            self.hash_offset += WINDOW;
            if self.hash_offset > MAX_HASH_OFFSET {
                let delta = self.hash_offset - 1;
                self.hash_offset -= delta;
                self.chain_head -= delta as isize;
                for v in self.hash_prev.iter_mut().chain(self.hash_head.iter_mut()) {
                    *v = if *v as usize > delta {
                        (*v as usize - delta) as u32
                    } else {
                        0
                    };
                }
            }
        }
        let n = b.len().min(self.window.len() - self.window_end);
        self.window[self.window_end..self.window_end + n].copy_from_slice(&b[..n]);
        self.window_end += n;
        n
    }

    fn write_block(&mut self, index: usize) {
        if index == 0 {
            return;
        }
        let stored = match self.block_start {
            Some(start) if start <= index => Some(start..index),
            _ => None,
        };
        let input = stored.map(|r| &self.window[r]);
        self.out.block(&self.tokens, input);
        self.block_start = Some(index);
        self.tokens.clear();
    }

    fn insert_hash(&mut self, index: usize) -> u32 {
        let hash = hash4(&self.window[index..index + MIN_MATCH]);
        let previous = self.hash_head[hash];
        self.hash_prev[index & WINDOW_MASK] = previous;
        self.hash_head[hash] = (index + self.hash_offset) as u32;
        previous
    }

    fn find_match(&self, pos: usize, prev_head: isize, lookahead: usize) -> Option<(usize, usize)> {
        let min_look = MAX_MATCH.min(lookahead);
        let win = &self.window[..pos + min_look];
        let nice = NICE.min(min_look);
        let mut length = MIN_MATCH - 1;
        let mut found = None;
        let mut w_end = win[pos + length];
        let min_index = pos as isize - WINDOW as isize;
        let mut i = prev_head;
        let mut tries = CHAIN;
        while tries > 0 {
            let at = i as usize;
            if w_end == win[at + length] {
                let n = match_len(&win[at..], &win[pos..], min_look);
                if n > length && (n > MIN_MATCH || pos - at <= 4096) {
                    length = n;
                    found = Some((n, pos - at));
                    if n >= nice {
                        break;
                    }
                    w_end = win[pos + n];
                }
            }
            if i == min_index {
                // The link of this position has been overwritten by a newer one.
                break;
            }
            i = self.hash_prev[at & WINDOW_MASK] as isize - self.hash_offset as isize;
            if i < min_index || i < 0 {
                break;
            }
            tries -= 1;
        }
        found
    }

    fn push(&mut self, token: Token, block_end: usize) {
        self.tokens.push(token);
        if self.tokens.len() == MAX_BLOCK_TOKENS {
            self.write_block(block_end);
        }
    }

    fn deflate(&mut self) {
        if self.window_end - self.index < MIN_MATCH + MAX_MATCH && !self.sync {
            return;
        }
        self.max_insert_index = (self.window_end + 1).saturating_sub(MIN_MATCH);
        loop {
            let lookahead = self.window_end - self.index;
            if lookahead < MIN_MATCH + MAX_MATCH {
                if !self.sync {
                    return;
                }
                if lookahead == 0 {
                    if self.byte_available {
                        self.tokens.push(Token::Literal(self.window[self.index - 1]));
                        self.byte_available = false;
                    }
                    if !self.tokens.is_empty() {
                        self.write_block(self.index);
                    }
                    return;
                }
            }
            if self.index < self.max_insert_index {
                self.chain_head = self.insert_hash(self.index) as isize;
            }
            let prev_length = self.length;
            let prev_offset = self.offset;
            self.length = MIN_MATCH - 1;
            self.offset = 0;
            let min_index = self.index.saturating_sub(WINDOW) as isize;
            let head = self.chain_head - self.hash_offset as isize;
            if head >= min_index && lookahead > prev_length && prev_length < LAZY {
                if let Some((length, offset)) = self.find_match(self.index, head, lookahead) {
                    self.length = length;
                    self.offset = offset;
                }
            }
            if prev_length >= MIN_MATCH && self.length <= prev_length {
                // The match found one byte earlier is at least as long: take it.
                let token = Token::Match {
                    length: (prev_length - BASE_MATCH) as u16,
                    offset: (prev_offset - 1) as u32,
                };
                self.tokens.push(token);
                let new_index = self.index + prev_length - 1;
                let mut index = self.index + 1;
                while index < new_index {
                    if index < self.max_insert_index {
                        self.insert_hash(index);
                    }
                    index += 1;
                }
                self.index = index;
                self.byte_available = false;
                self.length = MIN_MATCH - 1;
                if self.tokens.len() == MAX_BLOCK_TOKENS {
                    self.write_block(self.index);
                }
            } else {
                if self.byte_available {
                    let at = self.index - 1;
                    self.push(Token::Literal(self.window[at]), at + 1);
                }
                self.index += 1;
                self.byte_available = true;
            }
        }
    }
}

/// A Huffman code as written: the code's bits reversed (DEFLATE sends codes from their most
/// significant bit, into a stream filled from the least) and its length.
#[derive(Clone, Copy, Default)]
struct Code {
    bits: u16,
    len: u16,
}

fn reverse(code: u16, len: u16) -> u16 {
    code.reverse_bits() >> (16 - len)
}

fn fixed_literal_codes() -> Vec<Code> {
    (0..LITERAL_CODES as u16)
        .map(|ch| {
            let (bits, len) = match ch {
                0..=143 => (ch + 48, 8),
                144..=255 => (ch + 400 - 144, 9),
                256..=279 => (ch - 256, 7),
                _ => (ch + 192 - 280, 8),
            };
            Code {
                bits: reverse(bits, len),
                len,
            }
        })
        .collect()
}

fn fixed_offset_codes() -> Vec<Code> {
    (0..OFFSET_CODES as u16)
        .map(|ch| Code {
            bits: reverse(ch, 5),
            len: 5,
        })
        .collect()
}

fn bit_length(codes: &[Code], freq: &[i32]) -> i64 {
    freq.iter()
        .zip(codes)
        .map(|(&f, c)| i64::from(f) * i64::from(c.len))
        .sum()
}

/// Go's Huffman code for these frequencies, no code longer than `max_bits`: the lengths by
/// package-merge over the symbols ordered by frequency then value, the codes canonical.
fn huffman(freq: &[i32], max_bits: i32) -> Vec<Code> {
    let mut codes = vec![Code::default(); freq.len()];
    // (symbol, frequency), in symbol order.
    let mut list: Vec<(u16, i32)> = freq
        .iter()
        .enumerate()
        .filter(|(_, &f)| f != 0)
        .map(|(i, &f)| (i as u16, f))
        .collect();
    if list.len() <= 2 {
        for (i, &(symbol, _)) in list.iter().enumerate() {
            codes[symbol as usize] = Code { bits: i as u16, len: 1 };
        }
        return codes;
    }
    list.sort_by_key(|&(symbol, freq)| (freq, symbol));
    let counts = bit_counts(&list, max_bits);
    // Symbols needing the fewest bits are the most frequent, at the end of the list; within a
    // length, codes go up in symbol order.
    let mut code: u16 = 0;
    let mut rest = list.as_slice();
    for (len, &count) in counts.iter().enumerate() {
        code <<= 1;
        if len == 0 || count == 0 {
            continue;
        }
        let (left, chunk) = rest.split_at(rest.len() - count as usize);
        let mut symbols: Vec<u16> = chunk.iter().map(|&(s, _)| s).collect();
        symbols.sort_unstable();
        for s in symbols {
            codes[s as usize] = Code {
                bits: reverse(code, len as u16),
                len: len as u16,
            };
            code += 1;
        }
        rest = left;
    }
    codes
}

#[derive(Clone, Copy, Default)]
struct Level {
    last_freq: i32,
    next_char_freq: i32,
    next_pair_freq: i32,
    needed: i32,
}

/// How many symbols get each code length (index = length), by the boundary package-merge
/// Go runs over the list sorted by increasing frequency.
fn bit_counts(list: &[(u16, i32)], max_bits: i32) -> Vec<i32> {
    const LIMIT: usize = 17;
    let n = list.len() as i32;
    let freq = |i: i32| -> i32 { list.get(i as usize).map_or(i32::MAX, |&(_, f)| f) };
    let max_bits = max_bits.min(n - 1) as usize;
    let mut levels = [Level::default(); LIMIT];
    let mut leaf_counts = [[0i32; LIMIT]; LIMIT];
    for level in 1..=max_bits {
        levels[level] = Level {
            last_freq: freq(1),
            next_char_freq: freq(2),
            next_pair_freq: if level == 1 {
                i32::MAX
            } else {
                freq(0).wrapping_add(freq(1))
            },
            needed: 0,
        };
        leaf_counts[level][level] = 2;
    }
    levels[max_bits].needed = 2 * n - 4;
    let mut level = max_bits;
    loop {
        if levels[level].next_pair_freq == i32::MAX && levels[level].next_char_freq == i32::MAX {
            levels[level].needed = 0;
            levels[level + 1].next_pair_freq = i32::MAX;
            level += 1;
            continue;
        }
        let prev_freq = levels[level].last_freq;
        if levels[level].next_char_freq < levels[level].next_pair_freq {
            let count = leaf_counts[level][level] + 1;
            levels[level].last_freq = levels[level].next_char_freq;
            leaf_counts[level][level] = count;
            levels[level].next_char_freq = freq(count);
        } else {
            levels[level].last_freq = levels[level].next_pair_freq;
            let (below, here) = leaf_counts.split_at_mut(level);
            here[0][..level].copy_from_slice(&below[level - 1][..level]);
            levels[level - 1].needed = 2;
        }
        levels[level].needed -= 1;
        if levels[level].needed == 0 {
            if level == max_bits {
                break;
            }
            levels[level + 1].next_pair_freq = prev_freq.wrapping_add(levels[level].last_freq);
            level += 1;
        } else {
            while levels[level - 1].needed > 0 {
                level -= 1;
            }
        }
    }
    let mut counts = vec![0; max_bits + 1];
    let top = &leaf_counts[max_bits];
    for (bits, level) in (1..=max_bits).rev().enumerate() {
        counts[bits + 1] = top[level] - top[level - 1];
    }
    counts
}

fn length_code(length: u16) -> usize {
    LENGTH_BASE.iter().rposition(|&b| b <= length).unwrap_or(0)
}

fn offset_code(offset: u32) -> usize {
    OFFSET_BASE.iter().rposition(|&b| b <= offset).unwrap_or(0)
}

/// The output: bits packed from the least significant end of each byte.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    fn write(&mut self, value: u32, n: u32) {
        self.acc |= u64::from(value) << self.count;
        self.count += n;
        while self.count >= 8 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    fn code(&mut self, c: Code) {
        self.write(u32::from(c.bits), u32::from(c.len));
    }

    fn align(&mut self) {
        if self.count > 0 {
            self.bytes.push(self.acc as u8);
            self.acc = 0;
            self.count = 0;
        }
    }

    fn stored_header(&mut self, length: usize, last: bool) {
        self.write(u32::from(last), 3);
        self.align();
        self.write(length as u32, 16);
        self.write(u32::from(!(length as u16)), 16);
    }

    /// One non-final block of `tokens`, in whichever form Go finds smallest; `input` is the
    /// text the tokens encode when it can still be stored as it is.
    fn block(&mut self, tokens: &[Token], input: Option<&[u8]>) {
        let mut literal_freq = [0i32; LITERAL_CODES];
        let mut offset_freq = [0i32; OFFSET_CODES];
        for t in tokens {
            match *t {
                Token::Literal(b) => literal_freq[b as usize] += 1,
                Token::Match { length, offset } => {
                    literal_freq[LENGTH_CODES_START + length_code(length)] += 1;
                    offset_freq[offset_code(offset)] += 1;
                }
            }
        }
        literal_freq[END_OF_BLOCK] += 1;
        let literals = literal_freq.iter().rposition(|&f| f != 0).map_or(0, |i| i + 1);
        let mut offsets = offset_freq.iter().rposition(|&f| f != 0).map_or(0, |i| i + 1);
        if offsets == 0 {
            // A dynamic block must still describe an offset code.
            offset_freq[0] = 1;
            offsets = 1;
        }
        let literal_codes = huffman(&literal_freq, 15);
        let offset_codes = huffman(&offset_freq, 15);

        let stored_size = input
            .filter(|i| i.len() <= MAX_STORED_BLOCK)
            .map(|i| (i.len() as i64 + 5) * 8);
        let mut extra_bits = 0i64;
        if stored_size.is_some() {
            for code in LENGTH_CODES_START + 8..literals {
                extra_bits += i64::from(literal_freq[code]) * i64::from(LENGTH_EXTRA[code - LENGTH_CODES_START]);
            }
            for code in 4..offsets {
                extra_bits += i64::from(offset_freq[code]) * i64::from(OFFSET_EXTRA[code]);
            }
        }
        let fixed_literals = fixed_literal_codes();
        let fixed_offsets = fixed_offset_codes();
        let fixed_size =
            3 + bit_length(&fixed_literals, &literal_freq) + bit_length(&fixed_offsets, &offset_freq) + extra_bits;

        let (codegen, codegen_freq) = codegen(
            literal_codes[..literals]
                .iter()
                .chain(&offset_codes[..offsets])
                .map(|c| c.len as u8),
        );
        let codegen_codes = huffman(&codegen_freq, 7);
        let mut codegens = CODEGEN_CODES;
        while codegens > 4 && codegen_freq[CODEGEN_ORDER[codegens - 1]] == 0 {
            codegens -= 1;
        }
        let dynamic_size = 3
            + 5
            + 5
            + 4
            + 3 * codegens as i64
            + bit_length(&codegen_codes, &codegen_freq)
            + i64::from(codegen_freq[16]) * 2
            + i64::from(codegen_freq[17]) * 3
            + i64::from(codegen_freq[18]) * 7
            + bit_length(&literal_codes, &literal_freq)
            + bit_length(&offset_codes, &offset_freq)
            + extra_bits;

        let dynamic = dynamic_size < fixed_size;
        let size = fixed_size.min(dynamic_size);
        if let (Some(stored), Some(input)) = (stored_size, input) {
            if stored < size {
                self.stored_header(input.len(), false);
                self.align();
                self.bytes.extend_from_slice(input);
                return;
            }
        }
        let (lit, off) = if dynamic {
            self.write(4, 3);
            self.write((literals - 257) as u32, 5);
            self.write((offsets - 1) as u32, 5);
            self.write((codegens - 4) as u32, 4);
            for &symbol in &CODEGEN_ORDER[..codegens] {
                self.write(u32::from(codegen_codes[symbol].len), 3);
            }
            let mut i = 0;
            while i < codegen.len() {
                let symbol = codegen[i] as usize;
                self.code(codegen_codes[symbol]);
                let extra = match symbol {
                    16 => 2,
                    17 => 3,
                    18 => 7,
                    _ => 0,
                };
                if extra > 0 {
                    i += 1;
                    self.write(u32::from(codegen[i]), extra);
                }
                i += 1;
            }
            (&literal_codes, &offset_codes)
        } else {
            self.write(2, 3);
            (&fixed_literals, &fixed_offsets)
        };
        for t in tokens {
            match *t {
                Token::Literal(b) => self.code(lit[b as usize]),
                Token::Match { length, offset } => {
                    let lc = length_code(length);
                    self.code(lit[LENGTH_CODES_START + lc]);
                    if LENGTH_EXTRA[lc] > 0 {
                        self.write(u32::from(length - LENGTH_BASE[lc]), LENGTH_EXTRA[lc].into());
                    }
                    let oc = offset_code(offset);
                    self.code(off[oc]);
                    if OFFSET_EXTRA[oc] > 0 {
                        self.write(offset - OFFSET_BASE[oc], OFFSET_EXTRA[oc].into());
                    }
                }
            }
        }
        self.code(lit[END_OF_BLOCK]);
    }
}

/// The code lengths of a dynamic block in DEFLATE's run-length form (symbols 0-15 a length,
/// 16 a repeat of the previous, 17 and 18 runs of zeros, each of the last three followed by
/// its count), and how often each symbol occurs.
fn codegen(lengths: impl Iterator<Item = u8>) -> (Vec<u8>, [i32; CODEGEN_CODES]) {
    let lengths: Vec<u8> = lengths.collect();
    let mut out = Vec::with_capacity(lengths.len());
    let mut freq = [0i32; CODEGEN_CODES];
    let mut i = 0;
    while i < lengths.len() {
        let size = lengths[i];
        let mut count = lengths[i..].iter().take_while(|&&l| l == size).count() as i32;
        i += count as usize;
        if size != 0 {
            out.push(size);
            freq[size as usize] += 1;
            count -= 1;
            while count >= 3 {
                let n = count.min(6);
                out.extend([16, (n - 3) as u8]);
                freq[16] += 1;
                count -= n;
            }
        } else {
            while count >= 11 {
                let n = count.min(138);
                out.extend([18, (n - 11) as u8]);
                freq[18] += 1;
                count -= n;
            }
            if count >= 3 {
                out.extend([17, (count - 3) as u8]);
                freq[17] += 1;
                count = 0;
            }
        }
        for _ in 0..count {
            out.push(size);
            freq[size as usize] += 1;
        }
    }
    (out, freq)
}
