//! What the fuzz targets share: only how an input is cut into its parts.
//! Every parser fuzzed is the gateway's or the crds crate's own.

/// Splits an input into a header line and a body: the first line when the
/// input has one and it is UTF-8 (a signature header the seeds put there),
/// else an empty header and the whole input as the body.
pub fn header_line(data: &[u8]) -> (&str, &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(end) => match std::str::from_utf8(&data[..end]) {
            Ok(head) => (head, &data[end + 1..]),
            Err(_) => ("", data),
        },
        None => ("", data),
    }
}
