//! What every platform's renderer needs alike when an answer does not fit a
//! message: the file to upload instead, a table as aligned text, a file name
//! from a title, text cut to a length.

use crate::model::Table;

/// A file to upload with (or after) a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// File name, e.g. `devices.txt`.
    pub file_name: String,
    /// Title shown beside it.
    pub title: String,
    /// The content.
    pub bytes: Vec<u8>,
    /// Its media type, e.g. `text/plain` or `application/vnd.tcpdump.pcap`,
    /// sent with it where the platform takes one (a multipart part's
    /// `Content-Type`).
    pub media_type: String,
}

impl Upload {
    /// The file as a multipart part (Mattermost's and Webex's uploads): its
    /// name and media type; a media type reqwest cannot parse is sent as
    /// `application/octet-stream` rather than failing the upload.
    pub fn part(&self) -> reqwest::multipart::Part {
        let part = || reqwest::multipart::Part::bytes(self.bytes.clone()).file_name(self.file_name.clone());
        part()
            .mime_str(&self.media_type)
            .unwrap_or_else(|_| part().mime_str(OCTET_STREAM).expect("a valid media type"))
    }
}

const OCTET_STREAM: &str = "application/octet-stream";

/// The media type of a file the gateway writes, by its name's extension.
pub fn media_type_of(file_name: &str) -> &'static str {
    match file_name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("txt" | "md" | "log") => "text/plain",
        Some("csv") => "text/csv",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        _ => OCTET_STREAM,
    }
}

/// A table as aligned monospace text: a heading line, a rule, one line per row.
pub fn table_text(table: &Table) -> String {
    let clean = |cell: &str| cell.replace(['\n', '\r', '\t'], " ");
    let columns: Vec<String> = table.columns.iter().map(|c| clean(c)).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            (0..columns.len())
                .map(|i| row.get(i).map_or_else(String::new, |c| clean(c)))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let mut lines = vec![line(&columns), rule.join("  ")];
    lines.extend(rows.iter().map(|row| line(row)));
    lines.join("\n") + "\n"
}

/// A file name made of the title's letters, digits, `-` and `_` (anything
/// else becomes `_`), at most 80 characters, with `extension`; `fallback`
/// when the title has none of those.
pub fn file_name(title: &str, fallback: &str, extension: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_matches('_');
    let stem = if stem.is_empty() { fallback } else { stem };
    format!("{}.{extension}", truncate(stem, 80))
}

/// `text` cut to at most `max` characters, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The end (a byte index) of the longest head of `line`, of at most
/// `max_chars` characters, whose rendering is at most `room` characters;
/// `None` when not one character fits. Slack's and Mattermost's renderers cut
/// a line too long for a section or a post there (or at a space before it).
///
/// The rendering is taken to grow with the head, so the head is found by
/// bisection. A head that renders shorter than a shorter one (a link cut in
/// half is no longer shortened) may be passed over: callers check the cut
/// they choose.
pub fn longest_head(
    line: &str,
    max_chars: usize,
    room: usize,
    render: &dyn Fn(&str) -> String,
) -> Option<usize> {
    let ends: Vec<usize> = line
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take(max_chars)
        .collect();
    let (mut fits, mut too_long) = (0, ends.len() + 1);
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if render(&line[..ends[mid - 1]]).chars().count() <= room {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    fits.checked_sub(1).map(|last| ends[last])
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_written_file_has_the_media_type_of_its_extension() {
        assert_eq!(media_type_of("rest.txt"), "text/plain");
        assert_eq!(media_type_of("chart.PNG"), "image/png");
        assert_eq!(media_type_of("fw-ams-01-rules.csv"), "text/csv");
        assert_eq!(media_type_of("capture"), "application/octet-stream");
    }

    use super::*;
    use crate::platforms::markup_tests::devices;

    #[test]
    fn a_table_is_aligned_text_with_a_rule() {
        let table = devices("Devices", &[&["ams01-edge-01", "Active"], &["nyc01-leaf\n02"]]);
        assert_eq!(
            table_text(&table),
            "Name           Status\n-------------  ------\nams01-edge-01  Active\nnyc01-leaf 02\n"
        );
    }

    #[test]
    fn file_names_keep_letters_and_digits_and_fall_back() {
        assert_eq!(
            file_name("Devices where location is ams01", "table", "txt"),
            "Devices_where_location_is_ams01.txt"
        );
        assert_eq!(file_name("→ ✓", "table", "txt"), "table.txt");
        assert_eq!(
            file_name(&"x".repeat(100), "table", "txt").chars().count(),
            80 + 4
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn the_longest_head_that_renders_within_the_room() {
        let same = |text: &str| text.to_owned();
        let doubled = |text: &str| text.replace('&', "&&");
        type Render<'a> = &'a dyn Fn(&str) -> String;
        let cases: [(&str, usize, usize, Render, Option<usize>); 6] = [
            ("abcdef", 10, 4, &same, Some(4)),
            ("abcdef", 3, 4, &same, Some(3)), // no more than max_chars tried
            ("a&b&c", 10, 4, &doubled, Some(3)), // "a&b" renders as 4
            ("éé", 10, 1, &same, Some(2)),    // a byte index at a character boundary
            ("&", 10, 1, &doubled, None),
            ("", 10, 4, &same, None),
        ];
        for (line, max_chars, room, render, expected) in cases {
            assert_eq!(longest_head(line, max_chars, room, render), expected, "{line}");
        }
    }
}
