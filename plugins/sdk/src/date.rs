//! Dates as sources print them → RFC 3339, which the contract requires.
//!
//! Feeds and forums print dates every way there is: RFC 822/2822 in RSS
//! (often with a day name missing, one-digit days, `GMT`/`EST` zones or
//! two-digit years), RFC 3339 and ISO 8601 variants in Atom and JSON APIs
//! (fractions, offsets with and without colons, the basic `20250304T101500Z`
//! form, dates alone), Unix seconds or milliseconds in APIs, and forum forms
//! such as phpBB's `Tue Mar 04, 2025 10:15 am`, vBulletin's
//! `03-04-2025, 10:15 AM`, XenForo's `Mar 4, 2025 at 10:15 AM`, and
//! relative ones (`Today at 10:15`, `Yesterday, 09:02`, `3 hours ago`).
//!
//! One format-at-a-time parser per shape would be a long list that still
//! misses the next site's variant. Instead [`parse_with`] tokenises the text
//! into numbers, words and separators and reads a date from them: a time is
//! `H:MM[:SS[.frac]]` with optional am/pm, a zone is a `±HHMM`/`±HH:MM`
//! offset after the time or a known zone abbreviation, a month is a month
//! name or the middle of three numbers, a 4-digit number is a year, and
//! words it does not know (day names, `at`, `posted`, `on`, `»`) are
//! ignored. Ambiguous all-number dates (`03/04/2025`) are read day-first when
//! the first number is over 12 or the separator is `.` (European usage), and
//! otherwise month-first (US usage, and vBulletin's default), unless
//! [`DateOptions::day_first`] says otherwise. Zone-less dates are taken in
//! [`DateOptions::offset`] (UTC by default). Relative forms need
//! [`DateOptions::now`] (pass [`crate::host::now`]).
//!
//! The output is always UTC with a `Z` (`2025-03-04T10:15:00Z`), so stored
//! times compare as strings.

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// How to read dates that leave something out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOptions {
    /// The offset of dates that name no zone. Forums print local time in the
    /// board's zone; set this to that zone's offset. Default UTC.
    pub offset: UtcOffset,
    /// `Some(true)` reads `03/04/2025` as 3 April, `Some(false)` as March 4;
    /// `None` guesses as the module doc says.
    pub day_first: Option<bool>,
    /// The current time, Unix seconds: needed for `Today`, `Yesterday`,
    /// `3 hours ago` and dates printed without a year.
    pub now: Option<i64>,
}

impl Default for DateOptions {
    fn default() -> DateOptions {
        DateOptions {
            offset: UtcOffset::UTC,
            day_first: None,
            now: None,
        }
    }
}

/// A date that could not be read. It says why, but does not quote the
/// input (it came from a page).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised date ({reason})")]
pub struct DateError {
    /// What was missing or out of range.
    pub reason: &'static str,
}

fn err<T>(reason: &'static str) -> Result<T, DateError> {
    Err(DateError { reason })
}

/// Parses `s` with default options (zone-less dates are UTC, no relative
/// dates).
pub fn parse(s: &str) -> Result<OffsetDateTime, DateError> {
    parse_with(s, &DateOptions::default())
}

/// `s` as RFC 3339 in UTC, or `None` if it is not a date.
pub fn to_rfc3339(s: &str) -> Option<String> {
    parse(s).ok().map(format_rfc3339)
}

/// `s` as RFC 3339 in UTC under `options`, or `None` if it is not a date.
pub fn to_rfc3339_with(s: &str, options: &DateOptions) -> Option<String> {
    parse_with(s, options).ok().map(format_rfc3339)
}

/// Formats `t` as RFC 3339 in UTC, e.g. `2025-03-04T10:15:00Z` (a fraction
/// only when there is one).
pub fn format_rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Unix seconds as RFC 3339 in UTC.
pub fn from_unix(secs: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .map(format_rfc3339)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Value, number of digits, and whether it was glued to the previous
    /// token (no whitespace between).
    Num(u64, usize),
    Word(String),
    Sep(char),
}

fn tokenize(s: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            let n = digits.len();
            // Up to 19 digits fit a u64; longer runs are not dates.
            let v = if n <= 19 {
                digits.parse().unwrap_or(u64::MAX)
            } else {
                u64::MAX
            };
            toks.push(Tok::Num(v, n));
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic() || **d == '.') {
                // Keep "a.m." together but stop at a sentence dot.
                if d == '.' && !w.ends_with(|ch: char| ch.is_alphabetic() && w.len() <= 3) {
                    break;
                }
                w.push(d);
                chars.next();
            }
            toks.push(Tok::Word(
                w.trim_end_matches('.').to_lowercase().replace('.', ""),
            ));
        } else {
            chars.next();
            if matches!(c, '-' | '+' | '/' | '.' | ':' | ',') {
                toks.push(Tok::Sep(c));
            } else if c == '\u{2212}' {
                toks.push(Tok::Sep('-'));
            }
        }
    }
    toks
}

