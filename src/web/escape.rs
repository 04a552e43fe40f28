//! Go's `url.QueryEscape` and `url.QueryUnescape`, which the book's manager applies to the
//! session id in its cookie. Written out because their exact rules are the lesson: which
//! bytes are kept, `+` for a space, and which escapes are an error (B3 turns on them).

/// `url.QueryEscape`: letters, digits and `-_.~` stay, a space becomes `+`, and every other
/// byte is `%XX` in capitals. A generated id's `=` padding becomes `%3D`.
pub fn query_escape(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len() + 6);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

/// `url.QueryUnescape`: `+` is a space and `%XX` a byte. A `%` without two hex digits
/// after it is an error, as in Go; so is a result that is not UTF-8, which Go would accept
/// but no id sessim prints can be.
pub fn query_unescape(text: &str) -> Result<String, String> {
    unescape(text, true)
}

/// `url.PathUnescape`, as Go's server decodes a request's path: `%XX` a byte, and `+`
/// itself.
pub fn path_unescape(text: &str) -> Result<String, String> {
    unescape(text, false)
}

fn unescape(text: &str, plus_is_space: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16)
                        .ok()
                        .filter(|_| h.bytes().all(|c| c.is_ascii_hexdigit()))
                });
                let Some(byte) = hex else {
                    let end = text.len().min(i + 3);
                    let shown = text.get(i..end).unwrap_or("%");
                    return Err(format!("invalid URL escape `{shown}`"));
                };
                out.push(byte);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "the unescaped bytes are not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_go_does() {
        assert_eq!(query_escape("ab-_.~09"), "ab-_.~09");
        assert_eq!(query_escape("a b=c/+*"), "a+b%3Dc%2F%2B%2A");
        assert_eq!(query_escape("名"), "%E5%90%8D");
        for text in ["", "x=", "a b+c%", "名前", "\u{1}\u{7f}"] {
            assert_eq!(query_unescape(&query_escape(text)).as_deref(), Ok(text));
        }
    }

    #[test]
    fn a_path_keeps_its_plus() {
        assert_eq!(path_unescape("/%63ount+1").as_deref(), Ok("/count+1"));
        assert!(path_unescape("/%zz").is_err());
    }

    #[test]
    fn bad_escapes_are_errors_as_in_go() {
        assert_eq!(query_unescape("a%3db+c").as_deref(), Ok("a=b c"));
        for bad in ["%", "%3", "%zz", "a%G1", "%+1", "%ff"] {
            assert!(query_unescape(bad).is_err(), "{bad}");
        }
    }
}
