//! Escaping and date formats shared by the writers.
//!
//! Dates are computed from Unix seconds with the `time` crate and formatted
//! by hand into the exact shapes the real software emits (phpBB's
//! `D M d, Y g:i a`, RFC 822 for RSS, RFC 3339 for `<time datetime>`),
//! because those shapes are what a parser of the real thing expects.

use time::OffsetDateTime;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for XML character data (the five predefined entities).
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn at(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2025-03-04T10:15:00+00:00`, as phpBB writes `<time datetime>`.
pub(crate) fn rfc3339_offset(ts: i64) -> String {
    let t = at(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `2025-03-04T10:15:00Z`, for the truth file.
pub(crate) fn rfc3339_z(ts: i64) -> String {
    let t = at(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// phpBB's default `D M d, Y g:i a`: `Tue Mar 04, 2025 10:15 am`.
pub(crate) fn phpbb(ts: i64) -> String {
    let t = at(ts);
    let h = t.hour();
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    format!(
        "{} {} {:02}, {} {}:{:02} {}",
        DAYS[t.weekday().number_days_from_monday() as usize],
        MONTHS[u8::from(t.month()) as usize - 1],
        t.day(),
        t.year(),
        h12,
        t.minute(),
        if h < 12 { "am" } else { "pm" }
    )
}

/// RFC 822 as RSS 2.0 uses it: `Tue, 04 Mar 2025 10:15:00 +0000`, or with
/// `GMT` as the zone when `gmt` is set (both are common in the wild).
pub(crate) fn rfc822(ts: i64, gmt: bool) -> String {
    let t = at(ts);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second(),
        if gmt { "GMT" } else { "+0000" }
    )
}

/// `2025-03-12`, for file names.
pub(crate) fn ymd(ts: i64) -> String {
    let t = at(ts);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

/// Long English date, `12 March 2025`.
pub(crate) fn long_date(ts: i64) -> String {
    const FULL: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let t = at(ts);
    format!(
        "{} {} {}",
        t.day(),
        FULL[u8::from(t.month()) as usize - 1],
        t.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-03-04 10:15:00 UTC was a Tuesday.
    const TS: i64 = 1_741_083_300;

    #[test]
    fn formats_match_the_real_software() {
        assert_eq!(rfc3339_offset(TS), "2025-03-04T10:15:00+00:00");
        assert_eq!(rfc3339_z(TS), "2025-03-04T10:15:00Z");
        assert_eq!(phpbb(TS), "Tue Mar 04, 2025 10:15 am");
        assert_eq!(phpbb(TS + 3 * 3600), "Tue Mar 04, 2025 1:15 pm");
        assert_eq!(phpbb(TS - 10 * 3600 - 15 * 60), "Tue Mar 04, 2025 12:00 am");
        assert_eq!(rfc822(TS, false), "Tue, 04 Mar 2025 10:15:00 +0000");
        assert_eq!(rfc822(TS, true), "Tue, 04 Mar 2025 10:15:00 GMT");
        assert_eq!(ymd(TS), "2025-03-04");
        assert_eq!(long_date(TS), "4 March 2025");
    }

    #[test]
    fn escaping() {
        assert_eq!(html("a<b & \"c\" 'd'"), "a&lt;b &amp; &quot;c&quot; 'd'");
        assert_eq!(xml("a<b & 'd'"), "a&lt;b &amp; &apos;d&apos;");
    }
}
