//! Positions: LSP's lines and UTF-16 columns against byte offsets.

use lsp_types::{Position, Range};

/// The position of byte `offset` of `text` (clamped to the text).
pub fn position(text: &str, offset: usize) -> Position {
    let offset = floor_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

pub fn range(text: &str, start: usize, end: usize) -> Range {
    Range::new(position(text, start), position(text, end))
}

/// The byte offset of `position` in `text` (clamped to its line and text).
pub fn offset(text: &str, position: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..position.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let mut units = 0;
    for (i, c) in text[line_start..line_end].char_indices() {
        if units >= position.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "a: é😀x\nb: 1\n";
        let x = text.find('x').unwrap();
        assert_eq!(position(text, x), Position::new(0, 6));
        assert_eq!(offset(text, Position::new(0, 6)), x);
        assert_eq!(offset(text, Position::new(1, 3)), text.find('1').unwrap());
        assert_eq!(offset(text, Position::new(9, 0)), text.len());
    }
}