fn month_of(w: &str) -> Option<Month> {
    const MONTHS: [(&str, Month); 12] = [
        ("jan", Month::January),
        ("feb", Month::February),
        ("mar", Month::March),
        ("apr", Month::April),
        ("may", Month::May),
        ("jun", Month::June),
        ("jul", Month::July),
        ("aug", Month::August),
        ("sep", Month::September),
        ("oct", Month::October),
        ("nov", Month::November),
        ("dec", Month::December),
    ];
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .zip(FULL)
        .find(|((abbr, _), full)| {
            w == *abbr
                || w == *full
                || (w.len() > 3 && full.starts_with(w))
                || (*abbr == "sep" && w == "sept")
        })
        .map(|((_, m), _)| *m)
}

fn zone_of(w: &str) -> Option<i32> {
    Some(match w {
        "z" | "utc" | "gmt" | "ut" | "wet" => 0,
        "bst" | "cet" | "wat" | "west" => 60,
        "cest" | "eet" | "sast" => 120,
        "eest" | "msk" => 180,
        "jst" | "kst" => 540,
        "aest" => 600,
        "aedt" => 660,
        "nzst" => 720,
        "nzdt" => 780,
        "ast" => -240,
        "adt" => -180,
        "est" => -300,
        "edt" => -240,
        "cst" => -360,
        "cdt" => -300,
        "mst" => -420,
        "mdt" => -360,
        "pst" => -480,
        "pdt" => -420,
        "akst" => -540,
        "akdt" => -480,
        "hst" => -600,
        _ => return None,
    })
}

fn unit_seconds(w: &str) -> Option<i64> {
    Some(match w {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * 86_400,
        "month" | "months" => 30 * 86_400,
        "y" | "yr" | "yrs" | "year" | "years" => 365 * 86_400,
        _ => return None,
    })
}

