//! NameIDs (URL slugs) generated from display names, the reference's way: transliterate accented
//! letters, keep `a-z`, `0-9` and `-`, lower-case, pad short results with random characters to
//! 5, cut at 25; a taken result gets `-1`, `-2`, … appended.

use unicode_normalization::UnicodeNormalization;

/// Shortest generated NameID before padding.
pub const GENERATED_MIN_LENGTH: usize = 5;
/// Longest generated NameID before a de-duplication suffix.
pub const GENERATED_MAX_LENGTH: usize = 25;

const PAD_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "s",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'đ' | 'Đ' => "d",
        'ł' | 'Ł' => "l",
        'þ' | 'Þ' => "th",
        _ => return None,
    })
}

/// The NameID the reference would generate from `base`, before de-duplication.
pub fn generate(base: &str) -> String {
    let mut folded = String::with_capacity(base.len());
    for c in base.chars() {
        match transliterate(c) {
            Some(s) => folded.push_str(s),
            None => folded.extend(
                c.to_string()
                    .nfd()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-'),
            ),
        }
    }
    let mut name: String = folded.to_ascii_lowercase();
    while name.len() < GENERATED_MIN_LENGTH {
        let i = uuid::Uuid::new_v4().as_bytes()[0] as usize % PAD_CHARS.len();
        name.push(PAD_CHARS[i] as char);
    }
    name.truncate(GENERATED_MAX_LENGTH);
    name
}

/// `generate(base)`, with the first free `-N` suffix when the result is taken.
pub fn generate_unique(base: &str, is_taken: impl Fn(&str) -> bool) -> String {
    let guess = generate(base);
    if !is_taken(&guess) {
        return guess;
    }
    (1u32..)
        .map(|n| format!("{guess}-{n}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or(guess)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_reference_examples() {
        assert_eq!(generate("ExampleName"), "examplename");
        assert_eq!(generate("name@123!"), "name123");
        assert_eq!(generate("crème brûlée"), "cremebrulee");
        assert_eq!(generate("äöüß-"), "aous-");
        assert_eq!(generate("straße"), "strase");
        assert_eq!(generate("admin-alkemio"), "admin-alkemio");
        assert_eq!(generate(&"x".repeat(40)).len(), 25);
        let padded = generate("1");
        assert_eq!(padded.len(), 5);
        assert!(padded.starts_with('1'));
    }

    #[test]
    fn taken_names_get_a_numeric_suffix() {
        let taken = ["admin-alkemio", "admin-alkemio-1"];
        assert_eq!(
            generate_unique("admin-alkemio", |n| taken.contains(&n)),
            "admin-alkemio-2"
        );
    }
}
