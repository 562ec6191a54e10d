//! Illustrative names, colours and avatars.
//!
//! A persona is a composite, not a person, and the report must never look
//! as if it profiles someone real. So the name is an ordinary first name
//! drawn from a fixed list (no surnames), chosen by a seeded shuffle, and
//! the avatar is abstract geometry — concentric shapes in the persona's
//! colour with its initial — never a face or a photograph, and it carries
//! the words "illustrative avatar" in its accessible title. Renderers say
//! "illustrative" next to both.

/// Chart colours, distinguishable and readable on white (Okabe–Ito based).
pub(crate) const PALETTE: [&str; 8] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9", "#7b3294", "#5f6b73",
];

/// Everyday first names across genders and origins; fictional use only.
const NAMES: [&str; 32] = [
    "Maya", "Tom", "Priya", "Daniel", "Grace", "Omar", "Lena", "Sam", "Rosa", "Kwame", "Ingrid",
    "Leo", "Aisha", "Ben", "Mei", "Carlos", "Nora", "Ravi", "Elif", "Jonah", "Sofia", "Tariq",
    "Hannah", "Luis", "Amara", "Felix", "Yara", "Hugo", "Ines", "Kofi", "Zoe", "Arjun",
];

/// `count` distinct names, in a seeded order.
pub(crate) fn names(seed: u64, count: usize) -> Vec<String> {
    let mut idx: Vec<usize> = (0..NAMES.len()).collect();
    // Fisher–Yates on a SplitMix64 stream: tiny, fixed, dependency-free.
    let mut s = seed ^ 0x6e61_6d65_7321;
    let mut next = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..idx.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        idx.swap(i, j);
    }
    (0..count)
        .map(|i| {
            let base = NAMES[idx[i % NAMES.len()]];
            if i < NAMES.len() {
                base.to_string()
            } else {
                format!("{base} {}", i / NAMES.len() + 1)
            }
        })
        .collect()
}

pub(crate) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// An abstract avatar: a tinted tile, three nested shapes picked from the
/// persona index, and the name's initial. 96×96, self-contained.
pub(crate) fn svg(index: usize, name: &str, color: &str) -> String {
    let initial: String = name
        .chars()
        .next()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".into());
    let rot = (index * 37) % 90;
    let shape = |kind: usize, r: u32, opacity: &str| -> String {
        match kind % 3 {
            0 => format!(
                r#"<circle cx="48" cy="48" r="{r}" fill="{color}" fill-opacity="{opacity}"/>"#
            ),
            1 => format!(
                r#"<rect x="{x}" y="{x}" width="{w}" height="{w}" rx="6" fill="{color}" fill-opacity="{opacity}" transform="rotate({rot} 48 48)"/>"#,
                x = 48 - r,
                w = 2 * r
            ),
            _ => format!(
                r#"<polygon points="48,{t} {l},{b} {rr},{b}" fill="{color}" fill-opacity="{opacity}" transform="rotate({rot} 48 48)"/>"#,
                t = 48 - r,
                b = 48 + r * 2 / 3,
                l = 48 - r,
                rr = 48 + r
            ),
        }
    };
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96" role="img" aria-label="Illustrative avatar for {name}">"#,
            r#"<title>Illustrative avatar (abstract, not a real person)</title>"#,
            r#"<rect width="96" height="96" rx="18" fill="{color}" fill-opacity="0.12"/>"#,
            "{s1}{s2}{s3}",
            r##"<text x="48" y="58" text-anchor="middle" font-family="Georgia, serif" font-size="30" font-weight="700" fill="#ffffff">{initial}</text>"##,
            "</svg>"
        ),
        name = crate::render::escape(name),
        color = color,
        s1 = shape(index, 40, "0.25"),
        s2 = shape(index + 1, 30, "0.45"),
        s3 = shape(index + 2, 20, "0.95"),
        initial = crate::render::escape(&initial),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_seeded() {
        let a = names(1, 10);
        let b = names(1, 10);
        assert_eq!(a, b);
        let set: std::collections::BTreeSet<_> = a.iter().collect();
        assert_eq!(set.len(), 10);
        assert_ne!(names(2, 10), a);
        let many = names(3, 40);
        let set: std::collections::BTreeSet<_> = many.iter().collect();
        assert_eq!(set.len(), 40);
    }

    #[test]
    fn avatar_is_abstract_and_labelled() {
        let s = svg(0, "Maya", "#0072b2");
        assert!(s.starts_with("<svg"));
        assert!(s.contains("Illustrative avatar"));
        assert!(!s.contains("<image"));
        assert!(s.contains(">M</text>"));
    }
}