/// Parses `s` under `options`. See the module doc for what it accepts.
pub fn parse_with(s: &str, options: &DateOptions) -> Result<OffsetDateTime, DateError> {
    let s = s.trim();
    if s.is_empty() {
        return err("empty");
    }
    if let Some(t) = parse_unix(s) {
        return t;
    }
    let toks = tokenize(s);
    let now = options
        .now
        .and_then(|n| OffsetDateTime::from_unix_timestamp(n).ok());

    // Relative: "3 hours ago", "a minute ago", "just now".
    if toks.iter().any(|t| matches!(t, Tok::Word(w) if w == "ago"))
        || s.eq_ignore_ascii_case("just now")
        || s.eq_ignore_ascii_case("now")
    {
        let Some(now) = now else {
            return err("relative date without a current time");
        };
        let mut total = 0i64;
        let mut count: Option<i64> = None;
        for t in &toks {
            match t {
                Tok::Num(v, _) => count = Some(i64::try_from(*v).unwrap_or(i64::MAX)),
                Tok::Word(w) if w == "a" || w == "an" => count = Some(1),
                Tok::Word(w) => {
                    if let (Some(n), Some(unit)) = (count, unit_seconds(w)) {
                        total = total.saturating_add(n.saturating_mul(unit));
                        count = None;
                    }
                }
                Tok::Sep(_) => {}
            }
        }
        return now.checked_sub(Duration::seconds(total)).ok_or(DateError {
            reason: "relative date out of range",
        });
    }

    let mut nums: Vec<(u64, usize, Option<char>)> = Vec::new(); // value, digits, separator after
    let mut month: Option<Month> = None;
    let mut time: Option<(u8, u8, u8, u32)> = None;
    let mut pm: Option<bool> = None;
    let mut offset_min: Option<i32> = None;
    let mut relative_day: Option<i64> = None;
    let mut after_t = false;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Sep(sign @ ('+' | '-')) if time.is_some() && offset_min.is_none() => {
                let sign = if *sign == '-' { -1 } else { 1 };
                match (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3)) {
                    (Some(Tok::Num(h, 2)), Some(Tok::Sep(':')), Some(Tok::Num(m, 2)))
                        if *h <= 14 && *m < 60 =>
                    {
                        offset_min = Some(sign * (*h as i32 * 60 + *m as i32));
                        i += 4;
                        continue;
                    }
                    (Some(Tok::Num(v, 4)), _, _) if v / 100 <= 14 && v % 100 < 60 => {
                        offset_min = Some(sign * ((v / 100) as i32 * 60 + (v % 100) as i32));
                        i += 2;
                        continue;
                    }
                    (Some(Tok::Num(h, 1 | 2)), _, _)
                        if *h <= 14
                            && matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Word(_))) =>
                    {
                        // "GMT+1", "UTC-05"
                        offset_min = Some(sign * (*h as i32 * 60));
                        i += 2;
                        continue;
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                }
            }
            Tok::Num(h, hd)
                if *hd <= 2 && time.is_none() && matches!(toks.get(i + 1), Some(Tok::Sep(':'))) =>
            {
                let Some(Tok::Num(m, 2)) = toks.get(i + 2) else {
                    return err("incomplete time");
                };
                let mut j = i + 3;
                let mut sec = 0u64;
                let mut nanos = 0u32;
                if let (Some(Tok::Sep(':')), Some(Tok::Num(s, 2))) = (toks.get(j), toks.get(j + 1))
                {
                    sec = *s;
                    j += 2;
                    if let (Some(Tok::Sep('.' | ',')), Some(Tok::Num(f, fd))) =
                        (toks.get(j), toks.get(j + 1))
                        && (1..=9).contains(fd)
                    {
                        nanos = (*f * 10u64.pow(9 - *fd as u32)) as u32;
                        j += 2;
                    }
                }
                if *h > 24 || *m > 59 || sec > 60 {
                    return err("time out of range");
                }
                time = Some((*h as u8, *m as u8, sec.min(59) as u8, nanos));
                i = j;
                continue;
            }
            Tok::Num(v, 6) if after_t && time.is_none() => {
                time = Some((
                    (v / 10_000) as u8,
                    (v / 100 % 100) as u8,
                    (v % 100) as u8,
                    0,
                ));
            }
            Tok::Num(v, 8) if nums.is_empty() && month.is_none() => {
                nums.push((v / 10_000, 4, Some('-')));
                nums.push((v / 100 % 100, 2, Some('-')));
                nums.push((v % 100, 2, None));
            }
            Tok::Num(v, d) => {
                // Ordinal suffixes: "4th".
                if let Some(Tok::Word(w)) = toks.get(i + 1)
                    && matches!(w.as_str(), "st" | "nd" | "rd" | "th")
                {
                    i += 1;
                }
                let sep = match toks.get(i + 1) {
                    Some(Tok::Sep(c)) => Some(*c),
                    _ => None,
                };
                nums.push((*v, *d, sep));
            }
            Tok::Word(w) => {
                after_t = w == "t";
                match w.as_str() {
                    "am" | "a" if time.is_some() => pm = Some(false),
                    "pm" | "p" if time.is_some() => pm = Some(true),
                    "today" => relative_day = Some(0),
                    "yesterday" => relative_day = Some(-1),
                    "tomorrow" => relative_day = Some(1),
                    _ => {
                        if let Some(m) = month_of(w).filter(|_| month.is_none()) {
                            month = Some(m);
                        } else if let Some(z) = zone_of(w).filter(|_| offset_min.is_none()) {
                            offset_min = Some(z);
                        }
                        // Other words (day names, "at", "posted") are ignored.
                    }
                }
            }
            Tok::Sep(_) => {}
        }
        i += 1;
    }

    let offset = match offset_min {
        Some(m) => UtcOffset::from_whole_seconds(m * 60).map_err(|_| DateError {
            reason: "offset out of range",
        })?,
        None => options.offset,
    };

    let date = if let Some(rel) = relative_day {
        let Some(now) = now else {
            return err("relative date without a current time");
        };
        now.to_offset(offset).date() + Duration::days(rel)
    } else {
        let (y, m, d) = ymd(
            &nums,
            month,
            options,
            now.map(|n| n.to_offset(offset).year()),
        )?;
        Date::from_calendar_date(y, m, d).map_err(|_| DateError {
            reason: "no such day",
        })?
    };

    let (mut h, min, sec, nanos) = time.unwrap_or((0, 0, 0, 0));
    match pm {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        _ => {}
    }
    let (date, h) = if h == 24 {
        (date + Duration::days(1), 0)
    } else {
        (date, h)
    };
    let t = Time::from_hms_nano(h, min, sec, nanos).map_err(|_| DateError {
        reason: "time out of range",
    })?;
    Ok(PrimitiveDateTime::new(date, t).assume_offset(offset))
}

fn parse_unix(s: &str) -> Option<Result<OffsetDateTime, DateError>> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = int.strip_prefix('-').unwrap_or(int);
    if digits.len() < 9
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let v: i64 = int.parse().ok()?;
    // 12+ digits is milliseconds (seconds that large are past year 5000).
    let (secs, nanos) = if digits.len() >= 12 {
        (v.div_euclid(1000), v.rem_euclid(1000) * 1_000_000)
    } else {
        let f: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        (v, f.parse::<i64>().unwrap_or(0))
    };
    Some(
        OffsetDateTime::from_unix_timestamp(secs)
            .map(|t| t + Duration::nanoseconds(nanos))
            .map_err(|_| DateError {
                reason: "timestamp out of range",
            }),
    )
}

fn two_digit_year(v: u64) -> i32 {
    if v < 70 {
        2000 + v as i32
    } else {
        1900 + v as i32
    }
}

fn ymd(
    nums: &[(u64, usize, Option<char>)],
    month: Option<Month>,
    options: &DateOptions,
    this_year: Option<i32>,
) -> Result<(i32, Month, u8), DateError> {
    let day = |v: u64| -> Result<u8, DateError> {
        if (1..=31).contains(&v) {
            Ok(v as u8)
        } else {
            err("day out of range")
        }
    };
    if let Some(month) = month {
        // A month name: a 4-digit number is the year, a small one the day.
        let year_pos = nums.iter().position(|(_, d, _)| *d == 4);
        let year = match year_pos {
            Some(p) => Some(nums[p].0 as i32),
            None if nums.len() >= 2 && nums[1].1 == 2 => Some(two_digit_year(nums[1].0)),
            None => None,
        };
        let day_pos = nums
            .iter()
            .enumerate()
            .position(|(p, (_, d, _))| Some(p) != year_pos && *d <= 2)
            .ok_or(DateError { reason: "no day" })?;
        let year = year.or(this_year).ok_or(DateError { reason: "no year" })?;
        return Ok((year, month, day(nums[day_pos].0)?));
    }
    if nums.len() < 3 {
        return err("no date");
    }
    let (a, b, c) = (nums[0], nums[1], nums[2]);
    let month_num = |v: u64| -> Result<Month, DateError> {
        u8::try_from(v)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or(DateError {
                reason: "month out of range",
            })
    };
    if a.1 == 4 {
        return Ok((a.0 as i32, month_num(b.0)?, day(c.0)?));
    }
    let year = match c.1 {
        4 => c.0 as i32,
        2 => two_digit_year(c.0),
        _ => return err("no year"),
    };
    let day_first = if a.0 > 12 {
        true
    } else if b.0 > 12 {
        false
    } else {
        options.day_first.unwrap_or(a.2 == Some('.'))
    };
    if day_first {
        Ok((year, month_num(b.0)?, day(a.0)?))
    } else {
        Ok((year, month_num(a.0)?, day(b.0)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        to_rfc3339(s).unwrap_or_else(|| panic!("no parse: {s}"))
    }

    #[test]
    fn rfc_822_and_2822() {
        assert_eq!(r("Tue, 04 Mar 2025 10:15:00 +0000"), "2025-03-04T10:15:00Z");
        assert_eq!(r("Tue, 4 Mar 2025 10:15:00 GMT"), "2025-03-04T10:15:00Z");
        assert_eq!(r("04 Mar 2025 10:15 EST"), "2025-03-04T15:15:00Z");
        assert_eq!(r("Tue, 04 Mar 25 10:15:00 -0800"), "2025-03-04T18:15:00Z");
        assert_eq!(r("Sat, 07 Sep 2002 00:00:01 PDT"), "2002-09-07T07:00:01Z");
        assert_eq!(r("Mon, 31 Dec 1999 23:59:59 +0530"), "1999-12-31T18:29:59Z");
    }

    #[test]
    fn rfc_3339_and_iso_8601() {
        assert_eq!(r("2025-03-04T10:15:00Z"), "2025-03-04T10:15:00Z");
        assert_eq!(
            r("2025-03-04T10:15:00.123+01:00"),
            "2025-03-04T09:15:00.123Z"
        );
        assert_eq!(r("2025-03-04T10:15:00-0500"), "2025-03-04T15:15:00Z");
        assert_eq!(r("2025-03-04 10:15:00"), "2025-03-04T10:15:00Z");
        assert_eq!(r("2025-03-04T10:15Z"), "2025-03-04T10:15:00Z");
        assert_eq!(r("2025-03-04"), "2025-03-04T00:00:00Z");
        assert_eq!(r("20250304T101500Z"), "2025-03-04T10:15:00Z");
        assert_eq!(r("2025-03-04T10:15:00.000000Z"), "2025-03-04T10:15:00Z");
        assert_eq!(r("2025/03/04 10:15"), "2025-03-04T10:15:00Z");
    }

    #[test]
    fn unix_seconds_and_millis() {
        assert_eq!(r("1741083300"), "2025-03-04T10:15:00Z");
        assert_eq!(r("1741083300000"), "2025-03-04T10:15:00Z");
        assert_eq!(r("1741083300.5"), "2025-03-04T10:15:00.5Z");
        assert_eq!(from_unix(0).as_deref(), Some("1970-01-01T00:00:00Z"));
    }

    #[test]
    fn forum_forms() {
        // phpBB prosilver.
        assert_eq!(r("Tue Mar 04, 2025 10:15 am"), "2025-03-04T10:15:00Z");
        assert_eq!(r("» Tue Mar 04, 2025 12:05 pm"), "2025-03-04T12:05:00Z");
        assert_eq!(r("Tue Mar 04, 2025 12:05 am"), "2025-03-04T00:05:00Z");
        // XenForo.
        assert_eq!(r("Mar 4, 2025 at 10:15 PM"), "2025-03-04T22:15:00Z");
        // vBulletin (month first by default).
        assert_eq!(r("03-04-2025, 10:15 AM"), "2025-03-04T10:15:00Z");
        // Day over 12 decides the order.
        assert_eq!(r("24/03/2025 09:00"), "2025-03-24T09:00:00Z");
        // Dots are European: day first.
        assert_eq!(r("04.03.2025 10:15"), "2025-03-04T10:15:00Z");
        assert_eq!(r("March 4th, 2025, 10:15 p.m."), "2025-03-04T22:15:00Z");
        assert_eq!(r("4 March 2025"), "2025-03-04T00:00:00Z");
        // date(1) / Twitter style.
        assert_eq!(r("Wed Oct 10 20:19:24 +0000 2018"), "2018-10-10T20:19:24Z");
    }

    #[test]
    fn options_day_first_and_offset() {
        let o = DateOptions {
            day_first: Some(true),
            offset: UtcOffset::from_hms(1, 0, 0).unwrap(),
            now: None,
        };
        assert_eq!(
            to_rfc3339_with("03-04-2025, 10:15", &o).as_deref(),
            Some("2025-04-03T09:15:00Z")
        );
        // An explicit zone beats the default offset.
        assert_eq!(
            to_rfc3339_with("2025-03-04T10:15:00Z", &o).as_deref(),
            Some("2025-03-04T10:15:00Z")
        );
    }

    #[test]
    fn relative_forms_need_now() {
        let now = 1_741_083_300; // 2025-03-04T10:15:00Z
        let o = DateOptions {
            now: Some(now),
            ..DateOptions::default()
        };
        assert_eq!(
            to_rfc3339_with("Today at 08:30 AM", &o).as_deref(),
            Some("2025-03-04T08:30:00Z")
        );
        assert_eq!(
            to_rfc3339_with("Yesterday, 21:02", &o).as_deref(),
            Some("2025-03-03T21:02:00Z")
        );
        assert_eq!(
            to_rfc3339_with("3 hours ago", &o).as_deref(),
            Some("2025-03-04T07:15:00Z")
        );
        assert_eq!(
            to_rfc3339_with("a minute ago", &o).as_deref(),
            Some("2025-03-04T10:14:00Z")
        );
        assert_eq!(
            to_rfc3339_with("Mar 1 at 9:00 AM", &o).as_deref(),
            Some("2025-03-01T09:00:00Z")
        );
        assert!(parse("Yesterday, 21:02").is_err());
        assert!(parse("3 hours ago").is_err());
    }

    #[test]
    fn rejects_non_dates_without_quoting_them() {
        for bad in [
            "",
            "hello world",
            "2025-13-40",
            "31 Feb 2025",
            "10:15",
            "Feb 30, 2025 10:00",
            "99:99",
        ] {
            let e = parse(bad);
            assert!(e.is_err(), "{bad} parsed as {e:?}");
            if !bad.is_empty() {
                assert!(!e.unwrap_err().to_string().contains(bad));
            }
        }
    }
}
